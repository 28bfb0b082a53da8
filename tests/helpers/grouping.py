"""The grouping of question wordings in plain Python, for comparison with the fast one: every
key against every representative so far, the keys in the order first asked."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence

from thekiz_bot.text.grouping import REPRESENTATIVES, AskedWording, QuestionGroup, similarity
from thekiz_bot.text.normalise import normalise


def typo(rng: random.Random, text: str) -> str:
    """`text` as people type it: up to three dropped, wrong or extra letters or a shuffled word
    order, and lower case now and then."""
    chars = list(text)
    for _ in range(rng.randint(0, 3)):
        i = rng.randrange(len(chars))
        op = rng.choice("dsiw")
        if op == "d":
            del chars[i]
        elif op == "s":
            chars[i] = rng.choice("abcdefghijklmnopqrstuvwxyzäöü ")
        elif op == "i":
            chars.insert(i, rng.choice("abcdefghijklmnopqrstuvwxyz"))
        else:
            words = "".join(chars).split()
            rng.shuffle(words)
            chars = list(" ".join(words))
    text = "".join(chars)
    return text.lower() if rng.random() < 0.3 else text


def key_of(text: str, analyse: Callable[[str], str]) -> str:
    return analyse(text) or normalise(text)


def reference_members(keys: Sequence[str]) -> list[list[str]]:
    """Each key joins the group with the most similar of its first three keys (≥ 85, the
    earliest group on ties), or starts a group."""
    reps: list[tuple[str, int]] = []
    members: list[list[str]] = []
    for key in keys:
        best, best_score = -1, 85.0
        for rep, group in reps:
            score = similarity(key, rep)
            if score > best_score or (score == best_score and (best < 0 or group < best)):
                best, best_score = group, score
        if best < 0:
            best = len(members)
            members.append([])
        members[best].append(key)
        if len(members[best]) <= REPRESENTATIVES:
            reps.append((key, best))
    return members


def reference_summary(members: Sequence[Sequence[str]], counted: Sequence[AskedWording],
                      analyse: Callable[[str], str]) -> list[QuestionGroup]:
    """Groups of `members` (keys) as the Fachstelle sees them, counting the wordings `counted`."""
    exact: dict[str, list[AskedWording]] = defaultdict(list)
    for w in counted:
        exact[key_of(w.text, analyse)].append(w)
    groups = []
    for group in members:
        asked = [w for k in group for w in exact.get(k, [])]
        if not asked:
            continue
        per_text: dict[str, int] = defaultdict(int)
        for w in asked:
            per_text[" ".join(w.text.split())] += w.count
        text = max(per_text, key=lambda t: (per_text[t], t))
        groups.append(QuestionGroup(text, sum(w.count for w in asked),
                                    sum(1 for k in group if k in exact),
                                    max(w.last_asked for w in asked),
                                    sum(w.suggested for w in asked)))
    groups.sort(key=lambda g: (-g.count, g.text))
    return groups


def reference_groups(wordings: list[AskedWording],
                     analyse: Callable[[str], str]) -> list[QuestionGroup]:
    keys = list(dict.fromkeys(k for w in wordings if (k := key_of(w.text, analyse))))
    return reference_summary(reference_members(keys), wordings, analyse)
