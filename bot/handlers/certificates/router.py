"""`/start verify-CODE` (the certificate's QR code): anyone may check a certificate."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain.certificates import VERIFY_PREFIX
from bot.formatting import format_day, html_format
from bot.services.certificates import CertificateService


async def verify_certificate(
    message: Message,
    command: CommandObject,
    certificates: CertificateService,
    settings: Settings,
    i18n: I18n,
) -> None:
    """Whose certificate the code is and for which training; nothing else."""
    found = await certificates.check(command.args or "")
    if found is None:
        await message.answer(
            _(
                "❌ There is no certificate with this code. Check the code: it is printed "
                "under the QR code of the certificate."
            )
        )
        return
    language = i18n.current_locale
    name = found.holder_name or _("a participant without a membership record")
    title = found.training.get(language, i18n.default_locale)
    date = format_day(found.starts_at.astimezone(settings.org.tz).date(), language)
    text = _("✅ The certificate is genuine.\nIssued to: {name}\nTraining: «{title}», {date}")
    await message.answer(html_format(text, name=name, title=title, date=date))


def create_router() -> Router:
    """A fresh router (one per Dispatcher)."""
    router = Router(name="certificates")
    router.message.register(
        verify_certificate,
        CommandStart(deep_link=True, magic=F.args.startswith(VERIFY_PREFIX)),
    )
    return router
