"""Read side of the store, shared by the CLI and the web app (pages and JSON API call the same functions).

Every function takes `db`: a sqlite_utils `Database`, a `sqlite3.Connection` or a path. Filters are a dict with
any of the keys in `FILTERS`; an unknown key raises `ConfigError` naming it, empty values are ignored.
"""

from __future__ import annotations

import json
import os
import sqlite3
from typing import Any

from sqlite_utils import Database

from ..errors import ConfigError, NotFoundError
from ..model import ORIGIN_CLASSES, SEVERITIES
from .store import open_db

# filter key -> (SQL condition on notices `n`, how to turn the value into parameters)
FILTERS: dict[str, tuple[str, Any]] = {
    "buyer_country": ("n.buyer_country = ?", lambda v: [str(v).upper()]),
    "buyer": ("n.buyer_name LIKE ?", lambda v: [f"%{v}%"]),
    "year": ("n.year = ?", lambda v: [int(v)]),
    "cpv": ("n.cpv_main LIKE ?", lambda v: [f"{v}%"]),
    "kind": ("n.kind = ?", lambda v: [str(v)]),
    "min_priority": ("n.benefit_priority >= ?", lambda v: [float(v)]),
    # IN (subquery) rather than a correlated EXISTS: the subquery reads only the matching rows of a covering
    # index (store.INDEXES), however large the tables are.
    "origin_class": ("(n.id IN (SELECT notice_id FROM winners WHERE origin_class = ?) OR (? = 'UNKNOWN'"
                     " AND n.id IN (SELECT notice_id FROM winners WHERE origin_class IS NULL)))",
                     lambda v: [str(v), str(v)]),
    "code": ("n.id IN (SELECT f.notice_id FROM findings f WHERE f.code = ? AND f.status = 'flagged')",
             lambda v: [str(v)]),
    "severity": ("n.id IN (SELECT f.notice_id FROM findings f WHERE f.severity = ? AND f.status = 'flagged')",
                 lambda v: [str(v)]),
}
SUMMARY_COLUMNS = (
    "id", "publication_number", "source_format", "form", "kind", "title", "buyer_name", "buyer_country",
    "dispatch_date", "year", "cpv_main", "contract_nature", "procedure_type", "estimated_value",
    "estimated_currency", "estimated_value_eur", "lots_count", "results_count", "winners_count", "sme_score",
    "benefit_priority", "benefit_reasons", "flagged_codes",
)
MAX_PER_PAGE = 500


def as_db(db: Database | sqlite3.Connection | str | os.PathLike) -> Database:
    """A sqlite_utils Database for any of the handles callers hold."""
    if isinstance(db, Database):
        return db
    if isinstance(db, sqlite3.Connection):
        return Database(db)
    return open_db(db, create=False)  # a path: open it without creating anything


def where_clause(filters: dict[str, Any] | None) -> tuple[str, list[Any]]:
    """SQL WHERE (on notices aliased `n`) and parameters for a filter dict; unknown keys are errors."""
    conditions, params = [], []
    for key, value in (filters or {}).items():
        if key not in FILTERS:
            raise ConfigError(f"unknown filter {key!r}; expected one of {', '.join(FILTERS)}")
        if value in (None, ""):
            continue
        condition, to_params = FILTERS[key]
        try:
            params.extend(to_params(value))
        except ValueError:
            raise ConfigError(f"invalid value {value!r} for filter {key!r}") from None
        conditions.append(condition)
    return (" WHERE " + " AND ".join(conditions)) if conditions else "", params


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    item = dict(row)
    item["benefit_reasons"] = json.loads(item["benefit_reasons"] or "[]")
    item["flagged_codes"] = (item["flagged_codes"] or "").split()
    return item


def list_tenders(db, filters: dict[str, Any] | None = None, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    """One page of tender summaries matching `filters`, highest benefit priority first (then by id).

    Returns {"total", "page", "per_page", "items"}. The order follows the (benefit_priority, id) index, so
    deep pages stay cheap; `per_page` is capped at MAX_PER_PAGE.
    """
    db = as_db(db)
    page, per_page = max(1, int(page)), max(1, min(int(per_page), MAX_PER_PAGE))
    where, params = where_clause(filters)
    total = db.execute(f"SELECT count(*) FROM notices n{where}", params).fetchone()[0]
    sql = (f"SELECT {', '.join('n.' + c for c in SUMMARY_COLUMNS)} FROM notices n{where}"
           " ORDER BY n.benefit_priority DESC, n.id LIMIT ? OFFSET ?")
    cursor = db.execute(sql, [*params, per_page, (page - 1) * per_page])
    items = [_summary(dict(zip(SUMMARY_COLUMNS, row, strict=True))) for row in cursor.fetchall()]
    return {"total": total, "page": page, "per_page": per_page, "items": items}


def _rows(db: Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _decode(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        if key in row and isinstance(row[key], str):
            row[key] = json.loads(row[key])
    return row


def get_tender(db, notice_id: str) -> dict[str, Any]:
    """One stored tender in the shape POST /check gives (an Assessment: notice, findings, sme_score, coverage,
    origin, benefit), with what only the store knows beside it: `id`, `summary`, `winners` (grouped entity, origin
    class and EUR value of each) and `source_file`.

    `assessment`, `lots` and `results` (the stored rows) are the keys of the earlier shape, kept for one release
    for the tools that read them (deprecated in the OpenAPI document). Raises NotFoundError for an unknown id.
    """
    db = as_db(db)
    found = _rows(db, "SELECT * FROM notices WHERE id = ?", [notice_id])
    if not found:
        raise NotFoundError(f"no tender with id {notice_id!r}")
    row = found[0]
    assessment = json.loads(row["assessment_json"])
    sql = "SELECT * FROM winners WHERE notice_id = ? ORDER BY result_id, position"
    winners = [_decode(w, "identifiers", "identifier_types") for w in _rows(db, sql, [notice_id])]
    findings = [{**finding, "id": f"{notice_id}#F{position}", "notice_id": notice_id, "position": position}
                for position, finding in enumerate(assessment.get("findings") or [])]
    notice = json.loads(row["notice_json"])
    if notice.get("source"):
        notice["source"] = file_name(notice["source"])
    return {
        "notice": notice, **assessment, "findings": findings,
        "id": notice_id, "summary": _summary({c: row[c] for c in SUMMARY_COLUMNS}), "winners": winners,
        "source_file": file_name(row["source_file"]),
        **_deprecated_parts(db, notice_id, assessment, winners),
    }


def file_name(path: str | None) -> str | None:
    """The file name alone (and the archive member, "pkg.tar.gz!notice.xml"): never where it sits on the server."""
    if not path:
        return path
    archive, bang, member = path.partition("!")
    return os.path.basename(archive.rstrip("/\\")) + bang + member


def _deprecated_parts(db: Database, notice_id: str, assessment: dict[str, Any],
                      winners: list[dict[str, Any]]) -> dict[str, Any]:
    """The earlier shape's `assessment`, `lots` and `results` (stored rows), kept for one release."""
    results = _rows(db, "SELECT * FROM results WHERE notice_id = ? ORDER BY position", [notice_id])
    for result in results:
        result["winners"] = [w for w in winners if w["result_id"] == result["id"]]
    return {"assessment": assessment, "results": results,
            "lots": _rows(db, "SELECT * FROM lots WHERE notice_id = ? ORDER BY position", [notice_id])}


def get_winner(db, entity_id: str) -> dict[str, Any]:
    """One grouped winner (entities.py): the entity, how each member was matched, and its awards.

    Raises NotFoundError when no such entity exists.
    """
    db = as_db(db)
    found = _rows(db, "SELECT * FROM entities WHERE id = ?", [entity_id])
    if not found:
        raise NotFoundError(f"no winner with id {entity_id!r}")
    entity = _decode(found[0], "identifiers", "names")
    entity["awards"] = [_decode(a, "identifiers") for a in _rows(db, (
        "SELECT w.id, w.notice_id, w.lot_id, w.name, w.country, w.identifiers, w.size, w.origin_class, w.value,"
        " w.currency, w.value_eur, w.entity_method, w.entity_score, w.entity_matched, n.title, n.buyer_name,"
        " n.buyer_country, n.year, n.cpv_main FROM winners w JOIN notices n ON n.id = w.notice_id"
        " WHERE w.entity_id = ? ORDER BY n.year DESC, w.id"), [entity_id])]
    return entity


def filter_options(db) -> dict[str, Any]:
    """The values the filter dropdowns offer: buyer countries, years, CPV divisions, finding codes, kinds…"""
    db = as_db(db)

    def distinct(sql: str) -> list[Any]:
        return [row[0] for row in db.execute(sql).fetchall() if row[0] is not None]

    return {
        "buyer_country": distinct("SELECT DISTINCT buyer_country FROM notices ORDER BY 1"),
        "year": distinct("SELECT DISTINCT year FROM notices ORDER BY 1 DESC"),
        "cpv": distinct("SELECT DISTINCT cpv_division FROM notices ORDER BY 1"),
        "kind": distinct("SELECT DISTINCT kind FROM notices ORDER BY 1"),
        "code": distinct("SELECT DISTINCT code FROM findings WHERE status = 'flagged' ORDER BY 1"),
        "severity": list(SEVERITIES),
        "origin_class": list(ORIGIN_CLASSES),
    }
