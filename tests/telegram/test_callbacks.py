"""Callback data: short, versioned, at most 64 bytes, and unknown data is recognised as such."""

from __future__ import annotations

import pytest

from thekiz_bot.telegram.callbacks import (
    ConfirmDeletion,
    PickRegion,
    ShowEntry,
    Vote,
    parse,
    short_key,
)


@pytest.mark.parametrize("action", [
    Vote(1, short_key("prozessbegleitung-was"), 17, False),
    Vote(-1, short_key("x"), 2**63 - 1, True),
    ShowEntry(short_key("lsz-was"), 0, False),
    ShowEntry(short_key("lsz-was"), 2**63 - 1, True),
    PickRegion(short_key("saale-holzland-kreis")),
    PickRegion(None),
    ConfirmDeletion(True),
    ConfirmDeletion(False),
])
def test_round_trip_within_64_bytes(action: object) -> None:
    data = action.encode()  # type: ignore[attr-defined]
    assert 1 <= len(data.encode("utf-8")) <= 64
    assert parse(data) == action


def test_keys_are_stable_and_distinct() -> None:
    ids = [f"eintrag-{n}" for n in range(20000)]
    keys = {short_key(i) for i in ids}
    assert len(keys) == len(ids)
    assert short_key("lsz-was") == short_key("lsz-was")


@pytest.mark.parametrize("data", [None, "", "zz", "v0:+:abc:1:0", "v1:*:abc:1:0",
                                  "v1:+:abc:x:0", "e1:abc", "e1:abc:1:q", "r1:", "d1:maybe"])
def test_unknown_or_outdated_data_is_none(data: str | None) -> None:
    assert parse(data) is None


def test_oversized_data_is_refused_before_telegram_sees_it() -> None:
    with pytest.raises(ValueError):
        Vote(1, "k" * 80, 1).encode()
