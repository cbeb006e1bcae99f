"""INSEE's SIRENE stock files as a user downloads them, read in chunks of rows: memory stays flat at 30 M rows.

`StockUniteLegale` (legal units, keyed by SIREN) and `StockEtablissement` (establishments, keyed by SIRET) come as
CSV, zipped CSV or Parquet; which stock a file is, is told by its header (INSEE's exact column names), never by
its name. Only the columns we use are read, all as text. Non-diffusible data (`[ND]`, and the name and address of
a unit or establishment whose `statutDiffusion…` is not "O") is missing, never kept. Bad lines are skipped and
reported with their line; a file that is not a stock file is one error naming it, and the other files go on.
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

CHUNK_ROWS = 100_000
UNDISCLOSED = "[ND]"
# our name -> INSEE's column, per stock (the CSV and Parquet files share the names)
UNIT_COLUMNS = {
    "siren": "siren", "diffusion": "statutDiffusionUniteLegale", "state": "etatAdministratifUniteLegale",
    "denomination": "denominationUniteLegale", "usual_name": "denominationUsuelle1UniteLegale",
    "acronym": "sigleUniteLegale", "surname": "nomUniteLegale", "used_surname": "nomUsageUniteLegale",
    "first_name": "prenomUsuelUniteLegale", "first_name1": "prenom1UniteLegale",
    "legal_category": "categorieJuridiqueUniteLegale", "activity": "activitePrincipaleUniteLegale",
    "company_category": "categorieEntreprise", "company_category_year": "anneeCategorieEntreprise",
}
ESTABLISHMENT_COLUMNS = {
    "siret": "siret", "siren": "siren", "diffusion": "statutDiffusionEtablissement",
    "state": "etatAdministratifEtablissement", "head_office": "etablissementSiege",
    "postcode": "codePostalEtablissement", "city": "libelleCommuneEtablissement",
    "foreign_city": "libelleCommuneEtrangerEtablissement", "sign": "enseigne1Etablissement",
    "usual_name": "denominationUsuelleEtablissement",
}
STOCKS = {"units": UNIT_COLUMNS, "establishments": ESTABLISHMENT_COLUMNS}
# the columns a file must have to be read as that stock (the others may be absent from older files)
REQUIRED = {"units": ("siren", "categorieJuridiqueUniteLegale"), "establishments": ("siret", "siren")}
PRIVATE = {"units": ("denomination", "usual_name", "acronym", "surname", "used_surname", "first_name",
                     "first_name1"),
           "establishments": ("postcode", "city", "foreign_city", "sign", "usual_name")}


class SireneFileError(ReciprocityError):
    """A SIRENE stock file, or a line of it, could not be read: `key` and `params` word it per language."""

    code = "sirene-file"

    def __init__(self, file: str, key: str, line: int | None = None, **params: Any) -> None:
        self.file, self.key, self.line, self.params = file, key, line, params
        where = f"{file} line {line}" if line else file
        detail = ", ".join(f"{k}={v}" for k, v in params.items())
        super().__init__(f"{where}: {key}{': ' + detail if detail else ''}")


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


def chunks(stock: StockFile, rows: int = CHUNK_ROWS) -> Iterator[Any]:
    """DataFrames of at most `rows` rows, with our column names (absent ones None), text only; private values
    (`[ND]`, a name or address not diffusible) are None. Bad lines are skipped and added to `stock.errors`."""
    wanted = {ours: insee for ours, insee in STOCKS[stock.stock].items() if insee in stock.columns}
    for frame in _frames(stock, list(wanted.values()), rows):
        frame = frame.rename(columns={insee: ours for ours, insee in wanted.items()})
        for ours in STOCKS[stock.stock]:
            if ours not in frame:
                frame[ours] = None
        yield _undisclosed(frame, stock.stock)


def _undisclosed(frame, stock: str):
    """None for `[ND]` and empty values, and for the name and address of what is not diffusible ("P")."""
    frame = frame.where(frame.notna() & (frame != "") & (frame != UNDISCLOSED), None)
    private = frame["diffusion"].notna() & (frame["diffusion"] != "O")
    if private.any():
        frame.loc[private, list(PRIVATE[stock])] = None
    return frame


def _frames(stock: StockFile, columns: list[str], rows: int) -> Iterator[Any]:
    if stock.container == "parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(stock.path).iter_batches(batch_size=rows, columns=columns):
            yield batch.to_pandas().astype(object)
        return
    if stock.container == "zip":
        with zipfile.ZipFile(stock.path) as archive, archive.open(stock.member) as handle:
            yield from _csv_frames(stock, handle, columns, rows)
        return
    with open(stock.path, "rb") as handle:
        yield from _csv_frames(stock, handle, columns, rows)


def _csv_frames(stock: StockFile, handle, columns: list[str], rows: int) -> Iterator[Any]:
    """read_csv in chunks, the last column of the header always read: a line with too few fields lacks it."""
    import pandas as pd

    last = stock.columns[-1]
    reader = pd.read_csv(handle, usecols=sorted({*columns, last}, key=stock.columns.index), dtype=str,
                         keep_default_na=False, chunksize=rows, encoding="utf-8", encoding_errors="replace")
    with reader:
        while True:
            try:
                frame = next(reader)
            except StopIteration:
                return
            except (pd.errors.ParserError, ValueError) as exc:
                raise SireneFileError(str(stock.path), "unreadable", detail=str(exc).strip()) from None
            short = frame[last].isna()
            if short.any():
                stock.errors.extend(SireneFileError(str(stock.path), "short-line", int(index) + 2)
                                    for index in frame.index[short])
                frame = frame[~short]
            yield frame[columns]


# what a value must look like to be kept (a line shifted by a stray separator fails these): our name -> pattern
FORMATS = {
    "siren": r"\d{9}", "siret": r"\d{14}", "diffusion": r"[OPN]", "state": r"[AFC]", "legal_category": r"\d{4}",
    "activity": r"[0-9A-Z.]{2,8}", "company_category": r"PME|ETI|GE", "company_category_year": r"(19|20)\d{2}",
    "head_office": r"true|false", "postcode": r"[0-9A-Z]{4,5}",
}


def check_rows(stock: StockFile, frame) -> list[dict[str, Any]]:
    """The frame's rows as dicts (None for missing); a row with a value of the wrong shape is skipped and recorded
    in `stock.errors` with its line (counting the header as line 1)."""
    kept = []
    for index, row in zip(frame.index, frame.to_dict("records"), strict=True):
        row = {key: (None if value is None or value != value else value) for key, value in row.items()}  # NaN
        bad = next((key for key, pattern in FORMATS.items()
                    if row.get(key) is not None and not re.fullmatch(pattern, row[key])), None)
        if bad:
            stock.errors.append(SireneFileError(str(stock.path), "bad-value", int(index) + 2,
                                                column=STOCKS[stock.stock][bad], value=row[bad][:40]))
            continue
        kept.append(row)
    return kept
