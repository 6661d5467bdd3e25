"""The exports for the republican forum: XLSX and CSV, and the attachments as a ZIP."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.handlers.proposals.callbacks import ExportCallback
from bot.handlers.proposals.render import export_labels
from bot.handlers.replies import acknowledge
from bot.services.proposal_export import attachments_zip, file_ids, shortlist_files
from bot.services.proposals import ExportStage, ProposalDetails, ProposalService

log = logging.getLogger("bot.proposals.export")

# Telegram lets a bot send documents up to 50 MB; a bigger ZIP goes with its manifest only.
DOCUMENT_LIMIT = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Bundle:
    """The attachments' ZIP and how many of the files are inside."""

    data: bytes
    included: int
    total: int


async def download(bot: Bot, ids: Sequence[str]) -> dict[str, bytes]:
    """The files Telegram still has, by file_id (getFile, then the download)."""
    found: dict[str, bytes] = {}
    for file_id in ids:
        try:
            data = await bot.download(file_id)
        except TelegramAPIError as error:  # expired, or too big for a bot to fetch (20 MB)
            log.info("an attachment was not downloaded: %s", type(error).__name__)
            continue
        if data is not None:
            found[file_id] = data.read()
    return found


def bundle(items: Sequence[ProposalDetails], contents: dict[str, bytes]) -> Bundle:
    """The ZIP, with the files when they fit one document, else with the manifest only."""
    total = len(file_ids(items))
    data = attachments_zip(items, contents)
    if len(data) > DOCUMENT_LIMIT:
        return Bundle(attachments_zip(items, {}), 0, total)
    return Bundle(data, len(contents), total)


def stem_of(stage: ExportStage, settings: Settings) -> str:
    """The exported files' name without its suffix."""
    return f"proposals-{stage.value}-{datetime.now(settings.org.tz):%Y-%m-%d}"


async def send_export(
    chat: Message,
    stage: ExportStage,
    telegram_id: int,
    proposals: ProposalService,
    settings: Settings,
    i18n: I18n,
    bot: Bot,
) -> None:
    """XLSX, CSV and the attachments' ZIP of the stage, as documents."""
    items = await proposals.export_stage(telegram_id, stage)
    if not items:
        if stage is ExportStage.REGIONAL:
            await chat.answer(_("No proposals have been shortlisted yet."))
        else:
            await chat.answer(_("No proposals have been accepted for the republican forum yet."))
        return
    labels = export_labels(i18n.current_locale, settings.org.tz, settings.proposals.topics)
    stem = stem_of(stage, settings)
    if stage is ExportStage.REGIONAL:
        caption = ngettext(
            "{count} proposal shortlisted for the republican forum",
            "{count} proposals shortlisted for the republican forum",
            len(items),
        )
    else:
        caption = ngettext(
            "{count} proposal accepted for the republican forum",
            "{count} proposals accepted for the republican forum",
            len(items),
        )
    files = shortlist_files(stem, items, labels)
    await chat.answer_document(
        BufferedInputFile(files.xlsx, filename=f"{stem}.xlsx"),
        caption=caption.format(count=len(items)),
    )
    await chat.answer_document(BufferedInputFile(files.csv, filename=f"{stem}.csv"))
    ids = file_ids(items)
    if not ids:
        return
    zipped = bundle(items, await download(bot, ids))
    await chat.answer_document(
        BufferedInputFile(zipped.data, filename=f"{stem}-attachments.zip"),
        caption=_("Attachments: {included} of {total} files; manifest.csv lists each one.").format(
            included=zipped.included, total=zipped.total
        ),
    )


async def export_command(
    message: Message, proposals: ProposalService, settings: Settings, i18n: I18n, bot: Bot
) -> None:
    """/export_proposals: what every region sent to the republican stage."""
    assert message.from_user is not None
    await send_export(
        message, ExportStage.REGIONAL, message.from_user.id, proposals, settings, i18n, bot
    )


async def export_button(
    callback: CallbackQuery,
    callback_data: ExportCallback,
    proposals: ProposalService,
    settings: Settings,
    i18n: I18n,
    bot: Bot,
) -> None:
    """The republican group's export buttons (rights checked again by the service)."""
    message = await acknowledge(callback)
    if message is not None:
        await send_export(
            message, callback_data.stage, callback.from_user.id, proposals, settings, i18n, bot
        )
