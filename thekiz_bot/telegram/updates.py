"""What an incoming update says, read the same way by every handler."""

from __future__ import annotations

from telegram import CallbackQuery


def query_chat_id(query: CallbackQuery) -> int:
    """The chat a button was pressed in (the user's own chat if the message is gone)."""
    return query.message.chat.id if query.message is not None else query.from_user.id


def command_argument(text: str | None) -> str:
    """What follows the command: "/kontakt@bot  Jena" → "Jena" (line breaks kept)."""
    parts = (text or "").split(None, 1)
    return parts[1].strip() if len(parts) > 1 else ""


def event_id_argument(args: list[str] | None) -> int | None:
    """The event number of "/termin_absagen 3" ("#3" and "Nr.3" too), or None."""
    if not args:
        return None
    raw = args[0].lstrip("#").removeprefix("Nr.").strip()
    return int(raw) if raw.isdigit() else None
