"""The states a broadcast and each of its messages go through (stored as these strings)."""

from __future__ import annotations

from enum import StrEnum


class Purpose(StrEnum):
    ANNOUNCEMENT = "announcement"
    EVENT = "event"
    REMINDER = "reminder"
    UPDATE = "update"
    CANCELLATION = "cancellation"


class BroadcastStatus(StrEnum):
    DRAFT = "draft"  # previewed, not confirmed: nothing queued
    SENDING = "sending"
    DONE = "done"


class DeliveryState(StrEnum):
    """One recipient's message: pending -> sending -> delivered | blocked | failed | skipped."""

    PENDING = "pending"
    SENDING = "sending"  # claimed; after a crash its fate is unknown and it is sent again
    DELIVERED = "delivered"
    BLOCKED = "blocked"
    FAILED = "failed"
    SKIPPED = "skipped"


FINAL_STATES = (DeliveryState.DELIVERED, DeliveryState.BLOCKED, DeliveryState.FAILED,
                DeliveryState.SKIPPED)


class SendOutcome(StrEnum):
    """What one attempt to send a message came to."""

    DELIVERED = "delivered"
    RETRY_AFTER = "retry_after"  # Telegram's flood control: wait as told, no attempt used up
    BLOCKED = "blocked"  # the person blocked the bot or the chat is gone: never retried
    TRANSIENT = "transient"  # timeouts and 5xx: retried with backoff
    FAILED = "failed"
