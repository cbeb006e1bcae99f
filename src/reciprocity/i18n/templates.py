"""Fill a finding's message template with its parameters, as a reader of that language writes them.

The convention every rule follows (brief "Message parameters"):
- money in euros is a `Decimal` under a name ending in `_eur`; the template writes the bare `{value_eur}` (the
  formatter adds the currency: "612 400,00 €" / "€612,400.00"); a sign written around it anyway is dropped;
- dates are `date` objects ("20 mai 2025"); lists are lists ("A, B et C"); booleans read "oui" / "non";
- `{name:LIST}` in a template shows a code (or list of codes) of a code list by its label
  (`{method:esubmission}` -> "autorisée"); `{name:country}` a country; `{name:phrase}` words of a rule;
- a `<name>_fr` parameter gives the French wording of `<name>`; `missing` (fields a rule lacked) is translated by
  the phrase table. An ISO date left inside a text parameter is shown as a date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from string import Formatter
from typing import Any

from . import formats, labels, phrases

_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_SIGN_BEFORE = re.compile(r"EUR\s*(\{\w+_eur(?::[\w-]+)?\})")
_SIGN_AFTER = re.compile(r"(\{\w+_eur(?::[\w-]+)?\})\s*€")


class EuroAmount(Decimal):
    """A parameter that is money in euros (named `*_eur`): shown with the currency."""


def normalise(template: str) -> str:
    """The template with any currency sign written around an `_eur` placeholder removed (the formatter adds it)."""
    return _SIGN_AFTER.sub(r"\1", _SIGN_BEFORE.sub(r"\1", template))


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in Formatter().parse(template) if name}


def display(value: Any, lang: str) -> str:
    """One parameter value as text in `lang` (see the module docstring)."""
    if value is None:
        return formats.NONE
    if isinstance(value, bool):
        return labels.label("yes_no", "yes" if value else "no", lang) or str(value)
    if isinstance(value, EuroAmount):
        return formats.money(value, "EUR", lang)
    if isinstance(value, Decimal | int | float):
        return formats.number(value, lang)
    if isinstance(value, date):
        return formats.long_date(value, lang)
    if isinstance(value, list | tuple | set | frozenset):
        return formats.join((display(item, lang) for item in value), lang)
    return _ISO_DATE.sub(lambda found: formats.long_date(found.group(1), lang), str(value))


def _typed(value: Any, spec: str, lang: str) -> str:
    items = value if isinstance(value, list | tuple) else [value]
    if spec == "country":
        shown = [labels.country(item, lang) or str(item) for item in items]
    elif spec == "phrase":
        shown = [phrases.translate(item, lang) or str(item) for item in items]
    else:
        shown = [labels.label(spec, item, lang) or str(item) for item in items]
    if len(shown) > 1 or isinstance(value, list | tuple):
        shown = [formats.lower_first(text) for text in shown]
    return formats.join(shown, lang)


class _LanguageFormatter(Formatter):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        return _typed(value, format_spec, self.lang) if format_spec else display(value, self.lang)


def _missing(value: Any, lang: str) -> Any:
    """Field names a rule lacked, in the reader's words (unknown ones unchanged, so the text test sees them)."""
    if isinstance(value, list | tuple):
        return [phrases.translate(item, lang) or item for item in value]
    return phrases.translate(value, lang) or value


def values_for(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The parameters as the template of `lang` reads them: `_eur` money typed, `_fr` wordings for French."""
    values = {name: EuroAmount(value) if name.endswith("_eur") and isinstance(value, Decimal | int) else value
              for name, value in params.items()}
    if lang == "fr":
        values.update({name[:-3]: value for name, value in params.items() if name.endswith("_fr")})
    if "missing" in values and not (lang == "fr" and "missing_fr" in params):
        values["missing"] = _missing(values["missing"], lang)
    return values


def fill(template: str, params: Mapping[str, Any], lang: str) -> str:
    """The message of `template` with `params` shown for `lang` (KeyError names a parameter the rule forgot)."""
    return _LanguageFormatter(lang).format(normalise(template), **values_for(params, lang))
