"""The one region resolver: Thuringia's Landkreise and kreisfreie Städte in what people type.

Used by the FAQ (a region named in a question, `/region`) and by events and broadcasts (the
region of an event, `announce --region`), so that a name accepted in one place is accepted in
every other: exact spellings and aliases first, then tolerant of typos ("Weimarer Lnad").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from thekiz_bot.knowledge.model import Region
from thekiz_bot.text.normalise import clean_input, fold, normalise

THURINGIA_LABEL = "ganz Thüringen"
# Words people put around a region name; dropped before fuzzy matching an explicit region.
_REGION_FILLER = re.compile(r"\b(?:landkreis|lk|kreis|stadt|kreisfreie|kreisfreier|im|in|der|die)\b")
# What an event's or announcement's region may say to mean "no particular region: all of
# Thuringia" (compared without spaces and punctuation, umlauts folded).
_THURINGIA_WORDS = frozenset(
    re.sub(r"[^0-9a-z]", "", fold(word)) for word in (
        "Thüringen", "ganz Thüringen", "thüringenweit", "landesweit", "alle", "alle Regionen",
        "überregional", "Land", "Freistaat Thüringen", "Thuringia",
    )
)
# Words before a name that say what kind of region it is ("LK Gotha", "Kreisfreie Stadt Jena").
_KIND_PREFIXES = ("kreisfreiestadt", "landkreis", "lk", "kreis", "stadt")
_FUZZY_CUTOFF = 85
_FUZZY_MIN_CHARS = 4


class UnknownRegion(ValueError):
    """An explicitly given region matches no Landkreis or kreisfreie Stadt; the text says so."""

    def __init__(self, text: str) -> None:
        self.text = text.strip()
        super().__init__(
            f"Die Region „{self.text}“ kenne ich nicht. Bitte den Namen eines Landkreises "
            f"oder einer kreisfreien Stadt angeben, oder „Thüringen“ für alle."
        )


def region_label(region: Region) -> str:
    """Accusative, for "Für …": "den Landkreis Gotha", "den Wartburgkreis", "das Weimarer Land"."""
    if region.kind != "Landkreis":
        return f"die {region.kind} {region.name}"
    if region.name.lower().endswith("kreis"):
        return f"den {region.name}"
    if region.name.endswith(" Land"):
        return f"das {region.name}"
    return f"den Landkreis {region.name}"


def _compact(text: str) -> str:
    """Folded letters and digits only: "Weimarer-Land", "weimarer land" -> "weimarerland"."""
    return re.sub(r"[^0-9a-z]", "", fold(clean_input(text)))


def means_all_of_thuringia(text: str) -> bool:
    return _compact(text) in _THURINGIA_WORDS


class RegionFinder:
    def __init__(self, regions: Iterable[Region] = ()) -> None:
        self.regions: tuple[Region, ...] = tuple(regions)
        self._by_id = {region.id: region for region in self.regions}
        self._by_form: dict[str, Region] = {}
        self._by_compact: dict[str, Region] = {}
        for region in self.regions:
            for form in (region.name, region.id.replace("-", " "), *region.aliases):
                key = normalise(form)
                if key:
                    self._by_form.setdefault(key, region)
                self._by_compact.setdefault(_compact(form), region)
        self._pattern = None
        if self._by_form:
            alternation = "|".join(
                re.escape(f) for f in sorted(self._by_form, key=len, reverse=True)
            )
            self._pattern = re.compile(rf"(?<![0-9a-z])(?:{alternation})(?![0-9a-z])")

    # --- by id -----------------------------------------------------------------------------

    def known(self, region_id: str) -> bool:
        return region_id in self._by_id

    def name(self, region_id: str | None) -> str:
        """The name people read; None is all of Thuringia."""
        if region_id is None:
            return THURINGIA_LABEL
        region = self._by_id.get(region_id)
        return region.name if region is not None else region_id

    # --- in free text ----------------------------------------------------------------------

    def find(self, text: str) -> Region | None:
        """The first region named in the text (longest spelling wins: "Weimarer Land" > "Weimar")."""
        if self._pattern is None:
            return None
        normalised = normalise(text)
        match = self._pattern.search(normalised)
        if match:
            return self._by_form[match.group(0)]
        return None

    def without_region(self, text: str) -> str:
        """The normalised text with region names removed: they say where, not what."""
        normalised = normalise(text)
        if self._pattern is None:
            return normalised
        return " ".join(self._pattern.sub(" ", normalised).split())

    # --- given explicitly ------------------------------------------------------------------

    def resolve(self, text: str) -> Region | None:
        """An explicitly given region name: exact first, then tolerant of typos."""
        found = self.find(text)
        if found is not None or not self._by_form:
            return found
        return self._fuzzy(text)

    def resolve_scope(self, text: str) -> str | None:
        """The region id an event or announcement is for; None for all of Thuringia.

        Raises UnknownRegion (a German sentence) when the text names no region.
        """
        if not text.strip() or means_all_of_thuringia(text):
            return None
        region = self._exact(text) or self.resolve(text)
        if region is None:
            raise UnknownRegion(text)
        return region.id

    def is_region_name(self, text: str) -> bool:
        """The whole text is a region (or all of Thuringia), not a sentence that mentions one.

        For unlabelled parts of the one-line event form: "Gotha" is the region, "Treffen in
        Gotha" is the description.
        """
        if means_all_of_thuringia(text):
            return True
        return self._exact(text) is not None or self._fuzzy(text) is not None

    def _exact(self, text: str) -> Region | None:
        """The whole text is one spelling of a region, perhaps after a word like "Landkreis"."""
        key = _compact(text)
        if key in self._by_compact:
            return self._by_compact[key]
        for prefix in _KIND_PREFIXES:
            if key.startswith(prefix) and key[len(prefix):] in self._by_compact:
                return self._by_compact[key[len(prefix):]]
        return None

    @staticmethod
    def _core(text: str) -> str:
        return " ".join(_REGION_FILLER.sub(" ", normalise(text)).split())

    def _fuzzy(self, text: str) -> Region | None:
        core = self._core(text)
        if len(core) < _FUZZY_MIN_CHARS or not self._by_form:
            return None
        if core in self._by_form:
            return self._by_form[core]
        best = process.extractOne(core, list(self._by_form), scorer=fuzz.ratio,
                                  score_cutoff=_FUZZY_CUTOFF)
        return self._by_form[best[0]] if best else None
