"""Conversation benchmark: what the engine costs on top of the matcher, per message.

Side by side in one run, over the same messages: the matcher alone (`Matcher.match`, what a
question cost before issue 14) and the conversation engine (`ConversationEngine.answer`: date
parser, follow-up rules, context, and a second or third match for messages that point back),
with a calendar of 200 upcoming events. Messages: the labelled questions of
tests/eval/questions.yaml, each followed by a follow-up from tests/eval/conversation.yaml, so that
half the engine's messages are follow-ups against a live context.

    python bench/conversation_bench.py
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from thekiz_bot.conversation.context import ContextKey, ContextStore  # noqa: E402
from thekiz_bot.conversation.engine import ConversationEngine  # noqa: E402
from thekiz_bot.conversation.evaluation import load  # noqa: E402
from thekiz_bot.events.model import EVENT_KINDS, Event  # noqa: E402
from thekiz_bot.knowledge.loader import load_knowledge  # noqa: E402
from thekiz_bot.matching.evaluation import load_questions  # noqa: E402
from thekiz_bot.matching.matcher import Matcher  # noqa: E402

TZ = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)


def calendar(regions: list[str]) -> list[Event]:
    kinds = list(EVENT_KINDS)
    return [
        Event(id=i, title=f"Termin {i}", kind=kinds[i % len(kinds)],
              start=NOW + timedelta(days=1 + i % 300, hours=i % 8), place="Erfurt",
              region_id=None if i % 3 == 0 else regions[i % len(regions)])
        for i in range(200)
    ]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def main() -> int:
    kb = load_knowledge(ROOT / "knowledge")
    matcher = Matcher(kb)
    questions = [q.question for q in load_questions(ROOT / "tests" / "eval" / "questions.yaml")]
    dialogues, dates = load(ROOT / "tests" / "eval" / "conversation.yaml")
    followups = [d.followup for d in dialogues] or ["und die Telefonnummer?"]
    messages = [q for i, q in enumerate(questions) for q in (q, followups[i % len(followups)])]
    messages += [d.question for d in dates]
    events = calendar([r.id for r in kb.regions])
    engine = ConversationEngine(lambda: matcher, lambda _now: events, ContextStore(),
                                lambda: NOW, TZ)
    for text in messages[:20]:  # warm both paths
        matcher.match(text)
        engine.answer(text, ContextKey(1), 1)

    alone: list[float] = []
    with_engine: list[float] = []
    for text in messages:
        start = time.perf_counter()
        matcher.match(text)
        alone.append(time.perf_counter() - start)
        start = time.perf_counter()
        engine.answer(text, ContextKey(1), 1)
        with_engine.append(time.perf_counter() - start)

    print(f"{len(messages)} messages ({len(questions)} questions, each followed by a follow-up; "
          f"{len(dates)} date questions), calendar of {len(events)} events\n")
    print("| path | mean ms | median ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for name, values in (("matcher alone", alone), ("conversation engine", with_engine)):
        ms = [v * 1000 for v in values]
        print(f"| {name} | {statistics.mean(ms):.2f} | {statistics.median(ms):.2f} "
              f"| {percentile(ms, 0.95):.2f} | {max(ms):.2f} |")
    ratio = statistics.mean(with_engine) / statistics.mean(alone)
    print(f"\nengine / matcher (mean): {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
