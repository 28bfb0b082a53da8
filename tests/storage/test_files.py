"""The one atomic file writer: old or new content, never a mix, never a stray temporary file."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from thekiz_bot.storage.files import write_atomic


def test_replaces_content_and_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "kb" / "faq.yaml"
    write_atomic(path, "alt\n")
    assert path.stat().st_mode & 0o777 == 0o644  # readable by the bot's user
    path.chmod(0o640)
    write_atomic(path, "neu\r\n", newline="")
    assert path.read_bytes() == b"neu\r\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["faq.yaml"]


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "faq.yaml"
    write_atomic(path, "alt\n")

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        write_atomic(path, "neu\n" * 1000)
    assert path.read_text() == "alt\n"
    assert [p.name for p in tmp_path.iterdir()] == ["faq.yaml"]


def test_concurrent_writers_leave_one_whole_version(tmp_path: Path) -> None:
    path = tmp_path / "cache.bin"
    versions = [bytes([n]) * 200_000 for n in range(8)]
    threads = [threading.Thread(target=write_atomic, args=(path, v)) for v in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert path.read_bytes() in versions
    assert [p.name for p in tmp_path.iterdir()] == ["cache.bin"]
