"""The English wordings rules put in evidence and message parameters ("estimated value (BT-27)"), in French or
in clean English: one table (data/fields.yaml `phrases`), matched on the whole text, with typed placeholders.

A text no phrase covers is returned as it is in English and as None in French: the caller then keeps it out of
the sentence (it stays in the technical details) or, for a message parameter, shows it unchanged, where the
visible-text test catches it so that its phrase gets written.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from . import formats, labels

DATA = Path(__file__).parent / "data" / "fields.yaml"
_NEEDED, _OPTIONAL = frozenset(("en", "fr", "type")), frozenset(("bt",))
_PLACEHOLDER = re.compile(r"\{(\w+)(?::([\w-]+))?\}")
_TYPED = {"country": r"[A-Z]{2}", "date": r"\d{4}-\d{2}-\d{2}", "money-eur": r"-?\d+(?:\.\d+)?",
          "phrase": r".+", "phrases": r".+"}


@lru_cache(maxsize=1)
def field_data() -> dict[str, Any]:
    """fields.yaml, checked: evidence entries with en, fr, type; phrases with match, en, fr."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != {"evidence", "params", "phrases"}:
        raise ConfigError("fields.yaml: expected the keys evidence, params and phrases")
    for key, kind in data["params"].items():
        if not isinstance(kind, str):
            raise ConfigError(f"fields.yaml: params.{key}: expected a type such as code:esubmission")
    for key, entry in data["evidence"].items():
        if not isinstance(entry, dict) or not _NEEDED <= set(entry) or set(entry) - _NEEDED - _OPTIONAL:
            raise ConfigError(f"fields.yaml: evidence.{key}: expected en, fr, type (and optionally bt)")
    for index, phrase in enumerate(data["phrases"]):
        if not isinstance(phrase, dict) or set(phrase) != {"match", "en", "fr"}:
            raise ConfigError(f"fields.yaml: phrases[{index}]: expected match, en, fr")
    return data


def _pattern_part(name: str, kind: str | None) -> str:
    if kind is None:
        return rf"(?P<{name}>.+?)"
    if kind in _TYPED:
        return rf"(?P<{name}>{_TYPED[kind]})"
    alternatives = sorted(labels.codes(kind), key=len, reverse=True)  # a code of that list, nothing else
    return rf"(?P<{name}>{'|'.join(re.escape(code) for code in alternatives)})"


def _compile(match: str) -> re.Pattern[str]:
    parts, position = [], 0
    for found in _PLACEHOLDER.finditer(match):
        parts.append(re.escape(match[position:found.start()]))
        parts.append(_pattern_part(found.group(1), found.group(2)))
        position = found.end()
    parts.append(re.escape(match[position:]))
    return re.compile("".join(parts) + r"\Z")


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[re.Pattern[str], dict[str, str]]]:
    return [(_compile(phrase["match"]), phrase) for phrase in field_data()["phrases"]]


def _fill(template: str, values: dict[str, str], lang: str) -> str:
    def value(found: re.Match[str]) -> str:
        name, kind = found.group(1), found.group(2)
        raw = values.get(name, "")
        if kind == "country":
            return labels.country(raw, lang) or raw
        if kind == "date":
            return formats.long_date(raw, lang)
        if kind == "money-eur":
            return formats.money(raw, "EUR", lang)
        if kind == "phrase":
            return translate(raw, lang) or raw
        if kind == "phrases":
            return formats.join((translate(part, lang) or part for part in raw.split(", ")), lang)
        if kind is not None:
            return formats.lower_first(labels.label(kind, raw, lang) or raw)
        return raw

    return _PLACEHOLDER.sub(value, template)


def translate(text: Any, lang: str) -> str | None:
    """`text` in `lang` through the phrase table; unknown text: itself in English, None in French."""
    if not isinstance(text, str):
        return None
    return _translated(text.strip(), lang)


@lru_cache(maxsize=8192)
def _translated(stripped: str, lang: str) -> str | None:
    """The table lookup (a scan of every phrase pattern), done once per text and language: rules pass the same
    wordings for every notice."""
    for pattern, phrase in _compiled():
        found = pattern.match(stripped)
        if found:
            return _fill(phrase[lang], found.groupdict(), lang)
    return stripped if lang == "en" else None


def is_sentence(text: str) -> bool:
    """Whether a text may be a rule's wording the table translates: several words, or a pattern with a colon.
    (A single word such as "lot" or "none" is translated only where its type says so, never in any parameter.)"""
    return " " in text.strip() or ":" in text


def param_type(name: str) -> str | None:
    """The type fields.yaml gives a message parameter (`params`), else its evidence key's type, else None."""
    data = field_data()
    entry = data.get("params", {}).get(name) or data["evidence"].get(name)
    return entry["type"] if isinstance(entry, dict) else entry
