"""Fill a database with a demo question log, for trying `python bot.py report` before real use.

The questions are invented but realistic; each is answered by the real matcher and recorded the
way the Telegram bot records it (text, status, entry, score; no user id), plus a few ratings.

    python bench/demo_log.py data/demo.sqlite3
    THEKIZ_DB=data/demo.sqlite3 python bot.py report
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from thekiz_bot.knowledge.loader import load_knowledge  # noqa: E402
from thekiz_bot.matching.matcher import Matcher  # noqa: E402
from thekiz_bot.storage.database import Database  # noqa: E402
from thekiz_bot.storage.feedback import FeedbackLog  # noqa: E402
from thekiz_bot.storage.questions import QuestionLog  # noqa: E402

# (question, how often it is asked)
ASKED = [
    ("Wie viel Geld bekommt unser ThEKiZ im Jahr?", 3), ("wieviel geld bekommt ein thekiz pro jahr", 2),
    ("gibt es eine vorlage für den jahresbericht", 2), ("Vorlage Jahresbericht ThEKiZ?", 1),
    ("wer bezahlt die koordinatorin", 2), ("Wie melde ich mich zum Arbeitskreis an?", 1),
    ("wo ist der nächste fachtag", 1), ("wer ist die ansprechpartnerin im ministerium", 3),
    ("was macht eine prozessbegleitung", 2), ("wie werde ich konsultationseinrichtung", 1),
    ("Was bringt ThEKiZ den Familien im Dorf", 2), ("wer plant im landkreis die sozialen angebote", 1),
    ("hallo", 2),
]
# (question, which time it was asked, rating); a rating after a "Meinten Sie …?" list is for
# the first suggestion, as if the user had pressed it.
VOTES = [
    ("Wie melde ich mich zum Arbeitskreis an?", 0, 1),
    ("wer bezahlt die koordinatorin", 0, -1),
    ("wer bezahlt die koordinatorin", 1, -1),
    ("wo ist der nächste fachtag", 0, -1),
    ("Was bringt ThEKiZ den Familien im Dorf", 0, 1),
    ("Was bringt ThEKiZ den Familien im Dorf", 1, 1),
    ("wer ist die ansprechpartnerin im ministerium", 0, 1),
    ("wer plant im landkreis die sozialen angebote", 0, 1),
    ("wie werde ich konsultationseinrichtung", 0, 1),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    args = parser.parse_args()
    db = Database(args.db)
    matcher = Matcher(load_knowledge(args.knowledge))
    questions, feedback = QuestionLog(db), FeedbackLog(db)
    asked_at = datetime(2026, 11, 2, 9, tzinfo=UTC)
    recorded: dict[str, list[tuple[int, str | None, bool]]] = {}
    for text, times in ASKED:
        for _ in range(times):
            result = matcher.match(text)
            asked_at += timedelta(hours=3)
            # A rating refers to the answer shown, or to the first suggestion the user picked.
            entry = result.entry or (result.suggestions[0].entry if result.suggestions else None)
            qid = questions.record(text, result.status, result.entry.id if result.entry else None,
                                   result.score, at=asked_at)
            via_suggestion = result.status == "suggest"
            recorded.setdefault(text, []).append((qid, entry.id if entry else None,
                                                  via_suggestion))
    for text, index, rating in VOTES:
        qid, entry_id, via_suggestion = recorded[text][index]
        if entry_id is not None:
            feedback.record(entry_id, rating, qid, via_suggestion)
    db.close()
    print(f"{sum(len(v) for v in recorded.values())} Fragen und {len(VOTES)} Bewertungen in {args.db}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
