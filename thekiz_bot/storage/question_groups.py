"""The grouping of the questions the bot could not answer directly, kept in the database so that
`/statistik` stays quick: after a restart it reads the groups instead of computing them, and
between two calls it groups only the wordings asked since (`text.grouping.assign`).

Tables (owned here): `question_group_state` (one row: what the grouping was computed with, up
to which question, and a generation that changes with every write), `question_group_keys` (each
analysed wording, ordered by the question that first asked it, with its group: the id of the
group's first key, in the column `representative`) and `question_group_wordings` (each exact
wording → its analysed form).

The stored grouping is always the one that grouping the retained log from scratch gives:
wordings are grouped in the order first asked, and a wording's group depends only on those
before it, so new wordings are simply assigned after the others. Deleting old questions
(retention) forgets the wordings no longer asked at once (`forget_deleted`, inside the
deleting transaction); the groups from the first changed wording on are assigned again on the
next read. Another knowledge base vocabulary (synonyms, stop words) groups from scratch.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from thekiz_bot.storage.database import Database
from thekiz_bot.storage.questions import QuestionLog
from thekiz_bot.text.grouping import (
    REPRESENTATIVES,
    assign,
    grouping_fingerprint,
    grouping_key,
)
from thekiz_bot.text.normalise import Vocabulary

log = logging.getLogger(__name__)

# Another process (the bot, `report`) may write the grouping at the same time; after this many
# conflicts the result is used without storing it (the next read stores it).
_ATTEMPTS = 3


@dataclass
class GroupKey:
    """One analysed wording: `group` is the id of its group's first key."""

    id: int
    text: str
    first_id: int  # the first question (still in the log) that asked it
    group: int


@dataclass
class Grouping:
    """The grouping of all questions without a direct answer up to question `seen_id`."""

    fingerprint: str
    seen_id: int
    seen_count: int  # how many such questions there were: fewer later means some were deleted
    generation: int
    redo_from: int | None  # keys with first_id ≥ this must be assigned again
    keys: dict[int, GroupKey] = field(default_factory=dict)
    wordings: dict[str, int] = field(default_factory=dict)  # exact text → key id
    by_text: dict[str, int] = field(default_factory=dict)  # analysed text → key id

    def group_of(self, text: str) -> int | None:
        """The group (its first key's id) of an exact wording, None if not grouped."""
        key_id = self.wordings.get(text)
        return None if key_id is None else self.keys[key_id].group

    def key_of(self, text: str) -> int | None:
        return self.wordings.get(text)

    def in_order(self) -> list[GroupKey]:
        return sorted(self.keys.values(), key=lambda k: k.first_id)


@dataclass
class _Changes:
    """What one read adds to the stored grouping."""

    rebuilt: bool = False
    keys: list[GroupKey] = field(default_factory=list)  # new keys
    wordings: list[tuple[str, int, int]] = field(default_factory=list)  # (text, key id, first id)
    regrouped: list[GroupKey] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.rebuilt or bool(self.keys or self.wordings or self.regrouped)


class _Conflict(Exception):
    """Someone else wrote the grouping since it was read."""


def _regroup(keys: Sequence[GroupKey], earlier: Sequence[GroupKey]) -> None:
    """Assign `keys` (in order) after the groups of the keys `earlier` (in order)."""
    founders: list[int] = []  # group number → the group's id (its first key's)
    number: dict[int, int] = {}
    represented: Counter[int] = Counter()
    representatives: list[tuple[str, int]] = []
    for key in earlier:
        if key.group not in number:
            number[key.group] = len(founders)
            founders.append(key.group)
        n = number[key.group]
        if represented[n] < REPRESENTATIVES:
            represented[n] += 1
            representatives.append((key.text, n))
    for key, n in zip(keys, assign([k.text for k in keys], representatives), strict=True):
        if n == len(founders):
            founders.append(key.id)
        key.group = founders[n]


class QuestionGroups:
    def __init__(self, db: Database, questions: QuestionLog | None = None) -> None:
        self.db = db
        self._questions = questions or QuestionLog(db)
        self._mirror: Grouping | None = None  # the stored grouping as last read or written
        self._lock = threading.Lock()  # /statistik runs in worker threads: one at a time here

    # --- reading ------------------------------------------------------------------------

    def current(self, vocab: Vocabulary) -> Grouping:
        """The grouping of everything asked so far (computing and storing what is missing)."""
        with self._lock:
            return self._current(vocab)

    def _current(self, vocab: Vocabulary) -> Grouping:
        fingerprint = grouping_fingerprint(vocab)
        analysed: dict[str, str] = {}

        def analyse(text: str) -> str:
            if text not in analysed:
                analysed[text] = grouping_key(text, vocab.analyse)
            return analysed[text]

        grouping = self._mirror
        for _ in range(_ATTEMPTS):
            state = self._state()
            if state is not None and state[0] == fingerprint:
                grouping = self._read(state)
                if self._questions.count_without_answer(grouping.seen_id) < grouping.seen_count:
                    self.forget_deleted()  # deleted without telling us: forget first
                    continue
                changes = self._complete(grouping, analyse)
            else:
                grouping = Grouping(fingerprint, 0, 0, state[1] if state else 0, None)
                changes = self._complete(grouping, analyse)
                changes.rebuilt = True
            if not changes:
                return grouping
            try:
                self._store(grouping, changes, expected=None if state is None else state[1])
            except _Conflict:
                self._mirror = None
                continue
            except sqlite3.OperationalError as exc:  # locked: the result is right, only unsaved
                log.info("question grouping not stored: %s", exc)
                self._mirror = None
                return grouping
            self._mirror = grouping
            return grouping
        self._mirror = None
        assert grouping is not None
        return grouping

    def _state(self) -> tuple[str, int] | None:
        rows = self.db.query("SELECT fingerprint, generation FROM question_group_state")
        return (str(rows[0]["fingerprint"]), int(rows[0]["generation"])) if rows else None

    def _read(self, state: tuple[str, int]) -> Grouping:
        if self._mirror is not None and self._mirror.generation == state[1]:
            return self._mirror
        row = self.db.query("SELECT fingerprint, seen_id, seen_count, redo_from, generation "
                            "FROM question_group_state")[0]
        grouping = Grouping(str(row["fingerprint"]), int(row["seen_id"]), int(row["seen_count"]),
                            int(row["generation"]),
                            None if row["redo_from"] is None else int(row["redo_from"]))
        for r in self.db.query("SELECT id, key, first_id, representative "
                               "FROM question_group_keys"):
            key = GroupKey(int(r[0]), str(r[1]), int(r[2]), int(r[3]))
            grouping.keys[key.id] = key
            grouping.by_text[key.text] = key.id
        grouping.wordings = {str(r[0]): int(r[1]) for r in self.db.query(
            "SELECT text, key_id FROM question_group_wordings")}
        self._mirror = grouping
        return grouping

    def _complete(self, grouping: Grouping, analyse: Callable[[str], str]) -> _Changes:
        """Bring `grouping` up to the newest question (in place); returns what changed."""
        changes = _Changes()
        if grouping.redo_from is not None:
            ordered = grouping.in_order()
            kept = [k for k in ordered if k.first_id < grouping.redo_from]
            changes.regrouped = [k for k in ordered if k.first_id >= grouping.redo_from]
            _regroup(changes.regrouped, kept)
            grouping.redo_from = None
        newest = self._questions.latest_id()
        if newest <= grouping.seen_id:
            return changes
        next_id = max(grouping.keys, default=0) + 1
        asked = self._questions.without_answer(grouping.seen_id, newest)
        for question_id, text in asked:
            if text in grouping.wordings:
                continue
            analysed = analyse(text)
            if not analysed:
                continue  # no words at all: nothing to group
            key_id = grouping.by_text.get(analysed)
            if key_id is None:
                key = GroupKey(next_id, analysed, question_id, next_id)
                next_id += 1
                grouping.keys[key.id] = key
                grouping.by_text[analysed] = key.id
                changes.keys.append(key)
                key_id = key.id
            grouping.wordings[text] = key_id
            changes.wordings.append((text, key_id, question_id))
        if changes.keys:
            _regroup(changes.keys, [k for k in grouping.in_order()
                                    if k.first_id <= grouping.seen_id])
        grouping.seen_id = newest
        grouping.seen_count += len(asked)
        return changes

    # --- writing ------------------------------------------------------------------------

    def _store(self, grouping: Grouping, changes: _Changes, expected: int | None) -> None:
        with self.db.transaction() as conn:
            rows = conn.execute("SELECT generation FROM question_group_state").fetchall()
            if (int(rows[0][0]) if rows else None) != expected:
                raise _Conflict
            if changes.rebuilt:
                conn.execute("DELETE FROM question_group_keys")
                conn.execute("DELETE FROM question_group_state")
            conn.executemany("INSERT INTO question_group_keys (id, key, first_id, representative) "
                             "VALUES (?, ?, ?, ?)",
                             [(k.id, k.text, k.first_id, k.group) for k in changes.keys])
            conn.executemany("INSERT INTO question_group_wordings (text, key_id, first_id) "
                             "VALUES (?, ?, ?)", changes.wordings)
            conn.executemany("UPDATE question_group_keys SET representative = ? WHERE id = ?",
                             [(k.group, k.id) for k in changes.regrouped])
            grouping.generation = (expected or 0) + 1
            conn.execute("INSERT OR REPLACE INTO question_group_state (id, fingerprint, seen_id, "
                         "seen_count, redo_from, generation) VALUES (1, ?, ?, ?, NULL, ?)",
                         (grouping.fingerprint, grouping.seen_id, grouping.seen_count,
                          grouping.generation))

    def forget_deleted(self) -> None:
        """Forget the wordings whose questions were deleted, and mark the groups from the first
        wording whose first question changed as to be assigned again. Runs inside the caller's
        transaction when there is one (retention deletes and forgets in one)."""
        with self.db.transaction() as conn:
            rows = conn.execute("SELECT seen_id, redo_from, generation "
                                "FROM question_group_state").fetchall()
            if not rows:
                return
            seen_id, redo_from, generation = int(rows[0][0]), rows[0][1], int(rows[0][2])
            remaining = self._questions.first_without_answer(seen_id)
            key_first: dict[int, int] = {}
            gone, moved = [], []
            for text, key_id, first_id in conn.execute(
                    "SELECT text, key_id, first_id FROM question_group_wordings").fetchall():
                now = remaining.get(text)
                if now is None:
                    gone.append((text,))
                    continue
                if now != first_id:
                    moved.append((now, text))
                key_first[key_id] = min(now, key_first.get(key_id, now))
            changed_from = []
            dropped, shifted = [], []
            for key_id, first_id in conn.execute(
                    "SELECT id, first_id FROM question_group_keys").fetchall():
                now = key_first.get(key_id)
                if now == first_id:
                    continue
                changed_from.append(first_id)
                if now is None:
                    dropped.append((key_id,))
                else:
                    shifted.append((now, key_id))
            if redo_from is not None:
                changed_from.append(int(redo_from))
            conn.executemany("DELETE FROM question_group_wordings WHERE text = ?", gone)
            conn.executemany("UPDATE question_group_wordings SET first_id = ? WHERE text = ?",
                             moved)
            conn.executemany("DELETE FROM question_group_keys WHERE id = ?", dropped)
            conn.executemany("UPDATE question_group_keys SET first_id = ? WHERE id = ?", shifted)
            conn.execute("UPDATE question_group_state SET seen_count = ?, redo_from = ?, "
                         "generation = ?",
                         (self._questions.count_without_answer(seen_id),
                          min(changed_from, default=None), generation + 1))
        self._mirror = None
