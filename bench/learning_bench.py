"""What one /lernen decision costs: the collision check plus the new index, beside a plain build.

For the real knowledge base and synthetic ones (real + N distractor entries, as in
matcher_bench.py), in one run: the time to build a Matcher (what /neu_laden costs), the time of
`Teacher.decide` for a phrasing (check + build of the index that then serves) and the ratio.
The old index answers questions during all of it.

    python bench/learning_bench.py                 # real, 1k, 10k
    python bench/learning_bench.py --sizes 0 1000
"""

from __future__ import annotations

import argparse
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
from thekiz_bot.learning.model import Action, Proposal  # noqa: E402
from thekiz_bot.learning.store import DecisionStore  # noqa: E402
from thekiz_bot.learning.teacher import Teacher  # noqa: E402
from thekiz_bot.matching.matcher import Matcher  # noqa: E402
from thekiz_bot.storage.database import Database  # noqa: E402

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base = load_knowledge(ROOT / "knowledge")
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
