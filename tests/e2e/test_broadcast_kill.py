"""`kill -9` of the bot in the middle of a broadcast, with several messages in flight."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.helpers.fakes.botapi import RateLimits
from tests.helpers.fakes.broadcast_api import BroadcastFakeBotApi
from tests.helpers.kb import REAL_KNOWLEDGE
from thekiz_bot.broadcast.outbox import Outbox
from thekiz_bot.events.subscriptions import Subscriptions
from thekiz_bot.storage.database import Database

PROJECT = Path(__file__).resolve().parents[2]
TEXT = "Rundbrief Nr. 4"
CONCURRENCY = 8


def _env(api: BroadcastFakeBotApi, db_file: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "THEKIZ_"))}
    env.update(TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.base_url,
               THEKIZ_DB=str(db_file), THEKIZ_KNOWLEDGE_DIR=str(REAL_KNOWLEDGE),
               THEKIZ_LOG_LEVEL="WARNING", THEKIZ_BROADCAST_CONCURRENCY=str(CONCURRENCY))
    return env


async def _start(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", "run", cwd=PROJECT, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


def _query(db_file: Path, sql: str) -> list[tuple[object, ...]]:
    db = Database(db_file)
    try:
        return [tuple(row) for row in db.query(sql)]
    finally:
        db.close()


async def test_kill_9_loses_nothing_and_duplicates_at_most_the_messages_in_flight(
    tmp_path: Path,
) -> None:
    chats = list(range(8000, 8150))
    db_file = tmp_path / "data" / "bot.sqlite3"
    db = Database(db_file)
    subscriptions = Subscriptions(db)
    for chat in chats:
        subscriptions.subscribe(chat, chat, None)
    Outbox(db).enqueue("announcement", TEXT, chats)
    db.close()
    # A real network's round trip and Telegram's limits: several messages are in flight.
    async with BroadcastFakeBotApi(strict_chats=False, latency=0.05) as api:
        api.enable_rate_limits(RateLimits(overall_per_second=30, per_chat_per_second=1,
                                          chat_burst=0))
        env = _env(api, db_file)
        process = await _start(env)
        try:
            await api.wait_for(lambda: len(api.deliveries(TEXT)) >= 40, timeout=90)
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()
        sending = {int(str(r[0])) for r in _query(
            db_file, "SELECT chat_id FROM outbox WHERE state = 'sending'")}
        assert len(sending) <= CONCURRENCY
        process = await _start(env)
        try:
            await api.wait_for(lambda: _query(
                db_file, "SELECT status FROM broadcasts")[0][0] == "done", timeout=90)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)
        deliveries = api.deliveries(TEXT)
        assert sorted(deliveries) == chats  # nobody lost
        duplicates = {chat for chat, count in deliveries.items() if count > 1}
        assert duplicates <= sending and max(deliveries.values()) <= 2
        assert api.rejected() == [] or all(call.status == 429 for call in api.rejected())
