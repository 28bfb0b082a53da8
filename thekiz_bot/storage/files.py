"""The one atomic file writer: a crash, a full disk or a second writer leaves either the old or
the new file, never a mix (used for YAML edits, draft files and the index cache)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

# A new file must be readable by the bot's user, not only by whoever ran the tool.
NEW_FILE_MODE = 0o644


def write_atomic(path: Path, data: str | bytes, newline: str | None = "\n") -> None:
    """Write `data` to a temporary file beside `path`, flush it to disk and rename it over
    `path`. An existing file keeps its permissions. `newline=""` writes text exactly as given
    (e.g. Windows line endings of an edited file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else NEW_FILE_MODE
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # mkstemp makes the file private
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
