"""Commands that match nothing load nothing of the matcher (scikit-learn takes a second)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.kb import REAL_KNOWLEDGE

PROBE = (
    "import sys\n"
    "from thekiz_bot.cli.main import main\n"
    "code = main(sys.argv[1:])\n"
    "loaded = sorted(m for m in ('sklearn', 'scipy', 'telegram') if m in sys.modules)\n"
    "print('LOADED', ','.join(loaded), code)\n"
)


@pytest.mark.parametrize("command", [
    ["events", "list"], ["announce", "--status"], ["report"], ["events", "list", "--json"],
])
def test_commands_that_do_not_match_do_not_load_the_matcher(tmp_path: Path,
                                                            command: list[str]) -> None:
    env = {**os.environ, "THEKIZ_DB": str(tmp_path / "bot.sqlite3"),
           "THEKIZ_KNOWLEDGE_DIR": str(REAL_KNOWLEDGE)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    (tmp_path / "bot.sqlite3").touch()
    proc = subprocess.run([sys.executable, "-c", PROBE, *command], env=env, text=True,
                          capture_output=True, timeout=120)
    last = proc.stdout.strip().splitlines()[-1]
    assert last == "LOADED  0", (last, proc.stderr)


def test_ask_from_a_warm_cache_loads_neither_scikit_learn_nor_scipy(tmp_path: Path) -> None:
    env = {**os.environ, "THEKIZ_DB": str(tmp_path / "bot.sqlite3"),
           "THEKIZ_KNOWLEDGE_DIR": str(REAL_KNOWLEDGE), "THEKIZ_INDEX_CACHE": str(tmp_path / "c")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    runs = [subprocess.run([sys.executable, "-c", PROBE, "ask", "Was ist das LSZ?"], env=env,
                           text=True, capture_output=True, timeout=300) for _ in range(2)]
    cold, warm = (run.stdout.strip().splitlines() for run in runs)
    assert cold[-1] == "LOADED scipy,sklearn 0", runs[0].stderr  # the first run builds the index
    assert warm[-1] == "LOADED  0", runs[1].stderr
    assert warm[:-1] == cold[:-1]  # the same answer
