"""The Parquet dataset of a distributed ingest: one directory per input batch, the store's tables inside.

Layout: `DIR/batch-<content hash>/<table>.parquet`, one file per store table (those `rows.assessment_rows` fills,
plus the error log `ingest_errors` and the done markers `ingest_files`). A batch's rows are written through the
store's own write path into an in-memory SQLite store, whose tables are saved as they are: column names and types
are the store's schema (never listed here), so a partition holds exactly the rows the SQLite ingest writes.
A partition is written in a hidden temporary directory and renamed into place at once:
it is there whole or not at all, so a crash loses nothing written and a rerun skips every partition present.

Partitions are an append-only log: the same notice may sit in two of them (two versions, or the same file
ingested twice). `latest_notices` keeps what the store keeps: per notice family the highest `version_key`.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlite_utils import Database

from ..errors import ConfigError
from . import changes, store
from .rows import change_key
from .schema import NOTICE_TABLES

PREFIX = "batch-"
TMP_PREFIX = ".tmp-"
ARROW_TYPES = {"TEXT": pa.string(), "INTEGER": pa.int64(), "REAL": pa.float64(), "BLOB": pa.binary()}


@lru_cache(maxsize=1)
def table_columns() -> dict[str, tuple[tuple[str, str], ...]]:
    """Every table of the store with its (column, declared type) pairs, read from the store's own schema."""
    db = Database(memory=True)
    store.ensure_schema(db)
    return {table.name: tuple((c.name, c.type.upper()) for c in table.columns) for table in db.tables}


DATASET_EXCLUDES = ("entities", "ingest_runs")  # computed over the whole database, or about one run: not rows


def dataset_tables() -> list[str]:
    """The store tables a partition holds: a notice's rows (`rows.assessment_rows`), the finding texts they share,
    and the ingest log; not the lookup, search and state tables the store derives from them."""
    keep = (*NOTICE_TABLES, "finding_texts", "ingest_errors", "ingest_files")
    return [name for name in table_columns() if name in keep and name not in DATASET_EXCLUDES]


def arrow_table(db: Database, table: str) -> pa.Table:
    """One table of a (batch's in-memory) store as Arrow, with the store's columns and types."""
    columns = table_columns()[table]
    rows = db.execute(f"SELECT {', '.join(name for name, _ in columns)} FROM {table}").fetchall()
    arrays = [
        pa.array([row[i] for row in rows], type=ARROW_TYPES.get(kind, pa.string()))
        for i, (_, kind) in enumerate(columns)
    ]
    return pa.Table.from_arrays(arrays, names=[name for name, _ in columns])


def empty_table(table: str) -> pa.Table:
    columns = table_columns()[table]
    return pa.schema([(name, ARROW_TYPES.get(kind, pa.string())) for name, kind in columns]).empty_table()


def partition_path(output: str | os.PathLike, batch: str) -> Path:
    return Path(output) / f"{PREFIX}{batch}"


def write_partition(output: str | os.PathLike, batch: str, tables: dict[str, pa.Table]) -> bool:
    """Write one batch's tables atomically (temporary directory, then one rename). False when the partition was
    already there (another worker wrote the same content first)."""
    final = partition_path(output, batch)
    tmp = Path(output) / f"{TMP_PREFIX}{batch}-{uuid.uuid4().hex}"
    tmp.mkdir(parents=True)
    try:
        for table, data in tables.items():
            pq.write_table(data, tmp / f"{table}.parquet")
        os.rename(tmp, final)
        return True
    except OSError:
        if final.is_dir():
            return False
        raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def clean_temporary(output: str | os.PathLike) -> None:
    """Remove the temporary directories a crashed run left behind (one run per dataset at a time)."""
    folder = Path(output)
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.name.startswith(TMP_PREFIX):
                shutil.rmtree(entry, ignore_errors=True)


def partitions(output: str | os.PathLike) -> list[Path]:
    """The complete partitions of a dataset, oldest first (so a replay applies later runs last)."""
    folder = Path(output)
    if not folder.is_dir():
        raise ConfigError(f"dataset {folder} does not exist (run `reciprocity ingest --engine dask` first)")
    found = [p for p in folder.iterdir() if p.is_dir() and p.name.startswith(PREFIX)]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def batch_name(partition: Path) -> str:
    return partition.name.removeprefix(PREFIX)


def read_table(partition: Path, table: str, columns: list[str] | None = None) -> pa.Table:
    """One table of one partition (empty, with the store's columns, when the batch produced none)."""
    file = partition / f"{table}.parquet"
    if file.is_file():
        return pq.read_table(file, columns=columns)
    empty = empty_table(table)
    return empty.select(columns) if columns else empty


def iter_tables(output: str | os.PathLike, table: str, columns: list[str] | None = None) -> Iterator[pa.Table]:
    """One table of every partition, each with a `batch` column naming its partition."""
    for partition in partitions(output):
        part = read_table(partition, table, columns)
        yield part.append_column("batch", pa.array([batch_name(partition)] * part.num_rows, type=pa.string()))


def latest_notices(notices: pd.DataFrame) -> pd.DataFrame:
    """The notices the store keeps: per family, then per id, the highest version_key (store.write_notice)."""
    ordered = notices.sort_values(["version_key", "batch"], ascending=False, kind="stable")
    kept = ordered.drop_duplicates("family").drop_duplicates("id")
    # and, as the store does (changes.py), not a notice that a change notice replaces unambiguously
    text = [(u if isinstance(u, str) else None, v if isinstance(v, str) else None)
            for u, v in zip(kept["notice_uuid"], kept["version"], strict=True)]  # pd.NA is no string
    own = pd.Series([change_key(u, v) for u, v in text],
                    index=kept.index, dtype=object)
    counts = own.value_counts()
    changed = {family for family in kept["family"] if isinstance(family, str) and family.startswith(changes.PREFIX)}
    replaced = own.isin(changed) & own.map(counts).eq(1) & own.ne(kept["family"])
    return kept[~replaced]


def keep_children(children: pd.DataFrame, notices: pd.DataFrame) -> pd.DataFrame:
    """Child rows (lots, results, winners, findings) of the kept notices, from the partition that kept them."""
    kept = pd.MultiIndex.from_frame(notices[["batch", "id"]])
    mine = pd.MultiIndex.from_frame(children[["batch", "notice_id"]])
    return children[mine.isin(kept)]
