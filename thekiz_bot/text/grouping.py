"""Which logged wordings are the same question: near-identical questions grouped, as counted by
`/statistik`, `python bot.py report` and the learning from the question log.

Pure functions over (wording, count) items. Each wording is compared with the groups found so
far, the most frequent first; a C-speed filter (rapidfuzz.process.cdist) picks the few groups a
wording can belong to before the exact (Python) similarity decides, so that grouping 100,000
logged questions takes seconds and gives the same groups as comparing with every group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from thekiz_bot.text.normalise import normalise

# Wordings this similar (rapidfuzz, 0-100) after the matcher's analysis (stop words out, stems,
# synonyms) count as one question: typos, case, word order and filler words.
GROUP_SIMILARITY = 85.0
# Wordings compared with the groups at once: bounds the filter's score matrix (uint8), and
# keeps the comparisons within a chunk (every pair) few.
_CHUNK = 256


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


def _best_group(key: str, options: list[tuple[int, int]], keys: Sequence[str],
                reps: Sequence[int], threshold: float) -> int:
    """The group (of (bound, group) options) whose representative is most similar to `key`,
    the earliest on ties; -1 when none reaches `threshold`. Options are tried by falling bound,
    and the search stops once no bound can beat the best score found."""
    best, best_score = -1, threshold
    for bound, group in sorted(options, key=lambda o: (-o[0], o[1])):
        if bound + 1.0 < best_score:
            break
        score = similarity(key, keys[reps[group]])
        if score > best_score or (score == best_score and (best < 0 or group < best)):
            best, best_score = group, score
    return best


def _assign(keys: Sequence[str], threshold: float) -> list[list[int]]:
    """Greedy grouping in the order given: each key joins the group whose representative it
    is most similar to (the earliest on ties), or starts a new group."""
    sorted_keys = [_sorted_tokens(k) for k in keys]
    reps: list[int] = []  # key index of each group's representative
    members: list[list[int]] = []
    for start in range(0, len(keys), _CHUNK):
        chunk = range(start, min(start + _CHUNK, len(keys)))
        chunk_keys = [keys[i] for i in chunk]
        chunk_sorted = [sorted_keys[i] for i in chunk]
        earlier_reps = list(reps)
        against_reps = _bounds(chunk_keys, chunk_sorted, [keys[r] for r in earlier_reps],
                               [sorted_keys[r] for r in earlier_reps], threshold)
        within = _bounds(chunk_keys, chunk_sorted, chunk_keys, chunk_sorted, threshold)
        group_of_rep = {rep: g for g, rep in enumerate(reps)}
        for row, i in enumerate(chunk):
            hits = np.flatnonzero(against_reps[row])
            options = [(int(against_reps[row, j]), group_of_rep[earlier_reps[int(j)]])
                       for j in hits]
            options += [(int(within[row, j]), group_of_rep[start + int(j)])
                        for j in np.flatnonzero(within[row, :row]) if start + int(j) in group_of_rep]
            best = _best_group(keys[i], options, keys, reps, threshold)
            if best < 0:
                group_of_rep[i] = len(reps)
                reps.append(i)
                members.append([i])
            else:
                members[best].append(i)
    return members


def group_questions(wordings: Iterable[AskedWording], analyse: Callable[[str], str],
                    threshold: float = GROUP_SIMILARITY) -> list[QuestionGroup]:
    """Logged wordings → groups of near-identical questions, the most asked first."""
    exact: dict[str, list[AskedWording]] = defaultdict(list)
    for wording in wordings:
        key = analyse(wording.text) or normalise(wording.text)
        if key:
            exact[key].append(wording)
    count = {key: sum(w.count for w in items) for key, items in exact.items()}
    # Largest exact groups first, so a group is named after its most common wording.
    keys = sorted(exact, key=lambda k: (-count[k], k))
    groups = []
    for member_ids in _assign(keys, threshold):
        asked = [w for i in member_ids for w in exact[keys[i]]]
        per_text: dict[str, int] = defaultdict(int)
        for w in asked:
            per_text[" ".join(w.text.split())] += w.count
        text = max(per_text, key=lambda t: (per_text[t], t))
        groups.append(QuestionGroup(text, sum(w.count for w in asked), len(member_ids),
                                    max(w.last_asked for w in asked),
                                    sum(w.suggested for w in asked)))
    groups.sort(key=lambda g: (-g.count, g.text))
    return groups
