"""The help text: what this person can do, by their role."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.domain.roles import Principal, Role


def help_text(principal: Principal | None, *, linked: bool | None) -> str:
    """The commands this person may use and what they do, in the current locale (HTML).

    `linked` None (not known, as in a group) lists both the guest's and the member's commands.
    """
    lines = [_("Here is what you can do:")]
    if linked is not True:
        lines.append(_("/link — link your membership record (phone + IIN)"))
    if linked is not False:
        lines.append(_("/me — your membership record; ask for a correction"))
        lines.append(_("/unlink — unlink your Telegram account from the record"))
        lines.append(_("/propose — submit a proposal to the editorial group of your region"))
        lines.append(_("/myproposals — your proposals, reviewers' comments; revise or withdraw"))
        lines.append(_("/shortlist — your region's proposals for the republican forum; support"))
    lines += [
        _("/forums — forums and trainings: register, waiting lists"),
        _("/tickets — your tickets (QR codes) and places"),
        _("/mydata — a file with everything stored about you"),
        _("/forgetme — unlink and erase your data in this bot"),
        _("/language — choose Kazakh, Russian or English"),
        _("/help — this list"),
    ]
    if principal is not None and principal.regions(Role.ORGANIZER) != frozenset():
        lines += [
            "",
            _("For organizers:"),
            _("/find — find a member by IIN or name"),
            _("/myforums — your forums: counts, lists, editing; /newforum — a new one"),
            _("/stats — a forum's figures as a chart"),
            _("/broadcast — an announcement to members or to forum participants"),
        ]
    republican = principal is not None and principal.reaches(Role.REPUBLICAN, None)
    if principal is not None and (principal.regions(Role.ORGANIZER) is None or republican):
        lines.append(_("/export_proposals — every region's shortlist as XLSX and CSV"))
    if principal is not None and principal.regions(Role.REVIEWER) != frozenset():
        lines += ["", _("For reviewers:"), _("/review — proposals waiting for your review")]
    if republican:
        lines += [
            "",
            _("For the republican editorial group:"),
            _("/republican — proposals the regions sent: accept, return, reject; exports"),
        ]
    if principal is not None and principal.is_admin:
        lines += [
            "",
            _("For administrators:"),
            _("/grant, /revoke — appoint or dismiss organizers and reviewers"),
        ]
    return "\n".join(lines)
