"""The one entry point for a message in a conversation: Telegram, the console chat and
`ask` all call `ConversationEngine.answer`, so a follow-up or a date question is understood the
same everywhere and no handler knows a single phrase.

Order of the rules: a date question is answered from the calendar plus the fitting handbook
entry; a follow-up that has nothing of its own to ask is answered against the last answer (or
honestly declined when there is none); everything else goes to the matcher as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from thekiz_bot.conversation import followup as fu
from thekiz_bot.conversation.calendar import select_events
from thekiz_bot.conversation.context import ContextKey, ContextStore, Turn
from thekiz_bot.conversation.date_questions import ANY, DateQuery, parse_date_question
from thekiz_bot.events.model import EVENT_KINDS, Event
from thekiz_bot.knowledge.loader import Contact, FaqEntry, KnowledgeBase, Region
from thekiz_bot.knowledge.regions import RegionFinder
from thekiz_bot.matching import contacts as contact_rules
from thekiz_bot.matching.matcher import Matcher
from thekiz_bot.matching.result import MatchResult, MatchStatus

# What a reply is.
MATCH = "match"            # the matcher's own answer, suggestion, fallback or small talk
FOLLOWUP = "followup"      # answered against the last answer
DATES = "dates"            # events from the calendar (plus a handbook entry)
NO_CONTEXT = "no_context"  # a follow-up with no (or an expired) last answer
MAX_RELATED = 3
# Rank this many entries next to a follow-up's entry to find its neighbours.
_NEIGHBOUR_POOL = 6


@dataclass(frozen=True)
class Reply:
    kind: str
    # MATCH: the result; DATES: the fitting handbook answer, if any.
    result: MatchResult | None = None
    # FOLLOWUP: the entry referred to, what was asked and what the knowledge base has for it.
    entry: FaqEntry | None = None
    wants: str | None = None
    contacts: tuple[Contact, ...] = ()
    # The asked field (phone, e-mail) is on file for none of the entry's contacts.
    missing: bool = False
    related: tuple[FaqEntry, ...] = ()
    region: Region | None = None
    region_note: str | None = None
    # DATES
    date_query: DateQuery | None = None
    events: tuple[Event, ...] = ()
    more_events: int = 0
    # What to remember for the next message; None forgets the conversation.
    turn: Turn | None = None

    @property
    def answered(self) -> bool:
        """Something was asserted: an answer, the asked contacts, or events from the calendar."""
        if self.kind == MATCH:
            return self.result is not None and self.result.status == MatchStatus.ANSWER
        if self.kind == FOLLOWUP:
            return self.entry is not None and not self.missing and (
                self.wants != fu.MORE or bool(self.related))
        if self.kind == DATES:
            return bool(self.events) or self.result is not None
        return False

    @property
    def status(self) -> MatchStatus:
        """The outcome in the question log's terms: a follow-up or date answer is an answer; an
        honest no is a fallback, so that it shows up among the questions still unanswered."""
        if self.kind == MATCH and self.result is not None:
            return self.result.status
        return MatchStatus.ANSWER if self.answered else MatchStatus.FALLBACK

    @property
    def score(self) -> float:
        """The matcher's score; 1.0 for a reply given by rule (a follow-up, the calendar)."""
        if self.kind == MATCH and self.result is not None:
            return self.result.score
        return 1.0 if self.answered else 0.0

    @property
    def entry_id(self) -> str | None:
        if self.entry is not None:
            return self.entry.id
        if self.result is not None and self.result.entry is not None and self.result.answer:
            return self.result.entry.id
        return None


class ConversationEngine:
    """Matching with memory. `matcher` and `events` are callables because the knowledge base
    is reloaded and the calendar changes while the bot runs."""

    def __init__(
        self,
        matcher: Callable[[], Matcher],
        events: Callable[[datetime], Sequence[Event]],
        store: ContextStore,
        clock: Callable[[], datetime],
        tz: ZoneInfo,
    ) -> None:
        self._matcher = matcher
        self._events = events
        self.store = store
        # Public so that tests (and a simulated day) can move time on.
        self.clock = clock
        self.tz = tz
        self._finder: tuple[KnowledgeBase, RegionFinder] | None = None

    def answer(self, text: str, key: ContextKey, user_id: int | None = None,
               user_region: Region | None = None) -> Reply:
        """Reply to a message and remember the outcome under the same key."""
        reply = self.respond(text, key, user_id, user_region)
        self.remember(key, reply)
        return reply

    def remember_entry(self, key: ContextKey, entry_id: str, user_id: int | None) -> None:
        """An entry shown by a button ("Meinten Sie …?"): follow-ups refer to it from now on."""
        self.store.remember(key, Turn(user_id=user_id, at=self.clock(), entry_id=entry_id))

    def remember(self, key: ContextKey, reply: Reply) -> None:
        if reply.turn is None:
            self.store.forget(key)
        else:
            self.store.remember(key, reply.turn)

    def respond(self, text: str, key: ContextKey, user_id: int | None = None,
                user_region: Region | None = None) -> Reply:
        """Reply to a message, read the context but change nothing."""
        matcher = self._matcher()
        now = self.clock()
        turn = self.store.recall(key, now)
        regions = self._regions(matcher)
        # A date question is complete on its own ("Ist in Jena demnächst was?"), even where it
        # looks like a follow-up (a region and a time, nothing else).
        query = parse_date_question(text, regions.find, now.astimezone(self.tz).date())
        if query is not None:
            return self._dates(matcher, query, text, user_id, user_region, now)
        follow = fu.detect(text, regions.find, regions.without_region, matcher.vocab.stopwords)
        if follow is not None and follow.dependent:
            if turn is None:
                return Reply(NO_CONTEXT)
            return self._resolve(matcher, text, follow, turn, user_id, user_region, now)
        result = self._match(matcher, text, follow, turn, user_region)
        return Reply(MATCH, result=result, turn=_turn_after(result, turn, user_id, now))

    def _match(self, matcher: Matcher, text: str, follow: fu.FollowUp | None,
               turn: Turn | None, saved: Region | None) -> MatchResult:
        """A question with words of its own; one that points back ("wie wird man das?") is
        asked about the last answer's subject first."""
        previous = matcher.kb.entry(turn.entry_id) if turn and turn.entry_id else None
        if follow is not None and follow.anaphoric and follow.rest and previous is not None:
            subject = previous.keywords[0] if previous.keywords else previous.question
            about = matcher.match(f"{text} {subject}", saved_region=saved)
            # The last entry again means the question added nothing the subject could answer.
            if about.status == "answer" and about.entry is not None \
                    and about.entry.id != previous.id:
                return about
        result = matcher.match(text, saved_region=saved)
        if follow is not None and follow.rest and result.status != "answer":
            # "gibt es dazu eine Fortbildung?": its own words may answer without the rest.
            own = matcher.match(follow.rest, saved_region=saved)
            if own.status == "answer":
                return own
        return result

    def _regions(self, matcher: Matcher) -> RegionFinder:
        """The region resolver of the knowledge base in service (rebuilt after a reload)."""
        if self._finder is None or self._finder[0] is not matcher.kb:
            self._finder = (matcher.kb, RegionFinder(matcher.kb.regions))
        return self._finder[1]

    # --- follow-ups ---------------------------------------------------------------------

    def _resolve(self, matcher: Matcher, text: str, follow: fu.FollowUp, turn: Turn,
                 user_id: int | None, user_region: Region | None, now: datetime) -> Reply:
        kb = matcher.kb
        entry = kb.entry(turn.entry_id) if turn.entry_id else None
        if entry is not None and entry.is_draft:
            entry = None
        kept = replace(turn, at=now, user_id=user_id if user_id is not None else turn.user_id)
        if follow.wants in (None, fu.MORE) and (follow.time or follow.region is not None) and (
            turn.date_query is not None or follow.time
        ):
            return self._followup_dates(text, follow, turn, entry, user_id, user_region, now)
        if entry is None:
            # The last answer was events without a handbook entry, or the entry is gone.
            return Reply(FOLLOWUP, wants=follow.wants, missing=True, turn=kept)
        if follow.wants == fu.MORE:
            return Reply(FOLLOWUP, entry=entry, wants=fu.MORE,
                         related=self._neighbours(matcher, entry, turn), turn=kept)
        region = follow.region or user_region
        contacts, note = contact_rules.contacts_for_entry(kb, entry, region, True)
        wants = follow.wants or fu.CONTACT
        missing = False
        if wants == fu.PHONE:
            with_phone = [c for c in contacts if c.phone]
            missing = not with_phone
            contacts = with_phone or contacts
        elif wants == fu.EMAIL:
            with_email = [c for c in contacts if c.email]
            missing = not with_email
            contacts = with_email or contacts
        return Reply(FOLLOWUP, entry=entry, wants=wants, contacts=tuple(contacts),
                     missing=missing, region=follow.region, region_note=note, turn=kept)

    def _neighbours(self, matcher: Matcher, entry: FaqEntry, turn: Turn) -> tuple[FaqEntry, ...]:
        """Entries next to the answer: those ranked after it, then those similar to it."""
        kb = matcher.kb
        ids = list(turn.related)
        ids += [c.entry.id for c in matcher.rank(entry.question, k=_NEIGHBOUR_POOL)]
        found: list[FaqEntry] = []
        for entry_id in ids:
            other = kb.entry(entry_id)
            if other is None or other.is_draft or other.id == entry.id or other in found:
                continue
            found.append(other)
        return tuple(found[:MAX_RELATED])

    def _followup_dates(self, text: str, follow: fu.FollowUp, turn: Turn,
                        entry: FaqEntry | None, user_id: int | None, user_region: Region | None,
                        now: datetime) -> Reply:
        """"und in Gotha?" or "und im April?" after a date answer: the same question, changed."""
        base = turn.date_query or DateQuery()
        query = base
        if follow.region is not None:
            query = replace(query, region=follow.region)
        if follow.time:
            # Parsed as if it named events, so that "und im April?" yields its period.
            parsed = parse_date_question(f"termine {text}", lambda _: None,
                                         now.astimezone(self.tz).date())
            if parsed is not None and parsed.period != ANY:
                query = replace(query, period=parsed.period, month=parsed.month)
        handbook = None
        if entry is not None:
            handbook = MatchResult(question=entry.question, status=MatchStatus.ANSWER,
                                   score=1.0, entry=entry)
        return self._date_reply(query, handbook, user_id, user_region, now)

    # --- date questions -------------------------------------------------------------------

    def _dates(self, matcher: Matcher, query: DateQuery, text: str, user_id: int | None,
               user_region: Region | None, now: datetime) -> Reply:
        # The kind's own entry ("Arbeitskreise finden zweimal jährlich statt …") fits better
        # than whatever the rest of the question resembles.
        handbook = matcher.match(EVENT_KINDS[query.kind]) if query.kind else None
        if handbook is None or handbook.status != "answer":
            handbook = matcher.match(text, saved_region=user_region)
        return self._date_reply(query, handbook if handbook.status == "answer" else None,
                                user_id, user_region, now)

    def _date_reply(self, query: DateQuery, handbook: MatchResult | None, user_id: int | None,
                    user_region: Region | None, now: datetime) -> Reply:
        region_id = user_region.id if user_region is not None else None
        selection = select_events(self._events(now), query, region_id, now, self.tz)
        entry_id = handbook.entry.id if handbook is not None and handbook.entry else None
        turn = Turn(user_id=user_id, at=now, entry_id=entry_id, date_query=query)
        return Reply(DATES, result=handbook, date_query=query, events=selection.events,
                     more_events=selection.more, region=query.region, turn=turn)


def _turn_after(result: MatchResult, previous: Turn | None, user_id: int | None,
                now: datetime) -> Turn | None:
    if result.status == "answer" and result.entry is not None:
        return Turn(user_id=user_id, at=now, entry_id=result.entry.id,
                    related=tuple(c.entry.id for c in result.suggestions))
    if result.status == "smalltalk":
        # "Danke!" leaves the conversation as it was.
        return previous
    # Anything unanswered ends it, so that a later "und die Nummer?" cannot refer to an older,
    # unrelated answer.
    return None


