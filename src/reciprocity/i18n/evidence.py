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
    """[{key, label, text}] for every evidence value that can be said in `lang`, in the evidence's order; a line
    saying exactly what an earlier one said (an amount in EUR and its euro value) is shown once."""
    lines: list[dict[str, str]] = []
    for key, value in (evidence or {}).items():
        entry = spec(key)
        if entry is None or entry["type"] == "technical" or value in _EMPTY:
            continue
        text = render(entry["type"], value, lang)
        if text is None:
            continue
        suffix = f" ({entry['bt']})" if entry.get("bt") else ""
        if not any(line["label"] == entry[lang] and line["text"] == text + suffix for line in lines):
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


def _worded(value: Any, lang: str) -> str | None:
    """Words a rule wrote in both languages ({en, fr}, or a list of them)."""
    items = value if isinstance(value, list) else [value]
    shown = [item.get(lang) for item in items if isinstance(item, dict)]
    return None if not shown or None in shown else _SEMICOLON[lang].join(shown)


def _yes_no(value: Any, lang: str) -> str:
    return (labels.label("yes_no", "yes" if value else "no", lang) or NONE) if value is not None else NONE


def _conflict(item: dict[str, Any], lang: str) -> str | None:
    """One contradiction: what it is, and for a declaration what the notice says against the computation."""
    kind = labels.label("conflict_kind", item.get("kind"), lang)
    if kind is None or "declared" not in item:
        return kind
    where = f"{_LOT[lang]} {item['lot']}, " if item.get("lot") else ""
    return _DECLARED[lang].format(kind=kind, where=where, declared=_yes_no(item["declared"], lang),
                                  computed=_yes_no(item.get("computed"), lang))


def _conflicts(value: Any, lang: str) -> str | None:
    if not isinstance(value, list):
        return None
    shown = [_conflict(item, lang) for item in value if isinstance(item, dict)]
    return None if None in shown else _SEMICOLON[lang].join(shown) or None


def _implausible(value: Any, lang: str) -> str | None:
    """Estimates set aside: where each was read, its amount and why it is no estimate."""
    if not isinstance(value, list):
        return None
    shown = []
    for item in value:
        field, why = phrases.translate(item.get("field"), lang), (item.get("why") or {}).get(lang)
        if field is None or why is None:
            return None
        shown.append(f"{field}{_COLON[lang]}{formats.money(item.get('value_eur'), 'EUR', lang)} ({why})")
    return _SEMICOLON[lang].join(shown) or None


def _lot_money(value: Any, lang: str) -> str | None:
    if not isinstance(value, dict):
        return None
    return formats.join((f"{_LOT[lang]} {lot}{_COLON[lang]}{formats.money(amount, 'EUR', lang)}"
                         for lot, amount in value.items()), lang)


def _per_lot_bool(value: Any, lang: str) -> str | None:
    """{lot: true|false|null}: the lots for which the notice says something; None when it says nothing."""
    if not isinstance(value, dict):
        return None
    stated = [f"{_LOT[lang]} {lot}{_COLON[lang]}{_yes_no(flag, lang)}" for lot, flag in value.items()
              if flag is not None]
    return formats.join(stated, lang) if stated else None


def _ipi_applied(value: Any, lang: str) -> str | None:
    """BT-685-688: the measure, its exception and the buyer's reason (quoted: the notice's words)."""
    if not isinstance(value, list):
        return None
    shown = []
    for item in value:
        exception = labels.label("international-procurement-instrument-application", item.get("exception"), lang)
        text = exception or NONE
        if item.get("exception_reason"):
            text += f"{_COLON[lang]}{_text(item['exception_reason'], lang)}"
        shown.append(text)
    return _SEMICOLON[lang].join(shown) or None


def _criteria(value: Any, lang: str) -> str | None:
    """Award criteria by name (the notice's words, quoted) or, without a name, by the label of their type."""
    items = value if isinstance(value, list) else [value]
    return formats.join((labels.label("award-criterion-type", item, lang) or _text(item, lang)
                         for item in items if item), lang) or None


_LOT = {"en": "lot", "fr": "lot"}
_COLON = {"en": ": ", "fr": " : "}
_SEMICOLON = {"en": "; ", "fr": " ; "}
_DECLARED = {"en": "{kind} ({where}notice: {declared}; computed: {computed})",
             "fr": "{kind} ({where}avis : {declared} ; calcul : {computed})"}

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
    "worded": _worded,
    "conflicts": _conflicts,
    "implausible": _implausible,
    "lot-money": _lot_money,
    "per-lot-bool": _per_lot_bool,
    "ipi-applied": _ipi_applied,
    "criteria": _criteria,
}
