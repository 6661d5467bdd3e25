"""Link my membership: own contact + IIN; otherwise organizers' approval or an invite code."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from bot.formatting import html_format
from bot.handlers.filters import TYPED_TEXT
from bot.handlers.linking.callbacks import LinkAction, LinkCallback, LinkRequestCallback
from bot.handlers.linking.keyboards import (
    ask_organizers_keyboard,
    cancel_label,
    no_match_keyboard,
    share_contact_keyboard,
    unlink_keyboard,
)
from bot.handlers.linking.states import LinkStates
from bot.handlers.menu import Menus
from bot.handlers.replies import acknowledge
from bot.services.linking import (
    Linked,
    LinkedElsewhere,
    LinkingService,
    verify_own_contact,
)


async def _ask_for_contact(
    chat: Message, user_id: int, state: FSMContext, linking: LinkingService
) -> None:
    await linking.ensure_not_linked(user_id)
    await state.set_state(LinkStates.contact)
    await chat.answer(
        _(
            "To link your membership record, share your phone number with the button below: "
            "Telegram sends only your own number. Then you will type your IIN.\n\n"
            "Have an invite code from the organizers? Send /code."
        ),
        reply_markup=share_contact_keyboard(),
    )


async def begin_linking(message: Message, state: FSMContext, linking: LinkingService) -> None:
    """/link: ask for the user's own contact (only Telegram's button sends one's own)."""
    assert message.from_user is not None
    await _ask_for_contact(message, message.from_user.id, state, linking)


async def begin_linking_by_button(
    callback: CallbackQuery, state: FSMContext, linking: LinkingService
) -> None:
    """The "Link my membership" button does what /link does."""
    await linking.ensure_not_linked(callback.from_user.id)  # a refusal answers the press
    if (message := await acknowledge(callback)) is not None:
        await _ask_for_contact(message, callback.from_user.id, state, linking)


async def receive_contact(message: Message, state: FSMContext) -> None:
    """Accept only the sender's own, not forwarded, contact."""
    assert message.contact is not None
    assert message.from_user is not None
    phone = verify_own_contact(
        sender_id=message.from_user.id,
        contact_user_id=message.contact.user_id,
        phone=message.contact.phone_number,
        forwarded=message.forward_origin is not None,
    )
    await state.update_data(phone=phone)
    await state.set_state(LinkStates.iin)
    await message.answer(
        _("Thank you. Now type your IIN: the 12 digits of your ID card."),
        reply_markup=ReplyKeyboardRemove(),
    )


async def cancel(message: Message, state: FSMContext) -> None:
    """Leave the conversation, changing nothing."""
    await state.clear()
    await message.answer(_("Cancelled. Nothing was changed."), reply_markup=ReplyKeyboardRemove())


async def remind_to_share(message: Message, state: FSMContext) -> None:
    """Text instead of a contact: cancel, or explain the button again."""
    if message.text in (cancel_label(), "/cancel"):
        await cancel(message, state)
        return
    await message.answer(
        _("Please press the button «Share my phone number» below, or «Cancel»."),
        reply_markup=share_contact_keyboard(),
    )


async def receive_iin(
    message: Message,
    state: FSMContext,
    linking: LinkingService,
    menus: Menus,
    bot: Bot,
) -> None:
    """Link when the registry's phone for this IIN is the shared one."""
    assert message.from_user is not None
    assert message.text is not None
    data = await state.get_data()
    outcome = await linking.link_by_iin(message.from_user.id, data["phone"], message.text)
    if isinstance(outcome, Linked):
        await state.clear()
        await message.answer(
            html_format(
                _(
                    "Done! Your Telegram account is linked to the record of {name}. "
                    "See it with /me."
                ),
                name=outcome.member.full_name,
            )
        )
        await menus.refresh(bot, message.from_user.id)
    elif isinstance(outcome, LinkedElsewhere):
        # No step listens any more, but the phone and IIN stay for a request to the organizers.
        # The record's holder is told of the attempt by the service.
        await state.set_state(None)
        await state.update_data(iin=message.text)
        await message.answer(
            _(
                "This membership record is already linked to another Telegram account. If that "
                "is not you, please contact the organizers of your region."
            ),
            reply_markup=ask_organizers_keyboard(),
        )
    else:
        await state.update_data(iin=message.text)
        await message.answer(
            _(
                "We could not confirm this IIN with your phone number. If the IIN is right, ask "
                "the organizers of your region to confirm it, or enter an invite code from them. "
                "You can also type the IIN again."
            ),
            reply_markup=no_match_keyboard(),
        )


async def ask_organizers(
    callback: CallbackQuery, state: FSMContext, linking: LinkingService
) -> None:
    """File a link request (the service sends it to the region's organizers)."""
    data = await state.get_data()
    if "phone" not in data or "iin" not in data:
        await callback.answer(
            _("This step has expired. Send /link to start again."), show_alert=True
        )
        return
    await linking.request_link(
        callback.from_user.id,
        data["phone"],
        data["iin"],
        telegram_name=callback.from_user.full_name,
    )
    await state.clear()
    if (message := await acknowledge(callback)) is not None:
        await message.edit_text(
            _(
                "Your request has been sent to the organizers of your region. You will get the "
                "answer here."
            )
        )


async def _ask_for_invite(
    chat: Message, user_id: int, state: FSMContext, linking: LinkingService
) -> None:
    await linking.ensure_not_linked(user_id)
    await state.set_state(LinkStates.invite)
    await chat.answer(
        _("Type the invite code you received from the organizers."),
        reply_markup=ReplyKeyboardRemove(),
    )


async def offer_invite(message: Message, state: FSMContext, linking: LinkingService) -> None:
    """/code: ask for the invite code."""
    assert message.from_user is not None
    await _ask_for_invite(message, message.from_user.id, state, linking)


async def offer_invite_by_button(
    callback: CallbackQuery, state: FSMContext, linking: LinkingService
) -> None:
    """The "I have an invite code" button."""
    await linking.ensure_not_linked(callback.from_user.id)  # a refusal answers the press
    if (message := await acknowledge(callback)) is not None:
        await _ask_for_invite(message, callback.from_user.id, state, linking)


async def receive_invite(
    message: Message, state: FSMContext, linking: LinkingService, menus: Menus, bot: Bot
) -> None:
    """Link by a one-time code."""
    assert message.from_user is not None
    assert message.text is not None
    linked = await linking.link_by_invite(message.from_user.id, message.text)
    await state.clear()
    await message.answer(
        html_format(
            _("Done! Your Telegram account is linked to the record of {name}. See it with /me."),
            name=linked.member.full_name,
        )
    )
    await menus.refresh(bot, message.from_user.id)


async def decide_request(
    callback: CallbackQuery,
    callback_data: LinkRequestCallback,
    linking: LinkingService,
    menus: Menus,
    bot: Bot,
) -> None:
    """An organizer approves or denies; the requester is told either way (by the service)."""
    decision = await linking.decide_link_request(
        callback.from_user.id, callback_data.request_id, approve=callback_data.approve
    )
    if (message := await acknowledge(callback)) is not None and message.html_text:
        verdict = _("✅ Approved by you.") if decision.approved else _("❌ Denied by you.")
        await message.edit_text(message.html_text + "\n\n" + verdict)
    if decision.approved:
        await menus.refresh(bot, decision.requester_id)


async def offer_unlink(message: Message) -> None:
    """/unlink asks to confirm."""
    await message.answer(
        _("Unlink your Telegram account from your membership record?"),
        reply_markup=unlink_keyboard(),
    )


async def unlink(callback: CallbackQuery, linking: LinkingService, menus: Menus, bot: Bot) -> None:
    """Unlink, as confirmed."""
    await linking.unlink(callback.from_user.id)
    await menus.refresh(bot, callback.from_user.id)
    if (message := await acknowledge(callback)) is not None:
        await message.edit_text(
            _("Your Telegram account is no longer linked to the membership record.")
        )


async def cancel_by_button(callback: CallbackQuery, state: FSMContext) -> None:
    """Any Cancel / No button of this feature."""
    await state.clear()
    if (message := await acknowledge(callback)) is not None:
        await message.edit_text(_("Cancelled. Nothing was changed."))


def create_router() -> Router:
    """A fresh router (one per Dispatcher: a router can have only one parent)."""
    router = Router(name="linking")
    in_linking = StateFilter(LinkStates.contact, LinkStates.iin, LinkStates.invite)
    router.message.register(cancel, in_linking, Command("cancel"))
    router.message.register(begin_linking, Command("link"))
    router.message.register(offer_invite, Command("code"))
    router.message.register(offer_unlink, Command("unlink"))
    router.message.register(receive_contact, LinkStates.contact, F.contact)
    router.message.register(remind_to_share, LinkStates.contact)
    router.message.register(receive_iin, LinkStates.iin, TYPED_TEXT)
    router.message.register(receive_invite, LinkStates.invite, TYPED_TEXT)
    router.callback_query.register(
        begin_linking_by_button, LinkCallback.filter(F.action == LinkAction.START)
    )
    router.callback_query.register(
        ask_organizers, LinkCallback.filter(F.action == LinkAction.ASK_ORGANIZERS)
    )
    router.callback_query.register(
        offer_invite_by_button, LinkCallback.filter(F.action == LinkAction.ENTER_INVITE)
    )
    router.callback_query.register(unlink, LinkCallback.filter(F.action == LinkAction.UNLINK))
    router.callback_query.register(
        cancel_by_button, LinkCallback.filter(F.action == LinkAction.CANCEL)
    )
    router.callback_query.register(decide_request, LinkRequestCallback.filter())
    return router
