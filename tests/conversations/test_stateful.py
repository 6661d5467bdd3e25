"""Whole conversations at random: seven people and a crowd talk to the real bot at once.

A seeded random walk, not hypothesis' RuleBasedStateMachine: each example needs a fresh
database, a migrated schema and a running bot (seconds), so shrinking would take minutes per
failure, and the steps run concurrently against a live bot, so a replay is close but not
bit-exact, which hypothesis reports as flaky. Instead a failing walk prints its seed, the steps
that led there and the one-line command that replays it.

People (a linked member, a guest, an organizer of the forums' region, a reviewer, a republican
reviewer, an organizer of every region, an admin and two more guests) send commands, press any
button they can see (new, old, from before a restart), tap the reply keyboard, type free and
hostile text and forged callback data, write in a group, all register at once for a forum of 2
seats. After every step `Walk.check` must find nothing: every update handled and every press
answered, no warning, traceback or apology, no request the emulator refused, seats within
capacity and served in queue order, and no text typed after a command in anyone else's chat.

People checked in at a training that has ended (two; one registered but absent) are asked "how
was it?": they rate and comment (hostile text too). Then the ratings: only by those checked in,
1 to 5, one per person and training, each comment exactly a text its author typed (kept as
written, never escaped; shown unescaped it would be a refused request).

Two stages are also driven on purpose (random presses alone seldom get there): proposals are
submitted, shortlisted through the bot by the reviewer (within quotas of 2, so refusals come)
and decided by the republican reviewer (accept, return or reject with a reason); the widest
announcements are queued and anyone presses approve or decline on them, and lapsed requests
expire. Then: no region has sent more than its quota, no broadcast was decided by its author,
and every decision is in the trail once, as the audit log has it.

PPO_BOT_STATEFUL_STEPS (steps per database, default 1000), PPO_BOT_STATEFUL_SEED (an integer,
or "random").
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import random
import re
import shlex
import string
import sys
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update

from bot.config import ProposalSettings, Settings
from bot.db.approvals import ApprovalRepository
from bot.db.audit import AuditRepository
from bot.db.broadcasts import BroadcastRepository
from bot.db.engine import Database, create_engine
from bot.db.migrate import upgrade_to_head
from bot.db.proposals import ProposalRepository
from bot.db.tables.accounts import audit_log, users
from bot.db.tables.approvals import broadcast_approvals
from bot.db.tables.certificates import training_feedback
from bot.db.tables.forums import events, registrations
from bot.db.tables.outbox import broadcasts
from bot.db.tables.proposals import proposal_events, proposals
from bot.domain.audiences import Audience, AudienceKind, BroadcastStatus, Content, Reach
from bot.domain.audit import AuditAction
from bot.domain.errors import DomainError
from bot.domain.events import LocalizedText
from bot.domain.proposals import (
    COMMENT_REQUIRED,
    SENT_STATUSES,
    Draft,
    ProposalAction,
    ProposalEvent,
    ProposalStatus,
    proposal_number,
)
from bot.domain.roles import Grant, Role
from bot.handlers.broadcasts.callbacks import ApprovalCallback, ApprovalStep
from bot.handlers.proposals.callbacks import MoveCallback
from bot.services.broadcasts import Draft as BroadcastDraft
from botapi_emulator.server import BotApiEmulator, ChatMessage, EmulatedUser, Refusal
from tests.chat import Chat, HandledUpdates
from tests.conftest import ADMIN_ID, RunningBot
from tests.forum_seed import load, small_forum
from tests.registry_seed import add_member

STEPS = int(os.environ.get("PPO_BOT_STATEFUL_STEPS", "1000"))
# Exploring: report every broken invariant (to stderr) and fail only at the end.
KEEP_GOING = os.environ.get("PPO_BOT_STATEFUL_KEEP_GOING") == "1"
DEFAULT_SEED = 20261202
PHONE = "+77011234567"
GROUP_ID = -1001234567890

# Commands that show something or end a step, and never ask for text themselves: what is
# typed right after one of them must reach no one else.
NEUTRAL_COMMANDS = (
    "/start",
    "/help",
    "/forums",
    "/tickets",
    "/me",
    "/mydata",
    "/myforums",
    "/myproposals",
    "/review",
    "/shortlist",
    "/language",
    "/cancel",
    "/unlink",
    "/forgetme",
    "/export_proposals",
    "/republican",
)
STEP_COMMANDS = ("/link", "/code", "/propose", "/newforum", "/broadcast", "/find")
CALLBACK_PREFIXES = [
    "lang",
    "cs",
    "cf",
    "cd",
    "fp",
    "fo",
    "ft",
    "fc",
    "fk",
    "fw",
    "fx",
    "lk",
    "lr",
    "sp",
    "mc",
    "pt",
    "pd",
    "pl",
    "po",
    "pv",
    "pw",
    "ps",
    "pi",
    "pm",
    "fg",
    "bs",
    "bl",
    "ba",
    "br",
    "bp",
    "be",
    "bg",
    "bc",
    "bv",
    "pk",
]
HUGE = (
    "99999999999999999999999",
    "9223372036854775808",
    "-99999999999999999999",
    "2147483648",
    "-1",
    "0",
    "99999",
)
HOSTILE = (
    "<b>x</b> & <i",
    "Hall <A&B>",
    "</b><script>alert(1)</script>",
    "&amp; &lt; &#0; &#x110000; <a href='javascript:x'>y</a>",
    "\u200b\u200c\u200d\ufeff",
    "\u202eعربي\u200f שלום \u202c",
    "\U0001f600" * 50,
    "x" * 5000,
    "<" * 5000,
    "&" * 4097,
)
REGIONS = ("SHY", "TRK", "all", "<b>", "xx")
PLAIN = ("ok", "да", "иә", "-", "thanks", "Абдрахманов", "2", "3", "1", "10", "2027-05-15", "")


QUOTA = 2  # proposals a region may send to the republican stage: reached within a walk
# Each decision and how the audit log names it (the trail must hold each one once).
DECISIONS = {
    ProposalAction.REQUEST_CHANGES: AuditAction.PROPOSAL_CHANGES_REQUESTED,
    ProposalAction.SHORTLIST: AuditAction.PROPOSAL_SHORTLISTED,
    ProposalAction.REJECT: AuditAction.PROPOSAL_REJECTED,
    ProposalAction.ACCEPT: AuditAction.PROPOSAL_ACCEPTED,
    ProposalAction.RETURN: AuditAction.PROPOSAL_RETURNED,
    ProposalAction.DECLINE: AuditAction.PROPOSAL_DECLINED,
}
# What the staged steps' history lines say, counted at the end of a walk.
STAGED = (
    "decides shortlist",
    "decides accept",
    "decides return",
    "decides decline",
    "confirmed",
    "refused before confirming",
    "queues announcement",
    "presses bv:",
)
REASONS = ("Нақтылаңыз", "Қайталанады", "Not in scope <b>", "Уточните сроки")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A small quota: the reviewer reaches it, and the bot must refuse the next one."""
    return settings.model_copy(update={"proposals": ProposalSettings(republican_quota=QUOTA)})


def _seeds() -> list[int]:
    raw = os.environ.get("PPO_BOT_STATEFUL_SEED")
    if raw == "random":
        return [random.SystemRandom().randrange(2**32)]
    return [int(raw)] if raw else [DEFAULT_SEED]


class LogTrap(logging.Handler):
    """Every record at WARNING or above, and every one carrying a traceback."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.handlers: collections.Counter[str] = collections.Counter()  # what the walk reached

    def emit(self, record: logging.LogRecord) -> None:
        handler = getattr(record, "handler", None)
        if record.name == "bot.updates" and isinstance(handler, str):
            self.handlers[handler] += 1
        if record.levelno >= logging.WARNING or record.exc_info:
            self.records.append(record)


@dataclass
class Person:
    """One of the walkers: who, their chat, what they may usefully type."""

    role: str
    chat: Chat
    useful: tuple[str, ...] = ()
    after_neutral_command: bool = False

    @property
    def user(self) -> EmulatedUser:
        return self.chat.user


@dataclass
class Walk:
    """The state of one walk: people, what they typed, what was already checked."""

    rng: random.Random
    seed: int
    database: Database
    emulator: BotApiEmulator
    bot: RunningBot
    handled: HandledUpdates
    people: list[Person]
    forum_ids: list[int]
    refused: list[Refusal]
    log: LogTrap
    history: list[str] = field(default_factory=list)
    markers: dict[str, int] = field(default_factory=dict)  # marker -> the typist's chat id
    checked: dict[tuple[int, int], str] = field(default_factory=dict)
    apologies: tuple[str, ...] = ()
    next_marker: int = 0
    refusals_seen: int = 0
    unanswered: set[str] = field(default_factory=set)
    reported: set[str] = field(default_factory=set)
    pressed: collections.Counter[str] = field(default_factory=collections.Counter)
    typed: collections.defaultdict[int, set[str]] = field(
        default_factory=lambda: collections.defaultdict(set)
    )  # every text each person sent: what a comment of theirs may be
    authors: dict[str, int] = field(default_factory=dict)  # region → a member who proposes

    # --- actions ------------------------------------------------------------------------

    @property
    def ids(self) -> list[int]:
        return [person.user.id for person in self.people]

    def marker(self) -> str:
        self.next_marker += 1
        letters = "".join(self.rng.choice(string.ascii_lowercase) for _ in range(4))
        return f"mk{letters}{self.next_marker}q"

    def free_text(self, person: Person) -> tuple[str, str | None]:
        """Something to type, and the marker it carries (None: nothing to track)."""
        kind = self.rng.random()
        if kind < 0.25 and person.useful:
            return self.rng.choice(person.useful), None
        if kind < 0.45:
            return self.rng.choice(PLAIN + HUGE) or "?", None
        mark = self.marker()
        if kind < 0.75:
            hostile = self.rng.choice(HOSTILE)
            text = f"{mark} {hostile}" if self.rng.random() < 0.5 else f"{hostile} {mark}"
            return text[:4096], mark
        return f"{mark} {self.rng.choice(PLAIN)}".strip(), mark

    def command(self, person: Person) -> str:
        roll = self.rng.random()
        if roll < 0.55:
            return self.rng.choice(NEUTRAL_COMMANDS)
        if roll < 0.8:
            return self.rng.choice(STEP_COMMANDS)
        return self.rng.choice(
            [
                f"/grant {self.rng.choice(HUGE)} organizer all",
                f"/grant {self.rng.choice(self.ids)} reviewer {self.rng.choice(REGIONS)}",
                f"/revoke {self.rng.choice(self.ids)} organizer {self.rng.choice(REGIONS)}",
                f"/revoke {self.rng.choice(HUGE)} reviewer all",
                f"/grant {self.rng.choice(self.ids)} {self.rng.choice(HOSTILE)[:50]}",
                f"/find {self.rng.choice(HOSTILE + HUGE + PLAIN)[:200]}",
                f"/start {self.rng.choice(HUGE)}",
                f"/start checkin-{self.rng.choice(HUGE)}",
                f"/start {self.rng.choice(HOSTILE)[:60]}",
                f"/forums {self.rng.choice(HUGE)}",
                "/nosuchcommand",
                "/FORUMS",
                "/start@ppo_test_bot",
            ]
        )

    async def act(self, person: Person) -> str:
        """One random action by `person`; its description for the history."""
        roll = self.rng.random()
        user = person.user
        if roll < 0.18:
            text = self.command(person)
            await self._send(person, text)
            person.after_neutral_command = text in NEUTRAL_COMMANDS
            return f"{person.role} sends {text!r}"
        if roll < 0.52:
            described = await self._press_visible(person, newest=self.rng.random() < 0.7)
            if described:
                person.after_neutral_command = False
                return described
        if roll < 0.56 and user.reply_keyboard is not None:
            labels = [
                button.get("text") if isinstance(button, dict) else button
                for row in user.reply_keyboard.get("keyboard") or []
                for button in row
            ]
            label = self.rng.choice(labels)
            await person.chat.wait(await user.tap(label))
            person.after_neutral_command = False
            return f"{person.role} taps {label!r}"
        if roll < 0.61:
            data = self.forged_data(person)
            message_id = self._some_message_id(person)
            await person.chat.wait(await user.press_data(data, message_id))
            person.after_neutral_command = False
            return f"{person.role} presses forged {data!r} on message {message_id}"
        if roll < 0.64:
            code = await self.some_ticket_code()
            text = f"/start checkin-{code}" if code else "/start checkin-nope"
            await self._send(person, text)
            person.after_neutral_command = False
            return f"{person.role} scans a ticket {text!r}"
        if roll < 0.66:
            described = await self.rate(person)
            if described:
                person.after_neutral_command = False
                return described
        if roll < 0.69:
            # the party's group chat, where the bot is a member (privacy mode off)
            group = self.emulator.group(GROUP_ID, "Party chat")
            text = self.command(person) if self.rng.random() < 0.6 else self.free_text(person)[0]
            await self.handled.wait(await user.send(text, chat=group))
            return f"{person.role} writes in the group {_short(text)}"
        text, mark = self.free_text(person)
        await self._send(person, text)
        tracked = mark is not None and person.after_neutral_command
        if tracked:
            assert mark is not None
            self.markers[mark] = user.id
        return f"{person.role} types {_short(text)}" + (" (tracked)" if tracked else "")

    async def _send(self, person: Person, text: str) -> None:
        self.typed[person.user.id].add(text)
        await person.chat.send(text)

    @staticmethod
    def _rating_questions(person: Person) -> list[ChatMessage]:
        return [
            message
            for message in person.user.transcript
            for row in message.inline_rows()
            if any(str(button.get("callback_data", "")).startswith("rr:") for button in row)
        ]

    async def rate(self, person: Person) -> str | None:
        """Press a rating on a "how was the training?" question, then (mostly) comment."""
        questions = self._rating_questions(person)
        if not questions:
            return None
        message = self.rng.choice(questions)
        buttons = [b for row in message.inline_rows() for b in row if "callback_data" in b]
        button = self.rng.choice(buttons)
        await person.chat.wait(
            await person.user.press_data(str(button["callback_data"]), message.message_id)
        )
        described = f"{person.role} rates {button['text']!r}"
        roll = self.rng.random()
        if roll < 0.5:
            text = self.rng.choice(HOSTILE)[: self.rng.choice((30, 1000, 1001, 4096))]
        elif roll < 0.8:
            text = self.rng.choice(PLAIN) or "👍"
        else:
            return described
        await self._send(person, text)
        return f"{described} and comments {_short(text)}"

    async def _press_visible(self, person: Person, *, newest: bool) -> str | None:
        messages = [m for m in person.user.transcript if m.inline_rows()]
        if not messages:
            return None
        message = messages[-1] if newest else self.rng.choice(messages)
        buttons = [b for row in message.inline_rows() for b in row if "callback_data" in b]
        if not buttons:
            return None
        # buttons pressed often (everyone's "Link my membership") give way to the rarer ones
        weights = [1 / (1 + self.pressed[str(b["callback_data"])]) for b in buttons]
        button = self.rng.choices(buttons, weights)[0]
        data = str(button["callback_data"])
        self.pressed[data] += 1
        await person.chat.wait(await person.user.press_data(data, message.message_id))
        age = "newest" if message is messages[-1] else "old"
        return f"{person.role} presses {button['text']!r} ({data}) on {age} message"

    def _some_message_id(self, person: Person) -> int | None:
        transcript = person.user.transcript
        if not transcript or self.rng.random() < 0.1:
            return self.rng.choice([None, 10**9])
        return self.rng.choice(transcript).message_id

    def forged_data(self, person: Person) -> str:
        seen = [
            str(button["callback_data"])
            for message in person.user.transcript
            for row in message.inline_rows()
            for button in row
            if "callback_data" in button
        ]
        roll = self.rng.random()
        if roll < 0.5 and seen:
            parts = self.rng.choice(seen).split(":")
            index = self.rng.randrange(len(parts))
            parts[index] = self.rng.choice((*HUGE, "", "x", "<b>", str(self.rng.randrange(50))))
            data = ":".join(parts)
        elif roll < 0.85:
            prefix = self.rng.choice(CALLBACK_PREFIXES)
            fields = [
                self.rng.choice((*HUGE, "1", "2", "o", "r", "c", "y", "t", "all", "ru"))
                for _ in range(self.rng.randrange(0, 4))
            ]
            data = ":".join([prefix, *fields])
        else:
            data = "".join(self.rng.choice(string.printable) for _ in range(20))
        return data.encode()[:64].decode(errors="ignore") or "x"

    async def some_ticket_code(self) -> str | None:
        async with self.database.read() as connection:
            rows = await connection.execute(
                select(registrations.c.ticket_code).where(registrations.c.ticket_code.is_not(None))
            )
            codes = [row[0] for row in rows]
        return self.rng.choice(codes) if codes else None

    async def rush(self) -> str:
        """Everyone presses "register" for the small forum at the same moment."""
        forum_id = self.forum_ids[0]
        crowd = self.rng.sample(self.people, self.rng.randrange(2, len(self.people) + 1))
        ids = await asyncio.gather(
            *(person.user.press_data(f"fo:{forum_id}:r", None) for person in crowd)
        )
        await asyncio.gather(*(self.handled.wait(update_id) for update_id in ids))
        for person in crowd:
            person.after_neutral_command = False
        return "rush: " + ", ".join(person.role for person in crowd) + " register at once"

    async def burst(self) -> str:
        """Several people act at the same time (each one action)."""
        crowd = self.rng.sample(self.people, self.rng.randrange(2, 5))
        described = await asyncio.gather(*(self.act(person) for person in crowd))
        return "burst: " + " | ".join(described)

    async def double_tap(self, person: Person) -> str | None:
        messages = [m for m in person.user.transcript if m.inline_rows()]
        if not messages:
            return None
        message = messages[-1]
        buttons = [b for row in message.inline_rows() for b in row if "callback_data" in b]
        if not buttons:
            return None
        data = str(self.rng.choice(buttons)["callback_data"])
        ids = [await person.user.press_data(data, message.message_id) for _ in range(2)]
        await asyncio.gather(*(self.handled.wait(update_id) for update_id in ids))
        person.after_neutral_command = False
        return f"{person.role} double-taps {data}"

    async def step(self) -> str:
        roll = self.rng.random()
        if roll < 0.003:
            await self.bot.restart()
            return "the bot restarts"
        if roll < 0.02:
            return await self.rush()
        if roll < 0.06:
            return await self.burst()
        person = self.rng.choice(self.people)
        if roll < 0.08:
            described = await self.double_tap(person)
            if described:
                return described
        if roll < 0.11:
            return await self.proposal_stage()
        if roll < 0.13:
            return await self.approval_stage()
        if roll < 0.16:  # one of those asked "how was the training?"
            raters = [p for p in self.people if self._rating_questions(p)]
            if raters:
                rater = self.rng.choice(raters)
                described = await self.rate(rater)
                if described:
                    rater.after_neutral_command = False
                    return described
        return await self.act(person)

    # --- the stages driven on purpose ---------------------------------------------------

    def _person(self, role: str) -> Person:
        return next(person for person in self.people if person.role == role)

    async def _proposal_ids(self, statuses: set[ProposalStatus]) -> list[int]:
        async with self.database.read() as connection:
            rows = await connection.execute(
                select(proposals.c.id).where(
                    proposals.c.status.in_(sorted(status.value for status in statuses))
                )
            )
            return [int(row[0]) for row in rows]

    async def submit_proposal(self) -> str:
        """A member of one of two regions submits a proposal (written straight to the
        database, as the demo does: the walkers' own drafts are left alone)."""
        region = self.rng.choice(sorted(self.authors))
        year = datetime.now(UTC).year
        async with self.database.write() as connection:
            repository = ProposalRepository(connection)
            sequence = await repository.next_sequence(region, year)
            draft = Draft("other", f"Ұсыныс {sequence} <b>", "Мәтін & <i>", (), None)
            proposal_id = await repository.add(
                region_code=region,
                year=year,
                sequence=sequence,
                member_id=self.authors[region],
                draft=draft,
            )
            event = ProposalEvent(
                ProposalAction.SUBMIT, None, ProposalStatus.SUBMITTED, None, datetime.now(UTC), ""
            )
            await repository.record(proposal_id, event)
        return f"a member of {region} submits proposal {proposal_id}"

    async def decide_through_the_bot(
        self, person: Person, proposal_id: int, action: ProposalAction
    ) -> str:
        """The decision's button on the card, the reason if one is needed, then Confirm."""
        data = MoveCallback(proposal_id=proposal_id, action=action).pack()
        await person.chat.wait(await person.user.press_data(data))
        if action in COMMENT_REQUIRED:
            await self._send(person, self.rng.choice(REASONS))
        person.after_neutral_command = False
        prefix = f"pk:{proposal_id}:{action.value}:"
        for message in reversed(person.user.transcript[-3:]):
            for row in message.inline_rows():
                for button in row:
                    confirm = str(button.get("callback_data", ""))
                    if confirm.startswith(prefix) and confirm.endswith(":1"):
                        await person.chat.wait(
                            await person.user.press_data(confirm, message.message_id)
                        )
                        return f"{person.role} decides {action.value} on {proposal_id}, confirmed"
        return f"{person.role} decides {action.value} on {proposal_id}, refused before confirming"

    async def proposal_stage(self) -> str:
        """Submit, shortlist (the reviewer, within the quota) or decide at the republican
        stage (accept, return or reject with a reason), through the bot's buttons."""
        roll = self.rng.random()
        submitted = await self._proposal_ids({ProposalStatus.SUBMITTED})
        if roll < 0.25 or not submitted:
            return await self.submit_proposal()
        shortlisted = await self._proposal_ids({ProposalStatus.SHORTLISTED})
        if roll < 0.5 or not shortlisted:
            reviewer = self._person("reviewer")
            return await self.decide_through_the_bot(
                reviewer, self.rng.choice(submitted), ProposalAction.SHORTLIST
            )
        action = self.rng.choice(
            (
                ProposalAction.ACCEPT,
                ProposalAction.ACCEPT,
                ProposalAction.RETURN,
                ProposalAction.DECLINE,
            )
        )
        # now and then someone else tries it: the rights are checked again
        who = self._person("republican") if self.rng.random() < 0.85 else self._person("reviewer")
        return await self.decide_through_the_bot(who, self.rng.choice(shortlisted), action)

    async def approval_stage(self) -> str:
        """The widest announcement queued by the admin or the organizer of every region, a
        press on some request's approve or decline by anyone, or the lapsed ones expired."""
        app = self.bot.app
        assert app is not None
        roll = self.rng.random()
        if roll < 0.35:
            author = self.rng.choice((self._person("admin"), self._person("hq")))
            # HTML, as the composer makes it from the message's entities
            text = f"Announcement {self.rng.randrange(1000)} <b>&amp; &lt;i&gt;</b>"
            draft = BroadcastDraft(
                {"ru": text}, {"ru": len(text)}, audience=Audience(AudienceKind.ALL)
            )
            try:
                queued = await app.services.broadcasts.queue(author.user.id, draft)
            except DomainError as error:  # nobody linked just now, for one
                return f"{author.role} cannot queue a wide announcement: {error.code}"
            return f"{author.role} queues announcement {queued.broadcast_id} (approval)"
        if roll < 0.9:
            async with self.database.read() as connection:
                ids = [int(row[0]) for row in await connection.execute(select(broadcasts.c.id))]
            if not ids:
                return "no announcement to decide yet"
            person = self.rng.choice(self.people)
            step = self.rng.choice(
                (ApprovalStep.CONFIRM_APPROVE, ApprovalStep.CONFIRM_DECLINE, ApprovalStep.APPROVE)
            )
            data = ApprovalCallback(step=step, broadcast_id=self.rng.choice(ids)).pack()
            await person.chat.wait(await person.user.press_data(data))
            person.after_neutral_command = False
            return f"{person.role} presses {data}"
        later = datetime.now(UTC) + timedelta(hours=25)
        expired = await app.services.broadcast_approvals.expire(later)
        return f"the tick expires {expired} approval request(s)"

    # --- invariants ---------------------------------------------------------------------

    async def check(self, *, stages: bool = True) -> list[str]:
        """What is broken now (empty: all invariants hold); `stages`: the proposals' and
        approvals' tables too (they grow with the walk: every few steps is enough)."""
        broken: list[str] = []
        unanswered = set(self.emulator._callbacks) - self.unanswered
        if unanswered:
            self.unanswered |= unanswered
            broken.append(f"{len(unanswered)} button press(es) never answered")
        fresh = self.refused[self.refusals_seen :]
        self.refusals_seen = len(self.refused)
        for refusal in fresh:
            # Telegram refuses an edit that changes nothing; harmless when the bot shrugs it
            # off (a traceback or an apology would show below).
            if "message is not modified" in refusal.description:
                continue
            # The old poll of a bot being restarted, cut off by the new one: no one waits for it.
            if refusal.method == "getUpdates" and "Conflict" in refusal.description:
                continue
            # A role granted to an id that never wrote to the bot: its notice cannot arrive,
            # as with Telegram, and the outbox gives up on it (logged below as expected).
            if "chat not found" in refusal.description and not self._known(refusal.params):
                continue
            sent = refusal.params.get("text") or refusal.params.get("caption")
            broken.append(
                f"Telegram would refuse {refusal.method}: {refusal.description} "
                f"(text {_short(str(sent), 600)})"
            )
        for record in self.log.records:
            if record.name == "bot.delivery" and "chat_not_found" in record.getMessage():
                continue
            broken.append(f"log {record.levelname} {record.name}: {_short(record.getMessage())}")
            if record.exc_info:
                broken.append(f"  traceback: {record.exc_info[0]!r} {record.exc_info[1]!r}")
        self.log.records.clear()
        broken += self._check_transcripts()
        problems = await self._check_seats() + await self._check_ratings()
        if stages:
            problems += await self._check_quotas()
            problems += await self._check_approvals()
            problems += await self._check_trail()
        for problem in problems:
            if problem not in self.reported:  # a broken state is reported once, when it appears
                self.reported.add(problem)
                broken.append(problem)
        return broken

    def _known(self, params: dict[str, Any]) -> bool:
        chat_id = params.get("chat_id")
        return chat_id in self.emulator.users or chat_id in self.emulator.groups

    def _chats(self) -> list[tuple[int, list[Any]]]:
        chats: list[tuple[int, list[Any]]] = [
            (user.chat_id, user.transcript) for user in self.emulator.users.values()
        ]
        chats += [(group.chat_id, group.transcript) for group in self.emulator.groups.values()]
        return chats

    def _check_transcripts(self) -> list[str]:
        broken: list[str] = []
        pattern = re.compile("|".join(self.markers)) if self.markers else None
        for chat_id, transcript in self._chats():
            for message in transcript:
                body = message.plain_text or message.text or message.caption or ""
                body += " " + " ".join(message.buttons())
                key = (chat_id, message.message_id)
                if self.checked.get(key) == body:
                    continue
                self.checked[key] = body
                if any(apology in body for apology in self.apologies):
                    broken.append(f"an apology in chat {chat_id}: {_short(body)}")
                if pattern is None:
                    continue
                for found in pattern.findall(body):
                    if self.markers[found] != chat_id:
                        broken.append(
                            f"text typed by {self.markers[found]} after a command reached chat "
                            f"{chat_id}: {_short(body)}"
                        )
        return broken

    async def _check_seats(self) -> list[str]:
        broken: list[str] = []
        async with self.database.read() as connection:
            capacity = {
                row.id: row.capacity
                for row in await connection.execute(select(events.c.id, events.c.capacity))
            }
            rows = (
                await connection.execute(
                    select(
                        registrations.c.id,
                        registrations.c.event_id,
                        registrations.c.status,
                        registrations.c.seat,
                    ).where(registrations.c.status != "cancelled")
                )
            ).all()
        for event_id, seats in capacity.items():
            mine = [row for row in rows if row.event_id == event_id]
            # an open offer holds its seat: the registered and the offered are the seated
            seated = [row for row in mine if row.status in ("registered", "offered")]
            waiting = [row for row in mine if row.status == "waiting"]
            if len(seated) > seats:
                broken.append(f"event {event_id}: {len(seated)} seated, capacity {seats}")
            numbers = [row.seat for row in seated]
            if len(set(numbers)) != len(numbers) or None in numbers:
                broken.append(f"event {event_id}: seat numbers {sorted(map(str, numbers))}")
            if waiting and len(seated) < seats:
                broken.append(
                    f"event {event_id}: {len(waiting)} waiting while {seats - len(seated)} "
                    f"seat(s) are free"
                )
            if waiting and seated and max(r.id for r in seated) > min(r.id for r in waiting):
                broken.append(
                    f"event {event_id}: a seat went to registration "
                    f"{max(r.id for r in seated)} ahead of waiting {min(r.id for r in waiting)}"
                )
        return broken

    async def _check_quotas(self) -> list[str]:
        """No region has sent more proposals of a year than its quota."""
        async with self.database.read() as connection:
            rows = await connection.execute(
                select(proposals.c.region_code, proposals.c.year, func.count())
                .where(proposals.c.status.in_(sorted(s.value for s in SENT_STATUSES)))
                .group_by(proposals.c.region_code, proposals.c.year)
            )
            return [
                f"{region} sent {count} proposals of {year}, its quota is {QUOTA}"
                for region, year, count in rows
                if count > QUOTA
            ]

    async def _check_approvals(self) -> list[str]:
        """No announcement was approved or declined by its author; one still waiting has no
        decision."""
        async with self.database.read() as connection:
            rows = await connection.execute(
                select(
                    broadcasts.c.id,
                    broadcasts.c.author_id,
                    broadcasts.c.status,
                    broadcast_approvals.c.decision,
                    broadcast_approvals.c.decided_by,
                ).join(broadcast_approvals, broadcast_approvals.c.broadcast_id == broadcasts.c.id)
            )
            broken = []
            for broadcast_id, author, status, decision, decided_by in rows:
                if decided_by is not None and decided_by == author:
                    broken.append(f"announcement {broadcast_id}: {decision} by its own author")
                if status == BroadcastStatus.AWAITING_APPROVAL.value and decision is not None:
                    broken.append(f"announcement {broadcast_id}: waits, yet was {decision}")
            return broken

    async def _check_trail(self) -> list[str]:
        """Each decision is in its proposal's trail once, as the audit log has it, and each
        move starts where the one before ended."""
        async with self.database.read() as connection:
            rows = (
                await connection.execute(
                    select(
                        proposal_events.c.proposal_id,
                        proposal_events.c.action,
                        proposal_events.c.from_status,
                        proposal_events.c.to_status,
                        proposal_events.c.actor_id,
                        proposals.c.region_code,
                        proposals.c.year,
                        proposals.c.sequence,
                    )
                    .join(proposals, proposals.c.id == proposal_events.c.proposal_id)
                    .order_by(proposal_events.c.proposal_id, proposal_events.c.id)
                )
            ).all()
            audited = collections.Counter(
                (actor, action, reason)
                for actor, action, reason in await connection.execute(
                    select(audit_log.c.actor_id, audit_log.c.action, audit_log.c.reason).where(
                        audit_log.c.action.in_(sorted(a.value for a in DECISIONS.values()))
                    )
                )
            )
        broken: list[str] = []
        trail: collections.Counter[tuple[int | None, str, str]] = collections.Counter()
        last: dict[int, str] = {}
        for proposal_id, action, source, target, actor, region, year, sequence in rows:
            if proposal_id in last and source != last[proposal_id]:
                broken.append(
                    f"proposal {proposal_id}: {action} from {source} after {last[proposal_id]}"
                )
            last[proposal_id] = target
            if (decision := DECISIONS.get(ProposalAction(action))) is not None:
                trail[(actor, decision.value, proposal_number(region, year, sequence))] += 1
        if trail != audited:
            broken.append(
                f"decisions in the trail {dict(trail - audited)}, audited {dict(audited - trail)}"
            )
        return broken

    async def _check_ratings(self) -> list[str]:
        broken: list[str] = []
        async with self.database.read() as connection:
            rows = (
                await connection.execute(
                    select(
                        training_feedback.c.event_id,
                        training_feedback.c.rating,
                        training_feedback.c.comment,
                        registrations.c.telegram_id,
                        registrations.c.event_id.label("registered_for"),
                        registrations.c.status,
                        registrations.c.checked_in_at,
                    ).select_from(
                        training_feedback.join(
                            registrations,
                            registrations.c.id == training_feedback.c.registration_id,
                        )
                    )
                )
            ).all()
        rated = collections.Counter((row.telegram_id, row.event_id) for row in rows)
        for (person, training), count in rated.items():
            if count > 1:
                broken.append(f"{person} rated training {training} {count} times")
        for row in rows:
            who = f"{row.telegram_id}'s rating of training {row.event_id}"
            # (cancelling one's forum place later cancels the training's too: the rating stays)
            if row.checked_in_at is None:
                broken.append(f"{who}: not checked in there ({row.status})")
            if row.registered_for != row.event_id:
                broken.append(f"{who}: kept on a registration for event {row.registered_for}")
            if row.rating not in range(1, 6):
                broken.append(f"{who}: {row.rating}")
            typed = {text.strip() for text in self.typed[row.telegram_id]}
            if row.comment and row.comment not in typed:
                broken.append(f"{who}: the comment {_short(row.comment)} is not what they typed")
            if len(row.comment) > 1000:
                broken.append(f"{who}: a comment of {len(row.comment)} characters")
        return broken


def _short(text: str, limit: int = 120) -> str:
    text = repr(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} chars)"


def _ongoing_forum() -> Any:
    """A 3-seat forum that started an hour ago (for check-in)."""
    program = small_forum(3, days_ahead=0)
    now = datetime.now(UTC)
    shift = now - timedelta(hours=1) - program.forum.starts_at
    forum = replace(
        program.forum,
        starts_at=program.forum.starts_at + shift,
        ends_at=program.forum.ends_at + shift,
    )
    trainings = tuple(
        replace(t, starts_at=t.starts_at + shift, ends_at=t.ends_at + shift)
        for t in program.trainings
    )
    return replace(program, forum=forum, trainings=trainings)


async def _setup(  # type: ignore[no-untyped-def]
    make_chat, make_organizer, running_bot: RunningBot, database_url: str
) -> tuple[list[Person], list[int], dict[str, int]]:
    app = running_bot.app
    assert app is not None
    aigul = await add_member(
        database_url,
        last_name="<b>Evil</b> & Co",
        first_name="Айгүл",
        patronymic="\u202eЕрланқызы",
        phone=PHONE,
    )
    member = make_chat(7001, language_code="ru", phone=PHONE)
    await member.send("/start")
    await member.wait(await member.user.press_data("lk:s"))  # "Link my membership"
    await member.wait(await member.user.share_contact())  # the "share my number" button
    await member.send(aigul.iin)
    assert "Готово!" in member.last_text, member.last_text

    guest = make_chat(7002, language_code="kk", first_name="<i>Гость & Co", phone="+77017654321")
    organizer = await make_organizer(7003, "SHY")
    # and of the member's region, so that the member's correction requests reach them
    await app.services.access.grant(None, 7003, Grant(Role.ORGANIZER, "TRK"))
    organizer.user.phone = "+77010000003"
    reviewer = make_chat(7004, language_code="en", phone="+77010000004")
    await reviewer.send("/start")
    await app.services.access.grant(None, 7004, Grant(Role.REVIEWER, None))
    admin = make_chat(ADMIN_ID, language_code="en", phone="+77010000001")
    republican = make_chat(7010, language_code="kk", phone="+77010000010")
    await app.services.access.grant(None, 7010, Grant(Role.REPUBLICAN, None))
    hq = make_chat(7011, language_code="ru", phone="+77010000011")  # an organizer of all
    await app.services.access.grant(None, 7011, Grant(Role.ORGANIZER, None))
    crowd = [
        make_chat(7005 + n, language_code="ru", phone=f"+7701000000{5 + n}") for n in range(2)
    ]
    for chat in (guest, admin, republican, hq, *crowd):
        await chat.send("/start")
    # Members who propose (their accounts are not walkers): one of TRK, one of SHY.
    authors = {}
    for serial, region in ((7, "TRK"), (8, "SHY")):
        author = await add_member(
            database_url,
            last_name="Автор",
            first_name=region,
            phone=f"+7701000009{serial}",
            region=region,
            serial=serial,
            ppo=f"БПҰ {region}",
        )
        authors[region] = author.member_id

    upcoming = small_forum(2, days_ahead=10)
    venue = replace(
        upcoming.forum,
        venue=LocalizedText(kk="Hall <A&B>", ru="Зал <A&B>", en="Hall <A&B>"),
        city=LocalizedText(kk="<Алматы>", ru="<Алматы>", en="<Almaty> & Co"),
    )
    upcoming = replace(upcoming, forum=venue)
    forum_ids = [await load(app, upcoming)]
    ongoing = _ongoing_forum()
    forum_ids.append(await load(app, ongoing))
    # Places at the ongoing forum taken while its registration was open.
    before = ongoing.forum.starts_at - timedelta(days=1)
    for telegram_id in (7001, 7002, 7005):
        await app.services.forums.register(telegram_id, forum_ids[1], now=before)
    # A training of it: the member and the guest were checked in, crowd0 was not. Once it is
    # over they are asked "how was it?" (with their certificates).
    trainings = (await app.services.forums.details(forum_ids[1], 7001)).trainings
    for telegram_id, training in (
        (7001, trainings[0]),
        (7002, trainings[0]),
        (7005, trainings[1]),
    ):
        await app.services.forums.register(telegram_id, training.id, now=before)
    async with app.database.write() as connection:
        await connection.execute(
            update(registrations)
            .where(
                registrations.c.event_id == trainings[0].id,
                registrations.c.telegram_id.in_((7001, 7002)),
            )
            .values(checked_in_at=trainings[0].starts_at, checked_in_by=7003)
        )
    over = max(t.ends_at for t in trainings[:2]) + timedelta(minutes=1)
    before_tick = {chat: len(chat.user.transcript) for chat in (member, guest)}
    assert await app.delivery.certificate_tick(over) == 2
    for chat, seen in before_tick.items():
        await chat.user.wait_for_messages(seen + 2)  # the certificate and the question

    numbers = tuple(str(n) for n in range(1, 6))
    people = [
        Person("member", member, (aigul.iin, PHONE, *numbers)),
        Person("guest", guest, ("+77017654321", *numbers)),
        Person("organizer", organizer, (*numbers, "2027-05-15 10:00", "SHY", "Форум")),
        Person("reviewer", reviewer, numbers),
        Person("admin", admin, ("7001", "7002", "organizer", "SHY")),
        Person("republican", republican, REASONS),
        Person("hq", hq, (*numbers, "Все")),
        *(Person(f"crowd{n}", chat, numbers) for n, chat in enumerate(crowd)),
    ]
    return people, forum_ids, authors


async def _apologies(running_bot: RunningBot) -> tuple[str, ...]:
    from bot.handlers.replies import apology

    app = running_bot.app
    assert app is not None
    return tuple(
        app.i18n.gettext(apology(), locale=locale).split("{code}")[0][:40]
        for locale in ("kk", "ru", "en")
    )


@pytest.mark.parametrize("seed", _seeds())
async def test_random_conversations_keep_every_invariant(
    seed: int,
    make_chat,
    make_organizer,
    running_bot: RunningBot,
    emulator: BotApiEmulator,
    handled_updates: HandledUpdates,
    database_url: str,
    request: pytest.FixtureRequest,
) -> None:
    people, forum_ids, authors = await _setup(make_chat, make_organizer, running_bot, database_url)
    trap = LogTrap()
    root = logging.getLogger()
    root.addHandler(trap)
    database = Database(create_engine(database_url))
    walk = Walk(
        rng=random.Random(seed),
        seed=seed,
        database=database,
        emulator=emulator,
        bot=running_bot,
        handled=handled_updates,
        people=people,
        forum_ids=forum_ids,
        refused=emulator.refusals,
        log=trap,
        apologies=await _apologies(running_bot),
        authors=authors,
    )
    backend = request.node.callspec.params["database_url"]
    failures = 0
    try:
        for number in range(1, STEPS + 1):
            try:
                walk.history.append(f"{number:5d} {await walk.step()}")
                if number % 50 == 0 or number == STEPS:
                    # what the outbox sends on its own (promotions, notices) is checked too
                    await emulator.wait_until_idle(quiet=0.05, timeout=30)
                broken = await walk.check(stages=number % 10 == 0 or number == STEPS)
            except (TimeoutError, AssertionError, LookupError) as error:
                walk.history.append(f"{number:5d} failed: {error!r}")
                broken = [f"the step failed: {error!r}"]
            if broken:
                failures += 1
                _fail(walk, number, backend, broken)
    finally:
        root.removeHandler(trap)
        await database.close()
    staged = collections.Counter(kind for line in walk.history for kind in STAGED if kind in line)
    print(f"\nstaged: {dict(sorted(staged.items()))}")
    reached = ", ".join(f"{name} {count}" for name, count in sorted(trap.handlers.items()))
    print(f"\n{backend}, seed {seed}: {len(trap.handlers)} handlers reached: {reached}")
    assert not failures, f"{failures} step(s) broke an invariant (seed {seed}, see stderr)"


def _fail(walk: Walk, number: int, backend: str, broken: list[str]) -> None:
    replay = (
        f"PPO_BOT_STATEFUL_SEED={walk.seed} PPO_BOT_STATEFUL_STEPS={number} "
        f".venv/bin/python -m pytest -p no:cacheprovider "
        f"{shlex.quote('tests/conversations/test_stateful.py')} -k {backend}"
    )
    lines = [
        f"seed {walk.seed}, step {number} on {backend}: an invariant broke",
        *broken[:20],
        "the last steps:",
        *walk.history[-(8 if KEEP_GOING else 25) :],
        f"replay: {replay}",
    ]
    if KEEP_GOING:
        print("\n".join(lines), file=sys.stderr)
        return
    pytest.fail("\n".join(lines), pytrace=False)


@pytest.mark.refusals_expected  # one is planted
async def test_the_checks_see_a_leak_an_apology_a_refusal_and_an_error(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """The walk's checks can fail: each kind of trouble, planted, is reported."""
    database = Database(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'walk.db'}"))
    await upgrade_to_head(database.engine)
    trap = LogTrap()
    walk = Walk(
        rng=random.Random(0),
        seed=0,
        database=database,
        emulator=emulator,
        bot=RunningBot.__new__(RunningBot),  # never started: the checks do not use it
        handled=HandledUpdates(),
        people=[],
        forum_ids=[],
        refused=emulator.refusals,
        log=trap,
        apologies=("Sorry, something went wrong",),
    )
    typist, other = emulator.user(1, first_name="A"), emulator.user(2, first_name="B")
    walk.markers["mkabcd1q"] = typist.id

    def say(chat: EmulatedUser, text: str) -> None:
        message_id = chat._alloc_message_id()
        chat._add_bot_message(ChatMessage(message_id, chat.chat_id, 0, text=text, plain_text=text))

    try:
        say(typist, "You wrote mkabcd1q")  # one's own chat: fine
        assert await walk.check() == []
        say(other, "Reason: mkabcd1q")
        say(other, "Sorry, something went wrong on our side. Code: 1A2B")
        emulator.refusals.append(Refusal("sendMessage", 400, "Bad Request: can't parse", {}))
        trap.emit(
            logging.makeLogRecord(
                {"name": "bot.errors", "levelno": 40, "levelname": "ERROR", "msg": "boom"}
            )
        )
        broken = "\n".join(await walk.check())
        assert "text typed by 1 after a command reached chat 2" in broken
        assert "an apology in chat 2" in broken
        assert "Telegram would refuse sendMessage" in broken
        assert "log ERROR bot.errors: 'boom'" in broken
        assert await walk.check() == []  # each is reported once
        # A rating by someone never checked in, its comment escaped on the way in.
        walk.typed[3].add("<b>good</b>")
        now = datetime.now(UTC)
        async with database.write() as connection:
            await connection.execute(insert(users).values(telegram_id=3, created_at=now))
            training = (
                await connection.execute(
                    insert(events)
                    .values(
                        kind="training",
                        scope="regional",
                        region_code="TRK",
                        starts_at=now,
                        ends_at=now,
                        capacity=5,
                        created_at=now,
                    )
                    .returning(events.c.id)
                )
            ).scalar_one()
            registration = (
                await connection.execute(
                    insert(registrations)
                    .values(event_id=training, telegram_id=3, status="registered", created_at=now)
                    .returning(registrations.c.id)
                )
            ).scalar_one()
            await connection.execute(
                insert(training_feedback).values(
                    registration_id=registration,
                    event_id=training,
                    rating=6,
                    comment="&lt;b&gt;good&lt;/b&gt;",
                    rated_at=now,
                )
            )
        broken = "\n".join(await walk.check())
        assert f"3's rating of training {training}: not checked in there" in broken
        assert f"3's rating of training {training}: 6" in broken
        assert "the comment '&lt;b&gt;good&lt;/b&gt;' is not what they typed" in broken

        await _plant_stage_trouble(database)
        broken = "\n".join(await walk.check())
        assert f"TRK sent {QUOTA + 1} proposals" in broken
        assert "approved by its own author" in broken
        assert "decisions in the trail" in broken  # an audited decision missing from it
        assert "shortlist from submitted after shortlisted" in broken  # the same move twice
    finally:
        await database.close()


async def _plant_stage_trouble(database: Database) -> None:
    """A region over its quota, a self-approved announcement, a decision twice in a trail
    (and audited once)."""
    now = datetime.now(UTC)
    async with database.write() as connection:
        repository = ProposalRepository(connection)
        draft = Draft("other", "t", "x", (), None)
        ids = []
        for sequence in range(1, QUOTA + 2):
            ids.append(
                await repository.add(
                    region_code="TRK", year=2026, sequence=sequence, member_id=None, draft=draft
                )
            )
            await repository.change(ids[-1], ProposalStatus.SHORTLISTED)
        twice = ProposalEvent(
            ProposalAction.SHORTLIST,
            ProposalStatus.SUBMITTED,
            ProposalStatus.SHORTLISTED,
            9,
            now,
            "",
        )
        await repository.record(ids[0], twice)
        await repository.record(ids[0], twice)
        await AuditRepository(connection).record(
            actor_id=9,
            action=AuditAction.PROPOSAL_SHORTLISTED,
            member_id=None,
            reason=proposal_number("TRK", 2026, 1),
        )
        broadcast_id = await BroadcastRepository(connection).add(
            author_id=1,
            audience=Audience(AudienceKind.ALL),
            reach=Reach(None),
            content=Content({"ru": "x"}, "ru"),
            due_at=now,
            now=now,
            status=BroadcastStatus.SCHEDULED,
        )
        approvals = ApprovalRepository(connection)
        await approvals.add(
            broadcast_id, requested_at=now, expires_at=now, recipients=1, send_now=True
        )
        await approvals.decide(broadcast_id, "approved", 1, now)
