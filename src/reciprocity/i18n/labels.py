"""Codes as words: the label of a code-list value in French or English, never the raw code in a sentence.

Two data files: `codelists.yaml` (official eForms code lists, extracted by scripts/extract_codelists.py) and
`vocabulary.yaml` (the program's own vocabularies: notice kinds, origin classes, buyer categories…). Countries
come from CLDR through Babel ("CN" -> "Chine" / "China"). Both files are checked strictly when loaded: an entry
without its English and French label, or an unknown key, is an error naming the file and the key.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale

from ..errors import ConfigError
from .formats import locale

DATA = Path(__file__).parent / "data"
_LIST_KEYS = {"source", "codes", "what", "extends"}
_CODE_KEYS = {"en", "fr", "short_en", "short_fr"}
# ISO codes the notices use that are not CLDR territories
_COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}


def _check(name: str, lists: Any) -> dict[str, dict[str, Any]]:
    """Every list has `source` and `codes`; every code an `en` and `fr` label; no other key."""
    if not isinstance(lists, dict):
        raise ConfigError(f"{name}: expected a mapping of code lists")
    for list_name, spec in lists.items():
        where = f"{name}: {list_name}"
        if not isinstance(spec, dict) or not {"source", "codes"} <= set(spec) or set(spec) - _LIST_KEYS:
            raise ConfigError(f"{where}: expected keys source, codes (and optionally what, extends)")
        for code, text in spec["codes"].items():
            if not isinstance(text, dict) or not {"en", "fr"} <= set(text) or set(text) - _CODE_KEYS:
                raise ConfigError(f"{where}.codes.{code}: expected en and fr (and optionally short_en, short_fr)")
    return lists


@lru_cache(maxsize=1)
def code_lists() -> dict[str, dict[str, Any]]:
    """Every code list, official and our own, by name (loaded once)."""
    lists: dict[str, dict[str, Any]] = {}
    for file in ("codelists.yaml", "vocabulary.yaml"):
        loaded = _check(file, yaml.safe_load((DATA / file).read_text(encoding="utf-8")))
        duplicated = set(lists) & set(loaded)
        if duplicated:
            raise ConfigError(f"{file}: list {sorted(duplicated)[0]!r} is defined twice")
        lists.update(loaded)
    for list_name, spec in lists.items():
        if spec.get("extends") and spec["extends"] not in lists:
            raise ConfigError(f"vocabulary.yaml: {list_name}.extends: unknown list {spec['extends']!r}")
    return lists


def codes(list_name: str) -> dict[str, dict[str, str]]:
    """{code: {en, fr}} of a list, with the codes of the list it extends first."""
    lists = code_lists()
    if list_name not in lists:
        raise ConfigError(f"unknown code list {list_name!r}")
    spec = lists[list_name]
    base = codes(spec["extends"]) if spec.get("extends") else {}
    return {**base, **spec["codes"]}


def label(list_name: str, code: Any, lang: str, short: bool = False) -> str | None:
    """The label of `code` in `list_name`, or None when the list does not have it (the caller shows the code)."""
    if code is None:
        return None
    entry = codes(list_name).get(str(code))
    if entry is None:
        return None
    return entry.get(f"short_{lang}") if short and entry.get(f"short_{lang}") else entry[lang]


def country(code: Any, lang: str) -> str | None:
    """A country's name from its ISO 3166-1 alpha-2 code ("DE" -> "Allemagne" / "Germany"); None when unknown."""
    if not isinstance(code, str) or not code.strip():
        return None
    territory = _COUNTRY_ALIASES.get(code.strip().upper(), code.strip().upper())
    return Locale.parse(locale(lang)).territories.get(territory) if len(territory) == 2 else None


def country_choices(lang: str, allowed: frozenset[str] | set[str]) -> list[tuple[str, str]]:
    """(code, name) of the `allowed` countries, sorted by their name in `lang` (for a form's list)."""
    named = [(code, country(code, lang) or code) for code in allowed]
    return sorted(named, key=lambda item: item[1])
