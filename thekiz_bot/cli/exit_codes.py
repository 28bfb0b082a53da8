"""The command line's exit codes, one meaning each."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    # The command ran and found a problem: an invalid knowledge base, an unusable database,
    # a failed delivery, a file that is not what it should be.
    FAILED = 1
    # The command line or the configuration is wrong: a missing argument, an unknown region,
    # a bad environment variable, a rejected token.
    USAGE = 2
