"""Read side of the store, shared by the CLI and the web app (pages and JSON API call the same functions).

Every function takes `db`: a sqlite_utils `Database`, a `sqlite3.Connection` or a path. Filters are a dict with
any of the keys in `FILTERS` (filters.py); an unknown key raises `ConfigError` naming it, empty values are
ignored. The list itself (sorts, keyset pages, cached totals) is in listing.py.
"""

from __future__ import annotations

import json
import os
from typing import Any

from ..errors import NotFoundError
from ..model import ORIGIN_CLASSES, SEVERITIES
from . import records
from .filters import FILTERS, SORTS, where_clause
from .listing import MAX_PER_PAGE, SUMMARY_COLUMNS, list_tenders
from .store import as_db

__all__ = ["FILTERS", "SORTS", "MAX_PER_PAGE", "SUMMARY_COLUMNS", "as_db", "where_clause", "list_tenders",
           "get_tender", "get_winner", "filter_options"]


def _decode(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        if key in row and isinstance(row[key], str):
            row[key] = json.loads(row[key])
    return row


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    item = {c: row[c] for c in SUMMARY_COLUMNS}
    item["benefit_reasons"] = json.loads(item["benefit_reasons"] or "[]")
    item["flagged_codes"] = (item["flagged_codes"] or "").split()
    return item


def get_tender(db, notice_id: str) -> dict[str, Any]:
    """One stored tender in the shape POST /check gives (an Assessment: notice, findings, sme_score, coverage,
    origin, benefit), rebuilt from its rows, with what only the store knows beside it: `id`, `summary`, `winners`
    (grouped entity, origin class and EUR value of each) and `source_file`.

    `assessment`, `lots` and `results` (the stored rows) are the keys of the earlier shape, kept for one release
    for the tools that read them (deprecated in the OpenAPI document). Raises NotFoundError for an unknown id.
    """
    db = as_db(db)
    found = records.rows_of(db, f"SELECT {', '.join(SUMMARY_COLUMNS)}, source_file FROM notices WHERE id = ?",
                            [notice_id])
    assessment = records.assessment_of(db, notice_id) if found else None
    if assessment is None:
        raise NotFoundError(f"no tender with id {notice_id!r}")
    row = found[0]
    notice = assessment.pop("notice")
    winners = [_decode(w, "identifiers", "identifier_types") for w in records.view_rows(db, "winners", notice_id)]
    findings = [{**finding, "id": f"{notice_id}#F{position}", "notice_id": notice_id, "position": position}
                for position, finding in enumerate(assessment["findings"])]
    results = records.view_rows(db, "results", notice_id)
    for result in results:
        result["winners"] = [w for w in winners if w["result_id"] == result["id"]]
    if notice.get("source"):
        notice["source"] = file_name(notice["source"])
    return {
        "notice": notice, **assessment, "findings": findings,
        "id": notice_id, "summary": _summary(row), "winners": winners, "source_file": file_name(row["source_file"]),
        "assessment": assessment, "results": results, "lots": records.view_rows(db, "lots", notice_id),
    }


def file_name(path: str | None) -> str | None:
    """The file name alone (and the archive member, "pkg.tar.gz!notice.xml"): never where it sits on the server."""
    if not path:
        return path
    archive, bang, member = path.partition("!")
    return os.path.basename(archive.rstrip("/\\")) + bang + member


def get_winner(db, entity_id: str) -> dict[str, Any]:
    """One grouped winner (entities.py): the entity, how each member was matched, and its awards.

    Raises NotFoundError when no such entity exists.
    """
    db = as_db(db)
    found = records.rows_of(db, "SELECT * FROM entities WHERE id = ?", [entity_id])
    if not found:
        raise NotFoundError(f"no winner with id {entity_id!r}")
    entity = _decode(found[0], "identifiers", "names")
    sql = (f"SELECT a.id, a.notice_id, a.lot_id, a.name, a.country, a.identifiers, a.size, a.origin_class, a.value,"
           " a.currency, a.value_eur, a.entity_method, a.entity_score, a.entity_matched, n.title, n.buyer_name,"
           f" n.buyer_country, n.year, n.cpv_main FROM ({records.WINNERS_VIEW} WHERE w.entity_id = ?) a"
           " JOIN notices n ON n.id = a.notice_id ORDER BY n.year DESC, a.notice_id, a.id")
    entity["awards"] = [_decode(a, "identifiers") for a in records.rows_of(db, sql, [entity_id])]
    return entity


def filter_options(db) -> dict[str, Any]:
    """The values the filter dropdowns offer: buyer countries, years, CPV divisions, finding codes, kinds…"""
    db = as_db(db)

    def distinct(column: str) -> list[Any]:
        sql = f"SELECT DISTINCT {column} FROM notices WHERE {column} IS NOT NULL ORDER BY 1"
        return [row[0] for row in db.execute(sql).fetchall()]

    return {
        "buyer_country": distinct("buyer_country"),
        "year": sorted(distinct("year"), reverse=True),
        "cpv": distinct("cpv_division"),
        "kind": distinct("kind"),
        "procedure_type": distinct("procedure_type"),
        "buyer_category": distinct("buyer_category"),
        "code": [row[0] for row in db.execute("SELECT DISTINCT code FROM findings WHERE status = 'flagged'"
                                              " ORDER BY 1").fetchall()],
        "severity": list(SEVERITIES),
        "origin_class": list(ORIGIN_CLASSES),
        "sort": list(SORTS),
    }
