"""THEKIZ_BROADCAST_CONCURRENCY: messages in flight at once."""

from __future__ import annotations

import pytest

from thekiz_bot.config import DEFAULT_BROADCAST_CONCURRENCY, ConfigError, Settings


def test_concurrency_has_a_default_and_can_be_set() -> None:
    assert Settings.from_env({}).broadcast_concurrency == DEFAULT_BROADCAST_CONCURRENCY
    assert Settings.from_env({"THEKIZ_BROADCAST_CONCURRENCY": "1"}).broadcast_concurrency == 1


@pytest.mark.parametrize("raw", ["viele", "0", "31"])
def test_unusable_concurrency_is_refused_naming_the_setting(raw: str) -> None:
    with pytest.raises(ConfigError, match="THEKIZ_BROADCAST_CONCURRENCY"):
        Settings.from_env({"THEKIZ_BROADCAST_CONCURRENCY": raw})
