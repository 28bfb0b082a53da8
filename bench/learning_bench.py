"""What one /lernen decision costs: the collision check plus the new index, beside a plain build.

For the real knowledge base and synthetic ones (real + N distractor entries, as in
matcher_bench.py), in one run: the time to build a Matcher (what /neu_laden costs), the time of
`Teacher.decide` for a phrasing (check + build of the index that then serves) and the ratio.
The old index answers questions during all of it.

    python bench/learning_bench.py                 # real, 1k, 10k
    python bench/learning_bench.py --sizes 0 1000
    python bench/learning_bench.py --sizes --log 10000 50000   # only the digest selection

The second table: selecting the digest's groups (report's grouping of every kind, merged,
decided ones left out) from a synthetic question log of N questions, many distinct wordings.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from matcher_bench import synthetic_kb  # noqa: E402

from thekiz_bot.knowledge.loader import KnowledgeBase, load_knowledge  # noqa: E402
from thekiz_bot.learning.digest import select_groups  # noqa: E402
from thekiz_bot.learning.model import Action, Proposal  # noqa: E402
from thekiz_bot.learning.store import DecisionStore  # noqa: E402
from thekiz_bot.learning.teacher import Teacher  # noqa: E402
from thekiz_bot.matching.matcher import Matcher  # noqa: E402
from thekiz_bot.storage.database import Database, to_iso, utc_now  # noqa: E402

PROPOSALS = (
    Proposal(Action.PHRASING, "was kostet die prozessbegleitung", "prozessbegleitung-umfang"),
    Proposal(Action.OUT_OF_SCOPE, "thekiz website passwort", topic_id="app-und-it-probleme"),
    Proposal(Action.PHRASING, "was ist thekiz", "prozessbegleitung-was"),  # refused: collision
)


def measure(kb: KnowledgeBase, repeat: int) -> dict[str, float]:
    builds = []
    for _ in range(repeat):
        start = time.perf_counter()
        Matcher(kb)
        builds.append(time.perf_counter() - start)
    decisions: dict[str, list[float]] = {p.wording: [] for p in PROPOSALS}
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(Path(tmp) / "bench.sqlite3")
            teacher = Teacher(DecisionStore(db), lambda kb, m: None)
            teacher.rebase(kb)
            for proposal in PROPOSALS:
                start = time.perf_counter()
                outcome = teacher.decide(proposal, admin_id=1)
                decisions[proposal.wording].append(time.perf_counter() - start)
                if outcome.decision is not None:
                    teacher.undo(1, outcome.decision.id)
            db.close()
    result = {"build": statistics.median(builds)}
    result.update({w: statistics.median(t) for w, t in decisions.items()})
    return result


WORDS = ("kita eltern zentrum geld antrag frist formular koordinatorin landkreis fortbildung "
         "netzwerk räume ehrenamt bericht stunden kosten").split()


def digest_seconds(kb: KnowledgeBase, questions: int, seed: int = 3) -> tuple[float, int]:
    rng = random.Random(seed)
    now = utc_now()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "log.sqlite3")
        with db.transaction() as conn:
            for _ in range(questions):
                status = rng.choice(["fallback", "suggest", "answer", "answer"])
                conn.execute(
                    "INSERT INTO questions (asked_at, text, status, entry_id, score, channel) "
                    "VALUES (?, ?, ?, ?, ?, 'chat')",
                    (to_iso(now), " ".join(rng.sample(WORDS, 4)) + "?", status,
                     "thekiz-was" if status == "answer" else None, rng.random()))
        store = DecisionStore(db)
        for _ in range(50):  # some groups decided already
            store.add(Proposal(Action.IGNORE, " ".join(rng.sample(WORDS, 4))), 1)
        start = time.perf_counter()
        groups = select_groups(db, kb, store.active())
        seconds = time.perf_counter() - start
        db.close()
    return seconds, len(groups)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[0, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--log", type=int, nargs="*", default=[10000, 50000])
    args = parser.parse_args()
    base = load_knowledge(ROOT / "knowledge")
    if args.log:
        print("| logged questions | select the digest's groups |")
        print("|---:|---:|")
        for size in args.log:
            seconds, _ = digest_seconds(base, size)
            print(f"| {size} | {seconds:.2f} s |", flush=True)
        print()
    if not args.sizes:
        return 0
    print("| entries | build index | phrasing (accepted) | out of scope (accepted) | "
          "phrasing (refused) | accepted / build |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        kb = synthetic_kb(base, size) if size else base
        m = measure(kb, args.repeat)
        phrasing, scope, refused = (m[p.wording] for p in PROPOSALS)
        print(f"| {len(kb.served_entries)} | {m['build']:.2f} s | {phrasing:.2f} s | {scope:.2f} s "
              f"| {refused:.2f} s | {phrasing / m['build']:.1f}× |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
