"""The thin Telegram layer: handlers registered in app.py, one message catalogue, one callback codec, guards."""
