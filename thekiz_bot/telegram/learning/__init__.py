"""/lernen and the scheduled digest: the Telegram side of thekiz_bot.learning."""
