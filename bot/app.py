"""The composition root: the only module that knows every part and wires them together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import Update
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.engine import Database, connection_problem, create_engine, database_location
from bot.db.fsm_storage import SqlStorage
from bot.db.migrate import upgrade_to_head
from bot.delivery.runtime import SEND_TIMEOUT_SECONDS, SESSION_CONNECTIONS, Delivery
from bot.handlers import build_routers
from bot.handlers.access import notices as access_notices
from bot.handlers.broadcasts import notices as broadcasts_notices
from bot.handlers.broadcasts.keyboards import cancel_broadcast_keyboard
from bot.handlers.certificates import notices as certificates_notices
from bot.handlers.feedback import notices as feedback_notices
from bot.handlers.filters import guard_by_button_prefix, run_filters_inline
from bot.handlers.forum_admin import notices as forum_admin_notices
from bot.handlers.forums import notices as forums_notices
from bot.handlers.forums.callbacks import answered_at_once
from bot.handlers.interrupt import CommandWins
from bot.handlers.linking import notices as linking_notices
from bot.handlers.menu import Menus, publish_menus
from bot.handlers.middlewares import (
    HandlerBoundary,
    InFlight,
    PressFirst,
    TimedIsolation,
    UpdateLogMiddleware,
    UserLocaleMiddleware,
    UserMiddleware,
)
from bot.handlers.profile import notices as profile_notices
from bot.handlers.proposals import notices as proposals_notices
from bot.i18n import create_i18n
from bot.press_desk import DeskPolling, PressDesk
from bot.services.access import AccessService
from bot.services.attendance import AttendanceService
from bot.services.broadcast_approvals import BroadcastApprovalService
from bot.services.broadcast_runs import BroadcastRuns
from bot.services.broadcasts import BroadcastService
from bot.services.calendar import CalendarService
from bot.services.certificates import CertificateService
from bot.services.feedback import FeedbackService
from bot.services.forum_admin import ForumAdminService
from bot.services.forums import ForumService, OfferRules
from bot.services.linking import LinkingService
from bot.services.members_admin import MembersAdminService
from bot.services.operations import OperationsService, SqlUpdateLedger, UpdateLedger
from bot.services.outbox import OutboxService
from bot.services.privacy import PrivacyService
from bot.services.profile import ProfileService
from bot.services.proposal_decisions import ProposalDecisionService
from bot.services.proposal_drafts import ProposalDraftService
from bot.services.proposal_merge import ProposalMergeService
from bot.services.proposals import ProposalService
from bot.services.reminders import ReminderService
from bot.services.seat_offers import SeatOfferService
from bot.services.similar_proposals import SimilarProposals
from bot.services.stats import StatsService
from bot.services.still_coming import ComingRules, StillComingService
from bot.services.users import UserService
from bot.telegram_session import create_sender_session, create_session

if TYPE_CHECKING:
    from aiohttp import web
    from redis.asyncio import Redis

    from bot.server.invalidation import UserChanges

log = logging.getLogger("bot.app")
SHUTDOWN_GRACE_SECONDS = 10.0
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0


class TokenRefusedError(Exception):
    """Telegram answered 401 to getMe: the token is wrong or revoked."""


def _retry_delays() -> Iterator[float]:
    delay = FIRST_RETRY_SECONDS
    while True:
        yield delay
        delay = min(delay * 2, MAX_RETRY_SECONDS)


@dataclass(frozen=True)
class Services:
    """Every service, handed to handlers by parameter name."""

    users: UserService
    access: AccessService
    linking: LinkingService
    profile: ProfileService
    members: MembersAdminService
    privacy: PrivacyService
    proposals: ProposalService
    proposal_decisions: ProposalDecisionService
    proposal_drafts: ProposalDraftService
    proposal_merge: ProposalMergeService
    forums: ForumService
    forum_admin: ForumAdminService
    attendance: AttendanceService
    calendar: CalendarService
    outbox: OutboxService
    broadcasts: BroadcastService
    broadcast_approvals: BroadcastApprovalService
    broadcast_runs: BroadcastRuns
    reminders: ReminderService
    certificates: CertificateService
    feedback: FeedbackService
    stats: StatsService
    operations: OperationsService
    seat_offers: SeatOfferService
    still_coming: StillComingService

    @classmethod
    def build(cls, database: Database, settings: Settings) -> Services:
        """Every service over one database."""
        outbox = OutboxService(database)
        bell = outbox.bell
        access = AccessService(database, admins=settings.admins, outbox_bell=bell)
        # Several processes without Redis cannot tell each other of a change: no user cache.
        alone = settings.telegram.mode == "polling" or settings.redis.url is not None
        users = UserService(database, cache_seconds=60 if alone else 0)
        default_language = settings.org.default_language
        key = settings.identity.account_hash_key
        hash_key = key.get_secret_value() if key is not None else None
        offer_rules = OfferRules(
            offer_for=timedelta(hours=settings.forums.offer_hours),
            trainings=settings.forums.training_offers,
        )
        similar = SimilarProposals()  # one index of proposals' texts for the process
        broadcasts = BroadcastService(
            database,
            access=access,
            default_language=default_language,
            approval_threshold=settings.delivery.approval_threshold,
            outbox_bell=bell,
        )
        margin = timedelta(hours=settings.forums.check_in_margin_hours)
        return cls(
            users=users,
            access=access,
            linking=LinkingService(
                database, access=access, account_hash_key=hash_key, outbox_bell=bell
            ),
            profile=ProfileService(database, access=access, outbox_bell=bell),
            members=MembersAdminService(database, access=access),
            privacy=PrivacyService(
                database, users=users, offer_rules=offer_rules, outbox_bell=bell
            ),
            proposals=ProposalService(database, access=access, quotas=settings.proposals.quota_of),
            proposal_decisions=ProposalDecisionService(
                database,
                access=access,
                quotas=settings.proposals.quota_of,
                outbox_bell=bell,
            ),
            proposal_drafts=ProposalDraftService(
                database,
                access=access,
                topics=settings.proposals.topics,
                tz=settings.org.tz,
                outbox_bell=bell,
                similar=similar,
            ),
            proposal_merge=ProposalMergeService(
                database, access=access, similar=similar, outbox_bell=bell
            ),
            forums=ForumService(database, offer_rules=offer_rules, outbox_bell=bell),
            forum_admin=ForumAdminService(
                database,
                access=access,
                check_in_margin=margin,
                offer_rules=offer_rules,
                outbox_bell=bell,
            ),
            attendance=AttendanceService(
                database,
                access=access,
                tz=settings.org.tz,
                check_in_margin=margin,
                outbox_bell=bell,
            ),
            calendar=CalendarService(
                database,
                tz=settings.org.tz,
                default_language=default_language,
                domain=settings.org.domain,
            ),
            outbox=outbox,
            broadcasts=broadcasts,
            broadcast_approvals=BroadcastApprovalService(
                database, access=access, outbox_bell=bell, due_bell=broadcasts.bell
            ),
            broadcast_runs=BroadcastRuns(database, outbox_bell=bell),
            reminders=ReminderService(
                database,
                offsets_hours=settings.reminders.offsets_hours,
                default_language=default_language,
                outbox_bell=bell,
            ),
            certificates=CertificateService(database, outbox_bell=bell),
            feedback=FeedbackService(database, access=access),
            stats=StatsService(database, access=access, tz=settings.org.tz),
            operations=OperationsService(database),
            seat_offers=SeatOfferService(database, rules=offer_rules, outbox_bell=bell),
            still_coming=StillComingService(
                database,
                access=access,
                rules=ComingRules(
                    ask_before=timedelta(hours=settings.forums.confirm_hours_before),
                    release_silent=settings.forums.release_silent,
                ),
                offer_rules=offer_rules,
                outbox_bell=bell,
            ),
        )


class Application:
    """Everything `ppo-bot run` runs: database, bot, dispatcher, polling or the webhook."""

    def __init__(self, settings: Settings, *, polling_timeout: int = 10) -> None:
        if settings.telegram.token is None:
            msg = "telegram.token is not set"
            raise ValueError(msg)
        self.settings = settings
        self.database = Database(
            create_engine(settings.database.url, pool_size=settings.database.pool_size)
        )
        self.redis: Redis | None = None
        if settings.redis.url:
            # redis-py costs ~6 MB resident: loaded only when configured.
            from redis.asyncio import Redis

            self.redis = Redis.from_url(settings.redis.url)
        self.i18n: I18n = create_i18n(settings.org.default_language)
        self.services = Services.build(self.database, settings)
        token = settings.telegram.token.get_secret_value()
        html = DefaultBotProperties(parse_mode=ParseMode.HTML)
        self.bot = Bot(token, create_session(settings.telegram.api_base), html)
        # Polling: updates are taken, and Register's presses answered, on a thread of their own.
        self.press_desk: PressDesk | None = None
        self._desk_polling: DeskPolling | None = None
        if settings.telegram.mode == "polling":
            self.press_desk = PressDesk(
                token=token, api_base=settings.telegram.api_base, at_once=answered_at_once
            )
            self._desk_polling = DeskPolling(self.press_desk)
            self.bot.session.middleware(self._desk_polling)
        # The sender's own Bot: no retrying middleware, the sender decides about every retry.
        sender_session = create_sender_session(
            settings.telegram.api_base, limit=SESSION_CONNECTIONS, timeout=SEND_TIMEOUT_SECONDS
        )
        self.sender_bot = Bot(token, sender_session, html)
        self.menus = Menus(
            self.i18n,
            users=self.services.users,
            access=self.services.access,
            linking=self.services.linking,
        )
        self.delivery = Delivery(
            settings,
            bot=self.sender_bot,
            outbox=self.services.outbox,
            broadcasts=self.services.broadcasts,
            runs=self.services.broadcast_runs,
            reminders=self.services.reminders,
            certificates=self.services.certificates,
            users=self.services.users,
            i18n=self.i18n,
            cancel_keyboard=cancel_broadcast_keyboard,
            operations=self.services.operations,
        )
        for feature in (
            access_notices,
            broadcasts_notices,
            certificates_notices,
            feedback_notices,
            forums_notices,
            forum_admin_notices,
            linking_notices,
            profile_notices,
            proposals_notices,
        ):
            self.delivery.notices.register(feature.RENDERERS)
        self.delivery.notices.register(forums_notices.timed_renderers(settings.org.tz))
        self.delivery.schedule("offers", self.services.seat_offers.lapse)
        self.delivery.schedule("approvals", self.services.broadcast_approvals.expire)
        self.delivery.schedule("still-coming", self.services.still_coming.tick)
        self.delivery.notices.register_documents(
            certificates_notices.document_renderers(settings.org.name.get, settings.org.tz)
        )
        self.in_flight = InFlight()
        self._user_changes: UserChanges | None = None
        if self.redis is not None:
            from bot.server.invalidation import UserChanges

            self._user_changes = UserChanges(self.redis, self.bot.id, self.services.users)
        self.dispatcher = self._build_dispatcher()
        self._polling_timeout = polling_timeout
        self.webhook = settings.telegram.mode == "webhook"
        self.ready = asyncio.Event()  # set once updates are being taken (polled or served)
        self._stop_serving = asyncio.Event()

    def _storage(self) -> tuple[BaseStorage, BaseEventIsolation]:
        """The FSM storage, and the lock that handles one person's updates one at a time."""
        if self.redis is not None:
            from aiogram.fsm.storage.redis import RedisStorage

            from bot.server.isolation import KeptRedisIsolation

            key_builder = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)
            redis = RedisStorage(self.redis, key_builder=key_builder)
            # A lock in Redis holds across processes (webhook workers, several bots); kept
            # while its update runs, it frees the chat of a process that died within seconds.
            return redis, KeptRedisIsolation(self.redis, key_builder)
        # One bot on SQLite is the table's only writer; several (PostgreSQL) share it.
        storage = SqlStorage(self.database, sole_writer=self.database.dialect == "sqlite")
        return storage, SimpleEventIsolation()

    def _build_dispatcher(self) -> Dispatcher:
        # disable_fsm only defers the FSM middleware: it is registered below, inside the update
        # log, so that a failing storage still ends in an apology and a logged reference.
        storage, isolation = self._storage()
        # The isolation lock is taken by the FSM middleware: one person's updates (per chat) run
        # one at a time, in the order they came, so two quick messages are two steps.
        dispatcher = Dispatcher(
            storage=storage,
            events_isolation=TimedIsolation(isolation),
            disable_fsm=True,
            settings=self.settings,
            menus=self.menus,
            **{name: getattr(self.services, name) for name in Services.__dataclass_fields__},
        )
        dispatcher.update.outer_middleware(UpdateLogMiddleware(self.i18n, self.in_flight))
        dispatcher.update.outer_middleware(dispatcher.fsm)
        dispatcher.update.outer_middleware(
            UserMiddleware(self.services.users, self.settings.org.default_language)
        )
        UserLocaleMiddleware(self.i18n).setup(dispatcher)
        command_wins = CommandWins()  # inside the locale: it speaks
        dispatcher.message.outer_middleware(command_wins)
        dispatcher.callback_query.outer_middleware(command_wins)
        # Register's press is answered before routing, ahead of the work of other presses.
        dispatcher.callback_query.outer_middleware(
            PressFirst(answered_at_once, desk=self.press_desk)
        )
        boundary = HandlerBoundary()
        for observer in (dispatcher.message, dispatcher.callback_query):
            observer.middleware(boundary)
        dispatcher.include_routers(*build_routers())
        guard_by_button_prefix(dispatcher.sub_routers)
        run_filters_inline([dispatcher])
        dispatcher.startup.register(self._on_startup)
        # aiogram closes the FSM storage (and the Redis client it shares) first on shutdown;
        # ours closes it last, after the updates in hand and the sender have finished.
        dispatcher.shutdown.handlers = [
            handler
            for handler in dispatcher.shutdown.handlers
            if handler.callback != dispatcher.fsm.close
        ]
        dispatcher.shutdown.register(self._on_shutdown)
        return dispatcher

    async def _on_startup(self) -> None:
        me = await self.bot.me()  # asked once, in wait_for_telegram; aiogram's polling reuses it
        if not self.webhook:
            await self.bot.delete_webhook(drop_pending_updates=False)
        await publish_menus(self.bot, self.i18n)
        if self._user_changes is not None:
            await self._user_changes.start()
        if self.settings.delivery.enabled:
            await self.delivery.start()
        else:
            log.warning("delivery is disabled: this process queues messages but sends none")
        if not self.webhook:
            self.ready.set()
            log.info("bot @%s is up, polling %s", me.username, self.settings.telegram.api_base)

    async def _on_shutdown(self) -> None:
        await self._stop_desk()
        await self.in_flight.drain(SHUTDOWN_GRACE_SECONDS)
        if not self.webhook and self.in_flight.last_update_id is not None:
            # aiogram confirms an update only with the next getUpdates; without this the
            # last batch would be delivered, and handled, again after a restart.
            try:
                await self.bot.get_updates(offset=self.in_flight.last_update_id + 1, limit=1)
            except TelegramAPIError as error:  # the network went first: stop all the same
                log.warning(
                    "could not confirm the last updates to Telegram (%s): "
                    "the last batch, up to update %d, comes again after a restart",
                    type(error).__name__,
                    self.in_flight.last_update_id,
                )
        await self.delivery.stop(SHUTDOWN_GRACE_SECONDS)
        await self.sender_bot.session.close()
        if self._user_changes is not None:
            await self._user_changes.stop()
        await self.dispatcher.fsm.close()  # the storage and its Redis client
        await self.database.close()
        log.info("stopped cleanly")

    async def _stop_desk(self) -> None:
        """Stop taking updates; those the desk took but aiogram did not are handled now."""
        if self.press_desk is None or self._desk_polling is None:
            return
        leftovers = await self.press_desk.stop()
        self._desk_polling.stop()
        for raw in leftovers:
            update = Update.model_validate(raw, context={"bot": self.bot})
            task = asyncio.create_task(self.dispatcher.feed_update(self.bot, update))
            self.in_flight.tasks.add(task)
            task.add_done_callback(self.in_flight.tasks.discard)

    async def _close_unstarted(self) -> None:
        """Release what the constructor opened, when the bot never got to start."""
        await self.bot.session.close()
        await self.sender_bot.session.close()
        await self.database.close()
        if self.redis is not None:
            await self.redis.aclose()

    async def wait_for_database(self) -> None:
        """Until the database answers: one line per failed try, with a growing pause."""
        where = database_location(self.settings.database.url)
        for delay in _retry_delays():
            try:
                await self.services.operations.ping()
                return
            except Exception as error:
                reason = connection_problem(error)
                if reason is None:
                    raise
                log.warning(
                    "database unreachable at %s (%s); retrying in %.0f s", where, reason, delay
                )
            await asyncio.sleep(delay)

    async def wait_for_telegram(self) -> None:
        """Until the Bot API answers getMe; TokenRefusedError if it refuses the token."""
        where = self.settings.telegram.api_base
        for delay in _retry_delays():
            try:
                await self.bot.me()  # kept by the Bot for the start-up and the polling
                return
            except TelegramUnauthorizedError:
                raise TokenRefusedError from None
            except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as error:
                reason = str(error).splitlines()[0]
                log.warning(
                    "Telegram Bot API unreachable at %s (%s); retrying in %.0f s",
                    where,
                    reason,
                    delay,
                )
            await asyncio.sleep(delay)

    async def run(self, *, handle_signals: bool = True) -> None:
        """Migrate, then take updates until stopped (SIGINT/SIGTERM, or `stop`)."""
        try:
            await self.wait_for_database()
            await upgrade_to_head(self.database.engine)
            await self.wait_for_telegram()
        except BaseException:
            await self._close_unstarted()
            raise
        if self.webhook:
            await self._serve_webhook(handle_signals=handle_signals)
            return
        runner = await self._listen(self._web_app()) if self.settings.http.listen else None
        try:
            await self.dispatcher.start_polling(
                self.bot,
                handle_signals=handle_signals,
                polling_timeout=self._polling_timeout,
            )
        finally:
            if runner is not None:
                await runner.cleanup()

    async def stop(self) -> None:
        """Stop taking updates; the updates in hand are finished first."""
        if self.webhook:
            self._stop_serving.set()
        else:
            await self.dispatcher.stop_polling()

    # --- HTTP: the webhook, /healthz, /metrics ----------------------------------------------

    def ledger(self) -> UpdateLedger:
        """Where webhook updates in hand and handled are kept: Redis, else the database."""
        in_hand = self.settings.webhook.in_hand_seconds
        if self.redis is not None:
            from bot.server.ledger import RedisUpdateLedger

            return RedisUpdateLedger(self.redis, self.bot.id, in_hand_seconds=in_hand)
        return SqlUpdateLedger(self.database, in_hand_seconds=in_hand)

    def _web_app(self) -> web.Application:
        from bot.server.health import Health
        from bot.server.http import build_web_app

        return build_web_app(
            health=Health(self.services.operations, self.settings.redis.url, self.bot),
            operations=self.services.operations,
            max_body_bytes=self.settings.webhook.max_body_bytes,
        )

    async def _listen(self, app: web.Application) -> web.AppRunner:
        from aiohttp import web

        runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_GRACE_SECONDS
        )
        await runner.setup()  # with the webhook: the dispatcher's startup
        host, port = self.settings.http.address
        try:
            await web.TCPSite(runner, host, port, backlog=1024).start()
        except BaseException:
            await runner.cleanup()
            raise
        log.info("listening on %s:%d", host, port)
        return runner

    async def _serve_webhook(self, *, handle_signals: bool) -> None:
        from bot.server.http import serve_webhook

        webhook = self.settings.webhook
        assert webhook.url is not None
        assert webhook.secret_token is not None
        app = self._web_app()
        serve_webhook(
            app,
            self.dispatcher,
            self.bot,
            self.ledger(),
            path=webhook.path,
            secret_token=webhook.secret_token.get_secret_value(),
        )
        loop = asyncio.get_running_loop()
        if handle_signals:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, self._stop_serving.set)
        try:
            runner = await self._listen(app)
            try:
                # Every process sets the same webhook; a stopping one never deletes it, so
                # the others keep serving.
                await self.bot.set_webhook(
                    webhook.url,
                    secret_token=webhook.secret_token.get_secret_value(),
                    allowed_updates=self.dispatcher.resolve_used_update_types(),
                    max_connections=webhook.max_connections,
                    drop_pending_updates=False,
                )
                self.ready.set()
                log.info("serving the webhook %s", webhook.url)
                await self._stop_serving.wait()
            finally:
                await runner.cleanup()  # stops listening, then the dispatcher's shutdown
        finally:
            if handle_signals:
                for signum in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(signum)
            with contextlib.suppress(Exception):
                await self.bot.session.close()


@asynccontextmanager
async def migrated_database(settings: Settings) -> AsyncIterator[Database]:
    """The configured database, migrated to the newest schema; closed on exit."""
    database = Database(create_engine(settings.database.url))
    try:
        await upgrade_to_head(database.engine)
        yield database
    finally:
        await database.close()


@asynccontextmanager
async def services_without_bot(settings: Settings) -> AsyncIterator[Services]:
    """Every service over the migrated database, for command-line work (no bot, no polling)."""
    async with migrated_database(settings) as database:
        yield Services.build(database, settings)
