"""Forums, their trainings, and registrations (with waiting lists, tickets and check-in)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from bot.db.tables.base import metadata
from bot.db.types import UtcDateTime

# A forum, or a training held at a forum (parent_id). Texts organizers write come in three
# languages; a missing one falls back to the organisation's default language.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("parent_id", ForeignKey("events.id", ondelete="CASCADE"), nullable=True),
    Column("kind", String(10), nullable=False),  # forum | training
    Column("scope", String(12), nullable=False),  # regional | republican (a training: its forum's)
    Column("region_code", ForeignKey("regions.code"), nullable=False),  # where it is held
    # city, venue, room and speaker per language ("" where not given: the reader gets another)
    *(
        Column(f"{name}_{language}", String(200), nullable=False, server_default="")
        for name in ("city", "venue", "room", "speaker")
        for language in ("kk", "ru", "en")
    ),
    Column("topic", String(30), nullable=False, server_default=""),
    Column("title_kk", String(200), nullable=False, server_default=""),
    Column("title_ru", String(200), nullable=False, server_default=""),
    Column("title_en", String(200), nullable=False, server_default=""),
    Column("description_kk", Text, nullable=False, server_default=""),
    Column("description_ru", Text, nullable=False, server_default=""),
    Column("description_en", Text, nullable=False, server_default=""),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("registration_opens_at", UtcDateTime, nullable=True),
    Column("registration_closes_at", UtcDateTime, nullable=True),
    Column("members_only", Boolean, nullable=False, server_default=text("false")),
    # raised when the time or the place changes: calendars that imported it update (SEQUENCE)
    Column("sequence", Integer, nullable=False, server_default="0"),
    Column("created_by", BigInteger, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "kind", "starts_at"),
    Index(None, "parent_id"),
)

registrations = Table(
    "registrations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("telegram_id", ForeignKey("users.telegram_id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id", ondelete="SET NULL"), nullable=True),
    Column("status", String(10), nullable=False),  # registered | waiting | offered | cancelled
    Column("seat", Integer, nullable=True),  # the seat number while registered
    Column("ticket_code", String(32), nullable=True, unique=True),
    Column("created_at", UtcDateTime, nullable=False),  # also the order of the waiting list
    Column("promoted_at", UtcDateTime, nullable=True),
    Column("cancelled_at", UtcDateTime, nullable=True),
    Column("checked_in_at", UtcDateTime, nullable=True),
    Column("checked_in_by", BigInteger, nullable=True),
    Column("offer_expires_at", UtcDateTime, nullable=True),  # while offered: when it lapses
    # "still coming?": asked, reminded once, answered (yes | no)
    Column("coming_asked_at", UtcDateTime, nullable=True),
    Column("coming_reminded_at", UtcDateTime, nullable=True),
    Column("coming_answered_at", UtcDateTime, nullable=True),
    Column("coming_answer", String(3), nullable=True),
    Index(None, "event_id", "status", "id"),
    Index(None, "status", "offer_expires_at"),
    Index(None, "telegram_id", "status"),
    # one live registration (or waiting-list place) per person and event
    Index(
        "uq_registrations_live",
        "event_id",
        "telegram_id",
        unique=True,
        sqlite_where=text("status != 'cancelled'"),
        postgresql_where=text("status != 'cancelled'"),
    ),
)

# A person's forum attendance, day by day (the forum registration holds their one ticket).
# A training's attendance is its own registration's checked_in_at.
attendance_days = Table(
    "attendance_days",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("registration_id", ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),  # the local calendar day of the forum
    Column("checked_in_at", UtcDateTime, nullable=False),
    Column("checked_in_by", BigInteger, nullable=True),
    UniqueConstraint("registration_id", "day"),
)
