"""A second connection in the same process (the broadcast worker's) must not break the first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from thekiz_bot.storage.database import Database

_READ = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
         "print(c.execute('SELECT COUNT(*) FROM users').fetchone()[0]); c.close()")


def _count_in_another_process(path: Path) -> int:
    done = subprocess.run([sys.executable, "-c", _READ, str(path)], capture_output=True,
                          text=True, check=True, timeout=60)
    return int(done.stdout)


def test_writes_stay_visible_to_other_processes_after_a_second_connection(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    bot = Database(path)
    bot.execute("INSERT INTO users (user_id, created_at, updated_at) VALUES (1, 'x', 'x')")
    worker = Database(path)  # opened while the first is in use
    # Another process comes and goes (the command line, a status query). Had the second
    # connection dropped the first one's locks, it would think itself alone and delete the WAL.
    assert _count_in_another_process(path) == 1
    bot.execute("INSERT INTO users (user_id, created_at, updated_at) VALUES (2, 'x', 'x')")
    worker.execute("INSERT INTO users (user_id, created_at, updated_at) VALUES (3, 'x', 'x')")
    assert _count_in_another_process(path) == 3
    assert (path.parent / "bot.sqlite3-wal").exists()
    worker.close()
    bot.close()
