"""A Parquet dataset (or the part of it for some years or buyer countries) into the SQLite store for the web app.

Partitions are replayed one at a time, oldest first, through the store's own write path (`store.write_notice`,
newest version wins whatever the order; `record_error`; `mark_file_done`), so loading a dataset gives the database
the SQLite ingest of the same files gives, and loading it twice changes nothing. Memory follows one partition.
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from . import dataset, store
from .schema import ADDED_COLUMNS

LOG_TABLES = ("ingest_errors", "ingest_files")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _wanted(notice: dict[str, Any], years: set[int], countries: set[str]) -> bool:
    return (not years or notice.get("year") in years) and (
        not countries or (notice.get("buyer_country") or "").upper() in countries
    )


def _notice_rows(tables: dict[str, list[dict]]) -> list[dict[str, list[dict]]]:
    """One partition's rows regrouped per notice: {"notices": [row], child table: its rows}, as rows.py gives."""
    children: dict[str, dict[str, list[dict]]] = {}
    for table, rows in tables.items():
        if table not in ("notices", "finding_texts") and table not in LOG_TABLES:  # texts are shared: loaded first
            by_notice = defaultdict(list)
            for row in rows:
                by_notice[row["notice_id"]].append(row)
            children[table] = by_notice
    for table, columns in ADDED_COLUMNS.items():  # a dataset written before a column was added: NULL, as in SQLite
        for row in tables.get(table, []):
            for column in columns:
                row.setdefault(column, None)
    return [
        {"notices": [notice], **{t: rows.get(notice["id"], []) for t, rows in children.items()}}
        for notice in tables["notices"]
    ]


def _load_partition(db, partition, years: set[int], countries: set[str], run: int) -> dict[str, int]:
    tables = {t: dataset.read_table(partition, t).to_pylist() for t in dataset.dataset_tables()}
    counts = {"notices": 0, "written": 0, "errors": 0}
    with db.conn:
        store.insert_texts(db, tables.get("finding_texts", []))
        for rows in _notice_rows(tables):
            if _wanted(rows["notices"][0], years, countries):
                counts["notices"] += 1
                counts["written"] += store.write_notice(db, rows)
        if years or countries:  # a part of the dataset: errors and done markers would speak for unloaded files
            return counts
        for error in tables.get("ingest_errors", []):
            store.record_error(db, error["file"], error["member"], error["error"], run)
            counts["errors"] += 1
        for done in tables.get("ingest_files", []):
            store.mark_file_done(db, done["file"], done["sha1"], done["notices"], done["errors"], run, done["done_at"])
    return counts


def load_dataset(
    output: str | os.PathLike,
    db_path: str | os.PathLike = store.DEFAULT_DB,
    years: list[int] | None = None,
    buyer_countries: list[str] | None = None,
    progress: bool = False,
) -> dict[str, int]:
    """Load the partitions of `output` into the store `db_path`; only the given years / buyer countries when set
    (then the error log and done markers, which belong to whole files, are left out)."""
    from tqdm import tqdm

    parts = dataset.partitions(output)
    db = store.open_db(db_path)
    run = store.start_run(db, [str(output)], 0, _now())
    totals = {"partitions": 0, "notices": 0, "written": 0, "errors": 0}
    wanted_years, countries = set(years or []), {c.upper() for c in buyer_countries or []}
    status = "interrupted"
    try:
        for partition in tqdm(parts, unit="partition", desc="load", disable=not progress, dynamic_ncols=True):
            for key, value in _load_partition(db, partition, wanted_years, countries, run).items():
                totals[key] += value
            totals["partitions"] += 1
        status = "done"
    finally:
        store.finish_run(
            db,
            run,
            _now(),
            status,
            {"files": totals["partitions"], "skipped": 0, "notices": totals["notices"], "errors": totals["errors"]},
        )
    return totals
