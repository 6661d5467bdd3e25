"""The aiohttp application of one process: aiogram's webhook handler, /healthz, /metrics."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.metrics import DUPLICATES, OUTBOX_DEPTH, REGISTRY
from bot.server.health import Health
from bot.services.operations import Claim, OperationsService, UpdateLedger

log = logging.getLogger("bot.webhook")
REDELIVER_AFTER_SECONDS = 1


class OnceRequestHandler(SimpleRequestHandler):
    """aiogram's webhook handler; an update delivered twice is handled once.

    The answer comes after the update is handled, so an update whose process dies midway is
    delivered again (to another process) rather than lost.
    """

    def __init__(
        self, dispatcher: Dispatcher, bot: Bot, ledger: UpdateLedger, *, secret_token: str
    ) -> None:
        super().__init__(dispatcher, bot, handle_in_background=False, secret_token=secret_token)
        self._ledger = ledger

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        try:
            update: Any = await request.json(loads=bot.session.json_loads)
        except ValueError:
            return web.Response(status=400, text="not JSON")
        update_id = update.get("update_id") if isinstance(update, dict) else None
        if not isinstance(update_id, int):
            return web.Response(status=400, text="no update_id")
        claim = await self._ledger.claim(update_id)
        if claim is Claim.DONE:
            DUPLICATES.labels("handled").inc()
            log.info("update %d was handled already", update_id)
            return web.json_response({})
        if claim is Claim.BUSY:
            DUPLICATES.labels("in_hand").inc()
            log.info("update %d is in hand elsewhere; asked for a redelivery", update_id)
            return web.Response(
                status=503, headers={"Retry-After": str(REDELIVER_AFTER_SECONDS)}, text="busy"
            )
        try:
            result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
                bot, update, **self.data
            )
        except BaseException:
            await self._ledger.release(update_id)
            raise
        await self._ledger.finish(update_id)
        return web.Response(body=self._build_response_writer(bot=bot, result=result))

    async def close(self) -> None:
        """The bot's session is the application's to close."""


def build_web_app(
    *,
    health: Health,
    operations: OperationsService,
    max_body_bytes: int,
) -> web.Application:
    """/healthz and /metrics; `serve_webhook` adds the webhook."""
    app = web.Application(client_max_size=max_body_bytes)

    async def healthz(_request: web.Request) -> web.Response:
        healthy, parts = await health.check()
        return web.json_response(parts, status=200 if healthy else 503)

    async def metrics(_request: web.Request) -> web.Response:
        try:
            OUTBOX_DEPTH.set(await operations.outbox_depth())
        except Exception:  # the database is away: /healthz says so; metrics still answer
            log.warning("could not read the outbox depth for /metrics")
        return web.Response(
            body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    async def close_health(_app: web.Application) -> None:
        await health.close()

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.on_cleanup.append(close_health)
    return app


def serve_webhook(
    app: web.Application,
    dispatcher: Dispatcher,
    bot: Bot,
    ledger: UpdateLedger,
    *,
    path: str,
    secret_token: str,
) -> None:
    """Route `path` to aiogram's webhook handler; the dispatcher starts and stops with `app`."""
    setup_application(app, dispatcher, bot=bot)
    OnceRequestHandler(dispatcher, bot, ledger, secret_token=secret_token).register(app, path=path)
