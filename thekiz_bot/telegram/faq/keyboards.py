"""Inline keyboards of the bot (buttons carry the callback data of callbacks.py)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from thekiz_bot.knowledge.loader import FaqEntry, Region
from thekiz_bot.matching import render
from thekiz_bot.telegram.callbacks import ConfirmDeletion, PickRegion, ShowEntry, Vote, short_key
from thekiz_bot.telegram.texts import common
from thekiz_bot.telegram.texts import faq as texts

# Long labels are cut by Telegram clients anyway; this keeps two-line buttons readable.
BUTTON_LABEL_LIMIT = 60
REGION_COLUMNS = 2


def feedback(
    entry: FaqEntry, question_id: int, via_suggestion: bool, see_also: FaqEntry | None = None
) -> InlineKeyboardMarkup:
    """👍/👎 under an answer; with `see_also`, a button for the second entry that fits too."""
    key = short_key(entry.id)
    more = []
    if see_also is not None:
        label = common.shorten(f"{render.SEE_ALSO} {see_also.question}", BUTTON_LABEL_LIMIT)
        data = ShowEntry(short_key(see_also.id), question_id, replace=False).encode()
        more.append([InlineKeyboardButton(label, callback_data=data)])
    return InlineKeyboardMarkup(
        [*more, [
            InlineKeyboardButton(
                texts.VOTE_HELPFUL_BUTTON,
                callback_data=Vote(1, key, question_id, via_suggestion).encode(),
            ),
            InlineKeyboardButton(
                texts.VOTE_NOT_HELPFUL_BUTTON,
                callback_data=Vote(-1, key, question_id, via_suggestion).encode(),
            ),
        ]]
    )


def entry_choices(
    entries: Sequence[FaqEntry], question_id: int, numbered: bool = True, replace: bool = True
) -> InlineKeyboardMarkup:
    """One button per entry (its question), e.g. the "Meinten Sie …?" candidates."""
    rows = []
    for number, entry in enumerate(entries, 1):
        label = f"{number}. {entry.question}" if numbered else entry.question
        data = ShowEntry(short_key(entry.id), question_id, replace).encode()
        rows.append([InlineKeyboardButton(common.shorten(label, BUTTON_LABEL_LIMIT),
                                          callback_data=data)])
    return InlineKeyboardMarkup(rows)


def regions(all_regions: Sequence[Region], current: str | None) -> InlineKeyboardMarkup:
    """All Landkreise, then all kreisfreie Städte, alphabetically; the current one ticked."""
    ordered = sorted(all_regions, key=lambda r: (r.kind != "Landkreis", r.name))
    buttons = [
        InlineKeyboardButton(
            ("✓ " if region.id == current else "") + region.name
            + (" (Stadt)" if region.kind != "Landkreis" else ""),
            callback_data=PickRegion(short_key(region.id)).encode(),
        )
        for region in ordered
    ]
    rows = [buttons[i:i + REGION_COLUMNS] for i in range(0, len(buttons), REGION_COLUMNS)]
    if current is not None:
        rows.append([InlineKeyboardButton(texts.FORGET_REGION_BUTTON,
                                          callback_data=PickRegion(None).encode())])
    return InlineKeyboardMarkup(rows)


def confirm_deletion() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[
            InlineKeyboardButton(texts.DELETE_YES, callback_data=ConfirmDeletion(True).encode()),
            InlineKeyboardButton(texts.DELETE_NO, callback_data=ConfirmDeletion(False).encode()),
        ]]
    )
