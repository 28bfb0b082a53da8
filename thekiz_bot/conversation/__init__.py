"""The conversation: follow-up questions against the last answer, date questions from the calendar."""
