"""New alternates that users confirmed: a question answered via a "Meinten Sie …?" button and
then rated 👍, or answered directly and rated 👍; and writing them into the YAML files."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rapidfuzz import fuzz, process

from thekiz_bot.authoring.yaml_edit import FileEdit, add_alternates, write_edit
from thekiz_bot.knowledge.loader import FaqEntry, KnowledgeBase, KnowledgeError, load_knowledge
from thekiz_bot.storage.feedback import FeedbackLog
from thekiz_bot.text.normalise import clean_input, normalise

# A confirmed question this close to a wording the entry already has adds nothing.
KNOWN_SIMILARITY = 92.0
MAX_ALTERNATE_CHARS = 160
# Personal data must not travel from the question log into a git repository.
_PERSONAL = re.compile(r"@|https?://|www\.|\d[\d /-]{5,}\d")


def has_personal_data(text: str) -> bool:
    """An e-mail address, link or phone number: such a text is never offered as a phrasing."""
    return _PERSONAL.search(text) is not None


@dataclass(frozen=True)
class Suggestion:
    entry_id: str
    text: str
    confirmations: int
    via_suggestion: bool  # confirmed after a "Meinten Sie …?" button (the strongest signal)

    @property
    def reason(self) -> str:
        return "Vorschlag gewählt + 👍" if self.via_suggestion else "Antwort mit 👍"


def _known_wordings(entry: FaqEntry) -> list[str]:
    return [normalise(t) for t in (entry.question, *entry.alternates)]


def suggested_alternates(feedback: FeedbackLog, kb: KnowledgeBase, since: datetime | None = None,
                         min_confirmations: int = 1) -> tuple[list[Suggestion], dict[str, int]]:
    """Questions users confirmed as answered by an entry, not yet among its wordings; and how
    many confirmed questions were left out, per reason."""
    votes: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    wording: dict[tuple[str, str], str] = {}
    for vote in feedback.confirmations(since):
        text = clean_input(vote.text)
        key = (normalise(text), vote.entry_id)
        if not key[0]:
            continue
        direct = vote.status == "answer" and vote.answered_entry == vote.entry_id
        if not vote.via_suggestion and not direct:
            continue  # a rating of something else than this question's answer
        tally = votes[key]
        tally["net"] += vote.rating
        if vote.rating == 1:
            tally["up"] += 1
            tally["via"] += int(vote.via_suggestion)
        wording.setdefault(key, " ".join(text.split()))
    skipped: dict[str, int] = defaultdict(int)
    # The same question confirmed for two entries: a person has to decide, not this tool.
    entries_per_text: dict[str, set[str]] = defaultdict(set)
    for (norm, entry_id), tally in votes.items():
        if tally["net"] > 0:
            entries_per_text[norm].add(entry_id)
    suggestions = []
    for (norm, entry_id), tally in votes.items():
        if tally["net"] <= 0 or tally["up"] < min_confirmations:
            continue
        reason = _rejection(wording[(norm, entry_id)], norm, kb.entry(entry_id),
                            len(entries_per_text[norm]) > 1)
        if reason:
            skipped[reason] += 1
            continue
        suggestions.append(Suggestion(entry_id, wording[(norm, entry_id)], tally["up"],
                                      tally["via"] > 0))
    suggestions.sort(key=lambda s: (not s.via_suggestion, -s.confirmations, s.entry_id, s.text))
    return suggestions, dict(skipped)


def _rejection(text: str, norm: str, entry: FaqEntry | None, ambiguous: bool) -> str | None:
    if entry is None:
        return "Eintrag gibt es nicht mehr"
    if entry.is_draft:
        return "Eintrag ist ein Entwurf"
    if ambiguous:
        return "für mehrere Einträge bestätigt"
    if has_personal_data(text):
        return "enthält E-Mail, Link oder Nummer (Datenschutz)"
    if len(text) > MAX_ALTERNATE_CHARS:
        return f"länger als {MAX_ALTERNATE_CHARS} Zeichen"
    known = _known_wordings(entry)
    if norm in known or process.extractOne(norm, known, scorer=fuzz.token_sort_ratio,
                                           score_cutoff=KNOWN_SIMILARITY):
        return "schon (fast gleich) als Formulierung vorhanden"
    return None


def apply_suggestions(kb: KnowledgeBase, suggestions: Sequence[Suggestion]) -> list[FileEdit]:
    """Insert the suggested alternates into the entries' YAML files and check the result loads.

    Files are only written when the whole knowledge base still loads with the changes;
    otherwise every file is restored to its previous content.
    """
    if kb.directory is None:
        raise ValueError("Wissensbasis ohne Verzeichnis")
    per_file: dict[Path, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for suggestion in suggestions:
        entry = kb.entry(suggestion.entry_id)
        if entry is None or not entry.file:
            continue
        per_file[kb.directory / entry.file][entry.id].append(suggestion.text)
    edits = [add_alternates(path, additions) for path, additions in sorted(per_file.items())]
    originals = {e.path: e.path.read_bytes() for e in edits if e.text is not None}
    try:
        for edit in edits:
            write_edit(edit)
        load_knowledge(kb.directory)
    except (KnowledgeError, OSError):
        for path, content in originals.items():
            path.write_bytes(content)
        raise
    return edits
