"""Telegram handlers for questions and answers: asking, feedback, inline mode, contacts, region, privacy, admin."""
