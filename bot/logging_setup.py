"""Logging: one format, and no personal data in clear (IIN- and phone-like digit runs)."""

from __future__ import annotations

import logging

from bot.domain.masking import mask_personal_data


class PersonalDataFilter(logging.Filter):
    """Masks the message, its arguments and any traceback text of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_personal_data(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        return True


def configure_logging(level: str) -> None:
    """Root logging to stderr at `level`, every record masked."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter())
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
