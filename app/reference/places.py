"""How inventories name places: European countries, Dutch provinces, and the names
Dutch municipalities go by besides their CBS names.

Names are matched folded (case, accents, apostrophes and spacing ignored), so
"Wroclaw" finds "Wrocław" and "s-Hertogenbosch" finds "'s-Hertogenbosch".
"""

import re
import unicodedata
from collections.abc import Mapping

# ISO 3166-1 alpha-2 code -> the names inventories use for the country (English, own).
COUNTRIES: Mapping[str, tuple[str, ...]] = {
    "AD": ("Andorra",), "AL": ("Albania", "Shqipëria"), "AT": ("Austria", "Österreich"),
    "BA": ("Bosnia and Herzegovina", "Bosna i Hercegovina"),
    "BE": ("Belgium", "België", "Belgique"),
    "BG": ("Bulgaria", "България"), "CH": ("Switzerland", "Schweiz", "Suisse", "Svizzera"),
    "CY": ("Cyprus",), "CZ": ("Czechia", "Czech Republic", "Česko"),
    "DE": ("Germany", "Deutschland", "Duitsland"), "DK": ("Denmark", "Danmark", "Denemarken"),
    "EE": ("Estonia", "Eesti"), "ES": ("Spain", "España", "Spanje"),
    "FI": ("Finland", "Suomi"), "FR": ("France", "Frankrijk"), "GB": ("United Kingdom", "UK"),
    "GR": ("Greece", "Ελλάδα"), "HR": ("Croatia", "Hrvatska"), "HU": ("Hungary", "Magyarország"),
    "IE": ("Ireland", "Éire"), "IS": ("Iceland", "Ísland"), "IT": ("Italy", "Italia", "Italië"),
    "LI": ("Liechtenstein",), "LT": ("Lithuania", "Lietuva"),
    "LU": ("Luxembourg", "Lëtzebuerg"), "LV": ("Latvia", "Latvija"), "MC": ("Monaco",),
    "MD": ("Moldova",), "ME": ("Montenegro", "Crna Gora"), "MK": ("North Macedonia",),
    "MT": ("Malta",), "NL": ("Netherlands", "The Netherlands", "Nederland", "Holland"),
    "NO": ("Norway", "Norge", "Noorwegen"), "PL": ("Poland", "Polska", "Polen"),
    "PT": ("Portugal",), "RO": ("Romania", "România"), "RS": ("Serbia", "Srbija"),
    "SE": ("Sweden", "Sverige", "Zweden"), "SI": ("Slovenia", "Slovenija"),
    "SK": ("Slovakia", "Slovensko"), "SM": ("San Marino",), "UA": ("Ukraine", "Україна"),
    "VA": ("Vatican City", "Holy See"),
}  # fmt: skip
# The twelve provinces, as CBS names them; a province runs projects too ("Provincie X").
PROVINCES = (
    "Drenthe", "Flevoland", "Fryslân", "Gelderland", "Groningen", "Limburg",
    "Noord-Brabant", "Noord-Holland", "Overijssel", "Utrecht", "Zeeland", "Zuid-Holland",
)  # fmt: skip
PROVINCE_ALIASES: Mapping[str, str] = {"friesland": "Fryslân"}
# Names municipalities go by besides their CBS name (CBS code -> names): the everyday
# Dutch and English names, and the disambiguated names of the CBS/PDOK boundary files.
MUNICIPALITY_ALIASES: Mapping[str, tuple[str, ...]] = {
    "GM0518": ("Den Haag", "The Hague", "Haag"),
    "GM0796": ("Den Bosch", "Hertogenbosch"),
    "GM0888": ("Beek (L.)",), "GM0164": ("Hengelo (O.)",), "GM0417": ("Laren (NH.)",),
    "GM0687": ("Middelburg (Z.)",), "GM0603": ("Rijswijk (ZH.)",), "GM0971": ("Stein (L.)",),
    "GM0820": ("Nuenen",), "GM0363": ("Gemeente Amsterdam",),
}  # fmt: skip
# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "\u0131": "i", "æ": "ae", "œ": "oe", "ß": "ss"}
)
_PROVINCE_BODY = re.compile(r"^(?:provincie|province(?: of)?)\s+(?P<name>.+)$")


def fold(name: str) -> str:
    """A place name folded for matching: no case, accents, apostrophes or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", name.casefold().translate(_LETTERS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub("['\u2019`]", "", plain)
    return " ".join(plain.replace("-", " - ").split()).replace(" - ", "-")


_COUNTRY_CODES = {fold(name): code for code, names in COUNTRIES.items() for name in names}
_COUNTRY_CODES.update({code.lower(): code for code in COUNTRIES})
_PROVINCES = {fold(p): p for p in PROVINCES} | {fold(k): v for k, v in PROVINCE_ALIASES.items()}


def country_code(name: str) -> str | None:
    """The ISO code of a European country named in English, its own language or by code;
    an empty name is the Netherlands, as in a Dutch inventory."""
    if not name.strip():
        return "NL"
    return _COUNTRY_CODES.get(fold(name))


def province_body(name: str) -> str | None:
    """The province a name like "Provincie Zeeland" stands for, if it is one."""
    matched = _PROVINCE_BODY.match(fold(name))
    return _PROVINCES.get(matched["name"]) if matched else None
