"""Decisions in, served knowledge out: the one place that changes what the bot has learned.

The served matcher is replaced as a whole: a new one is built (in the caller's worker thread)
while the old one keeps answering, then `publish` swaps it in. Decisions are serialised by a
lock, so two admins tapping at once cannot check against a stale index.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from thekiz_bot.knowledge.loader import KnowledgeBase
from thekiz_bot.learning.check import check_proposal
from thekiz_bot.learning.model import Decision, Outcome, Proposal
from thekiz_bot.learning.overlay import Overlay, apply_decisions
from thekiz_bot.learning.store import DecisionStore
from thekiz_bot.matching.matcher import Matcher

Publish = Callable[[KnowledgeBase, Matcher], None]
Build = Callable[[KnowledgeBase], Matcher]


@dataclass(frozen=True)
class Undone:
    decision: Decision | None  # None: nothing (left) to undo
    reason: str = ""  # "exported" / "done" / "unknown" when refused


class Teacher:
    def __init__(self, store: DecisionStore, publish: Publish, build: Build = Matcher) -> None:
        self._store = store
        self._publish = publish
        self._build = build
        self._lock = threading.Lock()
        self._base: KnowledgeBase | None = None
        self._matcher: Matcher | None = None
        self._overlay: Overlay | None = None

    @property
    def store(self) -> DecisionStore:
        return self._store

    @property
    def overlay(self) -> Overlay:
        assert self._overlay is not None, "rebase() first"
        return self._overlay

    @property
    def matcher(self) -> Matcher:
        assert self._matcher is not None, "rebase() first"
        return self._matcher

    def rebase(self, base: KnowledgeBase, matcher: Matcher | None = None) -> Overlay:
        """Serve `base` (the YAML files, at start or after a reload) plus the stored decisions.

        `matcher`: one already built for `base`, used when no decision adds anything."""
        with self._lock:
            self._base = base
            return self._rebuild(matcher)

    def _rebuild(self, matcher: Matcher | None = None) -> Overlay:
        assert self._base is not None
        overlay = apply_decisions(self._base, self._store.active())
        reuse = matcher is not None and matcher.kb is overlay.kb
        self._install(overlay, matcher if reuse and matcher is not None else self._build(overlay.kb))
        return overlay

    def _install(self, overlay: Overlay, matcher: Matcher) -> None:
        self._overlay, self._matcher = overlay, matcher
        self._publish(overlay.kb, matcher)

    def decide(self, proposal: Proposal, admin_id: int, at: datetime | None = None) -> Outcome:
        """Check, store and serve a decision; refused ones change nothing."""
        with self._lock:
            assert self._base is not None and self._matcher is not None, "rebase() first"
            checked = check_proposal(self._base, self._store.active(), proposal, self._matcher,
                                     self._build)
            if checked.refusal is not None:
                return Outcome(refusal=checked.refusal, detail=checked.detail)
            decision = self._store.add(proposal, admin_id, at)
            if checked.overlay is not None and checked.matcher is not None:
                # The matcher of the check holds exactly the stored decisions plus this one.
                applied = tuple(d if d.id else decision for d in checked.overlay.applied)
                self._install(Overlay(checked.overlay.kb, applied, checked.overlay.conflicts),
                              checked.matcher)
            return Outcome(decision=decision)

    def undo(self, admin_id: int, decision_id: int | None = None,
             at: datetime | None = None) -> Undone:
        """Undo one decision (the admin's newest when no id is given) and serve without it."""
        with self._lock:
            if decision_id is None:
                target = self._store.last_active(admin_id)
                if target is None:
                    return Undone(None, "nothing")
            else:
                found = self._store.get(decision_id)
                if found is None:
                    return Undone(None, "unknown")
                if not found.active:
                    return Undone(found, "done")
                if found.exported_at is not None:
                    return Undone(found, "exported")
                target = found
            if not self._store.undo(target.id, admin_id, at):
                return Undone(target, "done")
            if target.teaches and self._base is not None:
                self._rebuild()
            return Undone(self._store.get(target.id))
