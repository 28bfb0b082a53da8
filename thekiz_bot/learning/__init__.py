"""The Fachstelle teaches the bot from the chat: digest, decisions, collision check, export.

Pure logic, free of Telegram: the Telegram handlers in `thekiz_bot.telegram.learning` only
render what these modules decide.
"""
