"""The one catalogue of everything the bot says in Telegram: German ("Sie"), Telegram HTML.

One module per area: `common` (start-up problems, refusals, stale buttons, the apology), `faq`
(questions, contacts, regions, privacy, admin tools), `events` (events, subscriptions, the event
form), `announcements` (announcements, broadcast progress and reports). Constants are static
text (already valid HTML); functions take dynamic values and escape them.
"""
