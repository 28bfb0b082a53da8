"""All repositories over one database, handed to the bot as a single object.

Each table has one owner module: `users`, `questions` (the anonymous question log),
`feedback`, `question_groups` (the stored grouping of unanswered questions), and `stats`
(read-only statistics over the logs).
"""

from __future__ import annotations

from thekiz_bot.storage.database import Database
from thekiz_bot.storage.feedback import FeedbackLog
from thekiz_bot.storage.question_groups import QuestionGroups
from thekiz_bot.storage.questions import QuestionLog
from thekiz_bot.storage.stats import StatisticsQuery
from thekiz_bot.storage.users import UserRepository


class Records:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.users = UserRepository(db)
        self.questions = QuestionLog(db)
        self.feedback = FeedbackLog(db)
        self.question_groups = QuestionGroups(db, self.questions)
        self.statistics = StatisticsQuery(db, self.question_groups)
