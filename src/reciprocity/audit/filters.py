"""The list's filters and sorts as SQL over `notices n`: one definition for the pages, the API, the report and exports.

Every filter is written so that an index answers it (schema.INDEXES; tests/test_query_plans.py checks each plan):
equality filters have an index per sort order, text search goes through the FTS5 index, filters on winners and
findings are one `IN (subquery)` over a covering index. Values come from query strings: each is checked and
turned into a parameter, never pasted into SQL; a bad one raises ConfigError naming the filter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

from ..errors import ConfigError
from .schema import FINDING_BITS, SORT_KEYS

FTS = "n.rowid IN (SELECT rowid FROM notices_fts WHERE notices_fts MATCH ?)"
# A word as FTS5's unicode61 tokenizer cuts it (letters and digits; "_" separates): each quoted word is then one
# token, never a phrase (detail='column' has no phrase queries)
_WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 12


def fts_query(text: str, column: str | None = None) -> str:
    """A safe FTS5 query from free text: every word must appear (as a word prefix), optionally in one column.

    Words are quoted, so FTS5 operators typed by a user (OR, NEAR, *, ", :) are searched as text, never run."""
    words = _WORD.findall(unicodedata.normalize("NFC", str(text)))[:MAX_TERMS]
    if not words:
        raise ConfigError(f"nothing to search for in {text!r}")
    query = " AND ".join(f'"{word}"*' for word in words)
    return f"{column} : ({query})" if column else query


def _iso_date(value: Any) -> list[str]:
    return [date.fromisoformat(str(value).strip()).isoformat()]


def _amount(value: Any) -> list[float]:
    number = float(str(value).replace(" ", "").replace(",", "."))
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(value)
    return [number]


def _cpv(value: Any) -> list[str]:
    """A CPV prefix as a range of codes (":" sorts right after "9"), with its division when it has one."""
    prefix = str(value).strip()
    if not prefix.isascii() or not prefix.isdigit() or not 1 <= len(prefix) <= 8:
        raise ValueError(value)
    division = [prefix[:2]] if len(prefix) >= 2 else []
    return division if len(prefix) == 2 else division + [prefix, prefix + ":"]


def _cpv_condition(value: Any) -> str:
    prefix = str(value).strip()
    if len(prefix) == 2:
        return "n.cpv_division = ?"  # a division: its column says it all
    return ("n.cpv_division = ? AND " if len(prefix) > 2 else "") + "n.cpv_main >= ? AND n.cpv_main < ?"


_DATE = SORT_KEYS["date"].replace("dispatch_date", "n.dispatch_date").replace("publication_date", "n.publication_date")
_VALUE = SORT_KEYS["value"].replace("awarded_value_eur", "n.awarded_value_eur").replace(
    "estimated_value_eur", "n.estimated_value_eur")
# filter key -> (SQL condition on `n`, or a function of the value giving it; value -> parameters)
FILTERS: dict[str, tuple[str | Callable[[Any], str], Callable[[Any], list[Any]]]] = {
    "buyer_country": ("n.buyer_country = ?", lambda v: [str(v).strip().upper()]),
    "buyer": (FTS, lambda v: [fts_query(v, "buyer")]),
    "q": (FTS, lambda v: [fts_query(v)]),
    "year": ("n.year = ?", lambda v: [int(v)]),
    "cpv": (_cpv_condition, _cpv),
    "kind": ("n.kind = ?", lambda v: [str(v)]),
    "procedure_type": ("n.procedure_type = ?", lambda v: [str(v)]),
    "buyer_category": ("n.buyer_category = ?", lambda v: [str(v)]),
    "min_priority": ("-n.benefit_priority <= ?", lambda v: [-float(v)]),  # on the priority sort key
    "date_from": (f"{_DATE} >= ?", _iso_date),
    "date_to": (f"{_DATE} <= ?", _iso_date),
    "value_min": (f"{_VALUE} >= ?", _amount),
    "value_max": (f"{_VALUE} <= ?", _amount),
    # one subquery over a covering index each (no correlated EXISTS): a winner of this origin class ("UNKNOWN"
    # also for a winner the assessment did not classify), a flagged finding of this code or severity
    "origin_class": ("n.id IN (SELECT notice_id FROM winners WHERE coalesce(origin_class, 'UNKNOWN') = ?)",
                     lambda v: [str(v)]),
    "code": ("n.id IN (SELECT notice_id FROM findings WHERE code = ? AND status = 'flagged')", lambda v: [str(v)]),
    "severity": ("n.id IN (SELECT notice_id FROM findings WHERE severity = ? AND status = 'flagged')",
                 lambda v: [str(v)]),
}
# sort name -> (sort key expression on `n`, descending?)
SORTS: dict[str, tuple[str, bool]] = {
    "priority": ("-n.benefit_priority", False),  # highest priority first, ties by id as before
    "date": (_DATE, True),
    "date_asc": (_DATE, False),
    "value": (_VALUE, True),
    "value_asc": (_VALUE, False),
}
DEFAULT_SORT = "priority"


# The same filters written to be checked row by row while a page walks its sort index (`probe=True`): when a
# filter keeps many notices, 25 of them are found after a few dozen rows, far cheaper than collecting every
# match and sorting it. A correlated lookup (or a unary "+", which keeps SQLite from driving by that index).
# Text search keeps its IN form: SQLite reads the matches once into a temporary index and checks each row there
# (an FTS5 lookup per row would cost a thousand times more).
PROBES: dict[str, str] = {
    "origin_class": "EXISTS (SELECT 1 FROM winners w WHERE w.notice_id = n.id"
                    " AND coalesce(w.origin_class, 'UNKNOWN') = ?)",
    "code": "instr(' ' || n.flagged_codes || ' ', ' ' || ? || ' ') > 0",
    "severity": f"EXISTS (SELECT 1 FROM findings f WHERE f.rowid >= n.rowid << {FINDING_BITS}"
                f" AND f.rowid < (n.rowid + 1) << {FINDING_BITS} AND f.severity = ? AND f.status = 'flagged')",
    "date_from": f"+{_DATE} >= ?", "date_to": f"+{_DATE} <= ?",
    "value_min": f"+{_VALUE} >= ?", "value_max": f"+{_VALUE} <= ?",
}


def where_clause(filters: dict[str, Any] | None, probe: bool = False) -> tuple[str, list[Any]]:
    """SQL WHERE (on notices aliased `n`) and parameters for a filter dict; unknown keys are errors.

    With `probe`, the filters that have a row-by-row form (PROBES) use it: for a page over many matches."""
    conditions, params = [], []
    for key, value in (filters or {}).items():
        if key not in FILTERS:
            raise ConfigError(f"unknown filter {key!r}; expected one of {', '.join(FILTERS)}")
        if value in (None, ""):
            continue
        condition, to_params = FILTERS[key]
        try:
            params.extend(to_params(value))
        except (ValueError, OverflowError):
            raise ConfigError(f"invalid value {value!r} for filter {key!r}") from None
        if probe and key in PROBES:
            condition = PROBES[key]
        conditions.append(condition(value) if callable(condition) else condition)
    return (" WHERE " + " AND ".join(conditions)) if conditions else "", params


def sort_order(sort: str | None) -> tuple[str, bool]:
    """(sort key expression, descending) of a sort name; an unknown name is an error listing the choices."""
    name = sort or DEFAULT_SORT
    if name not in SORTS:
        raise ConfigError(f"unknown sort {name!r}; expected one of {', '.join(SORTS)}")
    return SORTS[name]
