"""CPU seconds of a cold and a warm `bot.py ask`, side by side with `python -c "import telegram"`
and commands that match nothing, in one run (the median of five runs each).

Cold: no index cache (THEKIZ_INDEX_CACHE=off), the index is built. Warm: the cache from the
previous run is read.

    python bench/cold_start_bench.py
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def measure(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Median (CPU s, wall s) over RUNS runs, each its own process."""
    cpu, wall = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        wall.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(cpu), statistics.median(wall)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="cold-start-"))
    try:
        env = {**os.environ, "THEKIZ_DB": str(work / "bot.sqlite3")}
        env.pop("TELEGRAM_BOT_TOKEN", None)
        bot = [sys.executable, str(ROOT / "bot.py")]
        ask = [*bot, "ask", "Was ist das LSZ?"]
        subprocess.run(ask, env=env, check=True, stdout=subprocess.DEVNULL)  # fills the cache
        rows = [
            ('`python -c "import telegram"`', [sys.executable, "-c", "import telegram"], env),
            ("`bot.py ask` cold (no index cache)", ask, {**env, "THEKIZ_INDEX_CACHE": "off"}),
            ("`bot.py ask` warm (index cache)", ask, env),
            ("`bot.py events list`", [*bot, "events", "list"], env),
            ("`bot.py announce --status`", [*bot, "announce", "--status"], env),
            ("`bot.py report`", [*bot, "report"], env),
        ]
        baseline = None
        print("| command | CPU s (median of 5) | wall s | CPU vs `import telegram` |")
        print("|---|---:|---:|---:|")
        for label, args, run_env in rows:
            cpu, wall = measure(args, run_env)
            baseline = baseline or cpu
            print(f"| {label} | {cpu:.2f} | {wall:.2f} | {cpu / baseline:.1f}× |", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
