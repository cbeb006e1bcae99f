"""INSEE's SIRENE stock files as a user downloads them, streamed in blocks: memory stays flat at 30 M rows.

`StockUniteLegale` (legal units, keyed by SIREN) and `StockEtablissement` (establishments, keyed by SIRET) come as
CSV, zipped CSV or Parquet; which stock a file is, is told by its header (INSEE's exact column names), never by
its name. Only the columns we use are read (pyarrow: CSV blocks, Parquet row batches), and only the rows whose
SIREN / SIRET the store needs become Python values. Non-diffusible data (`[ND]`, and the name and address of a unit
or establishment whose `statutDiffusion…` is not "O") is missing, never kept. A row with the wrong number of fields
or a value of the wrong shape is skipped and reported by its text or its SIREN / SIRET; a file that is not a stock
file is one error naming it, and the other files go on.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ReciprocityError

CHUNK_ROWS = 100_000  # rows of a Parquet batch
BLOCK_BYTES = 1 << 20  # bytes of a CSV block (about 7 000 rows; larger blocks read ahead hold more memory)
UNDISCLOSED = "[ND]"
# our name -> INSEE's column, per stock (the CSV and Parquet files share the names)
UNIT_COLUMNS = {
    "siren": "siren",
    "diffusion": "statutDiffusionUniteLegale",
    "state": "etatAdministratifUniteLegale",
    "denomination": "denominationUniteLegale",
    "usual_name": "denominationUsuelle1UniteLegale",
    "acronym": "sigleUniteLegale",
    "surname": "nomUniteLegale",
    "used_surname": "nomUsageUniteLegale",
    "first_name": "prenomUsuelUniteLegale",
    "first_name1": "prenom1UniteLegale",
    "legal_category": "categorieJuridiqueUniteLegale",
    "activity": "activitePrincipaleUniteLegale",
    "company_category": "categorieEntreprise",
    "company_category_year": "anneeCategorieEntreprise",
}
ESTABLISHMENT_COLUMNS = {
    "siret": "siret",
    "siren": "siren",
    "diffusion": "statutDiffusionEtablissement",
    "state": "etatAdministratifEtablissement",
    "head_office": "etablissementSiege",
    "postcode": "codePostalEtablissement",
    "city": "libelleCommuneEtablissement",
    "foreign_city": "libelleCommuneEtrangerEtablissement",
    "sign": "enseigne1Etablissement",
    "usual_name": "denominationUsuelleEtablissement",
}
STOCKS = {"units": UNIT_COLUMNS, "establishments": ESTABLISHMENT_COLUMNS}
# the columns a file must have to be read as that stock (the others may be absent from older files)
REQUIRED = {"units": ("siren", "categorieJuridiqueUniteLegale"), "establishments": ("siret", "siren")}
PRIVATE = {
    "units": ("denomination", "usual_name", "acronym", "surname", "used_surname", "first_name", "first_name1"),
    "establishments": ("postcode", "city", "foreign_city", "sign", "usual_name"),
}


class SireneFileError(ReciprocityError):
    """A SIRENE stock file, or a row of it, could not be read: `key` and `params` word it per language (a row is
    named by its text or its SIREN / SIRET: a streamed CSV reader does not know line numbers)."""

    code = "sirene-file"

    def __init__(self, file: str, key: str, **params: Any) -> None:
        self.file, self.key, self.params = file, key, params
        detail = ", ".join(f"{k}={v}" for k, v in params.items())
        super().__init__(f"{file}: {key}{': ' + detail if detail else ''}")


@dataclass
class StockFile:
    """One stock file: its path, which stock it is, its container and the INSEE columns it has."""

    path: Path
    stock: str
    container: str  # csv | zip | parquet
    columns: list[str]
    member: str | None = None
    errors: list[SireneFileError] = field(default_factory=list)  # bad lines met while reading


def open_stock(path: str | Path) -> StockFile:
    """Tell which stock a file is from its header; SireneFileError when it is none, or unreadable."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
        if magic == b"PAR1":
            import pyarrow.parquet as pq

            return _stock(path, "parquet", pq.ParquetFile(path).schema_arrow.names)
        if magic.startswith(b"PK"):
            with zipfile.ZipFile(path) as archive:
                member = next((n for n in archive.namelist() if n.lower().endswith(".csv")), None)
                if member is None:
                    raise SireneFileError(str(path), "no-csv")
                with archive.open(member) as handle:
                    return _stock(path, "zip", _header(handle), member)
        with open(path, "rb") as handle:
            return _stock(path, "csv", _header(handle))
    except SireneFileError:
        raise
    except Exception as exc:  # unreadable, a broken zip or Parquet file
        raise SireneFileError(str(path), "unreadable", detail=getattr(exc, "strerror", None) or str(exc)) from None


def _header(handle) -> list[str]:
    line = handle.readline(1 << 16).decode("utf-8-sig", errors="replace")
    return next(csv.reader([line]), [])


def _stock(path: Path, container: str, columns: list[str], member: str | None = None) -> StockFile:
    for stock, required in REQUIRED.items():
        if all(column in columns for column in required) and (stock == "units") != ("siret" in columns):
            return StockFile(path, stock, container, columns, member)
    raise SireneFileError(str(path), "not-stock")


def read_rows(stock: StockFile, wanted: set[str], batch_rows: int = CHUNK_ROWS) -> Iterator[tuple[int, list]]:
    """(rows read, the checked rows whose SIREN / SIRET is in `wanted`) batch by batch: rows as dicts with our
    column names, None for what is missing or not diffusible. Rows are filtered by Arrow before Python sees them,
    so only the few rows the store needs become Python objects; bad rows go to `stock.errors`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    names = {insee: ours for ours, insee in STOCKS[stock.stock].items() if insee in stock.columns}
    key = STOCKS[stock.stock]["siret" if stock.stock == "establishments" else "siren"]
    value_sets: dict[Any, Any] = {}  # by column type: CSV columns are bytes, Parquet ones text
    for batch in _batches(stock, list(names), batch_rows):
        column = batch.column(key)
        if column.type not in value_sets:
            value_sets[column.type] = pa.array(sorted(wanted), type=column.type)
        matched = batch.filter(pc.is_in(column, value_set=value_sets[column.type]))
        rows = [_ours(row, names, stock.stock) for row in matched.to_pylist()]
        yield batch.num_rows, check_rows(stock, rows)


def _ours(row: dict[str, Any], names: dict[str, str], stock: str) -> dict[str, Any]:
    """A file row with our names; None for empty, `[ND]`, and the name and address of what is not diffusible."""
    ours = dict.fromkeys(STOCKS[stock])
    for insee, value in row.items():
        text = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else value
        ours[names[insee]] = None if text in ("", UNDISCLOSED) else text
    if ours["diffusion"] not in (None, "O"):
        ours.update(dict.fromkeys(PRIVATE[stock]))
    return ours


def _batches(stock: StockFile, columns: list[str], batch_rows: int) -> Iterator[Any]:
    """Arrow record batches of the file's `columns` (CSV as bytes: a stray byte never stops a 30 M-row file)."""
    try:
        if stock.container == "parquet":
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(stock.path).iter_batches(batch_size=batch_rows, columns=columns):
                yield _as_text(batch)
        elif stock.container == "zip":
            with zipfile.ZipFile(stock.path) as archive, archive.open(stock.member) as handle:
                yield from _csv_batches(stock, handle, columns)
        else:
            yield from _csv_batches(stock, str(stock.path), columns)
    except SireneFileError:
        raise
    except Exception as exc:  # a damaged page or block, a column of another type
        raise SireneFileError(str(stock.path), "unreadable", detail=str(exc).strip()) from None


def _as_text(batch):
    """A Parquet batch's columns as the CSV files write them: true/false, 2021 (not 2021.0), dates as text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for column in batch.columns:
        if pa.types.is_floating(column.type):
            column = pc.cast(column, pa.int64())  # a fractional year is an error naming the file
        columns.append(column if pa.types.is_string(column.type) else pc.cast(column, pa.string()))
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _csv_batches(stock: StockFile, source: Any, columns: list[str]) -> Iterator[Any]:
    """The CSV streamed in blocks; a row with more or fewer fields than the header is skipped and recorded."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    def skip(row) -> str:
        stock.errors.append(
            SireneFileError(
                str(stock.path), "bad-row", text=row.text[:60], actual=row.actual_columns, expected=row.expected_columns
            )
        )
        return "skip"

    reader = pcsv.open_csv(
        source,
        read_options=pcsv.ReadOptions(block_size=BLOCK_BYTES, use_threads=False),
        parse_options=pcsv.ParseOptions(invalid_row_handler=skip, newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(
            include_columns=columns,
            column_types=dict.fromkeys(columns, pa.binary()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    yield from reader


# what a value must look like to be kept (a line shifted by a stray separator fails these): our name -> pattern
FORMATS = {
    "siren": r"\d{9}",
    "siret": r"\d{14}",
    "diffusion": r"[OPN]",
    "state": r"[AFC]",
    "legal_category": r"\d{4}",
    "activity": r"[0-9A-Z.]{2,8}",
    "company_category": r"PME|ETI|GE",
    "company_category_year": r"(19|20)\d{2}",
    "head_office": r"true|false",
    "postcode": r"[0-9A-Z]{4,5}",
}


def check_rows(stock: StockFile, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows whose every value has its shape; the others are skipped and recorded in `stock.errors`."""
    kept = []
    key = "siret" if stock.stock == "establishments" else "siren"
    for row in rows:
        bad = next(
            (
                name
                for name, pattern in FORMATS.items()
                if row.get(name) is not None and not re.fullmatch(pattern, row[name])
            ),
            None,
        )
        if bad is None:
            kept.append(row)
            continue
        stock.errors.append(
            SireneFileError(
                str(stock.path),
                "bad-value",
                id_column=STOCKS[stock.stock][key],
                id=row[key],
                column=STOCKS[stock.stock][bad],
                value=row[bad][:40],
            )
        )
    return kept
