"""The clause templates (rules/data/clause_templates.yaml), loaded once and checked strictly.

Beyond the schema, a template may only name facts the Assessment provides (facts.FACTS) in its placeholders and
in its `when` / `unless` / `offered_when` conditions, and only finding codes and statuses that exist; its English
and French texts must use the same placeholders. Any other template is a `RuleDataError` naming the key, at load
time, never a clause half filled in front of a buyer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any

from ..errors import RuleDataError
from ..model import STATUSES
from ..rules.data import DATA_DIR, load_rule_data, load_yaml
from ..rules.schema import CONFIDENCE, Fields, ListOf, MapOf, OneOf
from .facts import FACTS

FILE = "clause_templates"
DOCUMENTS = ("rc", "ccap")
TEXT = Fields({"en": str, "fr": str})
SCHEMA = Fields(
    {
        "notice_kinds": Fields({"kinds": ListOf(str), "source": str}),
        "clauses": MapOf(
            Fields(
                {
                    "documents": ListOf(OneOf(DOCUMENTS)),
                    "offered_by": ListOf(Fields({"code": str, "statuses": ListOf(OneOf(STATUSES))})),
                    "?per_lot": bool,
                    "?offered_when": str,
                    "title": TEXT,
                    "paragraphs": ListOf(Fields({"en": str, "fr": str, "?when": ListOf(str), "?unless": ListOf(str)})),
                    "legal_basis": str,
                    "conditions": TEXT,
                    "source": str,
                    "confidence": CONFIDENCE,
                    "?to_confirm": TEXT,
                }
            )
        ),
    }
)


@lru_cache(maxsize=4)
def load_templates(directory: Path = DATA_DIR) -> dict[str, Any]:
    """The validated templates of `directory` (the rule data's, by default)."""
    data = load_yaml(FILE, SCHEMA, directory)
    codes = load_rule_data(directory if directory != DATA_DIR else None).codes
    for clause_id, template in data["clauses"].items():
        _check(f"{FILE}.yaml: clauses.{clause_id}", template, codes)
    return data


def _check(where: str, template: dict[str, Any], codes: dict[str, Any]) -> None:
    for i, trigger in enumerate(template["offered_by"]):
        if trigger["code"] not in codes:
            raise RuleDataError(f"{where}.offered_by[{i}].code: unknown finding code {trigger['code']!r}")
    if not template["offered_by"] and "offered_when" not in template:
        raise RuleDataError(f"{where}.offered_by: no finding offers it and no `offered_when` fact")
    if template["confidence"] == "unconfirmed" and "to_confirm" not in template:
        raise RuleDataError(f"{where}.to_confirm: an unconfirmed clause must say what to confirm")
    _known(f"{where}.offered_when", [template["offered_when"]] if "offered_when" in template else [])
    _same_placeholders(f"{where}.title", template["title"])
    _same_placeholders(f"{where}.conditions", template["conditions"])
    for i, paragraph in enumerate(template["paragraphs"]):
        _same_placeholders(f"{where}.paragraphs[{i}]", paragraph)
        _known(f"{where}.paragraphs[{i}].when", paragraph.get("when", []))
        _known(f"{where}.paragraphs[{i}].unless", paragraph.get("unless", []))


def placeholders(where: str, text: str) -> set[str]:
    """The `{name}` placeholders of a text; a malformed brace or a format spec is an error naming the key."""
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise RuleDataError(f"{where}: malformed placeholder: {exc}") from None
    for name, spec, conversion in fields:
        if not name.isidentifier() or spec or conversion:
            raise RuleDataError(f"{where}: placeholder {{{name}}} must be a plain fact name")
    return {name for name, _, _ in fields}


def _same_placeholders(where: str, texts: dict[str, Any]) -> None:
    """English and French use the same facts, and only facts the Assessment provides."""
    english, french = placeholders(f"{where}.en", texts["en"]), placeholders(f"{where}.fr", texts["fr"])
    if english != french:
        raise RuleDataError(
            f"{where}: the English and French texts use different placeholders ({sorted(english ^ french)})"
        )
    _known(where, sorted(english))


def _known(where: str, names: list[str]) -> None:
    unknown = [name for name in names if name not in FACTS]
    if unknown:
        raise RuleDataError(
            f"{where}: {unknown[0]!r} is not a fact the Assessment provides (known: {', '.join(sorted(FACTS))})"
        )
