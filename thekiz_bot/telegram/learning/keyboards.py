"""The buttons under a digest group, its topic list and a decision's confirmation."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from thekiz_bot.knowledge.loader import FaqEntry
from thekiz_bot.learning.digest import DigestGroup
from thekiz_bot.telegram.callbacks import Learn, UndoDecision, short_key
from thekiz_bot.telegram.texts import learning as texts


def _button(label: str, action: Learn | UndoDecision) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=action.encode())


def group_key(group: DigestGroup) -> str:
    return short_key(group.text)


def _next(position: int, total: int, key: str) -> list[InlineKeyboardButton]:
    return [_button(texts.NEXT_BUTTON, Learn("page", key, str(position + 1)))] \
        if position + 1 < total else []


def group_keyboard(group: DigestGroup, entries: Sequence[FaqEntry], position: int,
                   total: int) -> InlineKeyboardMarkup:
    key = group_key(group)
    rows: list[list[InlineKeyboardButton]] = []
    if group.teachable:
        rows += [[_button(texts.entry_button(e.question), Learn("entry", key, short_key(e.id)))]
                 for e in entries]
        rows.append([_button(texts.SEARCH_BUTTON, Learn("search", key))])
        rows.append([_button(texts.SCOPE_BUTTON, Learn("scope", key)),
                     _button(texts.IGNORE_BUTTON, Learn("ignore", key))])
    else:
        rows.append([_button(texts.IGNORE_BUTTON, Learn("ignore", key))])
    if position + 1 < total:
        rows.append(_next(position, total, key))
    return InlineKeyboardMarkup(rows)


def entry_choices(group: DigestGroup, entries: Sequence[FaqEntry],
                  position: int) -> InlineKeyboardMarkup:
    key = group_key(group)
    rows = [[_button(texts.entry_button(e.question), Learn("entry", key, short_key(e.id)))]
            for e in entries]
    rows.append([_button(texts.BACK_BUTTON, Learn("page", key, str(position)))])
    return InlineKeyboardMarkup(rows)


def topic_choices(group: DigestGroup, topics: Sequence[str], position: int) -> InlineKeyboardMarkup:
    key = group_key(group)
    rows = [[_button(texts.topic_button(t), Learn("topic", key, short_key(t)))] for t in topics]
    rows.append([_button(texts.NEW_TOPIC_BUTTON, Learn("new_topic", key))])
    rows.append([_button(texts.BACK_BUTTON, Learn("page", key, str(position)))])
    return InlineKeyboardMarkup(rows)


def after_decision(decision_id: int, position: int, more: bool) -> InlineKeyboardMarkup:
    row = [_button(texts.UNDO_BUTTON, UndoDecision(decision_id))]
    if more:
        row.append(_button(texts.NEXT_BUTTON, Learn("page", "-", str(position))))
    return InlineKeyboardMarkup([row])


def overview_button() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(texts.OVERVIEW_BUTTON, Learn("page", "-", "0"))]])
