"""Failures a user can fix, told in one German sentence instead of a traceback.

Tracebacks are for developers: they appear only with THEKIZ_LOG_LEVEL=DEBUG. The Telegram
layer calls `quiet_tracebacks` after configuring its logging, so that a library that logs an
exception with its traceback (python-telegram-bot's network retry loop does) logs one line.
"""

from __future__ import annotations

import logging

DEBUG_HINT = " (Details mit THEKIZ_LOG_LEVEL=DEBUG)"


class TracebacksOnlyWhenDebugging(logging.Filter):
    """Drops the traceback of a log record and keeps its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info or record.exc_text or record.stack_info:
            if record.exc_info and record.exc_info[1] is not None:
                error = record.exc_info[1]
                record.msg = f"{record.getMessage()}: {type(error).__name__}: {error}{DEBUG_HINT}"
                record.args = None
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def quiet_tracebacks(level: str) -> None:
    """Below DEBUG, every handler of the root logger writes log records without tracebacks."""
    if level == "DEBUG":
        return
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, TracebacksOnlyWhenDebugging) for f in handler.filters):
            handler.addFilter(TracebacksOnlyWhenDebugging())
