"""The matcher cached on disk: reused while the knowledge base is unchanged, rebuilt when a
file changes or the cache is damaged, and never half-written by two processes."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.helpers.kb import write_mini_kb
from thekiz_bot.matching import cache
from thekiz_bot.matching.matcher import Matcher


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return write_mini_kb(tmp_path / "kb")


def _files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.pickle"))


def test_the_cache_is_reused_and_answers_alike(kb: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "cache"
    first = cache.load_matcher(kb, store)
    [path] = _files(store)
    built = []
    real_load = cache.load_knowledge
    monkeypatch.setattr(cache, "load_knowledge", lambda d: built.append(d) or real_load(d))
    second = cache.load_matcher(kb, store)
    assert built == []  # nothing was rebuilt
    question = "was macht die prozessbegleitung"
    assert second.match(question).to_json() == first.match(question).to_json()
    assert _files(store) == [path]


def test_a_changed_file_rebuilds(kb: Path, tmp_path: Path) -> None:
    store = tmp_path / "cache"
    before = cache.load_matcher(kb, store)
    [old] = _files(store)
    faq = sorted((kb / "faq").glob("*.yaml"))[0]
    faq.write_text(faq.read_text(encoding="utf-8") + "\n# geändert\n", encoding="utf-8")
    after = cache.load_matcher(kb, store)
    [new] = _files(store)
    assert new != old  # the old index is gone, the new one keyed by the new content
    assert after is not before


@pytest.mark.parametrize("damage", [b"", b"kaputt", b"\x80\x05\x95garbage"])
def test_a_corrupt_cache_is_ignored_and_rebuilt(kb: Path, tmp_path: Path, damage: bytes) -> None:
    store = tmp_path / "cache"
    cache.load_matcher(kb, store)
    [path] = _files(store)
    path.write_bytes(damage)
    matcher = cache.load_matcher(kb, store)
    assert matcher.match("was macht die prozessbegleitung").status == "answer"
    assert path.stat().st_size > 1000  # rebuilt and written again
    assert cache.load_matcher(kb, store).kb.entries == matcher.kb.entries


def test_a_foreign_pickle_is_not_taken_for_a_matcher(kb: Path, tmp_path: Path) -> None:
    import pickle

    store = tmp_path / "cache"
    cache.load_matcher(kb, store)
    [path] = _files(store)
    path.write_bytes(pickle.dumps({"not": "a matcher"}))
    assert isinstance(cache.load_matcher(kb, store), Matcher)


def test_concurrent_builders_leave_one_whole_cache(kb: Path, tmp_path: Path) -> None:
    store = tmp_path / "cache"
    results: list[Matcher] = []
    threads = [threading.Thread(target=lambda: results.append(cache.load_matcher(kb, store)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    assert [p.name for p in store.iterdir()] == [_files(store)[0].name]  # no temporary left
    assert cache.load_matcher(kb, store).match("hallo").status == "smalltalk"


def test_a_read_only_cache_directory_costs_time_not_answers(kb: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "datei"
    blocker.write_text("x")
    matcher = cache.load_matcher(kb, blocker / "cache")  # cannot be created under a file
    assert matcher.match("was macht die prozessbegleitung").status == "answer"


async def test_the_bot_starts_and_reloads_through_the_cache(kb: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from thekiz_bot.telegram.services import KnowledgeService

    store = tmp_path / "cache"
    KnowledgeService.load(kb, store)  # first start: builds and stores the index
    built = []
    real_load = cache.load_knowledge
    monkeypatch.setattr(cache, "load_knowledge", lambda d: built.append(d) or real_load(d))
    service = KnowledgeService.load(kb, store)  # restart: nothing rebuilt
    assert built == []
    assert service.current.kb.directory == kb

    faq = sorted((kb / "faq").glob("*.yaml"))[0]
    faq.write_text(faq.read_text(encoding="utf-8").replace(
        "Was ist die Prozessbegleitung?", "Was genau ist die Prozessbegleitung?"), encoding="utf-8")
    snapshot = await service.reload()  # /neu_laden of a changed file serves the change
    assert built == [kb]
    assert any(e.question == "Was genau ist die Prozessbegleitung?" for e in snapshot.kb.served_entries)


def test_a_copy_elsewhere_keeps_its_own_directory(kb: Path, tmp_path: Path) -> None:
    import shutil

    store = tmp_path / "cache"
    copy = tmp_path / "copy"
    shutil.copytree(kb, copy)
    assert cache.load_matcher(kb, store).kb.directory == kb
    assert cache.load_matcher(copy, store).kb.directory == copy


WARM_PROBE = (
    "import json, sys\n"
    "from pathlib import Path\n"
    "from thekiz_bot.matching import cache\n"
    "matcher = cache.load_matcher(Path(sys.argv[1]), Path(sys.argv[2]))\n"
    "print(json.dumps([matcher.match(q).to_json() for q in sys.argv[3:]]))\n"
    "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy'))))\n"
)


def test_a_cached_index_answers_alike_without_scikit_learn(kb: Path, tmp_path: Path) -> None:
    """A warm start reads the index as plain arrays: neither scikit-learn nor scipy, which cost
    most of a start, is imported, and the answers are those of the freshly built index."""
    store = tmp_path / "cache"
    built = cache.load_matcher(kb, store)
    questions = ["was macht die prozessbegleitung", "prozesbegleitug", "PB erklärung",
                 "Wie wird das Wetter morgen?", "hallo", "ansprechpartnerin ministerium"]
    proc = subprocess.run([sys.executable, "-c", WARM_PROBE, str(kb), str(store), *questions],
                          text=True, capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    answers, loaded = (json.loads(line) for line in proc.stdout.splitlines()[-2:])
    assert answers == [built.match(q).to_json() for q in questions]
    assert loaded == []
