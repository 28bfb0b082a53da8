"""Telegram handlers for questions and answers.

Asking, feedback, inline mode, contacts, region, privacy, admin.
"""
