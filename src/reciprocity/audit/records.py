"""Stored rows -> the Assessment JSON of a tender, and the tables in the shape they had before (exports, API).

The store keeps each fact once (schema.py); this module puts them back together: the notice document, its
findings (own row + shared texts) and the assessment parts without a table. The `*_view` SQL gives the rows of
lots, results, winners and findings with the columns and ids the earlier one-table-per-thing layout had, so the
API and `reciprocity export` keep their content.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from ..model import FINDING_KEYS
from .schema import FINDING_BITS

LOTS_VIEW = ("SELECT l.notice_id || '#L' || l.position AS id, l.notice_id, l.position, l.lot_id, l.title, l.cpv_main,"
             " l.estimated_value, l.estimated_currency, l.sme_suitable FROM lots l")
RESULTS_VIEW = ("SELECT r.notice_id || '#R' || r.position AS id, r.notice_id, r.position, r.lot_id, r.status,"
                " r.received_total, r.received_sme, r.received_other_eea, r.received_non_eea, r.value, r.currency,"
                " r.value_eur, r.winners_count, r.contract_date FROM results r")
# A winner shares its result's value; its EUR share splits the result's EUR value evenly among the group.
WINNERS_VIEW = ("SELECT w.notice_id || '#R' || w.result || 'W' || w.position AS id, w.notice_id,"
                " w.notice_id || '#R' || w.result AS result_id, r.lot_id, w.position, w.name, w.country, w.postcode,"
                " w.city, w.identifiers, w.identifier_types, w.size, w.origin_class, r.value, r.currency,"
                " r.value_eur / r.winners_count AS value_eur, w.entity_id, w.entity_method, w.entity_score,"
                " w.entity_matched, w.sme FROM winners w JOIN results r ON r.notice_id = w.notice_id"
                " AND r.position = w.result")
FINDINGS_VIEW = ("SELECT f.notice_id || '#F' || f.position AS id, f.notice_id, f.position, f.code, f.severity,"
                 " t.area, f.status, f.lot, t.message, t.message_fr, t.legal_ref, t.confidence, f.evidence,"
                 " t.recommendation, t.recommendation_fr, t.extra FROM findings f"
                 " JOIN finding_texts t ON t.id = f.text_id")
# export name -> (SQL giving the earlier columns, order), and the declared type of the columns SQLite cannot tell
VIEWS = {"lots": (LOTS_VIEW, "l.notice_id, l.position"), "results": (RESULTS_VIEW, "r.notice_id, r.position"),
         "winners": (WINNERS_VIEW, "w.notice_id, w.result, w.position"),
         "findings": (FINDINGS_VIEW, "f.rowid")}
# a notice's findings: the rowid range of its notice's rowid (schema.FINDING_BITS)
_OF_NOTICE = (f" WHERE f.rowid >= (SELECT rowid FROM notices WHERE id = ?) << {FINDING_BITS}"
              f" AND f.rowid < ((SELECT rowid FROM notices WHERE id = ?) + 1) << {FINDING_BITS}")
VIEW_TYPES = {"id": "TEXT", "result_id": "TEXT", "value_eur": "REAL", "position": "INTEGER"}


def unpack(blob: bytes | None) -> Any:
    """A stored JSON document (`rows.pack`)."""
    return None if blob is None else json.loads(zlib.decompress(blob))


def finding(row: dict[str, Any]) -> dict[str, Any]:
    """A finding in the JSON contract from its row joined with its texts (FINDINGS_VIEW columns)."""
    item = {key: row.get(key) for key in FINDING_KEYS}
    item["evidence"] = json.loads(row["evidence"]) if row.get("evidence") is not None else None
    item["to_confirm"] = []
    if row.get("extra"):
        item.update(json.loads(row["extra"]))
    return item


def rows_of(db, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """Every row of a query as a dict."""
    cursor = db.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def findings_of(db, notice_id: str) -> list[dict[str, Any]]:
    """A stored notice's findings in the contract shape, in their order."""
    return [finding(row) for row in rows_of(db, f"{FINDINGS_VIEW}{_OF_NOTICE} ORDER BY f.rowid", [notice_id] * 2)]


def assessment_of(db, notice_id: str) -> dict[str, Any] | None:
    """The Assessment of a stored notice as `Assessment.to_dict()` gave it when it was stored; None if absent."""
    document = db.execute("SELECT notice, assessment FROM notice_documents WHERE notice_id = ?",
                          [notice_id]).fetchone()
    if document is None:
        return None
    extras = unpack(document[1])
    return {"notice": unpack(document[0]), "findings": findings_of(db, notice_id), **extras}


def view_rows(db, name: str, notice_id: str) -> list[dict[str, Any]]:
    """One notice's rows of `lots`, `results`, `winners` or `findings` in the earlier shape (VIEWS)."""
    sql, order = VIEWS[name]
    if name == "findings":
        return rows_of(db, f"{sql}{_OF_NOTICE} ORDER BY {order}", [notice_id] * 2)
    alias = order.split(".")[0]
    return rows_of(db, f"{sql} WHERE {alias}.notice_id = ? ORDER BY {order}", [notice_id])


def iter_view(db, name: str, fetch: int) -> Iterator[tuple[list[str], list[tuple]]]:
    """Every row of a view in key order, `fetch` at a time, with the column names (for exports)."""
    sql, order = VIEWS[name]
    cursor = db.execute(f"{sql} ORDER BY {order}")
    names = [d[0] for d in cursor.description]
    while rows := cursor.fetchmany(fetch):
        yield names, rows


# The notices table as exported before documents moved out of it: the earlier columns in their order (with the
# notice and assessment JSON rebuilt), then the columns added since.
NOTICE_EXPORT_COLUMNS = (
    "id", "family", "version_key", "source_format", "schema_version", "form", "kind", "publication_number",
    "notice_uuid", "version", "dispatch_date", "publication_date", "year", "buyer_name", "buyer_country",
    "buyer_identifiers", "buyer_legal_type", "cpv_main", "cpv_division", "contract_nature", "procedure_type",
    "estimated_value", "estimated_currency", "estimated_value_eur", "title", "lots_count", "results_count",
    "winners_count", "sme_score", "benefit_priority", "benefit_reasons", "flagged_codes", "parse_warnings_count",
    "notice_json", "assessment_json", "source_file", "buyer_category", "awarded_value_eur",
)


def _in(ids: list[str]) -> str:
    return f"({', '.join('?' * len(ids))})"


def with_documents(db, rows: list[tuple], to_json) -> list[tuple]:
    """Exported notice rows (NOTICE_EXPORT_COLUMNS, JSON columns empty) with their notice and assessment JSON."""
    ids = [row[0] for row in rows]
    documents = {r[0]: (r[1], r[2]) for r in db.execute(
        f"SELECT notice_id, notice, assessment FROM notice_documents WHERE notice_id IN {_in(ids)}", ids)}
    findings = {notice_id: findings_of(db, notice_id) for notice_id in ids}
    at = NOTICE_EXPORT_COLUMNS.index("notice_json")
    out = []
    for row in rows:
        notice, extras = documents.get(row[0], (None, None))
        assessment = {"findings": findings[row[0]], **(unpack(extras) or {})}
        out.append((*row[:at], to_json(unpack(notice)), to_json(assessment), *row[at + 2:]))
    return out
