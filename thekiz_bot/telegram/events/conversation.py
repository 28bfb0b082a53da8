"""The admin conversation: the steps that expect the admin's next text (event form, edits,
announcement text). One ConversationHandler, safe because updates of one chat are handled in
order (telegram/ordering.py): two quick taps cannot race on the draft.
"""

from __future__ import annotations

import warnings

from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from thekiz_bot.telegram import callbacks
from thekiz_bot.telegram.events import announce, edit, form
from thekiz_bot.telegram.events.states import ANNOUNCE_TEXT, CONFIRM, EDIT_VALUE, FORM


def _edit_choice(action: callbacks.Action) -> bool:
    return isinstance(action, callbacks.FormAnswer) and action.choice in ("kind", "region")


def admin_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    message = filters.UpdateType.MESSAGE
    text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE & message
    with warnings.catch_warnings():
        # Buttons belong to the admin's conversation, not to one message: per_message=False.
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("termin_neu", form.on_new, filters=message),
                CommandHandler("termin_bearbeiten", edit.on_edit_command, filters=message),
                CallbackQueryHandler(edit.on_edit_field,
                                     pattern=callbacks.pattern(callbacks.EditField)),
                CommandHandler("ankuendigen", announce.on_announce, filters=message),
            ],
            states={
                FORM: [
                    MessageHandler(text, form.on_form_text),
                    CallbackQueryHandler(form.on_form_button,
                                         pattern=callbacks.pattern(callbacks.FormAnswer)),
                ],
                CONFIRM: [
                    CallbackQueryHandler(form.on_form_save,
                                         pattern=callbacks.pattern(callbacks.SaveForm)),
                    CallbackQueryHandler(form.on_form_abort,
                                         pattern=callbacks.pattern(callbacks.AbortForm)),
                    MessageHandler(text, form.on_confirm_text),
                ],
                EDIT_VALUE: [
                    MessageHandler(text, edit.on_edit_text),
                    CallbackQueryHandler(edit.on_edit_button,
                                         pattern=callbacks.pattern(callbacks.FormAnswer,
                                                                   _edit_choice)),
                ],
                ANNOUNCE_TEXT: [
                    MessageHandler(text, announce.on_announce_text),
                    CallbackQueryHandler(announce.on_announce_event,
                                         pattern=callbacks.pattern(callbacks.AnnounceEvent)),
                ],
            },
            fallbacks=[CommandHandler("abbrechen", form.on_form_abort)],
            allow_reentry=True,
            name="thekiz_event_admin",
        )
