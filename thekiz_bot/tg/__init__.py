"""The Telegram layer: thin handlers over the matcher, records and rendering."""
