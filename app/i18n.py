"""Translations: gettext catalogues under app/locale/, read with Babel.

English is the source language; a catalogue per other language (`<lang>/LC_MESSAGES/
messages.po`) holds its translations. Catalogues are compiled in memory when first
used, so the repository keeps only the text files translators edit. `make messages`
extracts new strings from templates and code into `messages.pot` and the catalogues.
"""

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("nl", "en")


@cache
def translations(language: str) -> NullTranslations:
    """The translations of `language`; the source text for English or an unknown one."""
    catalogue = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == SOURCE_LANGUAGE or not catalogue.exists():
        return NullTranslations()
    with catalogue.open("rb") as source:
        parsed = read_po(source, locale=language)
    compiled = BytesIO()
    write_mo(compiled, parsed)
    compiled.seek(0)
    return Translations(fp=compiled)
