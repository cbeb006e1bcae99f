"""Query-string -> filters and page for the tender list: shared by the HTML list, its exports and the API.

Every query parameter is declared once here with its JSON schema (type and range); the OpenAPI document is built
from these declarations and every value is checked against them, so the document and the code cannot disagree:
a value out of its documented range is a 400 naming the parameter, never a silent default or a 500.
"""

from __future__ import annotations

import math
import re
from typing import Any

from werkzeug.datastructures import MultiDict

from reciprocity.audit.filters import DEFAULT_SORT, SORTS
from reciprocity.audit.queries import FILTERS, MAX_PER_PAGE
from reciprocity.errors import ConfigError
from reciprocity.model import KINDS, ORIGIN_CLASSES, SEVERITIES

DEFAULT_PER_PAGE = 25
MAX_TEXT = 200  # characters of a text filter (a buyer's name, a finding code)
_TEXT = {"type": "string", "maxLength": MAX_TEXT}
# parameter -> (JSON schema, description); the OpenAPI document lists exactly these
FILTER_PARAMS: dict[str, tuple[dict[str, Any], str]] = {
    "buyer_country": ({"type": "string", "pattern": "^[A-Za-z]{2}$"}, "buyer country, ISO alpha-2"),
    "buyer": (_TEXT, "words of the buyer's name (full-text search, word prefixes)"),
    "q": (_TEXT, "words that must all appear (as word prefixes) in the title, buyer or winner names"),
    "year": ({"type": "integer", "minimum": 1900, "maximum": 2100}, "year of dispatch"),
    "cpv": ({"type": "string", "pattern": "^[0-9]{1,8}$"}, "CPV prefix, e.g. 33 or 331"),
    "origin_class": ({"type": "string", "enum": list(ORIGIN_CLASSES)}, "at least one winner of this origin class"),
    "code": (_TEXT, "a flagged finding code, e.g. SME-NO-LOTS"),
    "severity": ({"type": "string", "enum": list(SEVERITIES)}, "at least one flagged finding of this severity"),
    "kind": ({"type": "string", "enum": list(KINDS)}, "notice kind"),
    "min_priority": ({"type": "number", "minimum": 0, "maximum": 100}, "minimum benefit priority"),
    "procedure_type": (_TEXT, "procedure type code, e.g. open"),
    "buyer_category": (_TEXT, "buyer category: central, sub-central, utilities, defence"),
    "date_from": ({"type": "string", "format": "date"}, "dispatch date (else publication date) on or after"),
    "date_to": ({"type": "string", "format": "date"}, "dispatch date (else publication date) on or before"),
    "value_min": ({"type": "number", "minimum": 0, "maximum": 1e15}, "EUR value (awarded when known, else "
                  "estimated) at least"),
    "value_max": ({"type": "number", "minimum": 0, "maximum": 1e15}, "EUR value (awarded when known, else "
                  "estimated) at most"),
}
ORDER_PARAMS: dict[str, tuple[dict[str, Any], str]] = {
    "sort": ({"type": "string", "enum": list(SORTS), "default": DEFAULT_SORT}, "order of the list; notices without "
             "the sort's value (no date, no value) come last"),
    "after": ({"type": "string", "maxLength": 400}, "the `next` cursor of the previous page: the page starts right "
              "after it"),
}
PAGE_PARAMS: dict[str, tuple[dict[str, Any], str]] = {
    "page": ({"type": "integer", "minimum": 1, "maximum": 10_000_000, "default": 1}, "page number"),
    "per_page": ({"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
                 "items per page"),
}
FILTER_KEYS = tuple(FILTERS)
_INTEGER = re.compile(r"[-+]?[0-9]{1,12}")  # ASCII digits only: "²".isdigit() is true, int("²") is not
_NUMBER = re.compile(r"[-+]?(?:[0-9]{1,12}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})(?:[eE][-+]?[0-9]{1,3})?")


def checked(key: str, raw: str, schema: dict[str, Any]) -> Any:
    """`raw` as the schema's type, or ConfigError (a 400) naming the parameter and its documented range."""
    kind = schema["type"]
    if kind == "integer" and not _INTEGER.fullmatch(raw) or kind == "number" and not _NUMBER.fullmatch(raw):
        raise ConfigError(f"{key} must be {'a whole number' if kind == 'integer' else 'a number'}{_range(schema)}; "
                          f"got {raw[:40]!r}")
    value: Any = int(raw) if kind == "integer" else float(raw) if kind == "number" else raw
    if kind == "number" and not math.isfinite(value):
        raise ConfigError(f"{key} must be a finite number{_range(schema)}")
    if ("minimum" in schema and value < schema["minimum"]) or ("maximum" in schema and value > schema["maximum"]):
        raise ConfigError(f"{key} must be{_range(schema)}; got {raw[:40]!r}")
    if "enum" in schema and value not in schema["enum"]:
        raise ConfigError(f"{key} must be one of {', '.join(schema['enum'])}; got {raw[:40]!r}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        raise ConfigError(f"{key} does not match {schema['pattern']}; got {raw[:40]!r}")
    if len(raw) > schema.get("maxLength", len(raw)):
        raise ConfigError(f"{key} must be at most {schema['maxLength']} characters long")
    return value


def _range(schema: dict[str, Any]) -> str:
    if "minimum" in schema and "maximum" in schema:
        return f" between {schema['minimum']} and {schema['maximum']}"
    return ""


def declared(key: str) -> tuple[dict[str, Any], str]:
    """(schema, description) of a query parameter; a filter not declared above is a short text."""
    return FILTER_PARAMS.get(key) or PAGE_PARAMS.get(key) or (_TEXT, key.replace("_", " "))
PAGE_SIZES = (10, 25, 50, 100, 250)  # the choices the list page offers (the API takes any up to MAX_PER_PAGE)


def filters_from_args(args: MultiDict[str, str]) -> dict[str, Any]:
    """The filters present in the query string, each checked against its schema (empty values dropped)."""
    filters = {}
    for key in FILTER_KEYS:
        raw = args.get(key, "").strip()
        if raw:
            checked(key, raw, declared(key)[0])
            filters[key] = raw
    return filters


def page_from_args(args: MultiDict[str, str]) -> tuple[int, int]:
    """(page, per_page) from the query string; a bad value is a 400, not a silent default."""
    found = []
    for key, (schema, _description) in PAGE_PARAMS.items():
        raw = args.get(key, "").strip()
        found.append(checked(key, raw, schema) if raw else schema["default"])
    return found[0], found[1]


def order_from_args(args: MultiDict[str, str]) -> tuple[str, str | None]:
    """(sort, after) from the query string: the list's order and the cursor of the page to start after."""
    found = {key: checked(key, args[key].strip(), schema) for key, (schema, _) in ORDER_PARAMS.items()
             if args.get(key, "").strip()}
    return found.get("sort", DEFAULT_SORT), found.get("after")
