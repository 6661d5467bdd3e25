"""The sandbox's demo world: a synthetic registry and the people a visitor can play.

`seed_demo_world` runs one step per part of the world; a later feature (a forum, proposals)
adds its own `add_...` step and calls it from there. Every step is idempotent.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.db.engine import Database
from bot.db.registry import RegistryRepository
from bot.db.roles import RoleRepository
from bot.db.users import UserRepository
from bot.demo.events import (
    NEAR_DUPLICATE_TITLE,
    SIMILAR_TEXT,
    SIMILAR_TITLE,
    add_demo_forums,
    add_demo_past_training,
    add_demo_proposals,
    add_full_demo_seminar,
    add_soon_demo_meeting,
)
from bot.demo.registry import generate_members, write_csv
from bot.domain.iin import Sex, make_iin
from bot.domain.members import RegistryEntry
from bot.domain.roles import Grant, Role
from bot.services.registry_import import import_registry

DEMO_REGION = "TRK"
ALMATY = ZoneInfo("Asia/Almaty")
DEMO_WORLD_VERSION = 6
"""Raise it when the world grows (a forum, proposals): sandboxes seed the new parts on start."""
# The sandbox's delivery.approval_threshold: its few linked people are never 100,000, so every
# announcement with a recipient waits for a second organizer there (two-person approval).
DEMO_APPROVAL_THRESHOLD = 0


@dataclass(frozen=True, slots=True)
class DemoPerson:
    """A fixed Telegram account in the emulator, and what the page tells about it."""

    key: str
    telegram_id: int
    first_name: str
    last_name: str
    phone: str
    language_code: str
    title: str
    about: str
    tips: tuple[str, ...]
    iin: str | None = None  # only the member: typed when linking

    @property
    def full_name(self) -> str:
        """First and last name, as Telegram shows them."""
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class DemoWorld:
    """The demo people, the same for every seed of the registry."""

    member: DemoPerson
    organizer: DemoPerson
    hq_organizer: DemoPerson
    reviewer: DemoPerson
    republican: DemoPerson
    guest: DemoPerson
    registry_size: int

    @property
    def people(self) -> tuple[DemoPerson, ...]:
        """In the order the page lists them."""
        return (
            self.member,
            self.organizer,
            self.hq_organizer,
            self.reviewer,
            self.republican,
            self.guest,
        )

    @property
    def member_iin(self) -> str:
        """The IIN the member types to link their account (synthetic)."""
        assert self.member.iin is not None
        return self.member.iin


# The member's registry row: a Kazakh name in Turkistan region, the phone of their account.
MEMBER_RECORD = RegistryEntry(
    iin=make_iin(dt.date(1991, 4, 12), Sex.FEMALE, 4207).value,
    last_name="Сейітова",
    first_name="Айгүл",
    patronymic="Ерланқызы",
    phone="+77060000101",
    region_code=DEMO_REGION,
    ppo="БПҰ №7 «№12 жалпы білім беретін мектеп», Түркістан",
    status="member",
    joined_on=dt.date(2012, 5, 17),
    birthplace="Түркістан",
    workplace="«№12 жалпы білім беретін мектеп» КММ, Түркістан",
    position="бастауыш сынып мұғалімі",
    education="жоғары",
    family_status="тұрмыста",
)


def demo_world(*, members: int) -> DemoWorld:
    """The demo people (pure: nothing is written); `seed_demo_world` puts them in a database."""
    member = DemoPerson(
        key="member",
        telegram_id=600_000_101,
        first_name=MEMBER_RECORD.first_name,
        last_name=MEMBER_RECORD.last_name,
        phone=MEMBER_RECORD.phone or "",
        language_code="kk",
        title="Member, Turkistan region",
        about=(
            "A teacher in Turkistan region. Her record is in the registry, with the phone "
            "number of her Telegram account; her account is not linked to it yet."
        ),
        tips=(
            "Press START, then “Деректерімді байланыстыру” (Link my membership), or send /link.",
            "Share your phone number with the button, then type the demo IIN below.",
            "Send /me: your record, and a button to ask for a correction.",
            "/forums: register for a forum and its trainings; /tickets: one QR ticket for all"
            " of them, and “📅 Күнтізбеге қосу” (Add to calendar) sends an .ics file.",
            "/language switches between Қазақша, Русский and English; /mydata sends a file.",
            "She is at a training that ends 20 minutes after the sandbox's first start: then"
            " her PDF certificate and a 1–5 rating question arrive. The QR code on it (or"
            " /start verify-CODE) checks it.",
            "/forums → the Turkistan youth wing seminar is full: join its waiting list. When "
            "the organizer adds a seat, the bot offers it to you: Take it or No thanks.",
            "She has held a seat at the Teachers' meeting (it starts soon) for a week: "
            "15 minutes after the sandbox's first start the bot asks “Still coming?” — Yes keeps "
            "the seat, No frees it. /tickets shows that ticket; start over with --reset.",
            f"/propose → a topic → the title “{SIMILAR_TITLE}” → the text “{SIMILAR_TEXT}”: "
            "before sending, the bot shows the similar Turkistan proposals, each with “👍 "
            "Қолдау: …” (Support …), and “Менікі басқа” (Mine is different).",
        ),
        iin=MEMBER_RECORD.iin,
    )
    organizer = DemoPerson(
        key="organizer",
        telegram_id=600_000_102,
        first_name="Ерлан",
        last_name="Оспанов",
        phone="+77060000102",
        language_code="ru",
        title="Organizer, Turkistan region",
        about=(
            "Organizes forums and trainings in Turkistan region: sees registrations, checks "
            "people in, approves link requests, sends announcements."
        ),
        tips=(
            "Send /start: the bot answers in Russian, his Telegram language.",
            "Find a member of his region: /find Сейітова (or an IIN).",
            "Link requests that members send to the organizers arrive here, with buttons.",
            "After the member has joined the full youth wing seminar's waiting list: /myforums "
            "→ the seminar → Изменить → Количество мест → 3. The seat is offered to her; "
            "/myforums shows the open offer.",
            "/myforums → the Teachers' meeting: its card counts the “Still coming?” answers "
            "(yes / no / silent). Seats still silent after the reminder (a day after the "
            "question) can be released with one press; the meeting starts before that here.",
            "/stats (or “Диаграмма” on a forum's card): a PNG chart of registrations, seats, "
            "attendance per training and top regions, labelled in his language.",
            "Two-person approval: once the member has linked her account, send /broadcast → "
            "Русский → a text → “Выбрать получателей →” → “Все привязанные члены партии” → "
            "“Отправить сейчас”. It waits for a second organizer (in the sandbox every "
            "announcement does); play Гүлнар to approve it.",
        ),
    )
    hq_organizer = DemoPerson(
        key="hq_organizer",
        telegram_id=600_000_106,
        first_name="Гүлнар",
        last_name="Қасымова",
        phone="+77060000106",
        language_code="kk",
        title="Organizer of every region (headquarters)",
        about=(
            "Organizes for the whole organisation in Astana; a second pair of eyes on the "
            "widest announcements: another organizer's waits for her approval."
        ),
        tips=(
            "After Ерлан sends an announcement (see his tips), “№N хабарландыру сіздің "
            "мақұлдауыңызды күтіп тұр” (Announcement #N needs your approval) arrives here with "
            "its texts and recipient count: “✅ Мақұлдау” (Approve) asks once more, then it "
            "goes out and Ерлан is told. “Қабылдамау” (Decline) cancels it.",
            "Her own announcement to all members waits for another organizer of every region "
            "or an admin (she cannot approve her own); nobody approves it here, so after 24 "
            "hours it is withdrawn and she is told.",
        ),
    )
    reviewer = DemoPerson(
        key="reviewer",
        telegram_id=600_000_103,
        first_name="Динара",
        last_name="Ахметова",
        phone="+77060000103",
        language_code="kk",
        title="Reviewer, Turkistan region",
        about="In the editorial group of Turkistan region: reviews the proposals members send.",
        tips=(
            "Send /start and /help: the bot knows her role.",
            "Send /review: proposals of Turkistan members wait for her; open one to shortlist "
            "it, reject it or ask for changes. /shortlist shows what was chosen.",
            f"/review → “{NEAR_DUPLICATE_TITLE}”: under its card, “ықтимал қайталамалары” "
            "(Likely duplicates) lists the shortlisted proposal it repeats; “Салыстыру: …” "
            "(Compare with …) shows both side by side, and “Біріктіру: 1 → 2” (Merge 1 into 2) "
            "makes its author a co-author there and carries its supports over.",
        ),
    )
    republican = DemoPerson(
        key="republican",
        telegram_id=600_000_105,
        first_name="Нұрлан",
        last_name="Жұмабеков",
        phone="+77060000105",
        language_code="ru",
        title="Republican editorial group",
        about=(
            "In the republican editorial group, in Astana: decides on the proposals every "
            "region shortlists for the republican forum."
        ),
        tips=(
            "Send /republican: the proposals the regions sent (two from Turkistan); open one "
            "to accept it for the republican forum, return it to its region or reject it — "
            "each decision asks to confirm, and the card changes in place.",
            "The buttons under the list export the proposals with their trail: XLSX, CSV and "
            "a ZIP of the attachments.",
            "Play the member, propose, then the reviewer shortlists it (within Turkistan's "
            "quota, shown as “N of 5 sent”) and it arrives here.",
        ),
    )
    guest = DemoPerson(
        key="guest",
        telegram_id=600_000_104,
        first_name="Alex",
        last_name="",
        phone="+77060000104",
        language_code="en",
        title="Guest, not in the registry",
        about="Someone curious about the bot, with no membership record.",
        tips=(
            "Send /start: his Telegram is in English, but the bot answers in the "
            "organisation's language (Kazakh here): only Kazakh and Russian are taken from "
            "Telegram. /language switches to English.",
            "Try /link with any IIN: not in the registry, so he can ask the organizers.",
            "Write anything: the bot never stays silent.",
        ),
    )
    return DemoWorld(
        member, organizer, hq_organizer, reviewer, republican, guest, registry_size=members
    )


async def seed_demo_world(
    database: Database,
    *,
    members: int,
    seed: int = 0,
    tz: ZoneInfo = ALMATY,
    ask_before: dt.timedelta = dt.timedelta(hours=48),
) -> DemoWorld:
    """Fill the database with the demo registry and people; running it again changes nothing.

    `ask_before` is `forums.confirm_hours_before`: the soon meeting starts halfway into it."""
    world = demo_world(members=members)
    await import_demo_registry(database, members=members, seed=seed)
    await add_demo_people(database, world)
    await add_demo_forums(database, admins=(), tz=tz)
    await add_demo_past_training(
        database,
        member_iin=MEMBER_RECORD.iin,
        telegram_id=world.member.telegram_id,
        organizer_id=world.organizer.telegram_id,
        tz=tz,
    )
    await add_full_demo_seminar(database, tz=tz)
    await add_soon_demo_meeting(
        database, tz=tz, ask_before=ask_before, member_telegram_id=world.member.telegram_id
    )
    await add_demo_proposals(database, members=members, seed=seed, year=dt.datetime.now(tz).year)
    return world


async def import_demo_registry(database: Database, *, members: int, seed: int = 0) -> None:
    """`members` synthetic records (bot.demo.registry), imported as a registry file is."""
    with tempfile.TemporaryDirectory(prefix="ppo-bot-demo-") as folder:
        path = Path(folder) / "demo-registry.csv"
        write_csv(path, generate_members(members, seed=seed))
        summary = await import_registry(database, path)
    if summary.rejected:
        msg = f"the demo registry had {summary.rejected} rejected rows: a generator bug"
        raise RuntimeError(msg)


async def add_demo_people(database: Database, world: DemoWorld) -> None:
    """The member's registry row, and the organizer's and the reviewers' roles."""
    async with database.write() as connection:
        registry = RegistryRepository(connection)
        await registry.ensure_ppos({(MEMBER_RECORD.region_code, MEMBER_RECORD.ppo)})
        await registry.upsert_members([MEMBER_RECORD])
        users, roles = UserRepository(connection), RoleRepository(connection)
        grants = (
            (world.organizer, Grant(Role.ORGANIZER, DEMO_REGION)),
            # the demo forum is in Shymkent: its organizer checks people in there too
            (world.organizer, Grant(Role.ORGANIZER, "SHY")),
            (world.hq_organizer, Grant(Role.ORGANIZER, None)),
            (world.reviewer, Grant(Role.REVIEWER, DEMO_REGION)),
            (world.republican, Grant(Role.REPUBLICAN, None)),
        )
        for person, grant in grants:
            # no language yet: the bot guesses it from Telegram, as for anyone new
            await users.add_if_missing(person.telegram_id, language=None)
            await roles.grant(person.telegram_id, grant, granted_by=None)
