"""The thin Telegram layer.

Handlers registered in app.py, one message catalogue, one callback codec, guards.
"""

import os

# python-telegram-bot 22 gives durations (RetryAfter.retry_after among them) as int and warns,
# unless PTB_TIMEDELTA opts into the timedelta it will use from its next major version. This
# package is written for timedelta, so it opts in for the whole process, before any request.
os.environ["PTB_TIMEDELTA"] = "true"
