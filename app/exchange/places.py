"""Which city a row names: a known city, one the import may add, or a reason it cannot.

Dutch names are matched against the CBS list of municipalities (and the names they go
by); "Provincie X" is the province as a public body; a city abroad is known by name and
country. What is not known is never invented: an administrator's import adds it only
when asked (`createCities=true`), and the dry run lists it first.
"""

import re
from dataclasses import dataclass, field

from app.reference.models import City
from app.reference.places import (
    MUNICIPALITY_ALIASES,
    country_code,
    fold,
    province_body,
)

_CBS_CODE = re.compile(r"^GM\d{4}$", re.IGNORECASE)
# "Gliwice & Poznan": one project of several cities; the first named owns it.
_SEVERAL = re.compile(r"\s+(?:&|\+|and|en|und)\s+")
# "Bergen (L.)": the CBS disambiguates a few names by province; the bare name is both.
_SUFFIX = re.compile(r"\s*\([^)]*\)$")


@dataclass
class NewCity:
    """A city the file names that the network does not know yet."""

    name: str
    country: str
    province: str
    kind: str  # "city" or "province"
    rows: list[int] = field(default_factory=list)
    city: City | None = None  # once added


Place = City | NewCity


@dataclass
class Placed:
    owner: Place
    partners: list[Place]


class Places:
    """The cities of the network, looked up the way inventories name them."""

    def __init__(self, cities: list[City]) -> None:
        self.dutch: dict[str, list[City]] = {}
        self.by_code = {c.cbs_code.upper(): c for c in cities if c.cbs_code}
        self.abroad: dict[tuple[str, str], City] = {}
        for city in cities:
            if city.country == "NL":
                self.dutch.setdefault(fold(city.name), []).append(city)
                bare = _SUFFIX.sub("", city.name)
                if bare != city.name:
                    self.dutch.setdefault(fold(bare), []).append(city)
            else:
                self.abroad[(fold(city.name), city.country)] = city
        for code, names in MUNICIPALITY_ALIASES.items():
            if code in self.by_code:
                for name in names:
                    self.dutch.setdefault(fold(name), []).append(self.by_code[code])
        self.new: dict[tuple[str, str], NewCity] = {}

    def place(self, name: str, country: str, row: int) -> Placed | str:
        """The owning city (and partner cities) a row names, or why none can be found."""
        if not name.strip():
            return "no city"
        code = country_code(country)
        if code is None:
            return f"unknown country {country!r}: name a European country or its ISO code"
        name = name.strip()
        parts = [p.strip() for p in _SEVERAL.split(name) if p.strip()]
        if len(parts) > 1 and self._known(name, code) is None:
            found = [self._one(part, code, row) for part in parts]
            places = [p for p in found if not isinstance(p, str)]
            if len(places) == len(parts):
                return Placed(owner=places[0], partners=places[1:])
        whole = self._one(name, code, row)
        return whole if isinstance(whole, str) else Placed(owner=whole, partners=[])

    def _known(self, name: str, code: str) -> City | None:
        if code != "NL":
            return self.abroad.get((fold(name), code))
        found = self.dutch.get(fold(name), [])
        return found[0] if len(found) == 1 else None

    def _one(self, name: str, code: str, row: int) -> Place | str:
        if code != "NL":
            known = self.abroad.get((fold(name), code))
            return known if known is not None else self._new(name, code, "", "city", row)
        if _CBS_CODE.match(name):
            return self.by_code.get(name.upper()) or f"no Dutch municipality has code {name}"
        candidates = {c.id: c for c in self.dutch.get(fold(name), [])}
        if len(candidates) == 1:
            return next(iter(candidates.values()))
        if candidates:
            listed = " or ".join(sorted(c.name for c in candidates.values()))
            return f"{name!r} is ambiguous: {listed}; use the CBS name or code"
        province = province_body(name)
        if province is not None:
            return self._new(f"Provincie {province}", "NL", province, "province", row)
        return (
            f"{name!r} is not a Dutch municipality on the CBS list; name the municipality, "
            "or the country of a city abroad"
        )

    def _new(self, name: str, country: str, province: str, kind: str, row: int) -> NewCity:
        key = (fold(name), country)
        new = self.new.setdefault(key, NewCity(name, country, province, kind))
        if row not in new.rows:
            new.rows.append(row)
        return new
