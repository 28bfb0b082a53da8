"""Recognise Thuringia's Landkreise and kreisfreie Städte in free text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from thekiz_bot.knowledge.loader import Region
from thekiz_bot.text.normalise import normalise

# Words people put around a region name; dropped before fuzzy matching an explicit region.
_REGION_FILLER = re.compile(r"\b(?:landkreis|lk|kreis|stadt|kreisfreie|kreisfreier|im|in|der|die)\b")


def region_label(region: Region) -> str:
    """Accusative, for "Für …": "den Landkreis Gotha", "den Wartburgkreis", "das Weimarer Land"."""
    if region.kind != "Landkreis":
        return f"die {region.kind} {region.name}"
    if region.name.lower().endswith("kreis"):
        return f"den {region.name}"
    if region.name.endswith(" Land"):
        return f"das {region.name}"
    return f"den Landkreis {region.name}"


class RegionFinder:
    def __init__(self, regions: Iterable[Region]) -> None:
        self._by_form: dict[str, Region] = {}
        for region in regions:
            for form in (region.name, region.id.replace("-", " "), *region.aliases):
                key = normalise(form)
                if key:
                    self._by_form.setdefault(key, region)
        self._pattern = None
        if self._by_form:
            alternation = "|".join(
                re.escape(f) for f in sorted(self._by_form, key=len, reverse=True)
            )
            self._pattern = re.compile(rf"(?<![0-9a-z])(?:{alternation})(?![0-9a-z])")

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

    def resolve(self, text: str) -> Region | None:
        """An explicitly given region name: exact first, then tolerant of typos."""
        found = self.find(text)
        if found is not None or not self._by_form:
            return found
        core = " ".join(_REGION_FILLER.sub(" ", normalise(text)).split())
        if len(core) < 4:
            return None
        best = process.extractOne(core, list(self._by_form), scorer=fuzz.ratio, score_cutoff=85)
        return self._by_form[best[0]] if best else None
