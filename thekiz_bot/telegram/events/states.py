"""The steps of the admin conversation (event form, edits, announcements) and its drafts.

The handlers of the conversation return these states; the drafts live in `context.user_data`
only while the admin fills them in. Sequencing per chat (telegram/ordering.py) keeps two quick
taps from racing on a draft.
"""

from __future__ import annotations

from telegram.ext import ConversationHandler

FORM, CONFIRM, EDIT_VALUE, ANNOUNCE_TEXT = 1, 2, 3, 4
END = ConversationHandler.END
DRAFT_KEY = "event_form"  # {"values": {...}, "step": field name or None (one-line form)}
EDIT_KEY = "event_edit"  # {"event_id": int, "field": field name}
