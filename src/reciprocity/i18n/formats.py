"""Numbers, amounts, dates and lists as a French or English reader writes them (Babel, CLDR data).

"612 400,00 €" / "€612,400.00", "20 mai 2025" / "20 May 2025", "A, B et C" / "A, B and C". Every interface (web
pages, PDF, CLI, finding messages) formats through these functions, so a value reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, format_percent

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
NONE = "—"


def check_language(lang: str) -> str:
    """`lang` itself when it is one we write in; any other value is a programming error."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def locale(lang: str) -> str:
    """The CLDR locale of a language: French of France, British English (day before month, "and" without comma)."""
    return _LOCALES[check_language(lang)]


@lru_cache(maxsize=len(LANGUAGES))
def _babel_locale(lang: str) -> Locale:
    """The Babel Locale of `locale(lang)`, parsed once (Babel parses a locale name on every call)."""
    return Locale.parse(locale(lang))


def to_decimal(value: Any) -> Decimal | None:
    """A finite Decimal from a Decimal, number or numeric text ("1234.50"); None for anything else."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def number(value: Any, lang: str, decimals: int | None = None) -> str:
    """1234.5 -> "1 234,5" / "1,234.5"; `decimals` fixes the number of decimals. Text that is no number stays."""
    amount = to_decimal(value)
    if amount is None:
        return NONE if value is None else str(value)
    return _number(str(amount), lang, decimals)


@lru_cache(maxsize=4096)
def _number(amount: str, lang: str, decimals: int | None) -> str:
    """Babel's number, once per amount as written (its text tells 1.0 from 1.00) and language (Babel parses
    its pattern and locale per call, the cost of most message parameters)."""
    pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(Decimal(amount), format=pattern, locale=_babel_locale(lang))


def money(amount: Any, currency: str | None, lang: str) -> str:
    """An amount with its currency, to the cent: "612 400,00 €" / "€612,400.00"; "—" when absent."""
    value = to_decimal(amount)
    if value is None:
        return NONE if amount in (None, "") else str(amount)
    return format_currency(value, (currency or "EUR").upper(), locale=_babel_locale(lang))


def money_of(value: Any, lang: str) -> str:
    """A contract money value ({"amount", "currency"} or a Money) as text; "—" when absent."""
    if value is None:
        return NONE
    if isinstance(value, dict):
        return money(value.get("amount"), value.get("currency"), lang)
    return money(getattr(value, "amount", None), getattr(value, "currency", None), lang)


def as_date(value: Any) -> date | None:
    """A date from a date, a datetime or ISO text ("2025-05-20", "2025-05-20T10:00:00"); None otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def long_date(value: Any, lang: str) -> str:
    """"1er mai 2025" / "1 May 2025"; "—" when absent; text that is no date stays as it is."""
    day = as_date(value)
    if day is None:
        return NONE if value in (None, "") else str(value)
    return _long_date(day, lang)


@lru_cache(maxsize=4096)
def _long_date(day: date, lang: str) -> str:
    """Babel's long date (slow: it parses its pattern and locale per call), once per day and language."""
    text = format_date(day, format="long", locale=_babel_locale(lang))
    if lang == "fr" and day.day == 1:  # French writes the first day of a month as an ordinal
        text = "1er" + text[1:]
    return text


def timestamp(moment: datetime, lang: str) -> str:
    """"20 mai 2025 à 14:03" / "20 May 2025 at 14:03" (a report's generation time)."""
    return format_datetime(moment, format="long", locale=locale(lang)).rsplit(":", 1)[0].replace(" UTC", "")


def percent(share: Any, lang: str) -> str:
    """A 0..1 share as "42 %" / "42%"; "—" when unknown."""
    value = to_decimal(share)
    return NONE if value is None else format_percent(value, locale=locale(lang))


def join(items: Iterable[Any], lang: str) -> str:
    """"A, B et C" / "A, B and C"; "—" for an empty list."""
    texts = [str(item) for item in items if item not in (None, "")]
    return format_list(texts, locale=_babel_locale(lang)) if texts else NONE


def plural(count: int, forms: dict[str, str], lang: str) -> str:
    """The form of `forms` ({"one", "other"}) CLDR gives for `count` ("0 offre" in French, "0 tenders")."""
    form = Locale.parse(locale(lang)).plural_form(abs(count))
    return (forms.get(form) or forms["other"]).format(count=number(count, lang))


def lower_first(text: str) -> str:
    """"Prix" -> "prix" inside a sentence; acronyms ("UE", "AMP") stay as they are."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text
