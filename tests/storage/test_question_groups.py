"""The stored grouping of unanswered questions: new wordings join the groups they belong to,
the result is always the grouping from scratch, it survives a restart, and deleting old
questions removes their wordings from it."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers.grouping import key_of, reference_members, reference_summary, typo
from tests.helpers.kb import REAL_KNOWLEDGE
from thekiz_bot.knowledge.loader import load_knowledge
from thekiz_bot.learning.retention import purge
from thekiz_bot.learning.store import DecisionStore
from thekiz_bot.storage import question_groups
from thekiz_bot.storage.database import MIGRATIONS, Database
from thekiz_bot.storage.question_groups import QuestionGroups
from thekiz_bot.storage.records import Records
from thekiz_bot.storage.stats import StatisticsQuery
from thekiz_bot.text.grouping import QuestionGroup
from thekiz_bot.text.normalise import Vocabulary

ALL = 10**9
START = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
TOPICS = [
    "Wie beantrage ich den Förderantrag für das Familienzentrum?",
    "Gibt es eine Vorlage für den Jahresbericht?", "Wer bezahlt die Koordinatorin?",
    "Wo ist der nächste Fachtag?", "Wer ist zuständig für Kitas?",
    "Wer ist zuständig für Kinder?", "Wie werde ich Konsultationseinrichtung?",
    "Was kostet die Fortbildung für Erzieher?", "Wann ist die Frist für den Antrag?",
    "Kann ich die Förderung verlängern?", "Darf ich den Eigenanteil aus Spenden zahlen?",
    "Wer hilft bei der Sozialraumanalyse im Landkreis?",
]


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    kb = load_knowledge(REAL_KNOWLEDGE)
    return Vocabulary.build(kb.synonyms, kb.stopwords)


def _ask(records: Records, rng: random.Random, count: int, start: int,
         topics: list[str] = TOPICS) -> None:
    """`count` questions, most of them unanswered typo-ridden wordings of `topics`."""
    for n in range(start, start + count):
        at = START + timedelta(hours=n)
        roll = rng.random()
        if roll < 0.15:
            records.questions.record("Was ist das LSZ?", "answer", "lsz-was", 0.9, at=at)
            continue
        status = "fallback" if roll < 0.75 else "suggest"
        qid = records.questions.record(typo(rng, rng.choice(topics)), status, None, 0.2, at=at)
        if status == "suggest" and rng.random() < 0.4:  # the suggestion helped: answered
            records.feedback.record("lsz-was", 1, qid, via_suggestion=True)


def from_scratch(db: Database, vocab: Vocabulary) -> list[QuestionGroup]:
    """Every wording without a direct answer against every group, in the order first asked;
    counted are the unanswered ones."""
    texts = [str(r["text"]) for r in db.query(
        "SELECT text FROM questions WHERE status IN ('fallback', 'suggest') ORDER BY id")]
    keys = list(dict.fromkeys(k for t in texts if (k := key_of(t, vocab.analyse))))
    return reference_summary(reference_members(keys), Records(db).questions.unanswered(),
                             vocab.analyse)


def stored_wordings(db: Database) -> set[str]:
    return {str(r["text"]) for r in db.query("SELECT text FROM question_group_wordings")}


def test_a_new_wording_joins_its_group_and_a_new_topic_starts_one(db_path: Path,
                                                                  vocab: Vocabulary) -> None:
    records = Records(Database(db_path))
    for text in ("Gibt es eine Vorlage für den Jahresbericht?",
                 "Gibt es eine Vorlage für den Jahresbericht?", "Wer bezahlt die Koordinatorin?"):
        records.questions.record(text, "fallback", None, 0.1)
    before = records.statistics.top_unanswered(vocab, limit=ALL)
    assert [(g.text, g.count, g.wordings) for g in before] == [
        ("Gibt es eine Vorlage für den Jahresbericht?", 2, 1),
        ("Wer bezahlt die Koordinatorin?", 1, 1)]

    records.questions.record("gibt es eine vorlage fuer den jahresberich", "fallback", None, 0.1)
    records.questions.record("Wann ist der nächste Fachtag in Erfurt?", "suggest", None, 0.3)
    after = records.statistics.top_unanswered(vocab, limit=ALL)
    assert [(g.text, g.count, g.wordings) for g in after] == [
        ("Gibt es eine Vorlage für den Jahresbericht?", 3, 2),
        ("Wann ist der nächste Fachtag in Erfurt?", 1, 1),
        ("Wer bezahlt die Koordinatorin?", 1, 1)]
    assert after == from_scratch(records.db, vocab)


def test_grouping_step_by_step_equals_grouping_from_scratch(db_path: Path,
                                                            vocab: Vocabulary) -> None:
    records = Records(Database(db_path))
    rng = random.Random(11)
    asked = 0
    for step in (300, 1, 40, 7, 250):  # more than one filter chunk of new wordings at once
        _ask(records, rng, step, asked)
        asked += step
        grouped = records.statistics.top_unanswered(vocab, limit=ALL)
        assert grouped == from_scratch(records.db, vocab)
    assert 12 <= len(grouped) < 200  # typos were grouped, different questions were not
    # A database that never stored a grouping computes the same groups at once.
    fresh = Records(Database(db_path.with_name("fresh.sqlite3")))
    with fresh.db.transaction() as conn:
        conn.executemany("INSERT INTO questions (asked_at, text, status, entry_id, score) "
                         "SELECT ?, ?, ?, ?, ?", [tuple(r) for r in records.db.query(
                             "SELECT asked_at, text, status, entry_id, score FROM questions "
                             "ORDER BY id")])
        conn.executemany("INSERT INTO feedback (created_at, entry_id, rating, question_id, "
                         "via_suggestion) VALUES (?, ?, ?, ?, ?)", [tuple(r) for r in
                         records.db.query("SELECT created_at, entry_id, rating, question_id, "
                                          "via_suggestion FROM feedback ORDER BY id")])
    assert fresh.statistics.top_unanswered(vocab, limit=ALL) == grouped


def test_after_a_restart_the_stored_grouping_is_read_and_only_new_wordings_are_grouped(
        db_path: Path, vocab: Vocabulary, monkeypatch: pytest.MonkeyPatch) -> None:
    records = Records(Database(db_path))
    rng = random.Random(3)
    _ask(records, rng, 200, 0)
    before = records.statistics.top_unanswered(vocab, limit=ALL)
    records.db.close()

    grouped: list[int] = []
    real_assign = question_groups.assign

    def counting(keys: list[str], reps: list[str]) -> list[int]:
        grouped.append(len(keys))
        return real_assign(keys, reps)

    monkeypatch.setattr(question_groups, "assign", counting)
    restarted = Records(Database(db_path))
    assert restarted.statistics.top_unanswered(vocab, limit=ALL) == before
    assert grouped == []  # read, not computed again
    restarted.questions.record("Wie bekomme ich einen Zugang zur Lernplattform?", "fallback",
                               None, 0.1)
    restarted.questions.record("Wer bezahlt die Koordinatorin?", "fallback", None, 0.1)
    after = restarted.statistics.top_unanswered(vocab, limit=ALL)
    assert grouped == [1]  # the one new wording; the known one needs no grouping
    assert after == from_scratch(restarted.db, vocab)
    assert "Wie bekomme ich einen Zugang zur Lernplattform?" in {g.text for g in after}


def test_retention_removes_deleted_wordings_and_the_groups_stay_those_from_scratch(
        db_path: Path, vocab: Vocabulary) -> None:
    records = Records(Database(db_path))
    # The first wording of the Jahresbericht group is deleted: its group must be formed again.
    records.questions.record("Gibt es eine Vorlage für den Jahresberich?", "fallback", None, 0.1,
                             at=START - timedelta(days=400))
    records.questions.record("Nur ein einziges Mal gefragt, vor langer Zeit", "fallback", None,
                             0.1, at=START - timedelta(days=400))
    _ask(records, random.Random(5), 300, 0)
    assert records.statistics.top_unanswered(vocab, limit=ALL) == from_scratch(records.db, vocab)
    old = {str(r["text"]) for r in records.db.query(
        "SELECT text FROM questions WHERE asked_at < ?", ((START + timedelta(days=4)).isoformat(),))}
    assert "Nur ein einziges Mal gefragt, vor langer Zeit" in stored_wordings(records.db)

    purged = purge(records.questions, records.question_groups, DecisionStore(records.db),
                   START + timedelta(days=369), days=365)
    assert purged.questions > 0
    remaining = {str(r["text"]) for r in records.db.query("SELECT text FROM questions")}
    # Right after the deletion, before any /statistik: nothing deleted is left in the grouping.
    assert stored_wordings(records.db) <= remaining
    assert "Nur ein einziges Mal gefragt, vor langer Zeit" not in stored_wordings(records.db)
    assert old - remaining  # some wordings were asked only before the cut-off
    stored_keys = {str(r["key"]) for r in records.db.query("SELECT key FROM question_group_keys")}
    assert stored_keys <= {key_of(t, vocab.analyse) for t in remaining}

    assert records.statistics.top_unanswered(vocab, limit=ALL) == from_scratch(records.db, vocab)
    restarted = Records(Database(db_path))
    assert restarted.statistics.top_unanswered(vocab, limit=ALL) == from_scratch(records.db, vocab)


def test_questions_deleted_behind_its_back_are_forgotten_on_the_next_read(
        db_path: Path, vocab: Vocabulary) -> None:
    records = Records(Database(db_path))
    _ask(records, random.Random(8), 120, 0)
    records.statistics.top_unanswered(vocab)
    records.questions.delete_before(START + timedelta(hours=60))
    remaining = {str(r["text"]) for r in records.db.query("SELECT text FROM questions")}
    assert records.statistics.top_unanswered(vocab, limit=ALL) == from_scratch(records.db, vocab)
    assert stored_wordings(records.db) <= remaining


def test_an_old_database_migrates_and_groups_its_log(db_path: Path, vocab: Vocabulary) -> None:
    old = Database(db_path, MIGRATIONS[:4])
    for text in ("Wer bezahlt die Koordinatorin?", "Wer bezahlt die Koordinatorin?",
                 "wer bezahlt die koordinatrin"):
        Records(old).questions.record(text, "fallback", None, 0.1)
    old.close()
    records = Records(Database(db_path))
    assert records.db.schema_version == max(m.version for m in MIGRATIONS)
    top = records.statistics.top_unanswered(vocab)
    assert [(g.text, g.count, g.wordings) for g in top] == [
        ("Wer bezahlt die Koordinatorin?", 3, 2)]
    assert stored_wordings(records.db) == {"Wer bezahlt die Koordinatorin?",
                                           "wer bezahlt die koordinatrin"}


def test_another_vocabulary_groups_again(db_path: Path) -> None:
    records = Records(Database(db_path))
    records.questions.record("Wer bezahlt die Koordinatorin?", "fallback", None, 0.1)
    records.questions.record("Wer bezahlt die Netzwerkerin?", "fallback", None, 0.1)
    plain = Vocabulary.build([], [])
    assert len(records.statistics.top_unanswered(plain)) == 2
    same = Vocabulary.build([["Koordinatorin", "Netzwerkerin"]], [])
    assert [g.count for g in records.statistics.top_unanswered(same)] == [2]
    assert len(Records(Database(db_path)).statistics.top_unanswered(plain)) == 2


def test_a_locked_database_still_gives_the_groups(db_path: Path, vocab: Vocabulary) -> None:
    records = Records(Database(db_path))
    _ask(records, random.Random(2), 60, 0)
    expected = from_scratch(records.db, vocab)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # e.g. a long import in another process
    try:
        assert StatisticsQuery(records.db).top_unanswered(vocab, limit=ALL) == expected
        assert records.db.query("SELECT COUNT(*) AS n FROM question_group_state")[0]["n"] == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert records.statistics.top_unanswered(vocab, limit=ALL) == expected
    assert records.db.query("SELECT COUNT(*) AS n FROM question_group_state")[0]["n"] == 1
    assert QuestionGroups(records.db).current(vocab).seen_id == records.questions.latest_id()


def test_the_bot_and_the_command_line_grouping_the_same_database_agree(
        db_path: Path, vocab: Vocabulary) -> None:
    """The bot keeps the grouping in memory; `report` in another process stores newer groups
    meanwhile: the bot notices and reads them instead of building on its old copy."""
    bot, cli = Records(Database(db_path)), Records(Database(db_path))
    rng = random.Random(21)
    _ask(bot, rng, 80, 0)
    assert bot.statistics.top_unanswered(vocab, limit=ALL) == from_scratch(bot.db, vocab)
    _ask(bot, rng, 30, 80)
    assert (StatisticsQuery(cli.db).top_unanswered(vocab, limit=ALL)
            == from_scratch(cli.db, vocab))
    _ask(bot, rng, 30, 110)
    assert bot.statistics.top_unanswered(vocab, limit=ALL) == from_scratch(bot.db, vocab)
    keys = [str(r["key"]) for r in bot.db.query("SELECT key FROM question_group_keys")]
    assert len(keys) == len(set(keys))
