"""A member record as HTML, in the current locale: labels, dates, the masked IIN."""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.members import CorrectableField, MemberRecord, MemberStatus, age_on
from bot.formatting import escape, format_day
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
        (_("Education"), escape(member.education or "—")),
        (_("Family status"), escape(member.family_status or "—")),
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
    return "\n".join(lines)
