"""Logging: one format; no secrets and no personal data (IIN- and phone-like digits) in clear."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.domain.masking import mask_personal_data, mask_secrets


class PersonalDataFilter(logging.Filter):
    """Masks the message, its arguments, any traceback and stack of every record.

    `secrets` (the bot token and its secret half, the webhook secret, passwords) are replaced
    wherever they appear, before the digit runs of personal data.
    """

    def __init__(self, secrets: Sequence[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted(set(secrets), key=len, reverse=True)

    def _mask(self, text: str) -> str:
        return mask_personal_data(mask_secrets(text, self._secrets))

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: log what there is rather than nothing
            message = f"{record.msg!r} {record.args!r}"
        record.msg = self._mask(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self._mask(record.stack_info)
        return True


def configure_logging(level: str, secrets: Sequence[str] = ()) -> None:
    """Root logging to stderr at `level`, every record masked (`secrets` included)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiogram logs every update at INFO with its own wording; ours says more, once.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    # aiosqlite logs every statement with its parameters at DEBUG: noise, and personal data
    # (masked by the filter, but better never written).
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    # Alembic tells at INFO what it assumes about the backend on every start; `ppo-bot migrate`
    # reports the migrations it applied itself.
    logging.getLogger("alembic").setLevel(logging.WARNING)
