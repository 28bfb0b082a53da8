"""thekiz-bot: FAQ matcher, contacts and announcements for the ThEKiZ network."""
