"""`python bot.py events …` and `python bot.py announce …`."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.helpers.events import GOOD_YAML
from tests.helpers.fakes.broadcast_api import BroadcastFakeBotApi
from tests.helpers.kb import REAL_KNOWLEDGE
from thekiz_bot.cli.main import main as bot_main
from thekiz_bot.config import Settings
from thekiz_bot.events.subscriptions import Subscriptions
from thekiz_bot.storage.database import Database

FUTURE_YAML = GOOD_YAML.replace("2027", "2099")


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    base = Settings(db_path=tmp_path / "db.sqlite3", knowledge_dir=REAL_KNOWLEDGE)
    return replace(base, **overrides)  # type: ignore[arg-type]


def _rows(settings: Settings, sql: str) -> list:
    db = Database(settings.db_path)
    try:
        return db.query(sql)
    finally:
        db.close()


def test_import_then_list_then_import_again(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    settings = _settings(tmp_path)
    file = tmp_path / "termine.yaml"
    file.write_text(FUTURE_YAML, encoding="utf-8")
    assert bot_main(["events", "import", str(file)], settings) == 0
    assert "2 neu, 0 geändert, 0 unverändert" in capsys.readouterr().out
    assert bot_main(["events", "list"], settings) == 0
    listing = capsys.readouterr().out
    assert "Arbeitskreis ThEKiZ" in listing and "Gotha" in listing and "2099" in listing
    assert bot_main(["events", "list", "--json"], settings) == 0
    data = json.loads(capsys.readouterr().out)
    assert [e["external_id"] for e in data] == ["ak-fruehjahr-2099", "info-gotha"]
    assert data[1]["region"] == "Gotha"
    assert bot_main(["events", "import", str(file)], settings) == 0
    assert "0 neu, 0 geändert, 2 unverändert" in capsys.readouterr().out


def test_broken_import_names_file_line_and_field_and_stores_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    settings = _settings(tmp_path)
    file = tmp_path / "kaputt.yaml"
    file.write_text(FUTURE_YAML.replace("kind: Info", "kind: Grillfest"), encoding="utf-8")
    assert bot_main(["events", "import", str(file)], settings) == 1
    err = capsys.readouterr().err
    assert "nichts gespeichert" in err
    assert "kaputt.yaml:14" in err and "Feld 'kind'" in err and "Grillfest" in err
    assert _rows(settings, "SELECT COUNT(*) FROM events")[0][0] == 0


def test_dry_run_import_saves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    settings = _settings(tmp_path)
    file = tmp_path / "termine.yaml"
    file.write_text(FUTURE_YAML, encoding="utf-8")
    assert bot_main(["events", "import", str(file), "--dry-run"], settings) == 0
    assert "2 Termin(e) sind gültig" in capsys.readouterr().out
    assert _rows(settings, "SELECT COUNT(*) FROM events")[0][0] == 0


def _subscribe(settings: Settings, chats: list[int]) -> None:
    db = Database(settings.db_path)
    subscriptions = Subscriptions(db)
    for chat in chats:
        subscriptions.subscribe(chat, chat, None)
    db.close()


def test_announce_preview_and_confirmation_rules(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    settings = _settings(tmp_path)
    _subscribe(settings, [11, 12])
    assert bot_main(["announce", "Hallo <Netzwerk> & Co", "--dry-run"], settings) == 0
    out = capsys.readouterr().out
    assert "Hallo <Netzwerk> & Co" in out and "Empfänger*innen: 2" in out
    # Not a terminal and no --yes: nothing goes out.
    assert bot_main(["announce", "Hallo"], settings) == 2
    assert _rows(settings, "SELECT COUNT(*) FROM outbox")[0][0] == 0
    assert bot_main(["announce", "Hallo", "--yes", "--queue-only"], settings) == 0
    assert _rows(settings, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'")[0][0] == 2
    assert bot_main(["announce"], settings) == 2
    assert "Bitte einen Text" in capsys.readouterr().err
    assert bot_main(["announce", "x", "--region", "Atlantis", "--yes"], settings) == 2


async def test_announce_sends_and_reports_through_the_bot_api(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    async with BroadcastFakeBotApi(strict_chats=False) as api:
        settings = _settings(tmp_path, telegram_token=api.token, api_base_url=api.base_url)
        _subscribe(settings, [21, 22, 23])
        api.block(23)
        code = await asyncio.to_thread(
            bot_main, ["announce", "Rundbrief aus dem Terminal", "--yes"], settings)
        assert code == 0
        out = capsys.readouterr().out
        assert "zugestellt:                 2" in out
        assert "haben den Bot blockiert:    1" in out
        assert api.deliveries("Rundbrief aus dem Terminal") == {21: 1, 22: 1}
        assert bot_main(["announce", "--status"], settings) == 0
        assert "Versand Nr. 1" in capsys.readouterr().out


def test_import_and_announce_accept_a_region_typo(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture) -> None:
    settings = _settings(tmp_path)
    file = tmp_path / "termine.yaml"
    file.write_text(FUTURE_YAML.replace("region: Landkreis Gotha", "region: Weimarer Lnad"),
                    encoding="utf-8")
    assert bot_main(["events", "import", str(file)], settings) == 0
    assert [r[0] for r in _rows(settings, "SELECT region_id FROM events ORDER BY id")] == [
        None, "weimarer-land"]
    db = Database(settings.db_path)
    subscriptions = Subscriptions(db)
    subscriptions.subscribe(31, 31, "weimarer-land")
    subscriptions.subscribe(32, 32, "gotha")
    db.close()
    capsys.readouterr()
    assert bot_main(["announce", "Hallo", "--region", "Weimarer Lnad", "--dry-run"],
                           settings) == 0
    assert "Empfänger*innen: 1" in capsys.readouterr().out
    assert bot_main(["announce", "Hallo", "--region", "Atlantis", "--dry-run"],
                           settings) == 2
    assert "Die Region „Atlantis“ kenne ich nicht." in capsys.readouterr().err


def test_dry_run_tells_per_event_new_changed_unchanged_and_warns_about_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(tmp_path)
    file = tmp_path / "termine.yaml"
    file.write_text(FUTURE_YAML, encoding="utf-8")
    assert bot_main(["events", "import", str(file), "--dry-run"], settings) == 0
    out = capsys.readouterr().out
    assert "2 Termin(e) sind gültig: 2 neu, 0 geändert, 0 unverändert" in out
    assert not settings.db_path.exists()  # a dry run writes nothing, not even a database
    assert bot_main(["events", "import", str(file)], settings) == 0
    capsys.readouterr()
    moved = FUTURE_YAML.replace("place: Erfurt", "place: Weimar").replace(
        "2099-04-20", "2020-04-20").replace("15.04.2099", "15.04.2020").replace(
        "12.03.2099", "12.03.2199")
    file.write_text(moved, encoding="utf-8")
    before = settings.db_path.read_bytes()
    assert bot_main(["events", "import", str(file), "--dry-run"], settings) == 0
    captured = capsys.readouterr()
    assert "0 neu, 2 geändert, 0 unverändert" in captured.out
    assert "  geändert: [ak-fruehjahr-2099] Arbeitskreis ThEKiZ (Beginn, Ende, Ort)" in captured.out
    assert "„Informationsveranstaltung“ beginnt am 20.04.2020 – das liegt in der Vergangenheit" \
        in captured.err
    assert "„Arbeitskreis ThEKiZ“ beginnt am 12.03.2199 – mehr als zwei Jahre" in captured.err
    assert settings.db_path.read_bytes() == before
    file.write_text(FUTURE_YAML, encoding="utf-8")
    assert bot_main(["events", "import", str(file), "--dry-run"], settings) == 0
    assert "0 neu, 0 geändert, 2 unverändert" in capsys.readouterr().out
