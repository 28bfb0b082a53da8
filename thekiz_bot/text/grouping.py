"""Which logged wordings are the same question: near-identical questions grouped, as counted by
`/statistik`, `python bot.py report` and the learning from the question log.

Pure functions over (wording, count) items. Each wording is compared with the groups found so
far, in the order the wordings were first asked; a C-speed filter (rapidfuzz.process.cdist)
picks the few groups a wording can belong to before the exact (Python) similarity decides, so
that grouping 100,000 logged questions takes seconds and gives the same groups as comparing
with every group. Because a wording's group depends only on the wordings before it, the bot
keeps its grouping (`storage.question_groups`) and assigns only new wordings.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from thekiz_bot.text.normalise import Vocabulary, normalise

# Wordings this similar (rapidfuzz, 0-100) after the matcher's analysis (stop words out, stems,
# synonyms) count as one question: typos, case, word order and filler words.
GROUP_SIMILARITY = 85.0
# A group is represented by its first few wordings: a later one joins it when it is like any
# of them, so that a group whose first wording has a typo still gathers the correct spelling.
REPRESENTATIVES = 3
# Wordings compared with the groups at once: bounds the filter's score matrix (uint8), and
# keeps the comparisons within a chunk (every pair) few.
_CHUNK = 256
# Part of the fingerprint of a stored grouping: bump it when `similarity` or the grouping order
# changes, so that groups stored by an older version are built again.
GROUPING_FORMAT = 2
# Analysed together with the vocabulary: a change to the text analysis changes the fingerprint.
_PROBES = ("Wie viel Geld bekommt ein ThEKiZ im Jahr? Förderanträge für Kitas",
           "Wer ist zuständig für Erzieher*innen, Kinder und Familienzentren?")


@dataclass(frozen=True)
class AskedWording:
    """One exact wording from the question log with how often and when it was asked."""

    text: str
    count: int
    last_asked: str
    suggested: int = 0  # how often it got only "Meinten Sie …?" buttons, none confirmed


@dataclass(frozen=True)
class QuestionGroup:
    text: str  # the most frequent wording
    count: int
    wordings: int  # distinct wordings in the group (after analysis)
    last_asked: str
    suggested: int = 0  # how many got only "Meinten Sie …?" buttons (none of them confirmed)


def grouping_fingerprint(vocab: Vocabulary, threshold: float = GROUP_SIMILARITY) -> str:
    """Identifies what a stored grouping was computed with: the knowledge base's synonyms and
    stop words, the text analysis and the similarity; another value means group again."""
    parts = [str(GROUPING_FORMAT), repr(threshold), *sorted(f"{k}>{v}" for k, v in
                                                            vocab.canonical.items()),
             "|", *sorted(vocab.stopwords), "|", *(vocab.analyse(p) for p in _PROBES)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _has_counterpart(token: str, other: str) -> bool:
    """A word of one question is in the other one too: typed differently at most."""
    if len(token) < 4 or token in other.replace(" ", ""):
        return True  # short words and split compounds ("wie viel" / "wieviel") are not telling
    return any(fuzz.ratio(token, word) >= 75 for word in other.split())


def similarity(a: str, b: str) -> float:
    """How alike two analysed questions are (0-100); 0 when one has a content word the other
    lacks, so that "zuständig für Kitas" and "zuständig für Kinder" stay apart.

    Never more than max(ratio, token_sort_ratio): that is what makes the filter exact.
    """
    if not all(_has_counterpart(t, b) for t in a.split()) or not all(
        _has_counterpart(t, a) for t in b.split()
    ):
        return 0.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


def _sorted_tokens(text: str) -> str:
    return " ".join(sorted(text.split()))


def _bounds(queries: Sequence[str], sorted_queries: Sequence[str], choices: Sequence[str],
            sorted_choices: Sequence[str], threshold: float) -> np.ndarray:
    """max(ratio, token_sort_ratio) of every query against every choice, 0 below `threshold`:
    an upper bound of `similarity`, computed in C. uint8 keeps the matrix small; it is off by
    less than 1, which the caller allows for."""
    if not queries or not choices:
        return np.zeros((len(queries), len(choices)), dtype=np.uint8)
    cutoff = max(threshold - 1.0, 0.0)
    plain = process.cdist(queries, choices, scorer=fuzz.ratio, score_cutoff=cutoff,
                          dtype=np.uint8, workers=-1)
    ordered = process.cdist(sorted_queries, sorted_choices, scorer=fuzz.ratio,
                            score_cutoff=cutoff, dtype=np.uint8, workers=-1)
    bounds: np.ndarray = np.maximum(plain, ordered)
    return bounds


def _best_group(key: str, options: list[tuple[int, int]], reps: Sequence[str],
                rep_groups: Sequence[int], threshold: float) -> int:
    """The group of the representative (of (bound, representative) options) most similar to
    `key`, the earliest group on ties; -1 when none reaches `threshold`. Options are tried by
    falling bound, and the search stops once no bound can beat the best score found."""
    best, best_score = -1, threshold
    for bound, rep in sorted(options, key=lambda o: (-o[0], rep_groups[o[1]])):
        if bound + 1.0 < best_score:
            break
        score, group = similarity(key, reps[rep]), rep_groups[rep]
        if score > best_score or (score == best_score and (best < 0 or group < best)):
            best, best_score = group, score
    return best


def assign(keys: Sequence[str], representatives: Sequence[tuple[str, int]] = (),
           threshold: float = GROUP_SIMILARITY, per_group: int = REPRESENTATIVES) -> list[int]:
    """Greedy grouping, continued. `representatives` are (key, group number) of the groups so
    far: each group's first `per_group` keys, groups numbered in the order they were
    started. Each key, in order, joins the group with the representative it is most similar
    to (the earliest group on ties), or starts a new group; the first keys of a group
    represent it. Returns each key's group number (new groups numbered on from the given).

    A key's group depends only on the keys before it, so assigning keys one batch after the
    other gives the groups of assigning them all at once: that is what lets the bot keep its
    grouping and add only what was asked since.
    """
    reps = [text for text, _ in representatives]
    rep_groups = [group for _, group in representatives]
    represented = Counter(rep_groups)  # representatives per group
    groups = max(rep_groups, default=-1) + 1
    sorted_reps = [_sorted_tokens(r) for r in reps]
    sorted_keys = [_sorted_tokens(k) for k in keys]
    group_of: list[int] = []
    for start in range(0, len(keys), _CHUNK):
        chunk = range(start, min(start + _CHUNK, len(keys)))
        chunk_keys = [keys[i] for i in chunk]
        chunk_sorted = [sorted_keys[i] for i in chunk]
        against_reps = _bounds(chunk_keys, chunk_sorted, reps, sorted_reps, threshold)
        within = _bounds(chunk_keys, chunk_sorted, chunk_keys, chunk_sorted, threshold)
        as_rep: dict[int, int] = {}  # row in the chunk → its index among the representatives
        for row, i in enumerate(chunk):
            options = [(int(against_reps[row, j]), int(j))
                       for j in np.flatnonzero(against_reps[row])]
            options += [(int(within[row, j]), as_rep[int(j)])
                        for j in np.flatnonzero(within[row, :row]) if int(j) in as_rep]
            best = _best_group(keys[i], options, reps, rep_groups, threshold)
            if best < 0:
                best, groups = groups, groups + 1
            if represented[best] < per_group:
                represented[best] += 1
                as_rep[row] = len(reps)
                reps.append(keys[i])
                rep_groups.append(best)
                sorted_reps.append(sorted_keys[i])
            group_of.append(best)
    return group_of


def describe(asked: Sequence[AskedWording], wordings: int) -> QuestionGroup:
    """One group as the Fachstelle reads it: named after its most frequent wording."""
    per_text: dict[str, int] = defaultdict(int)
    for w in asked:
        per_text[" ".join(w.text.split())] += w.count
    text = max(per_text, key=lambda t: (per_text[t], t))
    return QuestionGroup(text, sum(w.count for w in asked), wordings,
                         max(w.last_asked for w in asked), sum(w.suggested for w in asked))


def grouping_key(text: str, analyse: Callable[[str], str]) -> str:
    """What near-identical wordings are compared by ("" for a text of no words at all)."""
    return analyse(text) or normalise(text)


def group_questions(wordings: Iterable[AskedWording], analyse: Callable[[str], str],
                    threshold: float = GROUP_SIMILARITY) -> list[QuestionGroup]:
    """Logged wordings → groups of near-identical questions, the most asked first.

    Wordings are grouped in the order given (the question log's: the first asked first), so
    a group is represented by its earliest wordings; it is named after its most frequent one.
    """
    exact: dict[str, list[AskedWording]] = defaultdict(list)
    for wording in wordings:
        key = grouping_key(wording.text, analyse)
        if key:
            exact[key].append(wording)
    keys = list(exact)
    members: dict[int, list[str]] = defaultdict(list)
    for key, group in zip(keys, assign(keys, threshold=threshold), strict=True):
        members[group].append(key)
    groups = [describe([w for k in group for w in exact[k]], len(group))
              for group in members.values()]
    groups.sort(key=lambda g: (-g.count, g.text))
    return groups
