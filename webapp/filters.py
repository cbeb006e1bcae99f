"""Query-string -> filters and page for the tender list: shared by the HTML list, its exports and the API."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from reciprocity.audit.queries import FILTERS, MAX_PER_PAGE
from reciprocity.errors import ConfigError

FILTER_KEYS = tuple(FILTERS)
DEFAULT_PER_PAGE = 25


def filters_from_args(args: MultiDict[str, str]) -> dict[str, Any]:
    """The filters present in the query string (empty values dropped; `queries` validates the values)."""
    return {key: args[key].strip() for key in FILTER_KEYS if args.get(key, "").strip()}


def _positive_int(args: MultiDict[str, str], key: str, default: int, maximum: int) -> int:
    raw = args.get(key, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ConfigError(f"{key} must be a whole number between 1 and {maximum}")
    return int(raw)


def page_from_args(args: MultiDict[str, str]) -> tuple[int, int]:
    """(page, per_page) from the query string; a bad value is a 400, not a silent default."""
    page = _positive_int(args, "page", 1, 10**7)
    per_page = _positive_int(args, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    return page, per_page
