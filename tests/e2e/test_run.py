"""`python bot.py run` as a real process: configuration errors, polling, webhook, SIGTERM."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
import socket
import sys
from pathlib import Path

import httpx
import pytest

from tests.helpers.fakes.botapi import FakeBotApi
from tests.helpers.fakes.updates import message_update
from tests.helpers.kb import REAL_KNOWLEDGE
from tests.helpers.telegram import ANNA
from thekiz_bot.config import Settings
from thekiz_bot.telegram.app import run
from thekiz_bot.telegram.logs import MASK, RedactingFormatter

PROJECT = Path(__file__).resolve().parents[2]
QUESTION = "Was ist die Prozessbegleitung?"


def test_missing_token_exits_2_with_one_clear_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(Settings(telegram_token=None)) == 2
    err = capsys.readouterr().err.strip()
    assert "@BotFather" in err and "TELEGRAM_BOT_TOKEN" in err and "python bot.py chat" in err
    assert "\n" not in err and err.count(". ") == 0  # one sentence


def test_invalid_knowledge_base_exits_1_listing_the_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "a.yaml").write_text("entries:\n  - id: x\n", encoding="utf-8")
    settings = Settings(telegram_token="1:abc", knowledge_dir=tmp_path, db_path=tmp_path / "d.db")
    assert run(settings) == 1
    err = capsys.readouterr().err
    assert "Wissensbasis" in err and "a.yaml" in err and "question" in err


def test_unusable_database_exits_1_naming_the_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    settings = Settings(telegram_token="1:abc", knowledge_dir=REAL_KNOWLEDGE,
                        db_path=blocker / "thekiz.sqlite3")
    assert run(settings) == 1
    assert "THEKIZ_DB" in capsys.readouterr().err


def test_log_lines_never_contain_secrets() -> None:
    token = "987654:SECRET-token-value"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(message)s", [token, "hook-secret"]))
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        raise ValueError(f"POST https://api.telegram.org/bot{token}/getMe with hook-secret")
    except ValueError:
        logger.exception("request to https://api.telegram.org/bot%s/getMe failed", token)
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert token not in output and "hook-secret" not in output
    assert "bot***/getMe failed" in output and "ValueError: POST" in output


def _env(api: FakeBotApi, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "THEKIZ_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=api.token,
        TELEGRAM_API_BASE_URL=api.base_url,
        THEKIZ_DB=str(tmp_path / "data" / "bot.sqlite3"),
        THEKIZ_KNOWLEDGE_DIR=str(REAL_KNOWLEDGE),
        THEKIZ_LOG_LEVEL="DEBUG",
        **extra,
    )
    return env


async def _start(args: list[str], env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", *args, cwd=PROJECT, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), 30)
    return err.decode("utf-8", "replace")


@pytest.mark.parametrize("args", [["run"], []], ids=["run", "no-subcommand"])
async def test_polling_process_answers_and_stops_cleanly_on_sigterm(
    fake_api: FakeBotApi, tmp_path: Path, args: list[str]
) -> None:
    process = await _start(args, _env(fake_api, tmp_path))
    try:
        await fake_api.wait_for(lambda: bool(fake_api.calls("setMyCommands")), timeout=60)
        fake_api.push_update(message_update(fake_api, ANNA, QUESTION))
        await fake_api.wait_for(lambda: bool(fake_api.messages_to(ANNA.id)), timeout=30)
    finally:
        log = await _stop(process)
    assert process.returncode == 0, log
    assert "Quelle:" in fake_api.messages_to(ANNA.id)[0].text
    # The token is in every API URL the library logs at DEBUG level, but never in the output.
    assert fake_api.token not in log and MASK in log
    assert "is ready" in log


async def test_a_rejected_token_exits_2_without_showing_it(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    env = _env(fake_api, tmp_path)
    env["TELEGRAM_BOT_TOKEN"] = "111:wrong-token-for-tests"
    process = await _start(["run"], env)
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    text = err.decode("utf-8", "replace")
    assert "@BotFather" in text and "wrong-token-for-tests" not in text


async def test_webhook_mode_without_a_secret_refuses_to_start(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    """Admin rights come from the user id in an update: an open webhook could be forged."""
    env = _env(fake_api, tmp_path, TELEGRAM_WEBHOOK_URL="https://bot.example.org/thekiz/hook",
               TELEGRAM_WEBHOOK_PORT=str(_free_port()))
    process = await _start(["run"], env)
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    text = err.decode("utf-8", "replace").strip()
    assert "TELEGRAM_WEBHOOK_SECRET" in text and "setzen Sie" in text
    assert "\n" not in text and text.endswith(".")  # one German sentence, no traceback
    assert fake_api.calls() == []  # refused before any network call


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_mode_checks_the_secret_and_answers(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    port = _free_port()
    secret = "webhook-secret-for-tests"
    env = _env(fake_api, tmp_path, TELEGRAM_WEBHOOK_URL="https://bot.example.org/thekiz/hook",
               TELEGRAM_WEBHOOK_LISTEN="127.0.0.1", TELEGRAM_WEBHOOK_PORT=str(port),
               TELEGRAM_WEBHOOK_SECRET=secret)
    process = await _start(["run"], env)
    try:
        await fake_api.wait_for(lambda: bool(fake_api.calls("setWebhook")), timeout=60)
        registered = fake_api.calls("setWebhook")[0].params
        assert registered["url"] == "https://bot.example.org/thekiz/hook"
        assert registered["secret_token"] == secret
        fake_api.add_chat(ANNA.private_chat.to_json())
        update = {"update_id": 1, **message_update(fake_api, ANNA, QUESTION)}
        url = f"http://127.0.0.1:{port}/thekiz/hook"
        async with httpx.AsyncClient() as client:
            for _ in range(100):  # the webhook server starts right after setWebhook
                try:
                    wrong = await client.post(url, json=update, headers={
                        "X-Telegram-Bot-Api-Secret-Token": "wrong"})
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            assert wrong.status_code == 403
            accepted = await client.post(url, content=json.dumps(update), headers={
                "X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"})
            assert accepted.status_code == 200
        await fake_api.wait_for(lambda: bool(fake_api.messages_to(ANNA.id)), timeout=30)
    finally:
        log = await _stop(process)
    assert process.returncode == 0, log
    assert len(fake_api.messages_to(ANNA.id)) == 1  # the update with the wrong secret was dropped
    assert fake_api.token not in log and secret not in log
