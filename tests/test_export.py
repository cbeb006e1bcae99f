"""Export: CSV to stdout or a file, XLSX split over sheets past the row limit, Parquet read back."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from test_store import make_assessment, store

from reciprocity.audit import export as export_module
from reciprocity.audit.export import export_table
from reciprocity.audit.store import open_db
from reciprocity.cli import main
from reciprocity.errors import ConfigError


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "export.db"
    db = open_db(path)
    store(db, *(make_assessment(f"0000000{i}-2024", lots=i, winners=[("Colas, \"SA\"\n", "FR", "FR", [])])
                for i in range(1, 5)))
    return path


def test_csv_to_stdout_streams_every_row(db_file, monkeypatch):
    monkeypatch.setattr(export_module, "FETCH_ROWS", 3)  # several fetches for 10 rows
    result = CliRunner().invoke(main, ["export", "--db", str(db_file), "--format", "csv", "--table", "lots"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 1 + 2 + 3 + 4
    assert rows[0]["lot_id"] == "LOT-0001"


def test_csv_file_keeps_awkward_text(db_file, tmp_path):
    out = tmp_path / "winners.csv"
    counts = export_table(open_db(db_file), "winners", "csv", out)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert counts == {"rows": 4} and rows[0]["name"] == "Colas, \"SA\"\n"


def test_xlsx_splits_over_sheets(db_file, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    monkeypatch.setattr(export_module, "XLSX_MAX_ROWS", 3)
    out = tmp_path / "lots.xlsx"
    assert export_table(open_db(db_file), "lots", "xlsx", out) == {"rows": 10, "sheets": 4, "cut_cells": 0}
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["lots", "lots_2", "lots_3", "lots_4"]
    sheets = [list(book[name].iter_rows(values_only=True)) for name in book.sheetnames]
    assert [len(rows) for rows in sheets] == [4, 4, 4, 2]  # header + up to 3 data rows on each
    assert all(rows[0][0] == "id" for rows in sheets)
    ids = [row[0] for rows in sheets for row in rows[1:]]
    assert len(set(ids)) == 10
    book.close()


def test_xlsx_cuts_cells_past_excel_limit(db_file, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    monkeypatch.setattr(export_module, "XLSX_MAX_CELL", 50)
    out = tmp_path / "notices.xlsx"
    counts = export_table(open_db(db_file), "notices", "xlsx", out)
    assert counts["rows"] == 4 and counts["cut_cells"] >= 8  # notice and assessment JSON of each notice
    book = load_workbook(out, read_only=True)
    assert max(len(str(c)) for row in book["notices"].iter_rows(values_only=True) for c in row) <= 50
    book.close()


def test_parquet(db_file, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "notices.parquet"
    result = CliRunner().invoke(main, ["export", "--db", str(db_file), "--format", "parquet", "--table", "notices",
                                       "--output", str(out)])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.num_rows == 4
    assert sorted(table.column("lots_count").to_pylist()) == [1, 2, 3, 4]
    assert str(table.schema.field("lots_count").type) == "int64"


def test_errors(db_file):
    db = open_db(db_file)
    with pytest.raises(ConfigError, match="unknown table"):
        export_table(db, "sqlite_master", "csv")
    with pytest.raises(ConfigError, match="--output is required"):
        export_table(db, "lots", "xlsx")
    result = CliRunner().invoke(main, ["export", "--db", str(db_file), "--format", "pdf", "--table", "lots"])
    assert result.exit_code == 2


def test_excel_csv_round_trips_through_pandas(db_file, tmp_path):
    import pandas as pd

    out = tmp_path / "winners.csv"
    result = CliRunner().invoke(main, ["export", "--db", str(db_file), "--format", "csv", "--table", "winners",
                                       "--excel", "--output", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    frame = pd.read_csv(out, sep=";", encoding="utf-8-sig", decimal=",")
    plain = pd.read_csv(export_plain(db_file, tmp_path), sep=",", encoding="utf-8")
    assert list(frame.columns) == list(plain.columns) and frame["name"].tolist() == plain["name"].tolist()
    assert frame["name"][0] == "Colas, \"SA\"\n"  # separators, quotes and newlines inside a field survive


def export_plain(db_file, tmp_path):
    out = tmp_path / "plain.csv"
    export_table(open_db(db_file), "winners", "csv", out)
    return out


def test_excel_dialect_writes_decimal_commas():
    from reciprocity.audit.export import csv_chunks

    text = "".join(csv_chunks(["a", "b", "c", "d"], [[1234.5, "1234.50", "LOT-1.2", 7]], excel=True))
    assert text == "\ufeffa;b;c;d\r\n1234,5;1234,50;LOT-1.2;7\r\n"
    assert "".join(csv_chunks(["a"], [[1.5]])) == "a\n1.5\n"


def test_excel_applies_to_csv_only(db_file):
    with pytest.raises(ConfigError, match="CSV only"):
        export_table(open_db(db_file), "lots", "xlsx", "x.xlsx", excel=True)
