"""Running `bot.py` as a user does: a fresh process, no Telegram token from the environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bot(*args: str, stdin: str | None = None, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    full_env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args], input=stdin, capture_output=True,
        text=True, env=full_env, cwd=ROOT, timeout=120, check=False,
    )
