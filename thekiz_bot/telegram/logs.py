"""Logging for the bot process: readable lines, secrets never written.

httpx logs every request URL, and Telegram URLs contain the bot token; the formatter masks
every secret in the final line (including tracebacks), so no library can leak it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

MASK = "***"


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        # Longest first, so a secret containing another is masked whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        for secret in self._secrets:
            line = line.replace(secret, MASK)
        return line


def configure_logging(level: str, secrets: Iterable[str | None]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s",
                           [s for s in secrets if s])
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")
    # One line per HTTP request is noise (and would carry the token without the formatter).
    logging.getLogger("httpx").setLevel(logging.WARNING)
