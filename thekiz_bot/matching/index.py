"""The search index of a knowledge base: every indexed text of every served entry and out-of-scope
topic as hashed word and character TF-IDF vectors, plus the word statistics the scorer needs.

Built once per knowledge base with scikit-learn; immutable and picklable afterwards. What a
question needs (matching/features.py) is kept as plain numpy arrays and dictionaries, so that
reading a cached index and answering from it does not import scikit-learn or scipy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, NamedTuple

import numpy as np

from thekiz_bot.knowledge.model import FaqEntry, OutOfScopeTopic
from thekiz_bot.matching.features import (
    QueryVectoriser,
    SparseRows,
    WordTable,
    char_words,
    row_positions,
)
from thekiz_bot.text.normalise import Vocabulary, normalise

BACKGROUND_FILE = "background_de.txt"
# Both vectorisers hash their features: no vocabulary dictionaries, which keeps a
# 100,000-entry knowledge base within memory and build-time limits.
N_FEATURES = 2**20
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 5)


@dataclass
class Index:
    # Served entries come first, then one pseudo-entry per out-of-scope topic: both are
    # scored alike, so "nearer to a topic than to any entry" is a like-for-like comparison.
    n_entries: int
    texts: list[str]                 # analysed text per indexed variant
    query: QueryVectoriser           # turns a question into the same features, without sklearn
    # Feature x variant (transposed), so a query multiplies only the rows of its own features.
    word_matrix: SparseRows
    char_matrix: SparseRows
    answer_matrix: SparseRows
    starts: np.ndarray               # first variant position of each entry and topic
    entry_tokens: list[frozenset[str]]  # every word of an entry: variants, keywords, answer
    answer_tokens: list[frozenset[str]]  # the words of each entry's answer alone
    token_idf: dict[str, float]      # inverse entry frequency of each known word
    # Words of the entries only: the share of a question's words in here is its coverage.
    entry_vocabulary: frozenset[str] = frozenset()
    # Words of entries and topics: typos are corrected towards these.
    vocabulary_set: frozenset[str] = frozenset()
    vocabulary_by_initial: dict[str, list[str]] = field(default_factory=dict)

    def variants(self, pos: int) -> list[str]:
        """The indexed texts of one entry or topic (stored as one contiguous slice)."""
        end = self.starts[pos + 1] if pos + 1 < len(self.starts) else len(self.texts)
        return self.texts[self.starts[pos]:end]

    def owner(self, variant: int) -> int:
        """The entry or topic an indexed text belongs to."""
        return int(np.searchsorted(self.starts, variant, side="right")) - 1

    def tokens_without(self, pos: int, variant: int) -> frozenset[str]:
        """The words of entry or topic `pos` as if indexed text `variant` had never been added."""
        start = int(self.starts[pos])
        others = [t for i, t in enumerate(self.variants(pos)) if start + i != variant]
        return self.answer_tokens[pos].union(*(t.split() for t in others))


def load_background() -> list[str]:
    """Everyday German questions shipped with the package (one per line)."""
    try:
        text = resources.files("thekiz_bot.matching").joinpath(BACKGROUND_FILE).read_text(
            encoding="utf-8"
        )
    except FileNotFoundError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def entry_variants(entry: FaqEntry) -> list[str]:
    """The texts an entry is found by: its question, its alternates and its keywords as one text."""
    variants = [entry.question, *entry.alternates]
    if entry.keywords:
        variants.append(" ".join(entry.keywords))
    return variants


class IndexedText(NamedTuple):
    # A named tuple, not a dataclass: a 100,000-entry knowledge base has over a million.
    owner: int       # entry position, then out-of-scope topic position after the entries
    raw: str         # as written (what a language model reads)
    analysed: str    # as the index holds it


def indexed_texts(
    entries: Sequence[FaqEntry], topics: Sequence[OutOfScopeTopic], vocab: Vocabulary
) -> list[IndexedText]:
    """Every indexed text, in index order: per entry its variants, then per out-of-scope topic
    its example questions, each analysed text once per owner."""
    # (variants, answer, id) per entry, then per out-of-scope topic (which has no answer).
    sources: list[tuple[list[str], str, str]] = [
        (entry_variants(entry), entry.answer, entry.id) for entry in entries
    ]
    sources += [(list(topic.questions), "", topic.id) for topic in topics]
    out: list[IndexedText] = []
    for pos, (variants, answer, ident) in enumerate(sources):
        seen: set[str] = set()
        for variant in variants:
            analysed = vocab.analyse(variant)
            if analysed and analysed not in seen:
                seen.add(analysed)
                out.append(IndexedText(pos, variant, analysed))
        if not seen:
            # A question of only emoji or punctuation: index the entry by its answer instead,
            # so that every entry owns at least one variant.
            fallback = vocab.analyse(answer) if answer else ""
            out.append(IndexedText(pos, answer or ident, fallback or normalise(ident) or "x"))
    return out


def build_index(
    entries: Sequence[FaqEntry],
    topics: Sequence[OutOfScopeTopic],
    vocab: Vocabulary,
    background: Sequence[str],
) -> Index:
    indexed = indexed_texts(entries, topics, vocab)
    texts = [text.analysed for text in indexed]
    owners = [text.owner for text in indexed]
    answers = [vocab.analyse(entry.answer) if entry.answer else "" for entry in entries]
    answers += [""] * len(topics)
    n_entries = len(entries)
    entry_texts = [text for text, owner in zip(texts, owners, strict=True) if owner < n_entries]
    entry_vocabulary = frozenset(
        token for text in (*entry_texts, *answers[:n_entries]) for token in text.split()
    )

    # Answers count as known words too: a question may use the answer's vocabulary.
    vocabulary = sorted({t for text in (*texts, *answers) for t in text.split()})
    # Generic German questions join the IDF statistics only: a knowledge base of 70
    # entries cannot tell on its own that "wie", "gibt es" or "brauche" say little.
    analysed_background = [t for t in (vocab.analyse(b) for b in background) if t]
    query, word_matrix, char_matrix, answer_matrix = _vectorise(
        texts, answers, analysed_background, vocabulary
    )
    starts = np.searchsorted(np.asarray(owners), np.arange(n_entries + len(topics)))
    entry_tokens: list[set[str]] = [set(a.split()) for a in answers]
    for text, owner in zip(texts, owners, strict=True):
        entry_tokens[owner].update(text.split())
    df: dict[str, int] = {}
    for tokens in entry_tokens:
        for token in tokens:
            df[token] = df.get(token, 0) + 1
    for text in analysed_background:
        for token in set(text.split()):
            if token in df:
                df[token] += 1
    n = len(entry_tokens) + len(analysed_background)
    token_idf = {t: float(np.log((1 + n) / (1 + d)) + 1) for t, d in df.items()}
    by_initial: dict[str, list[str]] = {}
    for token in vocabulary:
        by_initial.setdefault(token[0], []).append(token)
    return Index(
        n_entries=n_entries,
        texts=texts,
        query=query,
        word_matrix=word_matrix,
        char_matrix=char_matrix,
        answer_matrix=answer_matrix,
        starts=starts,
        entry_tokens=[frozenset(t) for t in entry_tokens],
        answer_tokens=[frozenset(a.split()) for a in answers],
        token_idf=token_idf,
        entry_vocabulary=entry_vocabulary,
        vocabulary_set=frozenset(vocabulary),
        vocabulary_by_initial=by_initial,
    )


def _vectorise(
    texts: list[str], answers: list[str], background: list[str], vocabulary: list[str]
) -> tuple[QueryVectoriser, SparseRows, SparseRows, SparseRows]:
    """The TF-IDF matrices of the indexed texts and answers (feature x text), and what a
    question needs to be turned into the same features."""
    # Only building needs scikit-learn and scipy; a cached index is read and queried without.
    from scipy import sparse
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

    def by_feature(matrix: sparse.spmatrix) -> SparseRows:
        return SparseRows.of(sparse.csr_matrix(matrix, dtype=np.float32).T.tocsr())

    word = HashingVectorizer(
        analyzer="word", ngram_range=WORD_NGRAMS, token_pattern=r"\S+", n_features=N_FEATURES,
        alternate_sign=False, norm=None, dtype=np.float32,
    )
    word_counts = word.transform(texts)
    word_idf = TfidfTransformer(sublinear_tf=True).fit(
        sparse.vstack([word_counts, word.transform(background)]) if background else word_counts
    )
    word_matrix = by_feature(word_idf.transform(word_counts))
    del word_counts
    char = HashingVectorizer(
        analyzer="char_wb", ngram_range=CHAR_NGRAMS, n_features=N_FEATURES, alternate_sign=False,
        norm=None, dtype=np.float32,
    )
    # The same vectorisers over the vocabulary, one word per row: a question's known words are
    # looked up, not hashed again, and the indexed texts' character n-grams are their words'.
    words_char = char.transform(vocabulary)
    table = WordTable(
        rows={w: i for i, w in enumerate(vocabulary)},
        # Every entry owns a variant, so the vocabulary is never empty; each word is one token.
        unigram=word.transform(vocabulary).indices.astype(np.int64),
        char_indptr=words_char.indptr.astype(np.int64),
        char_columns=words_char.indices.astype(np.int64),
        char_counts=words_char.data.astype(np.float32),
    )
    char_counts = char_ngram_counts(table, texts)
    char_idf = TfidfTransformer(sublinear_tf=True).fit(
        sparse.vstack([char_counts, char.transform(background)]) if background else char_counts
    )
    char_matrix = by_feature(char_idf.transform(char_counts))
    del char_counts
    answer_matrix = by_feature(word_idf.transform(word.transform(answers)))
    query = QueryVectoriser(
        n_features=N_FEATURES, word_ngrams=WORD_NGRAMS, char_ngrams=CHAR_NGRAMS,
        word_idf=np.asarray(word_idf.idf_), char_idf=np.asarray(char_idf.idf_),
        known_words=word_matrix.nonempty(), table=table,
    )
    return query, word_matrix, char_matrix, answer_matrix


_CHUNK = 20_000


def char_ngram_counts(table: WordTable, texts: list[str]) -> Any:
    """The character n-gram counts of the texts (a scipy CSR matrix), as the char_wb
    HashingVectorizer gives them, added up from their words' rows in the table: a knowledge
    base repeats the same few words in hundreds of thousands of texts, and n-gramming each
    text in Python took most of the build. Every word of an indexed text is in the table."""
    from scipy import sparse

    parts = []
    for first in range(0, len(texts), _CHUNK):
        chunk = texts[first:first + _CHUNK]
        words, owners = [], []
        for i, text in enumerate(chunk):
            for word in char_words(text):
                words.append(table.rows[word])
                owners.append(i)
        positions, lengths = row_positions(table.char_indptr, np.array(words, dtype=np.int64))
        counts = sparse.csr_matrix(
            (table.char_counts[positions],
             (np.repeat(np.array(owners, dtype=np.int64), lengths), table.char_columns[positions])),
            shape=(len(chunk), N_FEATURES), dtype=np.float32,
        )
        counts.sum_duplicates()  # duplicates summed, columns sorted: as the vectoriser leaves them
        parts.append(counts)
    return sparse.vstack(parts, format="csr")
