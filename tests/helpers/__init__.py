"""Shared test helpers: knowledge-base factories, event and Telegram support, and the fake Bot API."""
