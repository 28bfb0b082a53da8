"""Broadcasts.

The outbox written before the first send, the worker that empties it within Telegram's limits, and
announcements.
"""
