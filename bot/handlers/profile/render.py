"""A member record as HTML, in the current locale: labels, dates, the masked IIN."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.iin import Sex
from bot.domain.members import CorrectableField, MemberRecord, MemberStatus, age_on
from bot.domain.registry_values import Education, FamilyStatus, education_of, family_status_of
from bot.formatting import escape, fit_lines, format_day
from bot.handlers.replies import N_
from bot.services.profile import Activity

FIELD_LABELS: dict[CorrectableField, str] = {
    CorrectableField.LAST_NAME: N_("Last name"),
    CorrectableField.FIRST_NAME: N_("First name"),
    CorrectableField.PATRONYMIC: N_("Patronymic"),
    CorrectableField.BIRTHPLACE: N_("Place of birth"),
    CorrectableField.WORKPLACE: N_("Workplace"),
    CorrectableField.POSITION: N_("Position"),
    CorrectableField.EDUCATION: N_("Education"),
    CorrectableField.FAMILY_STATUS: N_("Family status"),
    CorrectableField.PHONE: N_("Phone"),
}


EDUCATION: dict[Education, str] = {
    Education.HIGHER: N_("higher"),
    Education.SPECIALISED_SECONDARY: N_("specialised secondary"),
    Education.SECONDARY: N_("secondary"),
    Education.INCOMPLETE_HIGHER: N_("incomplete higher"),
    Education.POSTGRADUATE: N_("postgraduate"),
}
# The msgids name the sex: Russian and Kazakh words differ by it, English ones mostly not.
FAMILY_STATUS: dict[FamilyStatus, str] = {
    FamilyStatus.MARRIED_MAN: N_("married (a man)"),
    FamilyStatus.MARRIED_WOMAN: N_("married (a woman)"),
    FamilyStatus.SINGLE_MAN: N_("single (a man)"),
    FamilyStatus.SINGLE_WOMAN: N_("single (a woman)"),
    FamilyStatus.DIVORCED_MAN: N_("divorced (a man)"),
    FamilyStatus.DIVORCED_WOMAN: N_("divorced (a woman)"),
    FamilyStatus.WIDOWER: N_("widower"),
    FamilyStatus.WIDOW: N_("widow"),
}


def _education(text: str | None) -> str:
    """A coded value in the reader's language; a free text as written."""
    education = education_of(text)
    return _(EDUCATION[education]) if education else (text or "—")


def _family_status(text: str | None, sex: Sex) -> str:
    status = family_status_of(text, female=sex is Sex.FEMALE)
    return _(FAMILY_STATUS[status]) if status else (text or "—")


def field_label(field: CorrectableField) -> str:
    """The field's name in the current locale."""
    return _(FIELD_LABELS[field])


def _status(member: MemberRecord) -> str:
    return _("member") if member.status is MemberStatus.MEMBER else _("candidate")


def render_record(
    member: MemberRecord, *, locale: str, today: date, activity: Activity | None
) -> str:
    """The record (and the activity, for the member's own view)."""
    iin = member.parsed_iin
    years = age_on(iin.birth_date, today)
    born = ngettext("{date}, aged {years}", "{date}, aged {years}", years).format(
        date=format_day(iin.birth_date, locale), years=years
    )
    rows = [
        (_("Full name"), escape(member.full_name)),
        (_("IIN"), iin.masked),
        (_("Date of birth"), born),
        (_("Place of birth"), escape(member.birthplace or "—")),
        (_("Region"), escape(member.region.name(locale))),
        (_("Primary organisation"), escape(member.ppo_name or "—")),
        (_("Status"), _status(member)),
        # A date after a label, never inside a sentence: no case ending to get wrong.
        (_("Date of joining"), format_day(member.joined_on, locale) if member.joined_on else "—"),
        (_("Workplace"), escape(member.workplace or "—")),
        (_("Position"), escape(member.position or "—")),
        (_("Education"), escape(_education(member.education))),
        (_("Family status"), escape(_family_status(member.family_status, iin.sex))),
    ]
    lines = [_("<b>Membership record</b>"), ""]
    lines += [f"<b>{label}:</b> {value}" for label, value in rows]
    if activity is not None:
        lines += [
            "",
            _("<b>Activity</b>"),
            _("Forums attended: {count}").format(count=activity.forums_attended),
            _("Trainings completed: {count}").format(count=activity.trainings_completed),
            _("Proposals submitted: {count}").format(count=activity.proposals_submitted),
        ]
    return fit_lines(lines)


# Rendered texts of /me, the most frequent request: a record is read from the database every
# time (so a correction shows at once), and the whole of what was read is the key — the record
# with its activity, the reader's language and the day (the age) — so a changed record is a
# new key, never a stale text. 4,096 texts of about 2 KB: at most ~10 MB.
OWN_RECORDS_CACHED = 4096


@lru_cache(maxsize=OWN_RECORDS_CACHED)
def render_own_record(
    member: MemberRecord, *, locale: str, today: date, activity: Activity
) -> str:
    """render_record of the member's own view, for the current locale (which is `locale`)."""
    return render_record(member, locale=locale, today=today, activity=activity)
