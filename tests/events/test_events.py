"""Events: German dates, the one-line form, validation, YAML import, the store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers.events import GOOD_YAML, REGIONS, TZ, berlin, make_event
from thekiz_bot.events import dates as german_dates
from thekiz_bot.events.fields import resolve_kind
from thekiz_bot.events.importer import EventImportError, load_events_file, parse_events_yaml
from thekiz_bot.events.model import EventInputError, validate
from thekiz_bot.events.shortcut import parse_shortcut
from thekiz_bot.events.store import EventStore
from thekiz_bot.storage.database import Database

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


# --- German dates ---------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "12.03.2027 10:00", "12.3.2027 10:00", "12.03.27 10:00", "12.03.2027, 10:00 Uhr",
    "12.03.2027 10.00", "12.03.2027 10 Uhr", "Fr, 12.03.2027 10:00", "12.03.2027 um 10:00",
    "  12.03.2027   10:00  ", "2027-03-12 10:00",
])
def test_german_date_variants_mean_the_same_moment(typed: str) -> None:
    assert german_dates.parse_datetime(typed, TZ) == berlin(2027, 3, 12, 10)


def test_winter_and_summer_time_get_the_right_offset() -> None:
    assert german_dates.parse_datetime("12.03.2027 10:00", TZ).utcoffset().total_seconds() == 3600
    assert german_dates.parse_datetime("12.07.2027 10:00", TZ).utcoffset().total_seconds() == 7200


@pytest.mark.parametrize("typed, says", [
    ("12.03.2027", "Uhrzeit"),
    ("31.02.2027 10:00", "gibt es nicht"),
    ("12.03.2027 25:00", "Uhrzeit"),
    ("28.03.2027 02:30", "Zeitumstellung"),
    ("nächsten Dienstag", "12.03.2027 10:00"),
    ("", "12.03.2027 10:00"),
])
def test_unusable_dates_are_explained_in_german(typed: str, says: str) -> None:
    with pytest.raises(german_dates.DateParseError) as exc:
        german_dates.parse_datetime(typed, TZ)
    assert says in str(exc.value)


def test_end_as_time_alone_is_on_the_start_day() -> None:
    start = berlin(2027, 3, 12, 10)
    assert german_dates.parse_end("16:00", start) == berlin(2027, 3, 12, 16)
    assert german_dates.parse_end("13.03.2027 12:00", start) == berlin(2027, 3, 13, 12)


def test_deadline_date_alone_means_end_of_that_day() -> None:
    assert german_dates.parse_date_or_datetime("01.03.2027", TZ) == berlin(2027, 3, 1, 23, 59)


def test_dates_are_printed_the_german_way() -> None:
    assert german_dates.format_span(berlin(2027, 3, 12, 10), berlin(2027, 3, 12, 16)) == \
        "Fr, 12.03.2027, 10:00–16:00 Uhr"
    assert german_dates.relative_day(berlin(2027, 3, 12, 10), berlin(2027, 3, 11, 18)) == "morgen"


# --- the one-line form ------------------------------------------------------------------------

def test_shortcut_with_every_field() -> None:
    event = parse_shortcut(
        "12.03.2027 10:00-16:00 | Fachtag Kinderschutz | Gotha, Landratsamt | Art: Fachtag | "
        "Region: LK Gotha | Beschreibung: Mit Vorträgen | Anmeldung: https://example.org/a | "
        "Anmeldeschluss: 01.03.2027",
        REGIONS, TZ,
    )
    assert event.title == "Fachtag Kinderschutz"
    assert event.kind == "fachtag"
    assert event.region_id == "gotha"
    assert event.place == "Gotha, Landratsamt"
    assert (event.start, event.end) == (berlin(2027, 3, 12, 10), berlin(2027, 3, 12, 16))
    assert event.description == "Mit Vorträgen"
    assert event.registration_url == "https://example.org/a"
    assert event.registration_deadline == berlin(2027, 3, 1, 23, 59)


def test_shortcut_minimal_defaults_to_all_of_thuringia_and_other_kind() -> None:
    event = parse_shortcut("12.03.2027 10:00 | Treffen | Erfurt", REGIONS, TZ)
    assert (event.region_id, event.kind, event.end) == (None, "sonstiges", None)


def test_shortcut_unkeyed_parts_are_recognised() -> None:
    event = parse_shortcut(
        "12.03.2027 10:00 | Treffen | online https://meet.example.org/x | Vernetzungstreffen | "
        "Weimarer Land | Kurzer Austausch", REGIONS, TZ,
    )
    assert event.is_online and event.online_url == "https://meet.example.org/x"
    assert event.kind == "vernetzungstreffen"
    assert event.region_id == "weimarer-land"
    assert event.description == "Kurzer Austausch"


def test_shortcut_reports_every_problem_at_once() -> None:
    with pytest.raises(EventInputError) as exc:
        parse_shortcut("31.02.2027 10:00 | Treffen | Erfurt | Art: Grillfest | Region: Atlantis",
                       REGIONS, TZ)
    fields = {p.field for p in exc.value.problems}
    assert fields == {"start", "kind", "region"}
    assert "Atlantis" in str(exc.value)


def test_shortcut_needs_date_title_and_place() -> None:
    with pytest.raises(EventInputError) as exc:
        parse_shortcut("12.03.2027 10:00 | Treffen", REGIONS, TZ)
    assert "Datum, Titel und Ort" in str(exc.value)


def test_shortcut_end_before_start_is_refused() -> None:
    with pytest.raises(EventInputError) as exc:
        parse_shortcut("12.03.2027 10:00-09:00 | Treffen | Erfurt", REGIONS, TZ)
    assert [p.field for p in exc.value.problems] == ["end"]


def test_kind_aliases_and_unknown_kind() -> None:
    assert resolve_kind("AK") == "arbeitskreis"
    assert resolve_kind("Info-Veranstaltung") == "informationsveranstaltung"
    with pytest.raises(ValueError, match="Fortbildung"):
        resolve_kind("Grillfest")


def test_validation_catches_bad_links_and_lengths() -> None:
    event = make_event(title="x" * 151, registration_url="www.example.org", place="Erfurt",
                       online_url="https://meet.example.org/x")
    fields = {p.field for p in validate(event, REGIONS)}
    assert fields == {"title", "registration_url", "online_url"}


# --- YAML import ------------------------------------------------------------------------------

def test_yaml_import_reads_every_field() -> None:
    imported = parse_events_yaml(GOOD_YAML, "termine.yaml", REGIONS, TZ)
    first, second = (item.event for item in imported)
    assert first.external_id == "ak-fruehjahr-2027"
    assert first.end == berlin(2027, 3, 12, 16)
    assert first.description.startswith("Austausch der Koordinator*innen.")
    assert second.kind == "informationsveranstaltung"
    assert second.region_id == "gotha"
    assert second.online_url == "https://meet.example.org/info"
    assert [item.line for item in imported] == [2, 12]


def test_yaml_import_errors_name_file_line_entry_and_field() -> None:
    text = """\
events:
  - id: a
    title: Treffen
    kind: Grillfest
    start: 31.02.2027 10:00
    place: Erfurt
    farbe: blau
  - id: a
    title: Zweites
    kind: Fachtag
    start: 12.03.2027 10:00
  - title: Ohne Kennung
    kind: Fachtag
    start: 12.03.2027 10:00
    place: Erfurt
"""
    with pytest.raises(EventImportError) as exc:
        parse_events_yaml(text, "termine.yaml", REGIONS, TZ)
    messages = [str(issue) for issue in exc.value.issues]
    assert any("termine.yaml:7" in m and "Feld 'farbe'" in m and "unbekannter" in m
               for m in messages)
    assert any("termine.yaml:4" in m and "Feld 'kind'" in m and "Grillfest" in m
               for m in messages)
    assert any("termine.yaml:5" in m and "Feld 'start'" in m for m in messages)
    assert any("Eintrag 'a'" in m and "Feld 'place'" in m and "fehlt" in m for m in messages)
    assert any("termine.yaml:12" in m and "Feld 'id'" in m and "fehlt" in m for m in messages)


def test_yaml_import_duplicate_ids_are_refused() -> None:
    text = GOOD_YAML.replace("id: info-gotha", "id: ak-fruehjahr-2027")
    with pytest.raises(EventImportError) as exc:
        parse_events_yaml(text, "t.yaml", REGIONS, TZ)
    assert "doppelte Kennung (schon in Zeile 2)" in str(exc.value)
    assert "t.yaml:12" in str(exc.value)


def test_yaml_syntax_error_has_a_line_number() -> None:
    with pytest.raises(EventImportError) as exc:
        parse_events_yaml("events:\n  - id: a\n    title: [unclosed\n", "kaputt.yaml", REGIONS, TZ)
    assert "kaputt.yaml:" in str(exc.value) and "YAML-Syntaxfehler" in str(exc.value)


def test_yaml_import_parses_through_the_shared_c_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Events are read by the loader the knowledge base uses (libyaml's where PyYAML has it)."""
    import yaml

    from thekiz_bot.knowledge import yaml_loader

    if yaml.__with_libyaml__:
        assert yaml_loader.SAFE_LOADER is yaml.CSafeLoader
    used: list[str] = []

    class Recording(yaml_loader.SAFE_LOADER):  # type: ignore[misc,name-defined]
        def __init__(self, stream: str) -> None:
            used.append(stream)
            super().__init__(stream)

    monkeypatch.setattr(yaml_loader, "SAFE_LOADER", Recording)
    imported = parse_events_yaml(GOOD_YAML, "termine.yaml", REGIONS, TZ)
    assert used == [GOOD_YAML]
    assert imported and imported[0].line == 2
    with pytest.raises(EventImportError) as exc:
        parse_events_yaml("events:\n  - id: a\n    title: [unclosed\n", "kaputt.yaml", REGIONS,
                          TZ)
    assert "kaputt.yaml:4" in str(exc.value) and len(used) == 2


def test_yaml_file_that_is_not_utf8_or_missing(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("events:\n  - title: Fr\xfchjahr\n".encode("latin-1"))
    with pytest.raises(EventImportError, match="UTF-8"):
        load_events_file(bad, REGIONS, TZ)
    with pytest.raises(EventImportError, match="nicht gelesen"):
        load_events_file(tmp_path / "fehlt.yaml", REGIONS, TZ)


def test_empty_yaml_is_an_error_not_a_silent_success() -> None:
    with pytest.raises(EventImportError, match="keine Termine"):
        parse_events_yaml("events:\n", "leer.yaml", REGIONS, TZ)


# --- the store --------------------------------------------------------------------------------

def test_store_round_trip_and_edit_bumps_sequence(tmp_path: Path) -> None:
    store = EventStore(Database(tmp_path / "db.sqlite3"), TZ)
    created = store.add(make_event(description="Mit <Kaffee> & Kuchen 🎂"), NOW)
    assert store.get(created.id) == created
    change = store.update(replace(created, start=berlin(2027, 3, 13, 10),
                                  end=berlin(2027, 3, 13, 16)), NOW)
    assert change is not None and change.fields == ("start", "end")
    assert store.get(created.id).sequence == 1
    cancelled = store.cancel(created.id, NOW)
    assert cancelled is not None and cancelled.after.is_cancelled
    assert store.upcoming(NOW) == []
    assert [e.id for e in store.upcoming(NOW, include_cancelled=True)] == [created.id]


def test_upcoming_skips_past_events_and_sorts_by_start(tmp_path: Path) -> None:
    store = EventStore(Database(tmp_path / "db.sqlite3"), TZ)
    later = store.add(make_event(title="Später", start=berlin(2027, 5, 1), end=None), NOW)
    store.add(make_event(title="Vorbei", start=berlin(2026, 12, 1), end=None), NOW)
    sooner = store.add(make_event(title="Früher", start=berlin(2027, 2, 1), end=None), NOW)
    assert [e.id for e in store.upcoming(NOW)] == [sooner.id, later.id]


def test_importing_twice_updates_instead_of_duplicating(tmp_path: Path) -> None:
    store = EventStore(Database(tmp_path / "db.sqlite3"), TZ)
    imported = parse_events_yaml(GOOD_YAML, "t.yaml", REGIONS, TZ)
    first = store.import_events([item.event for item in imported], NOW)
    assert (len(first.created), len(first.changed), len(first.unchanged)) == (2, 0, 0)
    again = store.import_events([item.event for item in imported], NOW)
    assert (len(again.created), len(again.changed), len(again.unchanged)) == (0, 0, 2)
    moved = parse_events_yaml(GOOD_YAML.replace("12.03.2027 10:00", "19.03.2027 10:00"),
                              "t.yaml", REGIONS, TZ)
    third = store.import_events([item.event for item in moved], NOW)
    assert len(third.changed) == 1 and third.changed[0].fields == ("start", "end")
    assert len(store.all()) == 2


def test_the_one_line_form_accepts_a_region_typo() -> None:
    event = parse_shortcut("12.03.2027 10:00 | Treffen | Apolda | Region: Weimarer Lnad", REGIONS,
                           TZ)
    assert event.region_id == "weimarer-land"
    unlabelled = parse_shortcut("12.03.2027 10:00 | Treffen | Apolda | Weimarer Lnad", REGIONS, TZ)
    assert unlabelled.region_id == "weimarer-land"
    described = parse_shortcut("12.03.2027 10:00 | Treffen | Apolda | Austausch in Gotha",
                               REGIONS, TZ)
    assert (described.region_id, described.description) == (None, "Austausch in Gotha")


def test_the_yaml_import_accepts_a_region_typo() -> None:
    text = GOOD_YAML.replace("region: Landkreis Gotha", "region: Weimarer Lnad")
    imported = parse_events_yaml(text, "t.yaml", REGIONS, TZ)
    assert [item.event.region_id for item in imported] == [None, "weimarer-land"]


def test_the_yaml_import_and_the_one_line_form_refuse_a_region_alike() -> None:
    text = GOOD_YAML.replace("region: Landkreis Gotha", "region: Atlantis")
    with pytest.raises(EventImportError) as from_file:
        parse_events_yaml(text, "t.yaml", REGIONS, TZ)
    with pytest.raises(EventInputError) as from_line:
        parse_shortcut("12.03.2027 10:00 | Treffen | Erfurt | Region: Atlantis", REGIONS, TZ)
    (issue,) = from_file.value.issues
    (problem,) = from_line.value.problems
    assert issue.message == problem.message
    assert problem.message.startswith("Die Region „Atlantis“ kenne ich nicht.")
