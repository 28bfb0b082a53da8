"""Query-time features without scikit-learn: the hashed word and character n-grams of one
question, exactly as the index's `HashingVectorizer`s would produce them, their TF-IDF weights,
and their dot products with the index's rows.

The index is built with scikit-learn (fast over hundreds of thousands of texts), but importing
it costs most of a warm start; a question needs only the hashing of a few dozen n-grams and a
sparse row product, which this module does with numpy alone. A test checks it gives the same
numbers as scikit-learn, bit for bit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

_MASK = 0xFFFFFFFF
# scikit-learn's default preprocessing for text: white-space runs become one space.
_WHITE_SPACES = re.compile(r"\s\s+")
_TOKEN = re.compile(r"\S+")


def murmurhash3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 (x86, 32 bit, signed), the hash scikit-learn's HashingVectorizer uses."""
    h = seed & _MASK
    n = len(data)
    end = n - n % 4
    for i in range(0, end, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * 0xCC9E2D51) & _MASK
        k = ((k << 15) | (k >> 17)) & _MASK
        h ^= (k * 0x1B873593) & _MASK
        h = ((h << 13) | (h >> 19)) & _MASK
        h = (h * 5 + 0xE6546B64) & _MASK
    if n % 4:
        k = int.from_bytes(data[end:], "little")
        k = (k * 0xCC9E2D51) & _MASK
        k = ((k << 15) | (k >> 17)) & _MASK
        h ^= (k * 0x1B873593) & _MASK
    h ^= n
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    h ^= h >> 16
    return h - 0x100000000 if h & 0x80000000 else h


def feature_column(feature: str, n_features: int) -> int:
    """The column HashingVectorizer(alternate_sign=False) gives a feature."""
    h = murmurhash3_32(feature.encode("utf-8"))
    if h == -0x80000000:  # abs() of the smallest int32 is undefined; scikit-learn's special case
        return (0x7FFFFFFF - (n_features - 1)) % n_features
    return abs(h) % n_features


def word_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """analyzer="word", token_pattern=r"\\S+": scikit-learn's word n-grams of a text."""
    tokens = _TOKEN.findall(text.lower())
    low, high = ngram_range
    out = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return out


def char_wb_ngrams(word: str, ngram_range: tuple[int, int]) -> list[str]:
    """analyzer="char_wb": the character n-grams of one word, padded with a space each side."""
    padded = f" {word} "
    size = len(padded)
    out: list[str] = []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        out.extend(padded[i:i + n] for i in range(max(1, size - n + 1)))
        if size <= n:  # a short word yields its padded self once, as in scikit-learn
            break
    return out


def sorted_counts(columns: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Duplicate columns summed, in ascending column order (what csr sum_duplicates leaves)."""
    unique, inverse = np.unique(columns, return_inverse=True)
    summed = np.bincount(inverse, weights=counts, minlength=len(unique))
    return unique.astype(np.int32), summed.astype(np.float32)


def weigh(columns: np.ndarray, counts: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """Sublinear tf x idf, L2-normalised, in float32: the arithmetic of the index's
    TfidfTransformer applied to one question."""
    weighted: np.ndarray = ((1.0 + np.log(counts.astype(np.float32))) * idf[columns]).astype(
        np.float32
    )
    norm = np.sqrt(np.dot(weighted, weighted))
    if norm > 0:
        weighted /= norm
    return weighted


def row_positions(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions of every entry of the given CSR rows, row after row, and each row's length."""
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return np.arange(len(offsets)) + offsets, lengths


def char_words(text: str) -> list[str]:
    """The words analyzer="char_wb" takes n-grams of (it never crosses a space)."""
    return _WHITE_SPACES.sub(" ", text.lower()).split()


@dataclass(frozen=True)
class SparseRows:
    """A CSR matrix as plain arrays: row f holds the weight of feature f in every indexed text."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    n_columns: int

    @classmethod
    def of(cls, csr: Any) -> SparseRows:
        """From a scipy CSR matrix (at build time; scipy has no type information)."""
        return cls(np.asarray(csr.indptr), np.asarray(csr.indices),
                   np.asarray(csr.data, dtype=np.float32), int(csr.shape[1]))

    def nonempty(self) -> np.ndarray:
        """True for each row that has any entry."""
        return np.diff(self.indptr) > 0

    def dot(self, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """sum_i weights[i] * row[rows[i]] as a dense float32 vector, accumulated row after row
        in the given order, in float32: the same sums, to the bit, as scipy's sparse product of
        a one-row query with this matrix."""
        out = np.zeros(self.n_columns, dtype=np.float32)
        if len(rows) == 0:
            return out
        positions, lengths = row_positions(self.indptr, rows)
        products = self.data[positions] * np.repeat(weights.astype(np.float32), lengths)
        # As float32 by numpy's own dtype object: arrays read from a pickle carry an equal copy,
        # and with it add.at misses its fast path (ten times slower on a cached index).
        np.add.at(out, self.indices[positions], products.view(np.float32))
        return out


@dataclass(frozen=True)
class WordTable:
    """The hashed columns of the knowledge base's words, computed when the index is built: a
    question's known words cost a look-up instead of hashing each of their n-grams in Python."""

    rows: dict[str, int]       # word -> row
    unigram: np.ndarray        # per row: the word's column as a word feature
    char_indptr: np.ndarray    # per row: the columns and counts of its character n-grams
    char_columns: np.ndarray
    char_counts: np.ndarray


@dataclass(frozen=True)
class QueryVectoriser:
    """The features of one question, as the index's HashingVectorizer(alternate_sign=False,
    norm=None) and TfidfTransformer(sublinear_tf=True) would give them."""

    n_features: int
    word_ngrams: tuple[int, int]
    char_ngrams: tuple[int, int]
    word_idf: np.ndarray       # float32 per feature
    char_idf: np.ndarray
    # Per word feature: some indexed text has it. Like a vocabulary-based vectoriser, words
    # the index has never seen carry no weight.
    known_words: np.ndarray
    table: WordTable

    def word_counts(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Columns (ascending) and counts of the text's word n-grams, known ones only."""
        table, n = self.table, self.n_features
        columns = []
        for gram in word_ngrams(text, self.word_ngrams):
            row = table.rows.get(gram)
            columns.append(int(table.unigram[row]) if row is not None
                           else feature_column(gram, n))
        found = np.array(columns, dtype=np.int64)
        found = found[self.known_words[found]] if len(found) else found
        return sorted_counts(found, np.ones(len(found), dtype=np.float32))

    def char_counts(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Columns (ascending) and counts of the text's character n-grams (analyzer="char_wb")."""
        table, n = self.table, self.n_features
        columns: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        for word in char_words(text):
            row = table.rows.get(word)
            if row is not None:
                start, end = table.char_indptr[row], table.char_indptr[row + 1]
                columns.append(table.char_columns[start:end])
                counts.append(table.char_counts[start:end])
            else:
                grams = char_wb_ngrams(word, self.char_ngrams)
                columns.append(np.array([feature_column(g, n) for g in grams], dtype=np.int64))
                counts.append(np.ones(len(grams), dtype=np.float32))
        if not columns:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        return sorted_counts(np.concatenate(columns), np.concatenate(counts))

    def word_vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        columns, counts = self.word_counts(text)
        return columns, weigh(columns, counts, self.word_idf)

    def char_vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        columns, counts = self.char_counts(text)
        return columns, weigh(columns, counts, self.char_idf)
