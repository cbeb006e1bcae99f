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


class Coded:
    """A parameter holding a code (or codes) of a code list, shown by its label."""

    def __init__(self, list_name: str, value: Any) -> None:
        self.list_name, self.value = list_name, value


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
    if isinstance(value, Coded):
        return _typed(value.value, value.list_name, lang)
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
    """A value shown as `spec` says: "country", "phrase", or a code list (labels in lower case: mid-sentence)."""
    items = value if isinstance(value, list | tuple) else [value]
    if spec == "country":
        shown = [labels.country(item, lang) or str(item) for item in items]
    elif spec == "phrase":
        shown = [phrases.translate(item, lang) or str(item) for item in items]
    else:
        shown = [formats.lower_first(labels.label(spec, item, lang, short=True) or str(item)) for item in items]
    return formats.join(shown, lang)


class _LanguageFormatter(Formatter):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec:
            return _typed(value.value if isinstance(value, Coded) else value, format_spec, self.lang)
        return display(value, self.lang)


def _missing(value: Any, lang: str) -> Any:
    """Field names a rule lacked, in the reader's words (unknown ones unchanged, so the text test sees them)."""
    if isinstance(value, list | tuple):
        return [phrases.translate(item, lang) or item for item in value]
    return phrases.translate(value, lang) or value


def _worded(value: Any, lang: str) -> Any:
    """Text of a rule that the phrase table knows (several words or a typed pattern), in `lang`; else unchanged."""
    if isinstance(value, list | tuple):
        return [_worded(item, lang) for item in value]
    if isinstance(value, str) and phrases.is_sentence(value):
        return phrases.translate(value, lang) or value
    return value


def _typed_param(name: str, value: Any, lang: str) -> Any:
    """A parameter as the template shows it: `_eur` money, a code of the list its name is typed with in
    fields.yaml (e.g. `method` -> esubmission), or a rule's wording through the phrase table."""
    if name.endswith("_eur") and isinstance(value, Decimal | int) and not isinstance(value, bool):
        return EuroAmount(value)
    kind = phrases.param_type(name)
    if kind and kind.startswith("code:") and isinstance(value, str | list | tuple):
        return Coded(kind[5:], value)
    if kind == "phrase" and isinstance(value, str):  # typed as a rule's wording: even one word is translated
        return phrases.translate(value, lang) or value
    return _worded(value, lang)


def values_for(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The parameters as the template of `lang` reads them: typed (see `_typed_param`), `_fr` wordings in French."""
    values = {name: _typed_param(name, value, lang) for name, value in params.items()}
    if lang == "fr":
        values.update({name[:-3]: value for name, value in params.items() if name.endswith("_fr")})
    if "missing" in values and not (lang == "fr" and "missing_fr" in params):
        values["missing"] = _missing(params["missing"], lang)
    return values


def fill(template: str, params: Mapping[str, Any], lang: str) -> str:
    """The message of `template` with `params` shown for `lang` (KeyError names a parameter the rule forgot)."""
    return _LanguageFormatter(lang).format(normalise(template), **values_for(params, lang))
