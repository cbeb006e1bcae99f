"""Export one table of the store as CSV, XLSX or Parquet, streaming rows (no cap but the format's own).

Tables are exported with the columns they had before the store was narrowed (records.py rebuilds them): the
notices with their notice and assessment JSON, findings with their texts, winners with their result's value.

CSV writes row by row; Parquet writes in record batches; XLSX uses openpyxl's write-only mode and starts a new
sheet every XLSX_MAX_ROWS data rows (Excel's limit is 1,048,576 rows per sheet, header included).

Text from notices is hostile: a title "=HYPERLINK(…)" must not become a live formula in a spreadsheet. CSV cells
that start like a formula get a leading quote (OWASP's advice), XLSX cells stay typed as text: `csv_cell` and
`xlsx_cell`, used by every CSV and XLSX writer (this module's and the web app's downloads).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from sqlite_utils import Database

from ..errors import ConfigError
from . import records
from .filters import where_clause
from .rows import to_json

TABLES = ("notices", "lots", "results", "winners", "findings", "entities", "ingest_runs", "ingest_errors",
          "ingest_files")
FORMATS = ("csv", "xlsx", "parquet")
NOTICE_PARTS = ("notices", "lots", "results", "winners", "findings")  # the tables the list's filters apply to
XLSX_MAX_ROWS = 1_048_575  # data rows per sheet: Excel's 1,048,576 minus the header row
XLSX_MAX_CELL = 32_767  # characters per cell in Excel: longer values (notice JSON) are cut, and counted
FETCH_ROWS = 5_000


def _declared_types(db: Database) -> dict[str, str]:
    """Declared type of every stored column by name (a view's computed columns take VIEW_TYPES)."""
    types: dict[str, str] = {}
    for table in ("lots", "results", "winners", "findings", "finding_texts", "notices"):
        for column in db[table].columns:
            types.setdefault(column.name, (column.type or "TEXT").upper())
    return {**types, **records.VIEW_TYPES}


def _columns(db: Database, table: str) -> list[tuple[str, str]]:
    """(name, declared type) of a table's exported columns; unknown tables are errors naming the choices."""
    if table not in TABLES or (table not in records.VIEWS and table != "notices" and not db[table].exists()):
        raise ConfigError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    if table == "notices":
        types = _declared_types(db)
        return [(c, types.get(c, "TEXT")) for c in records.NOTICE_EXPORT_COLUMNS]
    if table in records.VIEWS:
        types = _declared_types(db)
        cursor = db.execute(f"{records.VIEWS[table][0]} LIMIT 0")
        return [(d[0], types.get(d[0], "TEXT")) for d in cursor.description]
    return [(c.name, (c.type or "TEXT").upper()) for c in db[table].columns]


def _batches(db: Database, table: str, columns: list[str], filters: dict[str, Any] | None = None
             ) -> Iterator[list[tuple]]:
    """The table's rows in key order, FETCH_ROWS at a time, never the whole table at once; `filters` (the
    list's) keep the rows of the matching notices."""
    where, params = where_clause(filters)
    if table == "notices":
        names = ", ".join("NULL" if c in ("notice_json", "assessment_json") else f"n.{c}" for c in columns)
        cursor = db.execute(f"SELECT {names} FROM notices n{where} ORDER BY n.id", params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield records.with_documents(db, rows, to_json)
        return
    if table in records.VIEWS:
        sql, order = records.VIEWS[table]
        alias = order.split(".")[0]
        keep = f" WHERE {alias}.notice_id IN (SELECT n.id FROM notices n{where})" if where else ""  # a rowid scan
        cursor = db.execute(f"{sql}{keep} ORDER BY {order}", params)
    else:
        cursor = db.execute(f"SELECT {', '.join(columns)} FROM [{table}] ORDER BY rowid")
    while rows := cursor.fetchmany(FETCH_ROWS):
        yield rows


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula (OWASP)
_PLAIN_NUMBER = re.compile(r"[-+]?[0-9]+(?:[.,][0-9]+)?(?:[eE][-+]?[0-9]+)?")


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run nor split: text starting with = + - @ tab or CR gets a leading quote
    (a plain number such as "-5000" is no formula), and a CR inside becomes a line feed (the writer quotes the
    cell then; a bare CR would end the row for a spreadsheet)."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """An XLSX cell kept as text: openpyxl would store a string starting with "=" as a formula."""
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


_DECIMAL_TEXT = re.compile(r"-?\d+\.\d+")


def _excel_cell(value: Any) -> Any:
    """A value as French Excel reads a number: decimal comma ("612400,5"); other values unchanged."""
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value):
        return value.replace(".", ",")
    return value


def csv_chunks(header: Iterable[str], rows: Iterable[Iterable[Any]], excel: bool = False,
               size: int = 64_000) -> Iterator[str]:
    """THE CSV writer of every export (CLI tables, the web's tender list): text in pieces of about `size`
    characters. `excel`: what French Excel opens right, a UTF-8 BOM, ";" between fields and decimal commas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
    if excel:
        buffer.write("\ufeff")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([csv_cell(_excel_cell(value)) for value in row] if excel else [csv_cell(v) for v in row])
        if buffer.tell() > size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export_csv(db: Database, table: str, out: TextIO, excel: bool = False,
               filters: dict[str, Any] | None = None) -> int:
    """Write `table` as CSV (header + rows) to a text stream; returns the number of rows."""
    columns = [name for name, _ in _columns(db, table)]
    count = 0

    def rows() -> Iterator[tuple]:
        nonlocal count
        for batch in _batches(db, table, columns, filters):
            count += len(batch)
            yield from batch

    for piece in csv_chunks(columns, rows(), excel):
        out.write(piece)
    return count


def _xlsx_value(value: Any, stats: dict[str, int]) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) > XLSX_MAX_CELL:
        stats["cut_cells"] += 1
        return value[:XLSX_MAX_CELL]
    return value


def export_xlsx(db: Database, table: str, path: str | Path, filters: dict[str, Any] | None = None) -> dict[str, int]:
    """Write `table` to an .xlsx file, over as many sheets as the row limit needs; returns rows/sheets/cuts."""
    from openpyxl import Workbook

    columns = [name for name, _ in _columns(db, table)]
    book = Workbook(write_only=True)
    stats = {"rows": 0, "sheets": 0, "cut_cells": 0}
    sheet, in_sheet = None, XLSX_MAX_ROWS
    for rows in _batches(db, table, columns, filters):
        for row in rows:
            if in_sheet >= XLSX_MAX_ROWS:
                stats["sheets"] += 1
                sheet = book.create_sheet(table if stats["sheets"] == 1 else f"{table}_{stats['sheets']}")
                sheet.append(columns)
                in_sheet = 0
            sheet.append([xlsx_cell(sheet, _xlsx_value(v, stats)) for v in row])
            in_sheet += 1
            stats["rows"] += 1
    if sheet is None:  # an empty table still gets its header
        book.create_sheet(table).append(columns)
        stats["sheets"] = 1
    book.save(path)
    return stats


def _arrow_schema(columns: list[tuple[str, str]]):
    import pyarrow as pa

    kinds = {"INTEGER": pa.int64(), "REAL": pa.float64(), "FLOAT": pa.float64()}
    return pa.schema([(name, kinds.get(kind, pa.string())) for name, kind in columns])


def export_parquet(db: Database, table: str, path: str | Path, filters: dict[str, Any] | None = None) -> int:
    """Write `table` to a Parquet file in record batches; returns the number of rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = _columns(db, table)
    schema = _arrow_schema(columns)
    names = [name for name, _ in columns]
    count = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for rows in _batches(db, table, names, filters):
            data = {name: [_arrow_value(row[i], schema.field(i).type) for row in rows] for i, name in enumerate(names)}
            writer.write_table(pa.Table.from_pydict(data, schema=schema))
            count += len(rows)
    return count


def _arrow_value(value: Any, kind) -> Any:
    """SQLite is loosely typed: a text column may hold numbers (and the reverse); cast to the column's type."""
    import pyarrow as pa

    if value is None:
        return None
    if kind == pa.string():
        return str(value)
    if kind == pa.int64():
        return int(value)
    return float(value)


def export_table(db: Database, table: str, fmt: str, output: str | Path | None = None,
                 stdout: TextIO | None = None, excel: bool = False,
                 filters: dict[str, Any] | None = None) -> dict[str, int]:
    """Export `table` in `fmt` to `output` (CSV may go to stdout); returns counts for the CLI to report.
    `excel` (CSV only): the dialect French Excel opens right (BOM, ";", decimal commas). `filters` (the list's)
    keep the rows of the matching notices (tables of notices and their parts)."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if excel and fmt != "csv":
        raise ConfigError("--excel applies to CSV only (XLSX and Parquet keep numbers as numbers)")
    if filters and any(v not in (None, "") for v in filters.values()) and table not in NOTICE_PARTS:
        raise ConfigError(f"filters apply to the tables {', '.join(NOTICE_PARTS)}, not to {table}")
    where_clause(filters)  # a bad filter is an error before any file is written
    if fmt == "csv":
        if output is None:
            return {"rows": export_csv(db, table, stdout or sys.stdout, excel, filters)}
        with open(output, "w", encoding="utf-8", newline="") as handle:
            return {"rows": export_csv(db, table, handle, excel, filters)}
    if output is None:
        raise ConfigError(f"--output is required for {fmt} (a binary format)")
    if fmt == "xlsx":
        return export_xlsx(db, table, output, filters)
    return {"rows": export_parquet(db, table, output, filters)}
