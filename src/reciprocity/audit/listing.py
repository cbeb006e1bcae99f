"""The tender list: one page of summaries for a filter set and a sort, fast at any depth.

A page starts right after the last row of the page before (keyset pagination: `after`, the `next` cursor of the
previous answer), so page 40,000 costs what page 1 costs. Every sort ends with the notice id, so the order is
total and stable while an ingest adds rows. Notices without a value for the sort key (no date, no value) come
last in both directions. Numbered pages (`page` without `after`) are still served, by counting past the rows of
the pages before over the sort index only. The total of a filter set is counted once and kept until the store
changes (its generation moves with every ingest batch).
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections import OrderedDict
from typing import Any

from ..errors import ConfigError
from .filters import DEFAULT_SORT, sort_order, where_clause
from .schema import EQUALITY_COLUMNS
from .store import as_db, generation

SUMMARY_COLUMNS = (
    "id", "publication_number", "source_format", "form", "kind", "title", "buyer_name", "buyer_country",
    "dispatch_date", "year", "cpv_main", "contract_nature", "procedure_type", "estimated_value",
    "estimated_currency", "estimated_value_eur", "lots_count", "results_count", "winners_count", "sme_score",
    "benefit_priority", "benefit_reasons", "flagged_codes",
    # added with the sortable list (issue 14): the awarded value beside the estimate, and what the filters read
    "awarded_value_eur", "publication_date", "cpv_division", "buyer_category",
)
MAX_PER_PAGE = 500
# A filter set keeping a large share of the notices is probed row by row while the page walks its sort index
# (about rows / share entries to read, at most WALK_BUDGET per row shown: a filter rare in that part of the order
# falls back); a smaller one is collected through its own index and sorted (share x notices rows).
WALK_BUDGET = 40
OWN_RANGES = {"date": {"date_from", "date_to"}, "value": {"value_min", "value_max"}}  # filters on a sort's key
DENSE_SHARE = 1 / (2 * WALK_BUDGET)
_TOTALS: OrderedDict[tuple, int] = OrderedDict()
_TOTALS_LOCK = threading.Lock()
_TOTALS_SIZE = 256


def _summary(row: tuple) -> dict[str, Any]:
    item = dict(zip(SUMMARY_COLUMNS, row, strict=True))
    item["benefit_reasons"] = json.loads(item["benefit_reasons"] or "[]")
    item["flagged_codes"] = (item["flagged_codes"] or "").split()
    return item


def encode_cursor(sort: str, key: Any, notice_id: str) -> str:
    """An opaque cursor naming the last row shown (its sort key and id), safe in a URL."""
    return base64.urlsafe_b64encode(json.dumps([sort, key, notice_id]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    """(sort key, id) from a cursor of this sort; a forged or foreign cursor is a ConfigError."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, key, notice_id = json.loads(text)
    except (ValueError, TypeError, binascii.Error):
        raise ConfigError(f"invalid cursor {cursor!r}") from None
    if name != sort or not isinstance(notice_id, str) or not isinstance(key, str | int | float | type(None)):
        raise ConfigError(f"cursor {cursor!r} does not belong to the sort {sort!r}")
    return key, notice_id


def count(db, where: str, params: list[Any]) -> int:
    """The number of notices matching a WHERE clause, remembered until the store changes."""
    key = (generation(db), where, tuple(params))
    with _TOTALS_LOCK:  # a threaded server shares the cache
        if key in _TOTALS:
            _TOTALS.move_to_end(key)
            return _TOTALS[key]
    total = db.execute(f"SELECT count(*) FROM notices n{where}", params).fetchone()[0]
    with _TOTALS_LOCK:
        _TOTALS[key] = total
        while len(_TOTALS) > _TOTALS_SIZE:
            _TOTALS.popitem(last=False)
    return total


def _and(where: str, condition: str) -> str:
    return f"{where} AND {condition}" if where else f" WHERE {condition}"


def _fetch(db, source: str, where: str, params: list[Any], order: str, limit: int, offset: int = 0) -> list[tuple]:
    """Rows of the list in `order`; with an offset, the skipped rows are counted in the index only."""
    columns = ", ".join("n." + c for c in SUMMARY_COLUMNS)
    if not offset:
        sql = f"SELECT {columns} FROM {source}{where} ORDER BY {order} LIMIT ?"
        return db.execute(sql, [*params, limit]).fetchall()
    inner = f"SELECT n.rowid FROM {source}{where} ORDER BY {order} LIMIT ? OFFSET ?"
    sql = f"SELECT {columns} FROM notices n WHERE n.rowid IN ({inner}) ORDER BY {order}"
    return db.execute(sql, [*params, limit, offset]).fetchall()


def _walked_index(filters: dict[str, Any] | None, sort: str) -> tuple[str, dict[str, Any]]:
    """The index a probed page walks (the equality filter's composite with the sort key, else the sort key's),
    and the filter that index answers."""
    base = sort.removesuffix("_asc")
    for key, value in (filters or {}).items():
        column = "cpv_division" if key == "cpv" and len(str(value).strip()) >= 2 else key
        if value not in (None, "") and column in EQUALITY_COLUMNS and (key != "cpv" or len(str(value).strip()) == 2):
            return f"idx_notices_{column}_{base}", {key: value}
    return f"idx_notices_{base}", {}


def _walk(db, filters: dict[str, Any] | None, sort: str, condition: str, extra: list[Any], order: str,
          limit: int) -> list[tuple] | None:
    """The page read by walking the sort index and checking each row, at most WALK_BUDGET entries per row
    asked; None when that many entries gave too few rows (the filter is rare in that part of the order)."""
    index, answered = _walked_index(filters, sort)
    inner_where, inner_params = where_clause(answered)
    page_where, page_params = where_clause(filters, probe=True)
    budget = WALK_BUDGET * limit
    inner = f"SELECT n.rowid FROM notices n INDEXED BY {index}{_and(inner_where, condition)} ORDER BY {order} LIMIT ?"
    columns = ", ".join("n." + c for c in SUMMARY_COLUMNS)
    # NOT INDEXED: the outer query reads only the walked rows, by rowid, never a filter's own index
    sql = (f"SELECT {columns} FROM notices n NOT INDEXED{_and(page_where, f'n.rowid IN ({inner})')}"
           f" ORDER BY {order} LIMIT ?")
    rows = db.execute(sql, [*page_params, *inner_params, *extra, budget, limit]).fetchall()
    if len(rows) < limit:
        read = db.execute(f"SELECT count(*) FROM ({inner})", [*inner_params, *extra, budget]).fetchone()[0]
        if read == budget:
            return None
    return rows


def _phase(db, filters: dict[str, Any] | None, sort: str, probe: bool, condition: str, extra: list[Any],
           order: str, limit: int, offset: int) -> list[tuple]:
    """Rows of one part of the list (with a sort key, or without): walked and probed, else collected."""
    if probe and not offset:
        rows = _walk(db, filters, sort, condition, extra, order, limit)
        if rows is not None:
            return rows
    where, params = where_clause(filters)
    active = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    own_range = set(active) & OWN_RANGES.get(sort.removesuffix("_asc"), set())
    if active and not own_range and _walked_index(active, sort)[1] != active:
        # "+": sort the matches; never walk the sort index hoping to meet them (they may all be at its end).
        # A lone equality filter keeps its composite index, and a range on the sort key its index range: both
        # give the order themselves.
        order = ", ".join(f"+{part}" for part in order.split(", "))
    return _fetch(db, "notices n", _and(where, condition), [*params, *extra], order, limit, offset)


def _page_rows(db, filters: dict[str, Any] | None, sort: str, after: str | None, offset: int, limit: int,
               probe: bool) -> list[tuple]:
    """Rows with a sort key (in key order), then rows without one (in id order), `limit` at most."""
    where, params = where_clause(filters)
    key, descending = sort_order(sort)
    direction, op = ("DESC", "<") if descending else ("ASC", ">")
    last_key, last_id = decode_cursor(after, sort) if after else (None, None)
    rows: list[tuple] = []
    if after is not None and last_key is not None:
        # after a cursor: first the rows tied with it (same key, later id), then the rows with a later key; each
        # part is one seek in the (key, id) index (SQLite does not seek an expression index by a row value)
        rows = _phase(db, filters, sort, probe, f"{key} = ? AND n.id {op} ?", [last_key, last_id],
                      f"n.id {direction}", limit, 0)  # the key is fixed: ordering by it would sort
        if len(rows) < limit:
            order = f"{key} {direction}, n.id {direction}"
            rows += _phase(db, filters, sort, probe, f"{key} {op} ?", [last_key], order, limit - len(rows), 0)
    elif after is None:
        keyed = f"{key} IS NOT NULL"
        with_key = count(db, _and(where, keyed), params) if offset else None
        if with_key is None or offset < with_key:
            rows = _phase(db, filters, sort, probe, keyed, [], f"{key} {direction}, n.id {direction}", limit,
                          offset)
            offset = 0
        else:
            offset -= with_key
    if len(rows) < limit:
        unkeyed, extra = f"{key} IS NULL", []
        if after is not None and last_key is None:
            unkeyed, extra, offset = f"{unkeyed} AND n.id {op} ?", [last_id], 0
        rows += _phase(db, filters, sort, probe, unkeyed, extra, f"n.id {direction}", limit - len(rows), offset)
    return rows


def list_tenders(db, filters: dict[str, Any] | None = None, page: int = 1, per_page: int = 50,
                 sort: str | None = None, after: str | None = None) -> dict[str, Any]:
    """One page of tender summaries matching `filters`, in the `sort` order (default: highest benefit priority).

    Returns {"total", "page", "per_page", "sort", "items", "next"}: `next` is the cursor to pass as `after` for
    the following page (None on the last one). Without `after`, `page` counts pages from the first; with it,
    `page` is only echoed (the caller's page number). `per_page` is capped at MAX_PER_PAGE.
    """
    db = as_db(db)
    sort = sort or DEFAULT_SORT
    page, per_page = max(1, int(page)), max(1, min(int(per_page), MAX_PER_PAGE))
    where, params = where_clause(filters)
    total = count(db, where, params)
    probe = bool(where) and total >= DENSE_SHARE * count(db, "", [])
    offset = 0 if after else (page - 1) * per_page
    rows = _page_rows(db, filters, sort, after, offset, per_page + 1, probe) if offset < total else []
    more, rows = len(rows) > per_page, rows[:per_page]
    return {"total": total, "page": page, "per_page": per_page, "sort": sort, "items": [_summary(r) for r in rows],
            "next": _next_cursor(db, sort, rows[-1]) if more else None}


def _next_cursor(db, sort: str, row: tuple) -> str:
    key, _ = sort_order(sort)
    value = db.execute(f"SELECT {key} FROM notices n WHERE n.id = ?", [row[0]]).fetchone()[0]
    return encode_cursor(sort, value, row[0])
