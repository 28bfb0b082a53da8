"""Recognise greetings, thanks, goodbyes and questions about the bot itself."""

from __future__ import annotations

from collections.abc import Iterable

from thekiz_bot.knowledge.loader import SmalltalkIntent
from thekiz_bot.text.normalise import Vocabulary, normalise

# Words that may surround a small-talk phrase without turning it into a real question.
_FILLER = frozenset(
    "bot botti du dir dich sie ihnen lieber liebe liebes zusammen nochmal sehr vielmals schon "
    "schonmal erstmal ok okay super toll prima ja nein gut alles und auch".split()
)
_MAX_EXTRA_TOKENS = 3


class SmalltalkMatcher:
    def __init__(self, intents: Iterable[SmalltalkIntent], vocab: Vocabulary) -> None:
        self._stopwords = vocab.stopwords
        self._patterns: list[tuple[tuple[str, ...], SmalltalkIntent]] = []
        for intent in intents:
            for pattern in intent.patterns:
                tokens = tuple(normalise(pattern).split())
                if tokens:
                    self._patterns.append((tokens, intent))
        # Longest pattern first, so "guten morgen" beats "morgen".
        self._patterns.sort(key=lambda item: -len(item[0]))

    def match(self, text: str) -> SmalltalkIntent | None:
        tokens = normalise(text).split()
        if not tokens:
            return None
        present = set(tokens)
        for pattern, intent in self._patterns:
            if pattern[0] not in present:  # cannot occur; most patterns, for most questions
                continue
            n = len(pattern)
            for start in range(len(tokens) - n + 1):
                if tuple(tokens[start : start + n]) != pattern:
                    continue
                rest = tokens[:start] + tokens[start + n :]
                extra = [t for t in rest if t not in _FILLER and t not in self._stopwords]
                if not extra and len(rest) <= _MAX_EXTRA_TOKENS:
                    return intent
        return None
