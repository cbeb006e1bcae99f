"""The single builder of findings: texts, legal reference, recommendation and confidence come from codes.yaml."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ..errors import RuleDataError
from ..i18n import templates
from ..model import STATUSES, Finding
from . import confirm
from .base import Context

_SHOW_RECOMMENDATION = ("flagged", "insufficient-data")


def make_finding(ctx: Context, code: str, status: str, lot: str | None = None, evidence: dict[str, Any] | None = None,
                 severity: str | None = None, variant: str | None = None, confidence: str | None = None,
                 to_confirm: list[dict[str, str]] | None = None, **message_params: Any) -> Finding:
    """Build the finding of `code` with `status`; `variant` picks e.g. the `flagged-problem` message.

    Severity is the code's default when flagged (or `severity`), and "info" for every other status so that only
    flagged findings can block a publication. Confidence is the code's, lowered to "unconfirmed" by the rule
    when the data it relied on is unconfirmed; `to_confirm` lists those unconfirmed facts with their sources
    (rules/confirm.py), and an unconfirmed code adds its own.
    """
    if status not in STATUSES:
        raise RuleDataError(f"codes.yaml: {code}: unknown status {status!r}")
    entry = ctx.data.code(code)
    items = confirm.merge(to_confirm or [], confirm.of_code(entry))
    message = _message(entry, code, f"{status}-{variant}" if variant else status, message_params)
    recommendation = entry["recommendation"] if status in _SHOW_RECOMMENDATION else None
    return Finding(
        code=code,
        severity=(severity or entry["severity"]) if status == "flagged" else "info",
        area=entry["area"],
        status=status,
        message=message["en"],
        message_fr=message["fr"],
        lot=lot,
        evidence=to_jsonable(evidence or {}),
        legal_ref=entry["legal_ref"],
        recommendation=recommendation["en"] if recommendation else None,
        recommendation_fr=recommendation["fr"] if recommendation else None,
        confidence="unconfirmed" if items or confidence == "unconfirmed" else "established",
        to_confirm=items,
    )


def _message(entry: dict[str, Any], code: str, key: str, params: dict[str, Any]) -> dict[str, str]:
    """The message of `key` in each language, its parameters shown by the i18n formatter (i18n/templates.py:
    money `_eur` with its currency, dates as dates, lists joined, `{name:LIST}` codes as labels).

    Rendering is pure (templates and parameters in, text out), so a text met again with the same parameters (an
    agreement's reason for every notice, a partner's dates…) is taken from a bounded cache."""
    templates_of = entry["messages"].get(key)
    if templates_of is None:
        raise RuleDataError(f"codes.yaml: {code}.messages.{key}: missing message")
    cache_key = _cache_key(templates_of, params)
    cached = _RENDERED.get(cache_key) if cache_key else None
    if cached is not None:
        return dict(cached)
    out = {}
    for lang, template in templates_of.items():
        missing = _placeholders(template) - _names(params, lang)
        if missing:
            raise RuleDataError(f"codes.yaml: {code}.messages.{key}.{lang}: no value for {sorted(missing)}")
        out[lang] = templates.fill(template, params, lang)
    if cache_key:
        if len(_RENDERED) >= _CACHE_SIZE:
            _RENDERED.clear()
        _RENDERED[cache_key] = out
    return dict(out)


@lru_cache(maxsize=2048)
def _placeholders(template: str) -> frozenset[str]:
    return frozenset(templates.placeholders(template))


def _names(params: dict[str, Any], lang: str) -> set[str]:
    """The names a template of `lang` can use (the keys of `templates.values_for`, without typing the values)."""
    names = set(params)
    if lang == "fr":
        names.update(name[:-3] for name in params if name.endswith("_fr"))
    return names


_RENDERED: dict[tuple, dict[str, str]] = {}
_CACHE_SIZE = 20_000
# parameter types whose value and exact type decide the text; Decimal and float also by their repr ("1.0" / "1.00")
_PLAIN = frozenset((str, int, bool, date, type(None)))
_BY_REPR = frozenset((Decimal, float))
_KEYABLE = _PLAIN | _BY_REPR


def _cache_key(texts: dict[str, str], params: dict[str, Any]) -> tuple | None:
    """Templates and parameters as a key telling apart what renders differently (True and 1, "1.0" and "1.00"),
    or None when a value's type is not known to render from its value alone (then nothing is cached)."""
    values = tuple(params.values())
    kinds = tuple(map(type, values))
    if _PLAIN.issuperset(kinds):  # the common case, checked at C speed: the values and their types are the key
        return tuple(texts.items()), tuple(params), values, kinds
    if _KEYABLE.issuperset(kinds):  # amounts too, by their repr
        return tuple(texts.items()), tuple(params), tuple(repr(v) if type(v) in _BY_REPR else v for v in values), kinds
    items = []
    for name, value in params.items():
        key = _value_key(value)
        if key is None:
            return None
        items.append((name, key))
    return tuple(texts.items()), tuple(items)


def _value_key(value: Any) -> tuple | None:
    kind = type(value)
    if kind in _PLAIN:
        return kind, value
    if kind in _BY_REPR:
        return kind, repr(value)
    if kind is list or kind is tuple:
        keys = tuple(_value_key(item) if type(item) in _PLAIN or type(item) in _BY_REPR else None for item in value)
        return None if None in keys else (kind, keys)
    return None


_JSON_SCALARS = frozenset((str, int, bool, float, type(None)))


def to_jsonable(value: Any) -> Any:
    """Evidence must serialise to JSON: Decimals as strings, dates as ISO, tuples as lists."""
    if type(value) in _JSON_SCALARS:
        return value
    if isinstance(value, dict):  # scalars kept in line: most values are, and a call per value is the cost
        return {k if type(k) is str else str(k): v if type(v) in _JSON_SCALARS else to_jsonable(v)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [v if type(v) in _JSON_SCALARS else to_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def render_texts(texts: dict[str, str], **params: Any) -> dict[str, str]:
    """A {en, fr} text with placeholders (a coverage reason, a to-confirm item) rendered like finding messages,
    so that amounts, dates and lists read the same everywhere."""
    return _message({"messages": {"text": texts}}, "text", "text", params)
