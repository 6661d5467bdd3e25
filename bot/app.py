"""The composition root: the only module that knows every part and wires them together."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.engine import Database, create_engine
from bot.db.fsm_storage import SqlStorage
from bot.db.migrate import upgrade_to_head
from bot.delivery.runtime import SEND_TIMEOUT_SECONDS, SESSION_CONNECTIONS, Delivery
from bot.handlers import build_routers
from bot.handlers.access import notices as access_notices
from bot.handlers.broadcasts.keyboards import cancel_broadcast_keyboard
from bot.handlers.forum_admin import notices as forum_admin_notices
from bot.handlers.forums import notices as forums_notices
from bot.handlers.linking import notices as linking_notices
from bot.handlers.menu import publish_menus
from bot.handlers.middlewares import (
    HandlerBoundary,
    InFlight,
    UpdateLogMiddleware,
    UserLocaleMiddleware,
    UserMiddleware,
)
from bot.handlers.profile import notices as profile_notices
from bot.handlers.proposals import notices as proposals_notices
from bot.i18n import create_i18n
from bot.services.access import AccessService
from bot.services.broadcast_runs import BroadcastRuns
from bot.services.broadcasts import BroadcastService
from bot.services.forum_admin import ForumAdminService
from bot.services.forums import ForumService
from bot.services.linking import LinkingService
from bot.services.members_admin import MembersAdminService
from bot.services.outbox import OutboxService
from bot.services.privacy import PrivacyService
from bot.services.profile import ProfileService
from bot.services.proposal_drafts import ProposalDraftService
from bot.services.proposals import ProposalService
from bot.services.reminders import ReminderService
from bot.services.users import UserService
from bot.telegram_session import create_sender_session, create_session

log = logging.getLogger("bot.app")
SHUTDOWN_GRACE_SECONDS = 10.0


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
    proposal_drafts: ProposalDraftService
    forums: ForumService
    forum_admin: ForumAdminService
    outbox: OutboxService
    broadcasts: BroadcastService
    broadcast_runs: BroadcastRuns
    reminders: ReminderService

    @classmethod
    def build(cls, database: Database, settings: Settings) -> Services:
        """Every service over one database."""
        outbox = OutboxService(database)
        bell = outbox.bell
        access = AccessService(database, settings.admins, outbox_bell=bell)
        users = UserService(database)
        default_language = settings.org.default_language
        return cls(
            users=users,
            access=access,
            linking=LinkingService(database, access, outbox_bell=bell),
            profile=ProfileService(database, access, outbox_bell=bell),
            members=MembersAdminService(database, access),
            privacy=PrivacyService(database, users),
            proposals=ProposalService(database, access, outbox_bell=bell),
            proposal_drafts=ProposalDraftService(
                database,
                access,
                topics=settings.proposals.topics,
                tz=settings.org.tz,
                outbox_bell=bell,
            ),
            forums=ForumService(database, outbox_bell=bell),
            forum_admin=ForumAdminService(database, access, outbox_bell=bell),
            outbox=outbox,
            broadcasts=BroadcastService(database, access, default_language=default_language),
            broadcast_runs=BroadcastRuns(database, outbox_bell=bell),
            reminders=ReminderService(
                database,
                offsets_hours=settings.reminders.offsets_hours,
                default_language=default_language,
                outbox_bell=bell,
            ),
        )


class Application:
    """Everything `ppo-bot run` runs: database, bot, dispatcher, polling."""

    def __init__(self, settings: Settings, *, polling_timeout: int = 10) -> None:
        if settings.telegram.token is None:
            msg = "telegram.token is not set"
            raise ValueError(msg)
        self.settings = settings
        self.database = Database(create_engine(settings.database.url))
        self.i18n: I18n = create_i18n(settings.org.default_language)
        self.services = Services.build(self.database, settings)
        token = settings.telegram.token.get_secret_value()
        html = DefaultBotProperties(parse_mode=ParseMode.HTML)
        self.bot = Bot(token, create_session(settings.telegram.api_base), html)
        # The sender's own Bot: no retrying middleware, the sender decides about every retry.
        sender_session = create_sender_session(
            settings.telegram.api_base, limit=SESSION_CONNECTIONS, timeout=SEND_TIMEOUT_SECONDS
        )
        self.sender_bot = Bot(token, sender_session, html)
        self.delivery = Delivery(
            settings,
            bot=self.sender_bot,
            outbox=self.services.outbox,
            broadcasts=self.services.broadcasts,
            runs=self.services.broadcast_runs,
            reminders=self.services.reminders,
            users=self.services.users,
            i18n=self.i18n,
            cancel_keyboard=cancel_broadcast_keyboard,
        )
        for feature in (
            access_notices,
            forums_notices,
            forum_admin_notices,
            linking_notices,
            profile_notices,
            proposals_notices,
        ):
            self.delivery.notices.register(feature.RENDERERS)
        self.in_flight = InFlight()
        self.dispatcher = self._build_dispatcher()
        self._polling_timeout = polling_timeout

    def _storage(self) -> tuple[BaseStorage, BaseEventIsolation]:
        """The FSM storage, and the lock that handles one person's updates one at a time."""
        if self.settings.redis.url:
            # redis-py costs ~6 MB resident: loaded only when configured.
            from aiogram.fsm.storage.redis import RedisStorage

            redis = RedisStorage.from_url(
                self.settings.redis.url,
                key_builder=DefaultKeyBuilder(with_bot_id=True, with_destiny=True),
            )
            # A lock in Redis holds across processes (webhook workers, several bots).
            return redis, redis.create_isolation()
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
            events_isolation=isolation,
            disable_fsm=True,
            settings=self.settings,
            **{name: getattr(self.services, name) for name in Services.__dataclass_fields__},
        )
        dispatcher.update.outer_middleware(UpdateLogMiddleware(self.i18n, self.in_flight))
        dispatcher.update.outer_middleware(dispatcher.fsm)
        dispatcher.update.outer_middleware(
            UserMiddleware(self.services.users, self.settings.org.default_language)
        )
        UserLocaleMiddleware(self.i18n).setup(dispatcher)
        boundary = HandlerBoundary()
        for observer in (dispatcher.message, dispatcher.callback_query):
            observer.middleware(boundary)
        dispatcher.include_routers(*build_routers())
        dispatcher.startup.register(self._on_startup)
        dispatcher.shutdown.register(self._on_shutdown)
        return dispatcher

    async def _on_startup(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)
        await publish_menus(self.bot, self.i18n)
        me = await self.bot.get_me()
        await self.delivery.start()
        log.info("bot @%s is up, polling %s", me.username, self.settings.telegram.api_base)

    async def _on_shutdown(self) -> None:
        await self.in_flight.drain(SHUTDOWN_GRACE_SECONDS)
        if self.in_flight.last_update_id is not None:
            # aiogram confirms an update only with the next getUpdates; without this the
            # last batch would be delivered, and handled, again after a restart.
            await self.bot.get_updates(offset=self.in_flight.last_update_id + 1, limit=1)
        await self.delivery.stop(SHUTDOWN_GRACE_SECONDS)
        await self.sender_bot.session.close()
        await self.database.close()
        log.info("stopped cleanly")

    async def run(self, *, handle_signals: bool = True) -> None:
        """Migrate, then poll until stopped (SIGINT/SIGTERM, or `stop`)."""
        await upgrade_to_head(self.database.engine)
        await self.dispatcher.start_polling(
            self.bot,
            handle_signals=handle_signals,
            polling_timeout=self._polling_timeout,
        )

    async def stop(self) -> None:
        """Stop polling; the updates in hand are finished first."""
        await self.dispatcher.stop_polling()
