"""The certificate notice: a short caption and the PDF, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from bot.domain.certificates import VERIFY_PREFIX, Certificate
from bot.domain.notices import DocumentContext, NoticeDocument, NoticeKind
from bot.formatting import format_day, format_time, html_format
from bot.handlers.certificates.pdf import CertificatePage, certificate_pdf
from bot.handlers.notices import Params, Rendered


def verify_link(bot_username: str, code: str) -> str:
    """The deep link a certificate's QR code opens: anyone can check it."""
    return f"https://t.me/{bot_username}?start={VERIFY_PREFIX}{code}"


def certificate_caption(params: Params, language: str) -> Rendered:
    """The caption under the PDF."""
    certificate = Certificate.from_params(params)
    title = certificate.training.get(language, get_i18n().default_locale)
    text = _("🎓 Your certificate for the training «{title}». Thank you for coming!")
    return html_format(text, title=title), None


def certificate_page(
    certificate: Certificate, language: str, *, organisation: str, tz: ZoneInfo, link: str
) -> CertificatePage:
    """What the PDF says, in `language` (call inside that language's context)."""
    default = get_i18n().default_locale
    start, end = certificate.starts_at.astimezone(tz), certificate.ends_at.astimezone(tz)
    day = format_day(start.date(), language)
    if end.date() != start.date():
        day = f"{day} – {format_day(end.date(), language)}"
    hours = f"{format_time(start, language, tz)}–{format_time(end, language, tz)}"
    lines = [
        _("Forum: {forum}").format(forum=certificate.forum.get(language, default)),
        _("Date: {date}, {hours}").format(date=day, hours=hours),
    ]
    trainer = certificate.speaker.get(language, default)
    if trainer:
        lines.append(_("Trainer: {name}").format(name=trainer))
    return CertificatePage(
        organisation=organisation,
        heading=_("CERTIFICATE"),
        subheading=_("of participation in a training"),
        name=certificate.holder_name,
        training=_("«{title}»").format(title=certificate.training.get(language, default)),
        lines=tuple(lines),
        code_line=_("Verification code: {code}").format(code=certificate.code),
        check_line=_(
            "To check this certificate, scan the QR code or open the link: the bot shows "
            "whose certificate it is."
        ),
        link=link,
    )


def certificate_filename(certificate: Certificate) -> str:
    """certificate-K7QM2XWD9T.pdf"""
    return f"certificate-{certificate.code}.pdf"


def document_renderers(
    organisation: Callable[[str], str], tz: ZoneInfo
) -> Mapping[NoticeKind, Callable[[Params, str], NoticeDocument]]:
    """The certificate notice as a PDF (the organisation's name per language, its zone)."""

    def certificate(params: Params, language: str) -> NoticeDocument:
        issued = Certificate.from_params(params)
        # The labels are translated here, in the reader's language; drawing happens later.
        page = certificate_page(
            issued, language, organisation=organisation(language), tz=tz, link=""
        )

        def build(context: DocumentContext) -> bytes:
            name = page.name or context.recipient_name
            link = verify_link(context.bot_username, issued.code)
            return certificate_pdf(replace(page, name=name, link=link))

        return NoticeDocument(
            certificate_filename(issued), build, needs_recipient_name=not issued.holder_name
        )

    return {NoticeKind.CERTIFICATE_ISSUED: certificate}


RENDERERS = {NoticeKind.CERTIFICATE_ISSUED: certificate_caption}
