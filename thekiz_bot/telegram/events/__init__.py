"""Telegram handlers for events, subscriptions and announcements, and the broadcast sender."""
