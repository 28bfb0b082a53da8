"""The thin Telegram layer.

Handlers registered in app.py, one message catalogue, one callback codec, guards.
"""
