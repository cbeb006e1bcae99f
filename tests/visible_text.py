"""What a reader sees on a page, and what must not be there: English words in French, raw codes, machine keys.

The English word list is built from our own English texts (interface messages, finding texts, code-list labels,
evidence labels) minus every word our French texts use, so a word both languages share ("services", "date",
"article") never trips it; `test_visible_text.py` checks that every French text we write passes the check.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from lxml import html as lxml_html

from reciprocity.i18n import labels
from reciprocity.i18n.phrases import field_data
from reciprocity.rules import all_codes
from reciprocity.rules.data import DATA_DIR
from webapp.messages import MESSAGES

WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿœŒ]+")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
UPPER_SNAKE = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DOT_DECIMAL_EURO = re.compile(r"\d\.\d+\s*(?:€|EUR\b)|\bEUR\s*\d")
ABSOLUTE_PATH = re.compile(r"(?<![\w:/.])/(?:[\w.-]+/){2,}[\w.-]*")
UNSHIPPED_FILE = re.compile(r"\b[\w-]+\.(?:md|py|yaml)\b")  # our documents and sources are not for readers
MACHINE_WORDS = {"true", "false", "null", "TODO"}  # and "None" on French pages ("None of…" is English)
QUOTED = re.compile(r"«[^»]*»|“[^”]*”")  # a quotation (of a notice, of searched words) is not interface text
ORIGIN_CODES = {"EU_EEA", "COVERED", "THIRD_AGREEMENT_NOT_COVERED", "UNCOVERED", "UNKNOWN"}


def _strings(value: Any) -> list[str]:
    """Every string inside a YAML/JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _language_side(value: Any, lang: str) -> list[str]:
    """The `lang` texts of a structure with {en, fr} leaves (and `short_<lang>`, `<lang>` keys anywhere)."""
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in (lang, f"short_{lang}") and isinstance(item, str):
                out.append(item)
            else:
                out += _language_side(item, lang)
    elif isinstance(value, list):
        for item in value:
            out += _language_side(item, lang)
    return out


@lru_cache(maxsize=2)
def texts(lang: str) -> tuple[str, ...]:
    """Every text we write in `lang`: interface messages, finding texts, labels, evidence labels, phrases."""
    index = 1 if lang == "en" else 0
    found = [pair[index] for pair in MESSAGES.values()]
    for name in ("codes", "benefit", "sme_score", "clause_templates"):
        found += _language_side(yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8")), lang)
    found += _language_side(labels.code_lists(), lang) + _language_side(field_data(), lang)
    found += _formatted_words(lang)
    return tuple(found)


def _formatted_words(lang: str) -> list[str]:
    """Words the formatters write (CLDR country and month names, currency codes of the form)."""
    from babel import Locale

    from reciprocity.draft import CURRENCIES
    from reciprocity.i18n.formats import locale

    cldr = Locale.parse(locale(lang))
    return [*cldr.territories.values(), *cldr.months["format"]["wide"].values(), *CURRENCIES]


def _words(texts_: tuple[str, ...]) -> set[str]:
    return {word.lower() for text in texts_ for word in WORD.findall(re.sub(r"\{[^}]*\}", " ", text))}


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Words of our English texts that none of our French texts uses (at least 3 letters)."""
    return frozenset(word for word in _words(texts("en")) - _words(texts("fr")) if len(word) >= 3)


@lru_cache(maxsize=1)
def french_words() -> frozenset[str]:
    """Accented words of our French texts that none of our English texts uses (for English pages): an unaccented
    French word ("change", "minimal", "standard") is too often English as well."""
    return frozenset(word for word in _words(texts("fr")) - _words(texts("en"))
                     if len(word) >= 4 and not word.isascii())


@lru_cache(maxsize=1)
def raw_codes() -> frozenset[str]:
    """Codes that must never show outside their small <code> element: finding codes, code-list values with a
    hyphen or underscore, origin classes."""
    codes = {code for spec in labels.code_lists().values() for code in spec["codes"] if re.search(r"[-_]", code)}
    return frozenset(codes | set(all_codes()) | ORIGIN_CODES)


def visible_text(page: str | bytes, data: list[str] = ()) -> str:
    """The words a reader sees: no script, style, <code>, technical folds or text the notice itself supplies
    (elements marked translate="no", and any of the `data` strings)."""
    document = lxml_html.fromstring(page)
    for element in document.xpath("//script|//style|//code|//pre|//title|//*[@translate='no']"
                                  "|//details[contains(concat(' ', @class, ' '), ' technical ')]"):
        element.drop_tree()
    text = QUOTED.sub(" ", " ".join(document.itertext()))
    for item in sorted((d for d in data if d and len(d) >= 3), key=len, reverse=True):
        text = text.replace(item, " ")
    return re.sub(r"\s+", " ", text)


def _near(text: str, start: int, end: int) -> str:
    return text[max(0, start - 40):end + 40]


def violations(text: str, lang: str) -> list[str]:
    """What must not be in the visible text of a page in `lang` (empty list: the page is clean)."""
    found = []
    foreign = english_words() if lang == "fr" else french_words()
    for match in WORD.finditer(text):
        if match.group().lower() in foreign:
            found.append(f"{'English' if lang == 'fr' else 'French'} word {match.group()!r}: "
                         f"…{_near(text, match.start(), match.end())}…")
    codes = raw_codes()
    for match in re.finditer(r"[A-Za-z0-9][A-Za-z0-9_-]*[A-Za-z0-9]", text):
        if match.group() in codes:
            found.append(f"raw code {match.group()!r}: …{_near(text, match.start(), match.end())}…")
    checks = [(SNAKE, "snake_case key"), (UPPER_SNAKE, "UPPER_SNAKE value"), (ISO_DATE, "ISO date"),
              (ABSOLUTE_PATH, "absolute path"), (UNSHIPPED_FILE, "file name of ours")]
    if lang == "fr":
        checks.append((DOT_DECIMAL_EURO, "amount written the English way"))
    for pattern, what in checks:
        for match in pattern.finditer(text):
            found.append(f"{what} {match.group()!r}: …{_near(text, match.start(), match.end())}…")
    for word in MACHINE_WORDS | ({"None"} if lang == "fr" else set()):
        for match in re.finditer(rf"\b{word}\b", text):
            found.append(f"machine word {word!r}: …{_near(text, match.start(), match.end())}…")
    return found


DATA_KEYS = {"id", "name", "title", "description", "additional_info", "lot_id", "publication_number", "identifiers",
             "source", "city", "notice_uuid", "contract_id", "names"}


def _data_strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for key, item in value.items()
                for text in (_strings(item) if key in DATA_KEYS else _data_strings(item))]
    if isinstance(value, list):
        return [text for item in value for text in _data_strings(item)]
    return []


def notice_strings(assessment: dict[str, Any]) -> list[str]:
    """The texts a notice supplies (names, titles, descriptions, identifiers): data, not interface words."""
    return [text for text in _data_strings(assessment.get("notice") or {}) if len(text) >= 3]


def page_violations(page: str | bytes, lang: str, data: list[str] = ()) -> list[str]:
    return violations(visible_text(page, data), lang)


ROOT = Path(__file__).resolve().parent.parent
