"""SQLite persistence: connection setup, schema migrations, and small typed queries.

One connection per process in WAL mode; every write runs in a transaction so that a crash
never leaves half-written data. Feature modules add their tables as new migrations at the end
of MIGRATIONS (never edit a migration that has shipped).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# How long a write waits for another process's write (the CLI's import, the bot's outbox)
# before giving up: long enough for any of this project's transactions, short enough that a
# person waiting for an answer does not notice.
BUSY_TIMEOUT_SECONDS = 1.0


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "users, question log, feedback",
        """
        CREATE TABLE users (
            user_id     INTEGER PRIMARY KEY,
            region_id   TEXT,
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        );
        -- Questions are logged without any user id: the Fachstelle needs the text, not the person.
        CREATE TABLE questions (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            asked_at    TEXT NOT NULL,
            text        TEXT NOT NULL,
            status      TEXT NOT NULL,
            entry_id    TEXT,
            score       REAL NOT NULL DEFAULT 0,
            channel     TEXT NOT NULL DEFAULT 'chat'
        );
        CREATE INDEX questions_status ON questions(status, asked_at);
        CREATE TABLE feedback (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            created_at      TEXT NOT NULL,
            entry_id        TEXT NOT NULL,
            rating          INTEGER NOT NULL CHECK (rating IN (-1, 1)),
            question_id     INTEGER REFERENCES questions(id) ON DELETE SET NULL,
            via_suggestion  INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX feedback_entry ON feedback(entry_id);
        """,
    ),
    Migration(
        2,
        "events, subscriptions, broadcast outbox, reminders",
        """
        CREATE TABLE events (
            id                    INTEGER PRIMARY KEY AUTOINCREMENT,
            external_id           TEXT UNIQUE,
            title                 TEXT NOT NULL,
            kind                  TEXT NOT NULL,
            starts_at             TEXT NOT NULL,
            ends_at               TEXT,
            place                 TEXT NOT NULL,
            online_url            TEXT,
            region_id             TEXT,
            description           TEXT NOT NULL DEFAULT '',
            registration_url      TEXT,
            registration_deadline TEXT,
            status                TEXT NOT NULL DEFAULT 'active'
                                  CHECK (status IN ('active', 'cancelled')),
            sequence              INTEGER NOT NULL DEFAULT 0,
            -- Reminders only for due dates after this moment (creation or a moved start).
            schedule_changed_at   TEXT NOT NULL,
            created_at            TEXT NOT NULL,
            updated_at            TEXT NOT NULL
        );
        CREATE INDEX events_start ON events(status, starts_at);
        -- One row per person; region_id NULL means all of Thuringia, kinds '' every kind.
        CREATE TABLE subscriptions (
            user_id          INTEGER PRIMARY KEY,
            chat_id          INTEGER NOT NULL,
            region_id        TEXT,
            kinds            TEXT NOT NULL DEFAULT '',
            active           INTEGER NOT NULL DEFAULT 1,
            inactive_reason  TEXT,
            created_at       TEXT NOT NULL,
            updated_at       TEXT NOT NULL
        );
        CREATE INDEX subscriptions_chat ON subscriptions(chat_id);
        CREATE TABLE broadcasts (
            id                   INTEGER PRIMARY KEY AUTOINCREMENT,
            purpose              TEXT NOT NULL CHECK (purpose IN
                                 ('announcement', 'event', 'reminder', 'update', 'cancellation')),
            event_id             INTEGER REFERENCES events(id) ON DELETE SET NULL,
            text                 TEXT NOT NULL,
            region_id            TEXT,
            status               TEXT NOT NULL DEFAULT 'draft'
                                 CHECK (status IN ('draft', 'sending', 'done')),
            created_by           INTEGER,
            report_chat_id       INTEGER,
            progress_message_id  INTEGER,
            created_at           TEXT NOT NULL,
            started_at           TEXT,
            finished_at          TEXT,
            reported_at          TEXT
        );
        CREATE INDEX broadcasts_status ON broadcasts(status);
        -- The outbox: one row per recipient, written before the first message goes out.
        CREATE TABLE outbox (
            id                   INTEGER PRIMARY KEY AUTOINCREMENT,
            broadcast_id         INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
            chat_id              INTEGER NOT NULL,
            state                TEXT NOT NULL DEFAULT 'pending' CHECK (state IN
                                 ('pending', 'sending', 'delivered', 'blocked', 'failed',
                                  'skipped')),
            attempts             INTEGER NOT NULL DEFAULT 0,
            not_before           REAL NOT NULL DEFAULT 0,
            last_error           TEXT,
            telegram_message_id  INTEGER,
            updated_at           TEXT NOT NULL,
            UNIQUE (broadcast_id, chat_id)
        );
        CREATE INDEX outbox_due ON outbox(state, not_before, id);
        CREATE INDEX outbox_chat ON outbox(chat_id);
        CREATE TABLE event_reminders (
            event_id      INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            days_before   INTEGER NOT NULL,
            outcome       TEXT NOT NULL CHECK (outcome IN ('sent', 'skipped')),
            broadcast_id  INTEGER REFERENCES broadcasts(id) ON DELETE SET NULL,
            created_at    TEXT NOT NULL,
            PRIMARY KEY (event_id, days_before)
        );
        -- Only one process sends at a time (the bot, or the command line when the bot is down).
        CREATE TABLE worker_lease (
            name        TEXT PRIMARY KEY,
            owner       TEXT NOT NULL,
            host        TEXT NOT NULL,
            pid         INTEGER NOT NULL,
            expires_at  REAL NOT NULL
        );
        """,
    ),
    Migration(
        3,
        "indexes for the question report",
        """
        -- "Unanswered" asks whether a suggestion was confirmed: one lookup per question.
        CREATE INDEX feedback_question ON feedback(question_id, rating);
        CREATE INDEX questions_asked ON questions(asked_at);
        """,
    ),
    Migration(
        4,
        "learning from the chat: the Fachstelle's decisions and digest runs",
        """
        -- Owned by thekiz_bot.learning.store. No asker is stored: only the wording and the admin.
        CREATE TABLE learning_decisions (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            action       TEXT NOT NULL CHECK (action IN ('phrasing', 'out_of_scope', 'ignore')),
            wording      TEXT NOT NULL,
            entry_id     TEXT,
            topic_id     TEXT,
            new_topic    INTEGER NOT NULL DEFAULT 0,
            admin_id     INTEGER NOT NULL,
            decided_at   TEXT NOT NULL,
            exported_at  TEXT,
            undone_at    TEXT,
            undone_by    INTEGER
        );
        CREATE INDEX learning_decisions_active ON learning_decisions(undone_at, action);
        -- One row per scheduled digest: the next one covers the questions asked since.
        CREATE TABLE learning_digests (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            sent_at    TEXT NOT NULL,
            since      TEXT NOT NULL,
            groups     INTEGER NOT NULL,
            admins     INTEGER NOT NULL
        );
        """,
    ),
    Migration(
        5,
        "the stored grouping of unanswered questions",
        """
        -- Owned by thekiz_bot.storage.question_groups; derived from the question log, so it is
        -- filled on the first /statistik or report (an older database migrates empty).
        CREATE TABLE question_group_state (
            id           INTEGER PRIMARY KEY CHECK (id = 1),
            fingerprint  TEXT NOT NULL,
            seen_id      INTEGER NOT NULL,
            seen_count   INTEGER NOT NULL,
            redo_from    INTEGER,
            generation   INTEGER NOT NULL
        );
        CREATE TABLE question_group_keys (
            id              INTEGER PRIMARY KEY,
            key             TEXT NOT NULL UNIQUE,
            first_id        INTEGER NOT NULL,
            representative  INTEGER NOT NULL
        );
        CREATE TABLE question_group_wordings (
            text      TEXT PRIMARY KEY,
            key_id    INTEGER NOT NULL REFERENCES question_group_keys(id) ON DELETE CASCADE,
            first_id  INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX question_group_wordings_key ON question_group_wordings(key_id);
        """,
    ),
)


class DatabaseUnusable(sqlite3.DatabaseError):
    """THEKIZ_DB cannot be used as the bot's database; `sentence` says why and what to do."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


def check_path(path: Path) -> None:
    """The path can name a database file: it is no directory and lies under no file."""
    if path.is_dir():
        raise DatabaseUnusable(f"THEKIZ_DB zeigt auf das Verzeichnis {path}; bitte geben Sie "
                               f"eine Datei an, z. B. {path / 'thekiz.sqlite3'}.")
    for ancestor in path.parents:
        if ancestor.exists() and not ancestor.is_dir():
            raise DatabaseUnusable(f"THEKIZ_DB ({path}) liegt unter {ancestor}, das eine Datei "
                                   "und kein Verzeichnis ist; bitte wählen Sie einen anderen Pfad.")


def check_location(path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> None:
    """Make sure `path` can be (or become) the bot's database before SQLite touches it, so that
    a wrong THEKIZ_DB ends in one sentence, and a foreign file is never migrated."""
    check_path(path)
    where = f"{path} (THEKIZ_DB)"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnusable(
            f"Das Verzeichnis {path.parent} für THEKIZ_DB kann nicht angelegt werden "
            f"({exc.strerror}); bitte legen Sie es an oder wählen Sie einen anderen Pfad.") from exc
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise DatabaseUnusable(f"{where} ist schreibgeschützt (oder das Verzeichnis "
                               f"{path.parent}); der Bot muss dort schreiben dürfen – bitte "
                               "prüfen Sie die Rechte.")
    if not path.exists() or path.stat().st_size == 0:
        return
    corrupt = (f"{where} ist keine lesbare SQLite-Datenbank (beschädigt oder eine andere Datei); "
               "bitte stellen Sie eine Sicherung wieder her oder wählen Sie einen anderen Pfad.")
    # No plain open() of the file here: closing any descriptor of it drops every POSIX lock this
    # process holds on it, including those of SQLite connections already open (a second
    # connection, e.g. the broadcast worker's), and another process may then delete the WAL
    # they still write to. SQLite's own probe below refuses a file that is not a database.
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            version = int(probe.execute("PRAGMA user_version").fetchone()[0])
            tables = [str(r[0]) for r in probe.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            if probe.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise DatabaseUnusable(corrupt)
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, DatabaseUnusable):
            raise
        raise DatabaseUnusable(corrupt) from exc
    if version == 0 and tables:
        shown = ", ".join(tables[:5]) + (" …" if len(tables) > 5 else "")
        raise DatabaseUnusable(f"{where} gehört zu einem anderen Programm (Tabellen: {shown}); "
                               "bitte wählen Sie einen anderen Pfad, damit sie unverändert bleibt.")
    newest = max((m.version for m in migrations), default=0)
    if version > newest:
        raise DatabaseUnusable(f"{where} stammt von einer neueren Version des Bots (Schema "
                               f"{version}, diese Version kennt {newest}); bitte aktualisieren "
                               "Sie den Bot.")


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class Database:
    """A thread-safe wrapper around one SQLite connection."""

    def __init__(self, path: str | Path, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            check_location(self.path, migrations)
        self._lock = threading.RLock()
        self._depth = 0  # open transaction() blocks in the thread holding the lock
        self._conn = sqlite3.connect(
            str(path), check_same_thread=False, isolation_level=None,
            timeout=BUSY_TIMEOUT_SECONDS,
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        self._migrate(migrations)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, migrations: Sequence[Migration]) -> None:
        current = self.schema_version
        for migration in sorted(migrations, key=lambda m: m.version):
            if migration.version <= current:
                continue
            with self.transaction() as conn:
                for statement in _split_sql(migration.sql):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={int(migration.version)}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception. A transaction opened inside
        another one (same thread) is part of it: it commits or rolls back with the outer one,
        so that a deletion and the clean-up of what derives from it happen together."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._conn
            except BaseException:
                self._depth = 0
                self._conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run one write statement in its own transaction; returns lastrowid."""
        with self.transaction() as conn:
            cur = conn.execute(sql, params)
            return int(cur.lastrowid or 0)


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit our transaction)."""
    statements, buffer = [], []
    for line in script.splitlines():
        stripped = line.strip()
        if stripped.startswith("--") or not stripped:
            continue
        buffer.append(line)
        if sqlite3.complete_statement("\n".join(buffer)):
            statements.append("\n".join(buffer).strip())
            buffer = []
    if buffer and "\n".join(buffer).strip():
        statements.append("\n".join(buffer).strip())
    return statements
