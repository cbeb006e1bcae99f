"""The batch on Dask: a LocalCluster (2 workers) writes the same rows and error log as the SQLite ingest, a rerun
writes nothing, a partition removed by hand is redone, `load` and `report --dataset` agree with the SQLite side."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import sys
import tarfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner
from conftest import CORPUS, SAMPLES

from reciprocity.audit import aggregates, dataset
from reciprocity.audit.dataset_report import dataset_report
from reciprocity.audit.ingest import ingest
from reciprocity.audit.load import load_dataset
from reciprocity.audit.sources import iter_paths
from reciprocity.audit.stats import compute_report
from reciprocity.audit.store import open_db
from reciprocity.cli import main

if not os.environ.get("CI"):  # `make test` installs the extra, so in CI a missing one fails instead of skipping
    pytest.importorskip("distributed", reason="the Dask extra is not installed: pip install '.[dask]'")
from reciprocity.audit.dask_ingest import dask_client, ingest_dask  # noqa: E402

CORPUS_PARTS = ("eforms-real/can", "ted-r208/CONTRACT_AWARD", "ted-r209-other-forms", "eforms-sdk-examples")
RUN_COLUMNS = {"run", "done_at"}  # which run wrote a row, and when: differ between runs by design


@pytest.fixture(scope="module")
def client():
    with dask_client(local_workers=2) as cluster_client:
        yield cluster_client


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    """Corpus subsets (when present), our samples, a TED-like package of them and a broken file."""
    folder = tmp_path_factory.mktemp("inputs")
    package = folder / "20240105_2024004.tar.gz"
    with tarfile.open(package, "w:gz") as archive:
        for file in iter_paths([SAMPLES]):
            info = tarfile.TarInfo(f"20240105_004/{file.name}")
            info.size = file.stat().st_size
            archive.addfile(info, io.BytesIO(file.read_bytes()))
    (folder / "junk.xml").write_bytes(b"<TED_EXPORT><unclosed>")
    parts = [CORPUS / p for p in CORPUS_PARTS if (CORPUS / p).is_dir()]
    return [*parts, SAMPLES, package, folder / "junk.xml"]


def _digest(rows: list[tuple]) -> str:
    return hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()


def sqlite_tables(db_file: Path) -> dict[str, tuple[int, str]]:
    """Row count and content hash of every table a partition holds, without the run columns."""
    found = {}
    with sqlite3.connect(db_file) as conn:
        for table, columns in dataset.table_columns().items():
            if table in dataset.dataset_tables():
                names = [n for n, _ in columns if n not in RUN_COLUMNS]
                # texts only as the findings use them: a notice replaced within a batch never wrote its texts
                used = " WHERE id IN (SELECT text_id FROM findings)" if table == "finding_texts" else ""
                rows = conn.execute(f"SELECT {', '.join(names)} FROM {table}{used}").fetchall()
                found[table] = (len(rows), _digest(rows))
    return found


def dataset_tables(output: Path) -> dict[str, tuple[int, str]]:
    """The same over the dataset, read back with what the store keeps (newest version per notice)."""
    frames = {
        t: pa.concat_tables(dataset.iter_tables(output, t)).to_pandas(types_mapper=pd.ArrowDtype)
        for t in dataset.dataset_tables()
    }  # Arrow types kept: an integer column with nulls stays integer
    notices = dataset.latest_notices(frames["notices"])
    found = {}
    for table, frame in frames.items():
        if table == "notices":
            frame = notices
        elif "notice_id" in frame:
            frame = dataset.keep_children(frame, notices)
        elif table == "finding_texts":
            used = {bytes(t) for t in dataset.keep_children(frames["findings"], notices)["text_id"]}
            frame = frame[[bytes(t) in used for t in frame["id"]]].drop_duplicates("id")
        else:  # the error log and done markers: one row per key, as in SQLite
            frame = frame.drop_duplicates([n for n, _ in dataset.table_columns()[table]][0])
        names = [n for n, _ in dataset.table_columns()[table] if n not in RUN_COLUMNS]
        rows = [
            tuple(None if v is pd.NA else v for v in row) for row in frame[names].astype(object).itertuples(index=False)
        ]
        found[table] = (len(rows), _digest(rows))
    return found


@pytest.fixture(scope="module")
def sqlite_db(inputs, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("sqlite") / "audit.db"
    ingest(inputs, db, workers=2)
    return db


def _listing(output: Path) -> dict[str, float]:
    return {str(p.relative_to(output)): p.stat().st_mtime_ns for p in sorted(output.rglob("*"))}


def test_dask_ingest_equals_sqlite_ingest_and_resumes(client, inputs, sqlite_db, tmp_path):
    output = tmp_path / "dataset"
    first = ingest_dask(inputs, output, client, batch_documents=60)
    assert not first.failed and first.skipped == 0 and first.batches >= 4
    expected = sqlite_tables(sqlite_db)
    assert expected["notices"][0] >= 14 and expected["ingest_errors"][0] >= 1
    assert dataset_tables(output) == expected

    before = _listing(output)
    again = ingest_dask(inputs, output, client, batch_documents=60)
    assert again.skipped == again.batches == first.batches and again.notices == 0
    assert _listing(output) == before  # a rerun writes nothing

    removed = dataset.partitions(output)[1]
    size = len(list(removed.iterdir()))
    for file in removed.iterdir():
        file.unlink()
    removed.rmdir()
    redo = ingest_dask(inputs, output, client, batch_documents=60)
    assert redo.skipped == first.batches - 1 and redo.notices > 0
    assert removed.is_dir() and len(list(removed.iterdir())) == size
    assert dataset_tables(output) == expected

    loaded = tmp_path / "loaded.db"
    load_dataset(output, loaded)
    assert sqlite_tables(loaded) == expected
    load_dataset(output, loaded)
    assert sqlite_tables(loaded) == expected  # loading twice changes nothing

    assert dataset_report(output) == compute_report(open_db(sqlite_db, create=False))
    filters = {"buyer_country": "fr", "year": 2024, "cpv": "45", "buyer": "ville"}
    for key, value in filters.items():
        assert dataset_report(output, {key: value}) == compute_report(open_db(sqlite_db, create=False), {key: value}), (
            key
        )


def test_load_part_of_a_dataset(client, tmp_path):
    output = tmp_path / "dataset"
    ingest_dask([SAMPLES], output, client)
    db = tmp_path / "part.db"
    totals = load_dataset(output, db, years=[2024], buyer_countries=["fr"])
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT DISTINCT year, buyer_country FROM notices").fetchall()
        marked = conn.execute("SELECT count(*) FROM ingest_files").fetchone()[0]
    assert totals["notices"] > 0 and stored == [(2024, "FR")]
    assert marked == 0  # files only partly loaded are not marked done


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_engine_dask_and_report_dataset(tmp_path):
    output, db = tmp_path / "dataset", tmp_path / "samples.db"
    printed = _cli(
        "ingest", str(SAMPLES), "--engine", "dask", "--local-workers", "1", "--output", str(output), "--no-progress"
    )
    assert "0 errors" in printed and dataset.partitions(output)
    _cli("ingest", str(SAMPLES), "--db", str(db), "--no-progress", "--no-entities")
    by_dataset = json.loads(_cli("report", "--dataset", str(output), "--json"))
    assert by_dataset == json.loads(_cli("report", "--db", str(db), "--json"))
    assert by_dataset["counts"]["notices"] >= 14
    loaded = tmp_path / "loaded.db"
    assert "0 errors" in _cli("load", str(output), "--db", str(loaded), "--no-progress", "--no-entities")
    assert aggregates.is_current(open_db(loaded))  # the overview reads materialised figures
    assert json.loads(_cli("report", "--db", str(loaded), "--json")) == by_dataset


def test_half_written_partitions_are_never_read_and_are_cleaned(tmp_path):
    output = tmp_path / "dataset"
    (output / f"{dataset.TMP_PREFIX}abc-123").mkdir(parents=True)  # left by a worker killed while writing
    (output / f"{dataset.TMP_PREFIX}abc-123" / "notices.parquet").write_bytes(b"half")
    assert dataset.partitions(output) == []
    dataset.clean_temporary(output)
    assert list(output.iterdir()) == []


def test_without_the_extra_the_command_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if dask.distributed were not installed
    result = CliRunner().invoke(main, ["ingest", str(SAMPLES), "--engine", "dask", "--output", str(tmp_path)])
    assert result.exit_code == 1
    assert "pip install 'reciprocity[dask]'" in result.output


def test_engine_dask_needs_an_output(tmp_path):
    result = CliRunner().invoke(main, ["ingest", str(SAMPLES), "--engine", "dask"])
    assert result.exit_code == 2 and "--output DIR" in result.output


def test_an_unreadable_file_is_logged_and_tried_again(client, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.xml").write_bytes((SAMPLES / "ted-f02-cn-nantes-works.xml").read_bytes())
    missing = folder / ".later" / "not-yet.xml"  # inside the folder (a link out of it is not followed), hidden
    missing.parent.mkdir()
    (folder / "b.xml").symlink_to(missing)  # listed, but reading it fails (as a file gone from a shared disk)
    output = tmp_path / "dataset"
    first = ingest_dask([folder], output, client)
    errors = pa.concat_tables(dataset.iter_tables(output, "ingest_errors")).to_pylist()
    assert first.notices == 1
    assert [e["error"] for e in errors] == [f"{folder / 'b.xml'}: cannot read file: No such file or directory"]
    missing.write_bytes((SAMPLES / "ted-f03-can-bordeaux.xml").read_bytes())
    second = ingest_dask([folder], output, client)
    assert second.skipped == 0 and second.notices == 2  # the batch is done again, now whole
