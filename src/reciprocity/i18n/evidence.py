"""A finding's evidence as labelled lines a buyer reads ("Valeur estimée : 4 588 150,50 € (BT-27)").

The raw evidence stays as it is in the JSON and in the report's "technical details" fold; these lines are what the
report, the PDF and the terminal show. How each key reads is data (fields.yaml `evidence`); a key without an entry
there, a `technical` key, and a value that cannot be said in the reader's language are left to the fold.
"""

from __future__ import annotations

from typing import Any

from . import formats, labels, phrases
from .formats import NONE

_EMPTY = (None, "", [], {})
_RECEIVED = (  # received-submission kinds (BT-760), in reading order
    ("total", {"en": "{count} in total", "fr": "{count} au total"}),
    ("sme", {"en": "{count} from SMEs", "fr": "{count} de PME"}),
    ("other_eea", {"en": "{count} from another EEA country", "fr": "{count} d'un autre pays de l'EEE"}),
    ("non_eea", {"en": "{count} from outside the EEA", "fr": "{count} de l'extérieur de l'EEE"}),
    ("electronic", {"en": "{count} submitted electronically", "fr": "{count} par voie électronique"}),
    ("requests", {"en": "{count} requests to participate", "fr": "{count} demandes de participation"}),
)
_VALIDITY = {"en": ("valid", "invalid"), "fr": ("valide", "invalide")}


def spec(key: str) -> dict[str, str] | None:
    """How an evidence key reads ({en, fr, type, ?bt}), or None for a key without an entry."""
    return phrases.field_data()["evidence"].get(key)


def field_label(key: str, lang: str) -> str | None:
    """The label of an evidence (or coverage) key in `lang`, or None when it has none."""
    entry = spec(key)
    return entry[lang] if entry else None


def evidence_lines(evidence: dict[str, Any] | None, lang: str) -> list[dict[str, str]]:
    """[{key, label, text}] for every evidence value that can be said in `lang`, in the evidence's order."""
    lines = []
    for key, value in (evidence or {}).items():
        entry = spec(key)
        if entry is None or entry["type"] == "technical" or value in _EMPTY:
            continue
        text = render(entry["type"], value, lang)
        if text is None:
            continue
        suffix = f" ({entry['bt']})" if entry.get("bt") else ""
        lines.append({"key": key, "label": entry[lang], "text": text + suffix})
    return lines


def render(kind: str, value: Any, lang: str) -> str | None:
    """One value of type `kind` (see fields.yaml) as text; None when it cannot be said in `lang`."""
    if kind.startswith("code:"):
        return _codes(kind[5:], value, lang)
    renderer = _RENDERERS.get(kind)
    if renderer is None:
        return None
    return renderer(value, lang)


def _codes(list_name: str, value: Any, lang: str) -> str | None:
    items = value if isinstance(value, list) else [value]
    shown = [labels.label(list_name, item, lang) for item in items]
    if any(text is None for text in shown):
        return None
    return formats.join(shown if len(shown) == 1 else [formats.lower_first(text) for text in shown], lang)


def _bool(value: Any, lang: str) -> str:
    code = "unknown" if value is None else "yes" if value else "no"
    return labels.label("yes_no", code, lang) or NONE


def _text(value: Any, lang: str) -> str:
    items = value if isinstance(value, list) else [value]
    quote = "« {} »" if lang == "fr" else "“{}”"
    return formats.join((quote.format(item) for item in items if item), lang)


def _countries(value: Any, lang: str) -> str | None:
    items = value if isinstance(value, list) else [value]
    names = [labels.country(item, lang) for item in items]
    return None if None in names else formats.join(names, lang)


def _agreements(value: Any, lang: str) -> str:
    items = value if isinstance(value, list) else [value]
    return formats.join((labels.label("agreement", item, lang, short=True) or item for item in items), lang)


def _winner(entry: dict[str, Any], lang: str) -> str:
    country = labels.country(entry.get("country"), lang) or (NONE if not entry.get("country") else entry["country"])
    origin = labels.label("origin_class", entry.get("class"), lang) or NONE
    return f"{entry.get('name') or NONE} ({country} ; {origin})" if lang == "fr" else \
        f"{entry.get('name') or NONE} ({country}; {origin})"


def _winners(value: Any, lang: str) -> str | None:
    if not isinstance(value, list):
        return None
    return formats.join((_winner(item, lang) for item in value if isinstance(item, dict)), lang)


def _received(value: Any, lang: str) -> str | None:
    if not isinstance(value, dict):
        return None
    parts = [text[lang].format(count=formats.number(value[key], lang))
             for key, text in _RECEIVED if value.get(key) is not None]
    return ", ".join(parts) or None


def _checked(value: Any, lang: str) -> str | None:
    if not isinstance(value, list):
        return None
    shown = []
    for item in value:
        kind = labels.label("id_kind", item.get("kind"), lang) or item.get("kind")
        role = labels.label("role", item.get("role"), lang) or item.get("role")
        validity = _VALIDITY[lang][0 if item.get("valid") else 1]
        shown.append(f"{kind} {item.get('value')} ({role} {item.get('name') or NONE}) : {validity}" if lang == "fr"
                     else f"{kind} {item.get('value')} ({role} {item.get('name') or NONE}): {validity}")
    return "; ".join(shown) or None


def _missing_item(item: Any, lang: str) -> str | None:
    if isinstance(item, dict):  # DATA-MISSING: {"field", "needed_by"}
        return phrases.translate(item.get("field"), lang)
    return phrases.translate(item, lang)


def _missing(value: Any, lang: str) -> str | None:
    items = value if isinstance(value, list) else [value]
    shown = [_missing_item(item, lang) for item in items]
    return None if None in shown else formats.join(shown, lang)


def _phrase(value: Any, lang: str) -> str | None:
    return phrases.translate(value, lang) if isinstance(value, str) else None


def _field_paths(value: Any, lang: str) -> str | None:
    items = value if isinstance(value, list) else [value]
    shown = list(dict.fromkeys(phrases.translate(item, lang) for item in items))
    return None if None in shown else formats.join(shown, lang)


def _lots(value: Any, lang: str) -> str:
    items = value if isinstance(value, list) else [value]
    return formats.join(items, lang)


_RENDERERS = {
    "money-eur": lambda value, lang: formats.money(value, "EUR", lang),
    "money": formats.money_of,
    "date": formats.long_date,
    "count": formats.number,
    "number": formats.number,
    "bool": _bool,
    "text": _text,
    "country": _countries,
    "agreements": _agreements,
    "winners": _winners,
    "received": _received,
    "checked": _checked,
    "missing": _missing,
    "phrase": _phrase,
    "field-path": _field_paths,
    "lots": _lots,
}
