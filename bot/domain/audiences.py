"""Who an announcement reaches, in which language, and the rules its text must follow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.errors import DomainError, ErrorCode

TEXT_LIMIT = 4096  # Telegram's limit for a message
CAPTION_LIMIT = 1024  # and for the caption of a photo or document
LANGUAGE_ORDER = ("kk", "ru", "en")


class AudienceKind(StrEnum):
    ALL = "all"  # every linked member (within the author's reach)
    REGION = "region"
    PPO = "ppo"
    REGISTERED = "registered"  # of a forum or training
    WAITING = "waiting"  # the waiting list of a forum or training
    LANGUAGE = "language"  # linked members who read this language


class BroadcastStatus(StrEnum):
    AWAITING_APPROVAL = "approval"  # the widest: a second organizer or an admin must approve
    SCHEDULED = "scheduled"
    EXPANDING = "expanding"  # the audience is being copied into the outbox
    SENDING = "sending"
    DONE = "done"
    CANCELLING = "cancelling"  # its unsent messages are being withdrawn
    CANCELLED = "cancelled"


_S = BroadcastStatus
MOVES: dict[BroadcastStatus, frozenset[BroadcastStatus]] = {
    _S.AWAITING_APPROVAL: frozenset({_S.SCHEDULED, _S.CANCELLED}),
    _S.SCHEDULED: frozenset({_S.EXPANDING, _S.CANCELLED}),
    _S.EXPANDING: frozenset({_S.SENDING, _S.CANCELLING}),
    _S.SENDING: frozenset({_S.DONE, _S.CANCELLING}),
    _S.CANCELLING: frozenset({_S.CANCELLED}),
    _S.DONE: frozenset(),
    _S.CANCELLED: frozenset(),
}
RUNNING = (_S.EXPANDING, _S.SENDING, _S.CANCELLING)


def sources_of(target: BroadcastStatus) -> tuple[BroadcastStatus, ...]:
    """The states a broadcast may move to `target` from."""
    return tuple(status for status, targets in MOVES.items() if target in targets)


def cancellation_of(status: BroadcastStatus) -> BroadcastStatus:
    """Where cancelling leads: at once for a scheduled one, through a drain for a running one."""
    if status in (_S.SCHEDULED, _S.AWAITING_APPROVAL):
        return _S.CANCELLED
    if status in (_S.EXPANDING, _S.SENDING):
        return _S.CANCELLING
    raise DomainError(ErrorCode.BROADCAST_OVER)


class MediaKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class Audience:
    """An audience: its kind and the one parameter the kind needs."""

    kind: AudienceKind
    region_code: str | None = None
    ref_id: int | None = None  # a PPO or an event
    language: str | None = None

    def __post_init__(self) -> None:
        needs = {
            AudienceKind.REGION: self.region_code,
            AudienceKind.PPO: self.ref_id,
            AudienceKind.REGISTERED: self.ref_id,
            AudienceKind.WAITING: self.ref_id,
            AudienceKind.LANGUAGE: self.language,
        }
        if self.kind in needs and needs[self.kind] is None:
            msg = f"a {self.kind} audience needs its parameter"
            raise ValueError(msg)

    @property
    def by_event(self) -> bool:
        """Registrants or the waiting list of an event (not members by registry data)."""
        return self.kind in (AudienceKind.REGISTERED, AudienceKind.WAITING)


@dataclass(frozen=True, slots=True)
class Reach:
    """The regions an author may address: None is every region."""

    regions: frozenset[str] | None

    def covers(self, region_code: str | None) -> bool:
        """May the author address people of `region_code`?"""
        return self.regions is None or region_code in self.regions

    def require(self, region_code: str | None) -> None:
        """NOT_ALLOWED unless the region is within reach."""
        if not self.covers(region_code):
            raise DomainError(ErrorCode.NOT_ALLOWED)


@dataclass(frozen=True, slots=True)
class Media:
    kind: MediaKind
    file_id: str


@dataclass(frozen=True, slots=True)
class Content:
    """What an announcement says: HTML texts by language, optional media."""

    texts: Mapping[str, str]
    default_language: str
    media: Media | None = None

    def language_for(self, reader_language: str | None) -> str:
        """The language of the text a reader gets: theirs, else the default, else any."""
        for language in (reader_language, self.default_language, *LANGUAGE_ORDER):
            if language and self.texts.get(language):
                return language
        msg = "an announcement without any text"
        raise ValueError(msg)

    def text_for(self, reader_language: str | None) -> str:
        """The text a reader gets."""
        return self.texts[self.language_for(reader_language)]


def check_text(plain_length: int, *, with_media: bool) -> None:
    """Refuse an empty text, or one longer than Telegram takes (a caption is shorter)."""
    limit = CAPTION_LIMIT if with_media else TEXT_LIMIT
    if plain_length == 0:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    if plain_length > limit:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, length=plain_length, limit=limit)


def check_send_time(send_at: datetime, now: datetime) -> None:
    """A scheduled time must lie ahead."""
    if send_at <= now:
        raise DomainError(ErrorCode.DATE_IN_PAST)


def groups_by_text(counts: Mapping[str, int], content: Content) -> dict[str, int]:
    """Recipients per language of the text they will read, from counts per reader language."""
    groups: dict[str, int] = {}
    for reader_language, count in counts.items():
        language = content.language_for(reader_language)
        groups[language] = groups.get(language, 0) + count
    return {language: groups[language] for language in LANGUAGE_ORDER if language in groups}
