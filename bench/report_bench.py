"""Benchmark `python bot.py report`, `report --apply-suggestions` and `/statistik` on a generated
question log of 1k, 10k and 100k questions.

The log imitates a year of use: most questions are answered; the unanswered ones come from a
few hundred topics, each asked in many wordings (typos, case, word order, filler words), so that
the number of distinct wordings grows with the log as it does in reality. Each size runs the
real command line in its own subprocess (wall and CPU seconds, peak RSS): `report` once on the
database as the update finds it (no grouping stored yet), then again (grouping stored), then
`report --apply-suggestions`. `/statistik` runs what the handler calls
(`StatisticsQuery.summary`) in a fresh process on that grown database, as after a bot start:
the first call, a call after 20 new questions, and a call with nothing new.

    python bench/report_bench.py                  # 1k, 10k, 100k
    python bench/report_bench.py --sizes 1000     # quicker
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from thekiz_bot.knowledge.loader import load_knowledge  # noqa: E402
from thekiz_bot.storage.database import Database  # noqa: E402
from thekiz_bot.storage.records import Records  # noqa: E402
from thekiz_bot.text.grouping import assign, grouping_key  # noqa: E402
from thekiz_bot.text.normalise import Vocabulary  # noqa: E402

SUBJECTS = ["Jahresbericht", "Förderantrag", "Fachtag", "Koordinatorin", "Prozessbegleitung",
            "Elterncafé", "Sozialraumanalyse", "Landkreis", "Kita-Leitung", "Familienzentrum",
            "Fortbildung", "Netzwerktreffen", "Haushaltsplan", "Verwendungsnachweis", "Vorlage",
            "Ansprechperson", "Zuwendung", "Eigenanteil", "Personalstelle", "Elternbefragung"]
ASKS = ["Wie beantrage ich {s} für {t}?", "Wer hilft beim {s} im {t}?", "Gibt es {s} zum {t}?",
        "Bis wann muss {s} beim {t} sein?", "Was kostet {s} für {t}?", "Wo finde ich {s} zum {t}?",
        "Wer entscheidet über {s} und {t}?", "Darf ich {s} ohne {t} machen?"]
FILLER = ["bitte", "mal", "eigentlich", "noch", "kurz", "genau"]


def _typo(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        i = rng.randrange(len(chars))
        match rng.randrange(4):
            case 0:
                del chars[i]
            case 1:
                chars[i] = rng.choice("aeinrstu")
            case 2:
                chars.insert(i, rng.choice("aeinrstu"))
            case _:
                if i + 1 < len(chars):
                    chars[i], chars[i + 1] = chars[i + 1], chars[i]
    text = "".join(chars)
    if rng.random() < 0.2:
        words = text.split()
        words.insert(rng.randrange(len(words) + 1), rng.choice(FILLER))
        text = " ".join(words)
    return text.lower() if rng.random() < 0.4 else text


def fill(path: Path, size: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    kb = load_knowledge(ROOT / "knowledge")
    served = kb.served_entries
    topics = [rng.choice(ASKS).format(s=rng.choice(SUBJECTS), t=rng.choice(SUBJECTS))
              for _ in range(max(20, size // 100))]
    start = datetime(2025, 12, 1, tzinfo=UTC)
    questions, feedback = [], []
    for n in range(size):
        at = (start + timedelta(minutes=5 * n)).isoformat(timespec="seconds")
        roll = rng.random()
        if roll < 0.45:
            entry = rng.choice(served)
            text = _typo(rng, rng.choice((entry.question, *entry.alternates)))
            questions.append((at, text, "answer", entry.id, rng.uniform(0.45, 1.0)))
            if rng.random() < 0.1:
                feedback.append((at, entry.id, rng.choice((1, 1, -1)), n + 1, 0))
        elif roll < 0.9:
            status = "fallback" if roll < 0.8 else "suggest"
            text = _typo(rng, topics[min(int(rng.paretovariate(1.2)) - 1, len(topics) - 1)])
            questions.append((at, text, status, None, rng.uniform(0.0, 0.44)))
            if status == "suggest" and rng.random() < 0.3:
                feedback.append((at, rng.choice(served).id, 1, n + 1, 1))
        else:
            questions.append((at, rng.choice(("hallo", "danke", "Hallo!", "tschüss")),
                              "smalltalk", None, 1.0))
    db = Database(path)
    with db.transaction() as conn:
        conn.executemany("INSERT INTO questions (asked_at, text, status, entry_id, score) "
                         "VALUES (?, ?, ?, ?, ?)", questions)
        conn.executemany("INSERT INTO feedback (created_at, entry_id, rating, question_id, "
                         "via_suggestion) VALUES (?, ?, ?, ?, ?)", feedback)
    db.close()


def run_cli(args: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak RSS MB, exit code) of one command in its own process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "bot.py"), *args], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
    return wall, cpu, after.ru_maxrss / 1024, proc.returncode


def grouping_variants(db_path: Path) -> str:
    """Groups of the log's wordings without a direct answer: as stored (in the order asked, the
    first three wordings represent a group), with only the first wording, and in the order of
    the most frequent wording first (the grouping before it was stored)."""
    kb = load_knowledge(ROOT / "knowledge")
    vocab = Vocabulary.build(kb.synonyms, kb.stopwords)
    db = Database(db_path)
    counts: dict[str, int] = {}
    for _, text in Records(db).questions.without_answer(0, 2**62):
        key = grouping_key(text, vocab.analyse)
        if key:
            counts[key] = counts.get(key, 0) + 1
    db.close()
    asked = list(counts)
    frequent = sorted(counts, key=lambda k: (-counts[k], k))
    stored = len(set(assign(asked)))
    first_only = len(set(assign(asked, per_group=1)))
    by_frequency = len(set(assign(frequent, per_group=1)))
    return f"{stored} / {first_only} / {by_frequency}"


def statistik_child(db_path: Path, knowledge: Path) -> None:
    """/statistik as the bot answers it, in a process of its own started on the grown database:
    the first call after the start, a call after 20 new questions, and a call when nothing was
    asked since the last one (ms, printed as one line)."""
    kb = load_knowledge(knowledge)
    vocab = Vocabulary.build(kb.synonyms, kb.stopwords)  # the matcher's, built at start-up
    records = Records(Database(db_path))

    def timed() -> str:
        began, cpu = time.perf_counter(), time.process_time()
        assert records.statistics.summary(vocab).top_unanswered
        return (f"{(time.perf_counter() - began) * 1000:.0f}"
                f"({(time.process_time() - cpu) * 1000:.0f})")

    first = timed()
    rng = random.Random(99)
    topics = [rng.choice(ASKS).format(s=rng.choice(SUBJECTS), t=rng.choice(SUBJECTS))
              for _ in range(40)]
    for _ in range(20):
        records.questions.record(_typo(rng, rng.choice(topics)), "fallback", None, 0.1)
    after_new = timed()
    unchanged = timed()
    groups = len(records.statistics.top_unanswered(vocab, limit=10**9))
    records.db.close()
    print(f"{first} {after_new} {unchanged} {groups}")


def statistik_ms(db_path: Path, knowledge: Path) -> tuple[str, str, str, int]:
    """Wall ms with CPU ms in brackets, of each of the three calls; and the number of groups."""
    proc = subprocess.run([sys.executable, __file__, "--statistik-child", str(db_path),
                           str(knowledge)], capture_output=True, text=True, check=True)
    first, after_new, unchanged, groups = proc.stdout.split()
    return (first.replace("(", " ("), after_new.replace("(", " ("), unchanged.replace("(", " ("),
            int(groups))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--statistik-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--variants", action="store_true",
                        help="also count the groups of other grouping orders (slow at 100k)")
    args = parser.parse_args()
    if args.statistik_child:
        statistik_child(*args.statistik_child)
        return 0
    print("| logged questions | distinct unanswered wordings | groups | `report`, nothing stored "
          "yet (first run after the update) wall / CPU | `report` wall / CPU | "
          "`report --apply-suggestions` wall / CPU | peak RSS | `/statistik` in a fresh process: "
          "first call / after 20 new questions / unchanged, wall (CPU) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    variants: list[str] = []
    for size in args.sizes:
        work = Path(tempfile.mkdtemp(prefix="report-bench-"))
        try:
            db_path = work / "bot.sqlite3"
            fill(db_path, size)
            kb = work / "knowledge"
            shutil.copytree(ROOT / "knowledge", kb)
            env = {**os.environ, "THEKIZ_DB": str(db_path), "THEKIZ_KNOWLEDGE_DIR": str(kb),
                   "COLUMNS": "120"}
            db = Database(db_path)
            distinct = len(Records(db).questions.unanswered())
            db.close()
            cold_wall, cold_cpu, cold_rss, cold_code = run_cli(["report"], env)
            wall, cpu, rss, code = run_cli(["report"], env)
            apply_wall, apply_cpu, apply_rss, apply_code = run_cli(
                ["report", "--apply-suggestions"], env)
            assert cold_code == 0 and code == 0 and apply_code == 0
            if args.variants:
                variants.append(f"| {size:,} | {grouping_variants(db_path)} |")
            first, after_new, unchanged, groups = statistik_ms(db_path, kb)
            print(f"| {size:,} | {distinct:,} | {groups:,} | {cold_wall:.1f} s / {cold_cpu:.1f} s "
                  f"| {wall:.1f} s / {cpu:.1f} s | {apply_wall:.1f} s / {apply_cpu:.1f} s | "
                  f"{max(cold_rss, rss, apply_rss):.0f} MB | "
                  f"{first} / {after_new} / {unchanged} ms |", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if variants:
        print("\n| logged questions | groups: first three wordings represent a group (stored) / "
              "only the first / most frequent wording first (before) |\n|---:|---:|")
        print("\n".join(variants))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
