"""The `users` table: a Telegram user id with the region the user picked, nothing else.

The only personal data the bot keeps; the user can see it (/meine_daten) and delete it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from thekiz_bot.storage.database import Database, to_iso, utc_now


@dataclass(frozen=True)
class UserProfile:
    user_id: int
    region_id: str | None
    created_at: str
    updated_at: str


class UserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, user_id: int) -> UserProfile | None:
        rows = self._db.query(
            "SELECT user_id, region_id, created_at, updated_at FROM users WHERE user_id = ?",
            (user_id,),
        )
        return _profile(rows[0]) if rows else None

    def region_of(self, user_id: int) -> str | None:
        profile = self.get(user_id)
        return profile.region_id if profile else None

    def set_region(self, user_id: int, region_id: str | None) -> None:
        now = to_iso(utc_now())
        self._db.execute(
            """
            INSERT INTO users (user_id, region_id, created_at, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(user_id) DO UPDATE SET region_id = excluded.region_id,
                                               updated_at = excluded.updated_at
            """,
            (user_id, region_id, now, now),
        )

    def clear_region(self, user_id: int) -> None:
        """Forget the region; the row exists only to hold it, so it goes as a whole."""
        self.delete(user_id)

    def delete(self, user_id: int) -> bool:
        with self._db.transaction() as conn:
            cursor = conn.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
            return cursor.rowcount > 0


def _profile(row: sqlite3.Row) -> UserProfile:
    return UserProfile(
        user_id=int(row["user_id"]),
        region_id=row["region_id"],
        created_at=str(row["created_at"]),
        updated_at=str(row["updated_at"]),
    )
