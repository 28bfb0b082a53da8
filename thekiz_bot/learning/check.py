"""Is a proposal safe? The collision rule of `check --strict`, for one new wording.

A phrasing is refused when, with it, the matcher would answer another entry's own wording
with the target entry (or the new phrasing itself with another entry); an out-of-scope example
is refused when it would make the bot decline a wording an entry answers today. Only the
entries near the new wording can change, so only their wordings are asked again, which keeps
the check quick on a large knowledge base. The matcher built for the check is the one that
serves afterwards, so a decision costs one index build.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from thekiz_bot.authoring.suggestions import MAX_ALTERNATE_CHARS, has_personal_data
from thekiz_bot.knowledge.loader import KnowledgeBase
from thekiz_bot.learning.model import Action, Decision, Proposal, Refusal
from thekiz_bot.learning.overlay import (
    Overlay,
    apply_decisions,
    describe_owner,
    topic_owner,
    wording_owners,
)
from thekiz_bot.matching.matcher import Matcher
from thekiz_bot.text.normalise import normalise

# Entries whose wordings are asked again: those the new wording ranks highest.
NEIGHBOURS = 10
# An out-of-scope example this close to an entry's wording is refused outright (as `check` warns).
NEAR_IDENTICAL = 92.0
TOPIC_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Checked:
    refusal: Refusal | None
    detail: str = ""
    overlay: Overlay | None = None
    matcher: Matcher | None = None  # the matcher with the proposal in it (when accepted)


def _quote(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return "„" + (text if len(text) <= limit else text[: limit - 1].rstrip() + "…") + "“"


def _pending(proposal: Proposal) -> Decision:
    return Decision(0, proposal.action, proposal.wording, proposal.entry_id, proposal.topic_id,
                    proposal.new_topic, admin_id=0, decided_at="")


def validate(base: KnowledgeBase, active: Sequence[Decision], proposal: Proposal) -> Checked | None:
    """The refusals that need no matcher; None when the proposal passes them."""
    wording = " ".join(proposal.wording.split())
    key = normalise(wording)
    if not key:
        return Checked(Refusal.EMPTY)
    for decision in active:
        # Exported ones are the YAML files' now: the owner check below speaks for them.
        if decision.exported_at is None and normalise(decision.wording) == key:
            return Checked(Refusal.CONFLICT, "Zu dieser Formulierung gibt es schon eine "
                                             "Entscheidung; bitte zuerst rückgängig machen.")
    if proposal.action is Action.IGNORE:
        return None
    if has_personal_data(wording):
        return Checked(Refusal.PERSONAL)
    if len(wording) > MAX_ALTERNATE_CHARS:
        return Checked(Refusal.TOO_LONG, str(MAX_ALTERNATE_CHARS))
    current = apply_decisions(base, active).kb
    owners = wording_owners(current)
    topics = {t.id for t in current.out_of_scope}
    if proposal.action is Action.PHRASING:
        entry = current.entry(proposal.entry_id or "")
        if entry is None or entry.is_draft:
            return Checked(Refusal.UNKNOWN_ENTRY, proposal.entry_id or "")
        wanted = entry.id
    else:
        topic = proposal.topic_id or ""
        if not TOPIC_ID.match(topic):
            return Checked(Refusal.BAD_TOPIC_ID, topic)
        if proposal.new_topic and topic in topics:
            return Checked(Refusal.TOPIC_EXISTS, topic)
        if not proposal.new_topic and topic not in topics:
            return Checked(Refusal.UNKNOWN_TOPIC, topic)
        wanted = topic_owner(topic)
    owner = owners.get(key)
    if owner == wanted:
        return Checked(Refusal.ALREADY_KNOWN, describe_owner(owner))
    if owner is not None:
        return Checked(Refusal.CONFLICT, f"Die Formulierung steht schon bei {describe_owner(owner)}.")
    return None


def check_proposal(base: KnowledgeBase, active: Sequence[Decision], proposal: Proposal,
                   current: Matcher,
                   build: Callable[[KnowledgeBase], Matcher] = Matcher) -> Checked:
    """Validate, build the matcher with the proposal, and look for collisions."""
    refused = validate(base, active, proposal)
    if refused is not None:
        return refused
    if proposal.action is Action.IGNORE:
        return Checked(None)
    overlay = apply_decisions(base, [*active, _pending(proposal)])
    matcher = build(overlay.kb)
    neighbours = {c.entry.id for c in current.rank(proposal.wording, k=NEIGHBOURS)}
    if proposal.action is Action.PHRASING:
        detail = _phrasing_collision(proposal, current, matcher, neighbours)
    else:
        detail = _decline_collision(proposal, current, matcher, neighbours)
    if detail:
        return Checked(Refusal.COLLISION, detail)
    return Checked(None, overlay=overlay, matcher=matcher)


def _own_and_rival(matcher: Matcher, text: str, entry_id: str) -> tuple[float, str | None, float]:
    ranked = matcher.rank(text, k=3)
    own = next((c.score for c in ranked if c.entry.id == entry_id), 0.0)
    rival = next((c for c in ranked if c.entry.id != entry_id), None)
    return own, (rival.entry.id if rival else None), (rival.score if rival else 0.0)


def _phrasing_collision(proposal: Proposal, before: Matcher, after: Matcher,
                        neighbours: set[str]) -> str:
    target = proposal.entry_id or ""
    own, rival, rival_score = _own_and_rival(after, proposal.wording, target)
    if rival is not None and rival_score > own:
        return (f"Auch danach würde der Bot {_quote(proposal.wording)} mit dem Eintrag "
                f"„{rival}“ beantworten, nicht mit „{target}“.")
    result = after.match(proposal.wording)
    if result.out_of_scope_topic is not None:
        return (f"Auch danach würde der Bot {_quote(proposal.wording)} ablehnen: die Frage liegt "
                f"dem Thema „{result.out_of_scope_topic}“ (nicht im Handbuch) näher.")
    for entry in after.entries:
        if entry.id == target or entry.id not in neighbours:
            continue
        for text in dict.fromkeys((entry.question, *entry.alternates)):
            own, rival, rival_score = _own_and_rival(after, text, entry.id)
            if rival != target or rival_score <= own:
                continue
            old_own, old_rival, old_score = _own_and_rival(before, text, entry.id)
            if old_rival == target and old_score > old_own:
                continue  # a collision that exists already is not this proposal's doing
            return (f"Dann würde der Bot {_quote(text)} (eine Formulierung von „{entry.id}“) "
                    f"mit „{target}“ beantworten.")
    return ""


def _decline_collision(proposal: Proposal, before: Matcher, after: Matcher,
                       neighbours: set[str]) -> str:
    topic = proposal.topic_id or ""
    key = normalise(proposal.wording)
    texts = {normalise(t): (t, e.id) for e in after.entries for t in (e.question, *e.alternates)}
    near = process.extractOne(key, list(texts), scorer=fuzz.ratio, score_cutoff=NEAR_IDENTICAL)
    if near is not None:
        text, entry_id = texts[near[0]]
        return f"Sie gleicht fast {_quote(text)}, einer Formulierung von „{entry_id}“."
    result = after.match(proposal.wording)
    if result.status in ("answer", "suggest") and result.out_of_scope_topic is None:
        entry = result.entry or result.suggestions[0].entry
        verb = "beantworten" if result.status == "answer" else "mit „Meinten Sie …?“ beantworten"
        return (f"Auch danach würde der Bot {_quote(proposal.wording)} mit „{entry.id}“ {verb}: "
                "die Frage liegt diesem Eintrag näher als dem Thema.")
    for entry in after.entries:
        if entry.id not in neighbours:
            continue
        for text in dict.fromkeys((entry.question, *entry.alternates)):
            now = after.match(text)
            if now.status != "fallback" or now.out_of_scope_topic != topic:
                continue
            was = before.match(text)
            if was.status == "fallback" and was.out_of_scope_topic is not None:
                continue
            return (f"Dann würde der Bot {_quote(text)} (eine Formulierung von „{entry.id}“) "
                    "ablehnen statt zu beantworten.")
    return ""
