"""Telegram errors, reloads and long answers: the bot keeps running and loses nothing."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from tests.helpers.fakes.botapi import FakeBotApi
from tests.helpers.fakes.telegram_html import parse_html
from tests.helpers.telegram import ADMIN, ANNA, BEN, FAST, RunningBot, copy_knowledge, start_parts
from thekiz_bot.telegram.services import KnowledgeSnapshot
from thekiz_bot.telegram.texts import common
from thekiz_bot.telegram.texts import faq as messages

QUESTION = "Was ist die Prozessbegleitung?"


async def test_blocked_user_is_logged_and_others_still_served(
    tg_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    tg_bot.api.block(ANNA.id)
    with caplog.at_level(logging.INFO, logger="thekiz_bot"):
        blocked = await tg_bot.harness.send(ANNA, QUESTION)
    assert blocked.sent == [] and all(c.status == 403 for c in blocked.calls)
    assert any("no longer allowed" in r.getMessage() for r in caplog.records)
    served = await tg_bot.harness.send(BEN, QUESTION)
    assert "Quelle:" in served.text


async def test_rate_limit_waits_and_delivers(tg_bot: RunningBot) -> None:
    tg_bot.api.inject_error("sendMessage", 429, retry_after=1)
    reply = await tg_bot.harness.send(ANNA, QUESTION)
    statuses = [c.status for c in reply.of("sendMessage")]
    assert statuses == [429, 200]
    assert len(reply.sent) == 1 and "Quelle:" in reply.text


async def test_server_errors_are_retried_with_backoff(tg_bot: RunningBot) -> None:
    tg_bot.api.inject_error("sendMessage", 500, times=2)
    reply = await tg_bot.harness.send(ANNA, QUESTION)
    assert [c.status for c in reply.of("sendMessage")] == [500, 500, 200]
    assert len(reply.sent) == 1


async def test_a_lost_response_is_retried(fake_api: FakeBotApi, db_path: Path) -> None:
    bot = start_parts(fake_api, db_path, tuning=replace(FAST, timeout_seconds=0.3))
    fake_api.inject_timeout("sendMessage", seconds=0.6)
    async with bot.harness:
        reply = await bot.harness.send(ANNA, QUESTION)
    assert len(reply.sent) == 1 and "Quelle:" in reply.text
    bot.records.db.close()


async def test_persistent_failure_is_logged_with_update_id_and_bot_keeps_running(
    tg_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    tg_bot.api.inject_error("sendMessage", 500, times=None)
    with caplog.at_level(logging.INFO, logger="thekiz_bot"):
        failed = await tg_bot.harness.send(ANNA, QUESTION)
    assert failed.sent == []
    errors = [r for r in caplog.records
              if r.levelno >= logging.ERROR and r.name.startswith("thekiz_bot")]
    assert errors and f"update {failed.update_id} failed" in errors[0].getMessage()
    assert errors[0].exc_info is not None
    # The question itself was still recorded for the Fachstelle.
    assert len(tg_bot.records.db.query("SELECT id FROM questions")) == 1

    tg_bot.api.clear_failures()
    recovered = await tg_bot.harness.send(ANNA, QUESTION)
    assert "Quelle:" in recovered.text


async def test_rejected_message_gets_a_polite_apology(tg_bot: RunningBot) -> None:
    tg_bot.api.inject_error("sendMessage", 400, "Bad Request: injected test rejection")
    reply = await tg_bot.harness.send(ANNA, QUESTION)
    assert reply.texts == [common.SORRY]


async def test_failed_button_press_gets_an_apology_alert(tg_bot: RunningBot) -> None:
    reply = await tg_bot.harness.send(ANNA, QUESTION)
    tg_bot.api.inject_error("sendMessage", 400, "Bad Request: injected test rejection")
    pressed = await tg_bot.harness.press(ANNA, reply.last, "👎")
    assert pressed.callback_answer is not None
    # The vote was thanked before the follow-up failed; the vote itself is kept.
    assert len(tg_bot.records.db.query("SELECT id FROM feedback")) == 1


def _long_entry() -> dict[str, object]:
    paragraphs = [
        f"Absatz {n}: " + " ".join(["Dieser Testabsatz steht nur in der Testkopie."] * 14)
        for n in range(1, 16)
    ]
    return {
        "id": "test-sehr-lang",
        "question": "Testfrage mit einer sehr langen Antwort über Zwerghamster?",
        "alternates": ["zwerghamster lange antwort", "sehr lange antwort zwerghamster"],
        "answer": "\n\n".join(paragraphs) + "\n\nEnde <mit> & Sonderzeichen.",
        "contacts": ["fachstelle"],
        "source": "Testkopie",
    }


async def test_over_long_answer_is_split_at_paragraphs(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    kb_dir = copy_knowledge(tmp_path / "kb")
    (kb_dir / "faq" / "zz-test.yaml").write_text(
        yaml.safe_dump({"entries": [_long_entry()]}, allow_unicode=True), encoding="utf-8"
    )
    bot = start_parts(fake_api, tmp_path / "db.sqlite3", knowledge_dir=kb_dir)
    async with bot.harness:
        reply = await bot.harness.send(ANNA, "Testfrage mit einer sehr langen Antwort über "
                                             "Zwerghamster?")
        shared = await bot.harness.inline(ANNA, "Zwerghamster lange Antwort")
    bot.records.db.close()
    assert len(reply.sent) >= 2 and fake_api.rejected() == []
    assert all(parse_html(m.html or "").length <= 4096 for m in reply.sent)
    # Every part but the last ends with a whole paragraph; buttons only under the last.
    for part in reply.sent[:-1]:
        assert part.text.rstrip().endswith(".") and part.buttons == []
    assert "Ende <mit> & Sonderzeichen." in reply.text
    assert [b["text"] for b in reply.last.buttons] == ["👍 Hilfreich", "👎 Nicht hilfreich"]
    result = shared.inline_answer["results"][0]  # type: ignore[index]
    assert "im Chat mit dem Bot" in result["input_message_content"]["message_text"]


def _remove_entry(kb_dir: Path, entry_id: str) -> None:
    for path in (kb_dir / "faq").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = data["entries"] if isinstance(data, dict) else data
        kept = [e for e in entries if e.get("id") != entry_id]
        if len(kept) != len(entries):
            path.write_text(yaml.safe_dump({"entries": kept}, allow_unicode=True),
                            encoding="utf-8")


async def test_reload_rejects_a_broken_knowledge_base_and_keeps_the_old(
    fake_api: FakeBotApi, tmp_path: Path, real_knowledge: KnowledgeSnapshot
) -> None:
    kb_dir = copy_knowledge(tmp_path / "kb")  # unchanged so far: the shared snapshot is its own
    bot = start_parts(fake_api, tmp_path / "db.sqlite3", knowledge_dir=kb_dir,
                      snapshot=real_knowledge)
    async with bot.harness:
        before = await bot.harness.send(ANNA, QUESTION)
        entries_before = len(bot.knowledge.current.kb.entries)

        faq = kb_dir / "faq" / "zz-broken.yaml"
        faq.write_text("entries:\n  - id: kaputt\n    question: [unclosed\n", encoding="utf-8")
        failed = await bot.harness.send(ADMIN, "/neu_laden")
        assert "nicht übernommen" in failed.text and "zz-broken.yaml" in failed.text
        assert "bisherige Version bleibt in Betrieb" in failed.text
        assert len(bot.knowledge.current.kb.entries) == entries_before
        still = await bot.harness.send(ANNA, QUESTION)
        assert "Quelle:" in still.text

        faq.write_text(yaml.safe_dump({"entries": [_long_entry()]}, allow_unicode=True),
                       encoding="utf-8")
        _remove_entry(kb_dir, "prozessbegleitung-was")
        ok = await bot.harness.send(ADMIN, "/neu_laden")
        assert "neu geladen" in ok.text
        assert bot.knowledge.current.kb.entry("test-sehr-lang") is not None
        assert bot.knowledge.current.kb.entry("prozessbegleitung-was") is None

        # A button of an entry that no longer exists gets a polite alert, not an error.
        pressed = await bot.harness.press(ANNA, before.last, "👍")
        assert pressed.callback_answer is not None
        assert pressed.callback_answer["text"] == messages.ENTRY_GONE
    bot.records.db.close()
    assert fake_api.rejected() == []


async def test_buttons_survive_a_reload(fake_api: FakeBotApi, tmp_path: Path,
                                        real_knowledge: KnowledgeSnapshot) -> None:
    kb_dir = copy_knowledge(tmp_path / "kb")  # unchanged: the shared snapshot is its own
    bot = start_parts(fake_api, tmp_path / "db.sqlite3", knowledge_dir=kb_dir,
                      snapshot=real_knowledge)
    async with bot.harness:
        reply = await bot.harness.send(ANNA, QUESTION)
        await bot.harness.send(ADMIN, "/neu_laden")
        vote = await bot.harness.press(ANNA, reply.last, "👍")
    bot.records.db.close()
    assert vote.callback_answer is not None
    assert vote.callback_answer["text"] == messages.THANKS_HELPFUL
