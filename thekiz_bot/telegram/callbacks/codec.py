"""The codec's building blocks: short keys for stable ids, joining and reading fields."""

from __future__ import annotations

import base64
import hashlib

CALLBACK_DATA_LIMIT = 64
KEY_LENGTH = 10  # 60 bits: no collisions in practice even for 100,000 entries
NO_REGION = "-"  # in region fields: "ganz Thüringen" / "no region"


def short_key(stable_id: str) -> str:
    digest = hashlib.sha256(stable_id.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:KEY_LENGTH]


def join(*parts: object) -> str:
    """The data of a button; ValueError when over Telegram's 64 bytes."""
    data = ":".join(str(part) for part in parts)
    if len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return data


def number(text: str) -> int:
    """A non-negative number; ValueError (→ unknown data) for anything else."""
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def region(text: str) -> str | None:
    return None if text == NO_REGION else text
