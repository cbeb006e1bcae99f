"""CSV and XLSX exports of the filtered tender list, streamed page by page so memory stays flat."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from flask import Response
from sqlite_utils import Database

from reciprocity.audit import queries
from reciprocity.audit.store import open_db

EXPORT_COLUMNS = tuple(c for c in queries.SUMMARY_COLUMNS if c != "benefit_reasons")
CHUNK = 500
MAX_XLSX_ROWS = 100_000  # one sheet in memory: beyond this, use CSV or `reciprocity export`


def iter_rows(db: Database, filters: dict[str, Any], limit: int | None = None) -> Iterator[list[Any]]:
    """Every matching tender as a row of EXPORT_COLUMNS, in the list's order, from one cursor (no OFFSET pages).

    The WHERE clause and columns are the list's own (`queries.where_clause`, `queries.SUMMARY_COLUMNS`).
    """
    where, params = queries.where_clause(filters)
    sql = (f"SELECT {', '.join('n.' + c for c in EXPORT_COLUMNS)} FROM notices n{where}"
           " ORDER BY n.benefit_priority DESC, n.id")
    if limit is not None:
        sql, params = sql + " LIMIT ?", [*params, limit]
    cursor = db.execute(sql, params)
    while rows := cursor.fetchmany(CHUNK):
        yield from ([_cell(value) for value in row] for row in rows)


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def _csv_stream(path: str, filters: dict[str, Any]) -> Iterator[str]:
    """CSV text in ~64 KB pieces; the stream outlives the request, so it holds its own database handle."""
    db = open_db(path, create=False)
    try:
        yield from _csv_pieces(db, filters)
    finally:
        db.conn.close()


def _csv_pieces(db: Database, filters: dict[str, Any]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in iter_rows(db, filters):
        writer.writerow(row)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _xlsx_bytes(db: Database, filters: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("tenders")
    sheet.append(list(EXPORT_COLUMNS))
    for row in iter_rows(db, filters, limit=MAX_XLSX_ROWS):
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def tenders_response(db: Database, path: str, filters: dict[str, Any], fmt: str) -> Response:
    """A download of the filtered tenders; CSV streams, XLSX is built in memory (capped)."""
    queries.where_clause(filters)  # validate before streaming: a bad filter is a 400, not a broken download
    if fmt == "csv":
        response = Response(_csv_stream(path, filters), mimetype="text/csv")
    else:
        response = Response(_xlsx_bytes(db, filters),
                            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f"attachment; filename=tenders.{fmt}"
    return response
