"""A question's features without scikit-learn are scikit-learn's features, to the bit: otherwise a
warm start (cached index, no scikit-learn) would rank differently from a fresh build."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils.murmurhash import murmurhash3_32 as sklearn_murmurhash

from tests.helpers.kb import write_mini_kb
from thekiz_bot.knowledge.loader import load_knowledge
from thekiz_bot.matching.features import SparseRows, feature_column, murmurhash3_32
from thekiz_bot.matching.index import (
    CHAR_NGRAMS,
    N_FEATURES,
    WORD_NGRAMS,
    Index,
    char_ngram_counts,
)
from thekiz_bot.matching.matcher import Matcher

WORD = HashingVectorizer(analyzer="word", ngram_range=WORD_NGRAMS, token_pattern=r"\S+",
                         n_features=N_FEATURES, alternate_sign=False, norm=None, dtype=np.float32)
CHAR = HashingVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, n_features=N_FEATURES,
                         alternate_sign=False, norm=None, dtype=np.float32)

# Words of the mini knowledge base, words it has never seen, typos, one- and two-letter words,
# repeated words, digits and (although analysed texts are ASCII) umlauts.
WORDS = ["prozessbegleitung", "prozesbegleitug", "kita", "sozialplanung", "a", "ab", "abc",
         "kindergeld", "wetter", "2024", "fortbildungsangebot", "pb", "ministerium", "über",
         "straße", "x"]
words = st.lists(st.sampled_from(WORDS) | st.text("abcdefghijklmnopqrstuvwxyz0123456789äöß",
                                                  min_size=1, max_size=14),
                 min_size=0, max_size=9)
texts = st.tuples(words, st.sampled_from([" ", "  ", " \t"])).map(lambda t: t[1].join(t[0]))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    matcher = Matcher(load_knowledge(write_mini_kb(tmp_path_factory.mktemp("kb"))))
    assert matcher.index is not None
    return matcher.index


@given(st.binary(max_size=40))
def test_the_hash_is_scikit_learns(data: bytes) -> None:
    assert murmurhash3_32(data) == sklearn_murmurhash(data, seed=0)


@given(st.text(max_size=12))
def test_a_feature_lands_in_scikit_learns_column(feature: str) -> None:
    hasher = FeatureHasher(n_features=N_FEATURES, input_type="string", alternate_sign=False)
    expected = hasher.transform([[feature]]).indices
    assert [feature_column(feature, N_FEATURES)] == list(expected)


def _reference(vectoriser: HashingVectorizer, text: str, idf: np.ndarray,
               known: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """What the scorer computed with scikit-learn before: counts, known words only, sublinear
    tf x idf, L2 norm."""
    counts = vectoriser.transform([text])
    if known is not None:
        counts.data *= known[counts.indices]
        counts.eliminate_zeros()
    weighted = counts.astype(np.float32)
    weighted.data = ((1.0 + np.log(weighted.data)) * idf[weighted.indices]).astype(np.float32)
    norm = np.sqrt(np.dot(weighted.data, weighted.data))
    if norm > 0:
        weighted.data /= norm
    return weighted.indices, weighted.data


@settings(max_examples=300, deadline=None)
@given(texts)
def test_question_vectors_equal_scikit_learns(index: Index, text: str) -> None:
    query = index.query
    for ours, vectoriser, idf, known in (
        (query.word_vector(text), WORD, query.word_idf, query.known_words.astype(np.float32)),
        (query.char_vector(text), CHAR, query.char_idf, None),
    ):
        columns, weights = _reference(vectoriser, text, idf, known)
        assert list(ours[0]) == list(columns)
        assert ours[1].dtype == np.float32
        assert ours[1].tobytes() == weights.tobytes()


@settings(max_examples=300, deadline=None)
@given(texts)
def test_similarities_equal_scipys_sparse_product(index: Index, text: str) -> None:
    for rows, vector in ((index.char_matrix, index.query.char_vector(text)),
                         (index.word_matrix, index.query.word_vector(text)),
                         (index.answer_matrix, index.query.word_vector(text))):
        matrix = sparse.csr_matrix((rows.data, rows.indices, rows.indptr),
                                   shape=(len(rows.indptr) - 1, rows.n_columns))
        columns, weights = vector
        query = sparse.csr_matrix((weights, columns, [0, len(columns)]),
                                  shape=(1, N_FEATURES), dtype=np.float32)
        expected = np.asarray((query @ matrix).todense()).ravel()
        ours = rows.dot(columns, weights)
        assert ours.dtype == expected.dtype == np.float32
        assert ours.tobytes() == expected.tobytes()


def test_rows_sharing_columns_add_up_in_order() -> None:
    # Three rows hitting the same columns: float32 sums depend on the order of the additions.
    dense = np.array([[0.1, 0.7, 0.0], [0.3, 0.0, 1e-8], [0.6, 0.2, 0.9]], dtype=np.float32)
    matrix = sparse.csr_matrix(dense)
    rows = SparseRows.of(matrix)
    weights = np.array([0.33, 0.77, 1e8], dtype=np.float32)
    query = sparse.csr_matrix((weights, [0, 1, 2], [0, 3]), shape=(1, 3), dtype=np.float32)
    expected = np.asarray((query @ matrix).todense()).ravel()
    assert rows.dot(np.array([0, 1, 2]), weights).tobytes() == expected.tobytes()
    assert rows.dot(np.array([], dtype=np.int64), np.array([], dtype=np.float32)).tolist() == [0, 0, 0]


@pytest.mark.parametrize("density", [0.01, 0.5])  # rows sharing few and many columns
def test_products_with_short_and_long_rows_equal_scipys(density: float) -> None:
    rng = np.random.default_rng(1)
    matrix = sparse.random(60, 2000, density=density, format="csr", dtype=np.float32, random_state=rng)
    rows = SparseRows.of(matrix)
    chosen = np.sort(rng.choice(60, size=25, replace=False))
    weights = rng.random(25).astype(np.float32)
    query = sparse.csr_matrix((weights, chosen, [0, 25]), shape=(1, 60), dtype=np.float32)
    expected = np.asarray((query @ matrix).todense()).ravel()
    assert rows.dot(chosen, weights).tobytes() == expected.tobytes()
    cached = pickle.loads(pickle.dumps(rows))  # as read from the index cache
    assert cached.dot(chosen, weights).tobytes() == expected.tobytes()


def test_a_question_of_unknown_words_has_no_word_features(index: Index) -> None:
    columns, weights = index.query.word_vector("quxfoo blarg")
    assert len(columns) == len(weights) == 0
    assert not index.word_matrix.dot(columns, weights).any()
    # Its character n-grams still count (typos, compounds).
    assert len(index.query.char_vector("quxfoo blarg")[0]) > 0


def test_indexed_texts_get_the_vectorisers_character_counts(index: Index) -> None:
    """The build adds a text's character n-grams up from its words' (far quicker than
    n-gramming every text): the very matrix HashingVectorizer gives."""
    # Every text, some twice, and texts repeating words.
    texts = [*index.texts, *index.texts[:3], " ".join(index.texts[0].split() * 3)]
    ours = char_ngram_counts(index.query.table, texts)
    expected = CHAR.transform(texts)
    assert ours.shape == expected.shape
    assert ours.indptr.tolist() == expected.indptr.tolist()
    assert ours.indices.tolist() == expected.indices.tolist()
    assert ours.data.dtype == np.float32 and ours.data.tobytes() == expected.data.tobytes()
