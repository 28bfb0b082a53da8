"""SQLite persistence: the database connection and migrations, and one repository per table."""
