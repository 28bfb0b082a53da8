"""Another process writing to the database (the command line's import or announcement) while
the bot runs: the chats go on, the broadcast waits and then loses nothing."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_events import feature_of, running
from tests.helpers.fakes.broadcast_api import BroadcastFakeBotApi
from tests.helpers.telegram import ANNA, BEN
from thekiz_bot.storage.database import Database


async def test_a_write_lock_held_elsewhere_does_not_stop_answers_or_lose_messages(
    db_path: Path,
) -> None:
    async with BroadcastFakeBotApi(strict_chats=False) as api:
        chats = list(range(7000, 7020))
        async with running(api, db_path) as bot:
            feature = feature_of(bot)
            for chat in chats:
                feature.subscriptions.subscribe(chat, chat, None)
            broadcast = feature.outbox.enqueue("announcement", "Rundbrief Nr. 3", chats)
            cli = Database(db_path)
            try:
                # What `python bot.py events import` does: one write transaction. Held here
                # for as long as the bot needs to answer two people, which under a 30 s busy
                # timeout froze every chat.
                with cli.transaction():
                    feature.wake_worker()
                    first = await bot.harness.send(ANNA, "Was ist Prozessbegleitung?")
                    second = await bot.harness.send(BEN, "Wer ist die Fachstelle?")
                    assert "Quelle:" in first.text and "Quelle:" in second.text
                    assert api.deliveries("Rundbrief Nr. 3") == {}  # the outbox waited
            finally:
                cli.close()
            await api.wait_for(
                lambda: feature.outbox.stats(broadcast).status == "done", timeout=30)
            assert api.deliveries("Rundbrief Nr. 3") == {chat: 1 for chat in chats}
