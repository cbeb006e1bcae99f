"""CSV and XLSX exports of the filtered tender list, streamed page by page so memory stays flat."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

from flask import Response
from sqlite_utils import Database

from reciprocity.audit import queries
from reciprocity.audit.export import csv_chunks, xlsx_cell
from reciprocity.audit.filters import sort_order
from reciprocity.audit.store import open_db
from reciprocity.errors import ConfigError

# the list's columns (the awarded value in EUR among them), then the winners, their countries and origin classes
AWARD_COLUMNS = ("winners", "winner_countries", "winner_origins")
EXPORT_COLUMNS = (*(c for c in queries.SUMMARY_COLUMNS if c != "benefit_reasons"), *AWARD_COLUMNS)
DIALECTS = ("default", "excel-fr")
CHUNK = 500
MAX_XLSX_ROWS = 100_000  # one sheet in memory: beyond this, use CSV or `reciprocity export`


def iter_rows(db: Database, filters: dict[str, Any], limit: int | None = None,
              sort: str | None = None) -> Iterator[list[Any]]:
    """Every matching tender as a row of EXPORT_COLUMNS, in the list's order, from one cursor (no OFFSET pages).

    The WHERE clause, order and columns are the list's own (`queries.where_clause`, `filters.sort_order`,
    `queries.SUMMARY_COLUMNS`): rows without a value for the sort key come last, as on the page. The winners'
    columns are read for each chunk of rows from the winners table.
    """
    columns = EXPORT_COLUMNS[:-len(AWARD_COLUMNS)]
    where, params = queries.where_clause(filters)
    key, descending = sort_order(sort)
    direction = "DESC" if descending else "ASC"
    sql = (f"SELECT {', '.join('n.' + c for c in columns)} FROM notices n{where}"
           f" ORDER BY {key} IS NULL, {key} {direction}, n.id {direction}")
    if limit is not None:
        sql, params = sql + " LIMIT ?", [*params, limit]
    cursor = db.execute(sql, params)
    while rows := cursor.fetchmany(CHUNK):
        awards = _awards(db, [row[0] for row in rows])
        yield from ([*(_cell(value) for value in row), *awards.get(row[0], ("", "", ""))] for row in rows)


def _awards(db: Database, ids: list[str]) -> dict[str, tuple[str, str, str]]:
    """notice id -> (winners; countries; origin classes), the names joined with " | "."""
    marks = ", ".join("?" * len(ids))
    people: dict[str, list[tuple]] = {}
    for notice, name, country, origin in db.execute(
            f"SELECT notice_id, name, country, origin_class FROM winners WHERE notice_id IN ({marks})"
            " ORDER BY notice_id, result, position", ids).fetchall():
        people.setdefault(notice, []).append((name or "", country or "", origin or ""))
    return {notice: tuple(" | ".join(item[i] for item in listed) for i in range(3))
            for notice, listed in people.items()}


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def _csv_stream(path: str, filters: dict[str, Any], excel: bool, sort: str | None) -> Iterator[str]:
    """CSV text in ~64 KB pieces; the stream outlives the request, so it holds its own database handle."""
    db = open_db(path, create=False)
    try:
        yield from csv_chunks(EXPORT_COLUMNS, iter_rows(db, filters, sort=sort), excel)
    finally:
        db.conn.close()


def _xlsx_bytes(db: Database, filters: dict[str, Any], sort: str | None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("tenders")
    sheet.append(list(EXPORT_COLUMNS))
    for row in iter_rows(db, filters, limit=MAX_XLSX_ROWS, sort=sort):
        sheet.append([xlsx_cell(sheet, value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def tenders_response(db: Database, path: str, filters: dict[str, Any], fmt: str,
                     dialect: str | None = None, sort: str | None = None) -> Response:
    """A download of the filtered tenders, in the list's order; CSV streams (`dialect=excel-fr`: BOM, ";", decimal
    commas), XLSX is built in memory (capped)."""
    queries.where_clause(filters)  # validate before streaming: a bad filter is a 400, not a broken download
    sort_order(sort)
    if dialect not in (None, "", *DIALECTS):
        raise ConfigError(f"dialect must be one of {', '.join(DIALECTS)}")
    if fmt == "csv":
        excel = dialect == "excel-fr"
        response = Response(_csv_stream(path, filters, excel, sort), mimetype="text/csv")
        response.mimetype_params["charset"] = "utf-8"
    else:
        response = Response(_xlsx_bytes(db, filters, sort),
                            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f"attachment; filename=tenders.{fmt}"
    return response
