"""Network events.

Model, field parsing, German dates, store, YAML import, rendering, .ics, subscriptions, reminders.
"""
