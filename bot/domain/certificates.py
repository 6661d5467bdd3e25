"""Certificates of attendance: what one says, its code, and how a notice carries it."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.domain.events import LocalizedText
from bot.domain.notices import Params

# No 0/O, 1/I: a code read aloud or typed from paper is not misread.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 50 bits: not guessable, short enough to type
VERIFY_PREFIX = "verify-"
# Trainings that ended longer ago than this get no certificate from the tick (say, the first
# start of a new version over an old database); `ppo-bot certificates` still issues them.
ISSUE_WITHIN = timedelta(days=3)


def new_certificate_code() -> str:
    """A random code such as K7QM2XWD9T."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def parse_certificate_code(text: str) -> str | None:
    """The code in `verify-CODE` or a typed code (any case); None if it cannot be one."""
    code = text.strip().removeprefix(VERIFY_PREFIX).upper()
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code


@dataclass(frozen=True, slots=True)
class Certificate:
    """One certificate: who attended which training, when, with whom."""

    code: str
    holder_name: str  # "" for a guest (no membership record)
    training: LocalizedText
    forum: LocalizedText
    speaker: LocalizedText
    starts_at: datetime
    ends_at: datetime
    telegram_id: int = 0

    def params(self) -> Params:
        """What its notice stores, so that it can be drawn without the database."""
        return {
            "code": self.code,
            "name": self.holder_name,
            "training": _texts(self.training),
            "forum": _texts(self.forum),
            "speaker": _texts(self.speaker),
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
        }

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Certificate:
        """The certificate a notice carries (KeyError/TypeError/ValueError if it is not one)."""
        return cls(
            code=str(params["code"]),
            holder_name=str(params["name"]),
            training=LocalizedText(**params["training"]),
            forum=LocalizedText(**params["forum"]),
            speaker=LocalizedText(**params["speaker"]),
            starts_at=datetime.fromisoformat(params["starts_at"]),
            ends_at=datetime.fromisoformat(params["ends_at"]),
        )


@dataclass(frozen=True, slots=True)
class CertificateCheck:
    """What anyone may learn from a code: whose it is and for which training."""

    holder_name: str
    training: LocalizedText
    starts_at: datetime


def _texts(text: LocalizedText) -> dict[str, str]:
    return {"kk": text.kk, "ru": text.ru, "en": text.en}
