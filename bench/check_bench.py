"""Benchmark `python bot.py check` on knowledge bases of 1k, 10k and 100k entries.

The knowledge base is the real one plus generated entries (bench/matcher_bench.py's
distractors: a question and four alternates each), written as YAML files of 10,000 entries, so
that `check` loads, validates and compares them as it would a grown knowledge base. Each run is
its own process: wall and CPU seconds and peak RSS are its own.

    python bench/check_bench.py                   # 1k, 10k, 100k
    python bench/check_bench.py --sizes 1000
    python bench/check_bench.py --strict --sizes 10000   # check --strict: asks the matcher
                                                         # for every wording (collisions)
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.matcher_bench import synthetic_kb  # noqa: E402
from thekiz_bot.knowledge.loader import load_knowledge  # noqa: E402

PER_FILE = 10_000


def write_kb(target: Path, extra: int) -> None:
    shutil.copytree(ROOT / "knowledge", target)
    real = load_knowledge(ROOT / "knowledge")
    generated = [e for e in synthetic_kb(real, extra).entries if e.id.startswith("synthetic-")]
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for n in range(0, len(generated), PER_FILE):
        entries = [{"id": e.id, "question": e.question, "alternates": list(e.alternates),
                    "answer": e.answer} for e in generated[n:n + PER_FILE]]
        path = target / "faq" / f"generiert-{n // PER_FILE:02d}.yaml"
        path.write_text(yaml.dump({"entries": entries}, Dumper=dumper, allow_unicode=True),
                        encoding="utf-8")


def run_check(kb: Path, strict: bool = False) -> tuple[float, float, float, int, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    extra = ["--strict"] if strict else []
    proc = subprocess.run([sys.executable, str(ROOT / "bot.py"), "check", *extra, "--knowledge",
                           str(kb)],
                          capture_output=True, text=True,
                          env={**os.environ, "THEKIZ_DB": str(kb / "nicht-da.sqlite3")})
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-200:]
    return wall, cpu, after.ru_maxrss / 1024, proc.returncode, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--strict", action="store_true", help="measure `check --strict`")
    args = parser.parse_args()
    command = "check --strict" if args.strict else "check"
    print(f"| entries (wordings) | `{command}` wall / CPU | peak RSS | result |")
    print("|---:|---:|---:|---|")
    for size in args.sizes:
        work = Path(tempfile.mkdtemp(prefix="check-bench-"))
        try:
            write_kb(work / "knowledge", size)
            wall, cpu, rss, code, summary = run_check(work / "knowledge", args.strict)
            print(f"| {size:,} ({size * 5:,}) | {wall:.0f} s / {cpu:.0f} s | {rss:,.0f} MB | "
                  f"exit {code}: {summary} |", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
