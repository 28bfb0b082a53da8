"""Match a German chat question against the FAQ knowledge base.

Every served entry is indexed through several texts (its question, each alternate, its
keywords). A query is scored against each text by word TF-IDF (stemmed, synonyms
canonicalised), character n-gram TF-IDF (typos, compounds) and, for the best few candidates,
rapidfuzz; an entry's score is the best of its texts plus a little evidence from its answer.
One score in [0, 1] per entry decides between answer, suggestion and fallback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

from thekiz_bot.knowledge.loader import Contact, FaqEntry, KnowledgeBase, Region
from thekiz_bot.knowledge.regions import RegionFinder
from thekiz_bot.matching import contacts as contact_rules
from thekiz_bot.matching.smalltalk import SmalltalkMatcher
from thekiz_bot.text.normalise import Vocabulary, clean_input, normalise

STATUSES = ("answer", "suggest", "fallback", "smalltalk")


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds, tuned with bench/tune.py --holdout 4 (dev split, held-out alternates
    and out-of-scope examples); where settings tie within 0.003 utility, the more cautious one."""

    answer: float = 0.45
    # Below `sure`, an answer also needs this lead over the runner-up.
    margin: float = 0.06
    sure: float = 0.70
    suggest: float = 0.40
    # A question whose best out-of-scope example scores within this of the best entry is
    # declined: it is nearer to what the handbook does not cover than to what it does.
    decline: float = 0.0
    # Questions with at least this many content words carry context ("wir sind eine kleine
    # Kita auf dem Dorf und ...") that dilutes every similarity, so the same evidence scores
    # lower: they get their own answer and suggestion thresholds.
    long_question: int = 8
    answer_long: float = 0.30
    suggest_long: float = 0.25

    def for_length(self, words: int) -> tuple[float, float]:
        """(answer, suggest) thresholds for a question of this many content words."""
        if words >= self.long_question:
            return self.answer_long, self.suggest_long
        return self.answer, self.suggest


@dataclass(frozen=True)
class Weights:
    word: float = 0.30
    char: float = 0.30
    fuzzy: float = 0.30
    answer: float = 0.20
    # Exponent of the share of known query words that scales every score.
    coverage: float = 0.5
    # Added to entries tagged "regional" when the question names a Landkreis or city.
    region: float = 0.10
    # Exponent of the share of the question's known words (idf-weighted) an entry contains.
    entry_coverage: float = 0.5


REGIONAL_TAG = "regional"


@dataclass(frozen=True)
class Candidate:
    entry: FaqEntry
    score: float

    def to_json(self) -> dict[str, Any]:
        return {"entry_id": self.entry.id, "question": self.entry.question,
                "score": round(self.score, 4)}


@dataclass(frozen=True)
class MatchResult:
    question: str
    status: str
    score: float = 0.0
    entry: FaqEntry | None = None
    suggestions: tuple[Candidate, ...] = ()
    contacts: tuple[Contact, ...] = ()
    reply: str | None = None
    region: Region | None = None
    region_note: str | None = None
    # The user asked for a phone number, an address or a person: show contacts first.
    contact_first: bool = False
    # Set when the question was declined because it resembles an out-of-scope example.
    out_of_scope_topic: str | None = None
    # How close the nearest out-of-scope example came, declined or not (for tuning and reports).
    out_of_scope_score: float = 0.0
    # Content words of the question: long questions are judged by their own thresholds.
    words: int = 0

    @property
    def answer(self) -> str | None:
        if self.status == "answer" and self.entry is not None:
            return self.entry.answer
        if self.status == "smalltalk":
            return self.reply
        return None

    @property
    def ranked(self) -> tuple[Candidate, ...]:
        """The ranking the result implies: the chosen entry (if any) first."""
        if self.status == "answer" and self.entry is not None:
            return (Candidate(self.entry, self.score), *self.suggestions)
        return self.suggestions

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "status": self.status,
            "answer": self.answer,
            "entry_id": self.entry.id if self.entry is not None else None,
            "score": round(self.score, 4),
            "suggestions": [c.to_json() for c in self.suggestions],
            "contacts": [c.to_json() for c in self.contacts],
            "source": self.entry.source if self.entry is not None else None,
            "region": self.region.name if self.region is not None else None,
            "out_of_scope_topic": self.out_of_scope_topic,
        }


@dataclass
class _Index:
    # Served entries come first, then one pseudo-entry per out-of-scope topic: both are
    # scored alike, so "nearer to a topic than to any entry" is a like-for-like comparison.
    n_entries: int
    texts: list[str]                 # analysed text per indexed variant
    word: HashingVectorizer
    word_idf: TfidfTransformer
    # Feature x variant (transposed), so a query multiplies only the rows of its own features.
    word_matrix: sparse.csr_matrix
    char: HashingVectorizer
    char_idf: TfidfTransformer
    char_matrix: sparse.csr_matrix
    answer_matrix: sparse.csr_matrix
    known_words: np.ndarray          # per hashed word feature: 1.0 if any indexed text has it
    starts: np.ndarray               # first variant position of each entry and topic
    entry_tokens: list[frozenset[str]]  # every word of an entry: variants, keywords, answer
    token_idf: dict[str, float]      # inverse entry frequency of each known word
    # Words of the entries only: the share of a question's words in here is its coverage.
    entry_vocabulary: frozenset[str] = frozenset()
    # Words of entries and topics: typos are corrected towards these.
    vocabulary_set: frozenset[str] = frozenset()
    vocabulary_by_initial: dict[str, list[str]] = field(default_factory=dict)


BACKGROUND_FILE = "background_de.txt"


def load_background() -> list[str]:
    """Everyday German questions shipped with the package (one per line)."""
    try:
        text = resources.files("thekiz_bot.matching").joinpath(BACKGROUND_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def _float32(matrix: sparse.spmatrix) -> sparse.csr_matrix:
    return sparse.csr_matrix(matrix, dtype=np.float32)


def _weigh_query(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear tf x idf, L2-normalised: TfidfTransformer.transform without its per-call input
    validation, which costs more than the arithmetic for one short query."""
    # float32 like the index: a float64 query would make scipy upcast the whole index per query.
    weighted = counts.astype(np.float32)
    weighted.data = ((1.0 + np.log(weighted.data)) * idf[weighted.indices]).astype(np.float32)
    norm = np.sqrt(np.dot(weighted.data, weighted.data))
    if norm > 0:
        weighted.data /= norm
    return weighted


TOPIC_FUZZY_CANDIDATES = 3


@dataclass(frozen=True)
class _Ranking:
    candidates: list[Candidate]               # the best entries, best first
    nearest_out_of_scope: tuple[str, float] | None  # best out-of-scope topic and its score
    words: int                                # content words in the question


def _top_positions(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest scores, unordered (all of them when there are fewer)."""
    k = min(k, len(scores))
    if k == 0:
        return np.arange(0)
    if k == len(scores):
        return np.arange(len(scores))
    return np.argpartition(-scores, k - 1)[:k]


class Matcher:
    """Ranks FAQ entries for a question; immutable after construction (safe to share)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        thresholds: Thresholds | None = None,
        weights: Weights | None = None,
        fuzzy_candidates: int = 10,
        background: Sequence[str] | None = None,
    ) -> None:
        self.kb = kb
        self.thresholds = thresholds or Thresholds()
        self.weights = weights or Weights()
        self.fuzzy_candidates = fuzzy_candidates
        self.vocab = Vocabulary.build(kb.synonyms, kb.stopwords)
        self.entries: tuple[FaqEntry, ...] = kb.served_entries
        self.topics = kb.out_of_scope
        self._background = tuple(background if background is not None else load_background())
        self._smalltalk = SmalltalkMatcher(kb.smalltalk, self.vocab)
        self._regions = RegionFinder(kb.regions)
        self._index = self._build() if self.entries else None
        self._regional_mask = np.array(
            [REGIONAL_TAG in e.tags for e in self.entries], dtype=np.float32
        )

    # --- index --------------------------------------------------------------------------

    def _build(self) -> _Index:
        texts: list[str] = []
        owners: list[int] = []
        answers: list[str] = []
        # (variants, answer, id) per entry, then per out-of-scope topic (which has no answer).
        sources: list[tuple[list[str], str, str]] = []
        for entry in self.entries:
            variants = [entry.question, *entry.alternates]
            if entry.keywords:
                variants.append(" ".join(entry.keywords))
            sources.append((variants, entry.answer, entry.id))
        sources += [(list(topic.questions), "", topic.id) for topic in self.topics]
        for pos, (variants, answer, ident) in enumerate(sources):
            seen: set[str] = set()
            for variant in variants:
                analysed = self.vocab.analyse(variant)
                if analysed and analysed not in seen:
                    seen.add(analysed)
                    texts.append(analysed)
                    owners.append(pos)
            answers.append(self.vocab.analyse(answer) if answer else "")
            if not seen:
                # A question of only emoji or punctuation: index the entry by its answer instead,
                # so that every entry owns at least one variant.
                texts.append(answers[-1] or normalise(ident) or "x")
                owners.append(pos)
        n_entries = len(self.entries)
        entry_texts = [text for text, owner in zip(texts, owners, strict=True) if owner < n_entries]
        entry_vocabulary = frozenset(
            token for text in (*entry_texts, *answers[:n_entries]) for token in text.split()
        )

        # Both vectorisers hash their features: no vocabulary dictionaries, which keeps a
        # 100,000-entry knowledge base within memory and build-time limits.
        word = HashingVectorizer(
            analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+", n_features=2**20,
            alternate_sign=False, norm=None, dtype=np.float32,
        )
        word_counts = word.transform(texts)
        # Generic German questions join the IDF statistics only: a knowledge base of 70
        # entries cannot tell on its own that "wie", "gibt es" or "brauche" say little.
        background = [t for t in (self.vocab.analyse(b) for b in self._background) if t]
        word_idf = TfidfTransformer(sublinear_tf=True).fit(
            sparse.vstack([word_counts, word.transform(background)]) if background else word_counts
        )
        word_matrix = _float32(word_idf.transform(word_counts))
        del word_counts
        char = HashingVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), n_features=2**20, alternate_sign=False,
            norm=None, dtype=np.float32,
        )
        char_counts = char.transform(texts)
        char_idf = TfidfTransformer(sublinear_tf=True).fit(
            sparse.vstack([char_counts, char.transform(background)]) if background else char_counts
        )
        char_matrix = _float32(char_idf.transform(char_counts))
        del char_counts
        answer_matrix = _float32(word_idf.transform(word.transform(answers)))
        # Answers count as known words too: a question may use the answer's vocabulary.
        vocabulary = sorted({t for text in (*texts, *answers) for t in text.split()})
        starts = np.searchsorted(np.asarray(owners), np.arange(n_entries + len(self.topics)))
        entry_tokens: list[set[str]] = [set(a.split()) for a in answers]
        for text, owner in zip(texts, owners, strict=True):
            entry_tokens[owner].update(text.split())
        df: dict[str, int] = {}
        for tokens in entry_tokens:
            for token in tokens:
                df[token] = df.get(token, 0) + 1
        for text in background:
            for token in set(text.split()):
                if token in df:
                    df[token] += 1
        n = len(entry_tokens) + len(background)
        token_idf = {t: float(np.log((1 + n) / (1 + d)) + 1) for t, d in df.items()}
        by_initial: dict[str, list[str]] = {}
        for token in vocabulary:
            by_initial.setdefault(token[0], []).append(token)
        word_by_feature = word_matrix.T.tocsr()
        known_words = (np.diff(word_by_feature.indptr) > 0).astype(np.float32)
        return _Index(
            n_entries=n_entries,
            texts=texts,
            word=word,
            word_idf=word_idf,
            word_matrix=word_by_feature,
            char=char,
            char_idf=char_idf,
            char_matrix=char_matrix.T.tocsr(),
            answer_matrix=answer_matrix.T.tocsr(),
            known_words=known_words,
            starts=starts,
            entry_tokens=[frozenset(t) for t in entry_tokens],
            token_idf=token_idf,
            entry_vocabulary=entry_vocabulary,
            vocabulary_set=frozenset(vocabulary),
            vocabulary_by_initial=by_initial,
        )

    # --- query analysis -----------------------------------------------------------------

    def _correct_typos(self, tokens: list[str]) -> list[str]:
        """Replace unknown tokens by a known word one or two edits away (same first letter)."""
        assert self._index is not None
        known = self._index.vocabulary_set
        out = []
        for token in tokens:
            if token in known or len(token) < 5 or token.isdigit():
                out.append(token)
                continue
            # Short words tolerate one typo, longer ones two; more turns "witz" into "sitz".
            max_edits = 1 if len(token) < 8 else 2
            bucket = self._index.vocabulary_by_initial.get(token[0], [])
            best = process.extractOne(
                token, bucket, scorer=Levenshtein.distance, score_cutoff=max_edits
            )
            out.append(best[0] if best is not None else token)
        return out

    def _analyse_query(self, question: str) -> tuple[str, str, float, float]:
        """(analysed text, text with typos corrected, share of its words the entries know,
        share of its words entries or out-of-scope topics know)."""
        index = self._index
        assert index is not None
        normalised = normalise(question)
        tokens = self.vocab.content_tokens(normalised)
        corrected = self._correct_typos(tokens)
        if not corrected:
            return "", "", 0.0, 0.0
        in_entries = sum(t in index.entry_vocabulary for t in corrected) / len(corrected)
        anywhere = sum(t in index.vocabulary_set for t in corrected) / len(corrected)
        return " ".join(tokens), " ".join(corrected), in_entries, anywhere

    # --- scoring ------------------------------------------------------------------------

    def _scores(self, question: str, region_named: bool = False) -> tuple[np.ndarray, int]:
        """One score per served entry, then one per out-of-scope topic, each in [0, 1]; and
        the number of content words in the question."""
        index = self._index
        assert index is not None
        n_entries = index.n_entries
        plain, corrected, coverage, topic_coverage = self._analyse_query(question)
        if not plain:
            return np.zeros(len(index.starts), dtype=np.float32), 0
        w = self.weights

        word_counts = index.word.transform([corrected])
        # Like a vocabulary-based vectoriser: words the index has never seen carry no weight.
        word_counts.data *= index.known_words[word_counts.indices]
        word_counts.eliminate_zeros()
        word_q = _weigh_query(word_counts, index.word_idf.idf_)
        word_sim = np.asarray((word_q @ index.word_matrix).todense()).ravel()
        char_sim = self._char_similarity(plain)
        if corrected != plain:
            char_sim = np.maximum(char_sim, self._char_similarity(corrected))
        answer_sim = np.asarray((word_q @ index.answer_matrix).todense()).ravel()

        variant_score = (w.word * word_sim + w.char * char_sim).astype(np.float32)
        # An entry's variants are one contiguous slice: its score is the best of that slice.
        entry_best = np.maximum.reduceat(variant_score, index.starts)
        scores = entry_best + w.answer * answer_sim.astype(np.float32)
        # rapidfuzz only for the few entries (and topics) that can still win: it is the
        # expensive part.
        top = np.concatenate([
            _top_positions(scores[:n_entries], self.fuzzy_candidates),
            n_entries + _top_positions(scores[n_entries:], TOPIC_FUZZY_CANDIDATES),
        ])
        known = [t for t in set(corrected.split()) if t in index.token_idf]
        known_mass = sum(index.token_idf[t] for t in known)
        for pos in top:
            scores[pos] += w.fuzzy * self._fuzzy(plain, pos)
            if known_mass and w.entry_coverage:
                # How much of what the question is about does this entry know at all?
                mass = sum(index.token_idf[t] for t in known if t in index.entry_tokens[pos])
                scores[pos] *= (mass / known_mass) ** w.entry_coverage
        # Words the knowledge base has never seen ("Kindergeld", "Wetter") mean the question is
        # about something else, however well its remaining words match.
        scores[:n_entries] *= coverage**w.coverage
        scores[n_entries:] *= topic_coverage**w.coverage
        if region_named:
            scores[:n_entries] += w.region * self._regional_mask
        return np.clip(scores, 0.0, 1.0), len(corrected.split())

    def _char_similarity(self, analysed: str) -> np.ndarray:
        index = self._index
        assert index is not None
        query = _weigh_query(index.char.transform([analysed]), index.char_idf.idf_)
        return np.asarray((query @ index.char_matrix).todense()).ravel()

    def _fuzzy(self, plain: str, pos: int) -> float:
        index = self._index
        assert index is not None
        # Variants are stored entry by entry, so an entry's variants form one slice.
        end = index.starts[pos + 1] if pos + 1 < len(index.starts) else len(index.texts)
        variants = index.texts[index.starts[pos]:end]
        best = 0.0
        for text in variants:
            ratio = fuzz.ratio(plain, text)
            token_set = fuzz.token_set_ratio(plain, text)
            # token_set is 100 for any subset; weigh it by how much of the query it covers.
            coverage = min(len(plain), len(text)) / max(len(plain), len(text), 1)
            best = max(best, ratio, token_set * (0.5 + 0.5 * coverage))
        return best / 100.0

    def rank(self, question: str, k: int = 5, region_named: bool = False) -> list[Candidate]:
        return self._rank(question, k, region_named).candidates

    def _rank(self, question: str, k: int, region_named: bool) -> _Ranking:
        if self._index is None:
            return _Ranking([], None, 0)
        all_scores, words = self._scores(clean_input(question), region_named)
        n_entries = self._index.n_entries
        scores = all_scores[:n_entries]
        top = _top_positions(scores, k)
        ordered = sorted(top, key=lambda i: (-scores[i], i))
        candidates = [Candidate(self.entries[i], float(scores[i]))
                      for i in ordered if scores[i] > 0]
        topic = None
        if len(all_scores) > n_entries:
            best = int(np.argmax(all_scores[n_entries:]))
            topic = (self.topics[best].id, float(all_scores[n_entries + best]))
        return _Ranking(candidates, topic, words)

    # --- decisions ----------------------------------------------------------------------

    def match(self, question: str, region: str | Region | None = None) -> MatchResult:
        cleaned = clean_input(question)
        region_obj = self._resolve_region(region, cleaned)
        # Rank without the region's name; fall back to the full text if nothing else is left.
        topic = self._regions.without_region(cleaned) or cleaned
        ranking = self._rank(topic, k=4, region_named=topic != normalise(cleaned))
        candidates, nearest = ranking.candidates, ranking.nearest_out_of_scope
        oos_score = nearest[1] if nearest is not None else 0.0
        # What every outcome reports alike.
        result = partial(MatchResult, question=cleaned, region=region_obj,
                         out_of_scope_score=oos_score, words=ranking.words)
        smalltalk = self._smalltalk.match(cleaned)
        if smalltalk is not None:
            return result(status="smalltalk", score=1.0, reply=smalltalk.reply,
                          suggestions=tuple(candidates[:3]))
        contact_seeking = contact_rules.is_contact_seeking(normalise(cleaned))
        t = self.thresholds
        answer_at, suggest_at = t.for_length(ranking.words)
        top = candidates[0] if candidates else None
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        declined = (
            nearest if nearest is not None and top is not None and oos_score > 0
            and oos_score + t.decline >= top.score else None
        )
        if declined is None and top is not None and top.score >= answer_at and (
            top.score >= t.sure or top.score - runner_up >= t.margin
        ):
            contacts, note = contact_rules.contacts_for_entry(
                self.kb, top.entry, region_obj, contact_seeking
            )
            return result(status="answer", score=top.score, entry=top.entry,
                          suggestions=tuple(candidates[1:4]), contacts=tuple(contacts),
                          region_note=note, contact_first=contact_seeking)
        default = self.kb.default_contact
        fallback_contacts = (default,) if default is not None else ()
        if declined is None and top is not None and top.score >= suggest_at:
            return result(status="suggest", score=top.score, suggestions=tuple(candidates[:3]),
                          contacts=fallback_contacts)
        return result(status="fallback", score=top.score if top else 0.0,
                      suggestions=tuple(candidates[:3]), contacts=fallback_contacts,
                      out_of_scope_topic=declined[0] if declined is not None else None)

    def _resolve_region(self, region: str | Region | None, text: str) -> Region | None:
        if isinstance(region, Region):
            return region
        if region:
            return self._regions.resolve(region)
        return self._regions.find(text)

    # --- contacts -----------------------------------------------------------------------

    def find_region(self, text: str) -> Region | None:
        """A region mentioned anywhere in a question."""
        return self._regions.find(clean_input(text))

    def resolve_region(self, name: str) -> Region | None:
        """A region the user named on purpose (tolerates typos and "Landkreis …")."""
        return self._regions.resolve(clean_input(name))

    def contacts_for_query(self, text: str, region: str | Region | None = None) -> list[Contact]:
        """Contacts for /kontakt: by name, role or topic; the best entry's contacts otherwise."""
        cleaned = clean_input(text)
        region_obj = self._resolve_region(region, cleaned)
        found = contact_rules.search_contacts(self.kb, cleaned, self.vocab)
        if not found and cleaned:
            ranked = self.rank(cleaned, k=1)
            if ranked and ranked[0].score >= self.thresholds.suggest:
                found, _ = contact_rules.contacts_for_entry(self.kb, ranked[0].entry, None, True)
        found = list(found)
        if region_obj is not None:
            for contact in contact_rules.regional_contacts(self.kb, region_obj):
                if contact not in found:
                    found.append(contact)
        if not found and self.kb.default_contact is not None:
            found = [self.kb.default_contact]
        return found
