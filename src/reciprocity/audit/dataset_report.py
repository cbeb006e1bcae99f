"""The audit report over a Parquet dataset, with no SQLite: the same aggregates (`stats.assemble_report`) fed with
frames read by dask.dataframe.

Each partition is read in parallel (one task per partition, only the columns the report needs: the JSON
documents are never read); the notices kept are those the store keeps (`dataset.latest_notices`), filtered like
the SQLite report (`FRAME_FILTERS` mirrors `queries.FILTERS` for the report's four filters).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ..errors import ConfigError
from . import dataset
from .stats import RANKED_KEYS, RANKED_TENDERS, assemble_report

HEAVY_SUFFIX = "_json"  # notice_json, assessment_json: the documents, never needed by an aggregate
FRAME_FILTERS: dict[str, Callable[[pd.DataFrame, Any], pd.Series]] = {
    "buyer_country": lambda n, v: n["buyer_country"] == str(v).upper(),
    "buyer": lambda n, v: n["buyer_name"].fillna("").str.contains(str(v), case=False, regex=False),
    "year": lambda n, v: n["year"] == int(v),
    "cpv": lambda n, v: n["cpv_main"].fillna("").str.startswith(str(v)),
}
NOTICE_COLUMNS_FOR_WINNERS = ("year", "buyer_name", "buyer_country", "cpv_division")


def _read_part(partition: Path, table: str, wanted: list[str]) -> pd.DataFrame:
    part = dataset.read_table(partition, table, wanted)
    part = part.append_column("batch", pa.array([dataset.batch_name(partition)] * part.num_rows, pa.string()))
    return part.to_pandas()


def read_frame(output: str | os.PathLike, table: str, columns: list[str]) -> pd.DataFrame:
    """One table of every partition, read in parallel by dask.dataframe, with a `batch` column."""
    import dask
    import dask.dataframe as dd

    parts = dataset.partitions(output)
    if not parts:
        return _read_part(Path(output), table, columns).iloc[0:0]
    # Text stays pandas' own dtype, as in the frames read from SQLite (dask would make it pd.NA-backed Arrow text).
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_map(_read_part, parts, table=table, wanted=columns).compute()


def _filtered(notices: pd.DataFrame, filters: dict[str, Any] | None) -> pd.DataFrame:
    mask = pd.Series(True, index=notices.index)
    for key, value in (filters or {}).items():
        if key not in FRAME_FILTERS:
            raise ConfigError(f"unknown filter {key!r}; expected one of {', '.join(FRAME_FILTERS)}")
        if value in (None, ""):
            continue
        try:
            mask &= FRAME_FILTERS[key](notices, value).fillna(False).astype(bool)
        except ValueError:
            raise ConfigError(f"invalid value {value!r} for filter {key!r}") from None
    return notices[mask]


def _children(output, table: str, notices: pd.DataFrame) -> pd.DataFrame:
    columns = [name for name, _ in dataset.table_columns()[table]]
    frame = dataset.keep_children(read_frame(output, table, columns), notices)
    keys = [c for c in ("notice_id", "result", "position") if c in frame.columns]  # a child's key (schema.py)
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def _with_notice_columns(winners: pd.DataFrame, notices: pd.DataFrame) -> pd.DataFrame:
    """Winners with their notice's filter columns; an integer column stays integer when no winner lacks it."""
    merged = winners.merge(
        notices[["id", *NOTICE_COLUMNS_FOR_WINNERS]].rename(columns={"id": "notice_id"}), on="notice_id", how="left"
    )
    for column in NOTICE_COLUMNS_FOR_WINNERS:
        if merged[column].dtype.kind == "f" and merged[column].notna().all():
            if (merged[column] % 1 == 0).all():
                merged[column] = merged[column].astype("int64")
    return merged


def _ranked(notices: pd.DataFrame, limit: int = RANKED_TENDERS) -> list[dict[str, Any]]:
    """Tenders by benefit priority then id, as `stats.ranked_tenders` lists them from the store."""
    ranked = (
        notices[notices["benefit_priority"] >= 1]
        .sort_values(["benefit_priority", "id"], ascending=[False, True])
        .head(limit)
    )
    items = []
    for row in ranked[list(RANKED_KEYS)].astype(object).to_dict("records"):
        item = {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in row.items()}
        item["year"] = None if item["year"] is None else int(item["year"])
        item["benefit_reasons"] = json.loads(item["benefit_reasons"] or "[]")
        item["flagged_codes"] = (item["flagged_codes"] or "").split()
        items.append(item)
    return items


def dataset_frames(output: str | os.PathLike, filters: dict[str, Any] | None) -> tuple[dict, pd.DataFrame]:
    """The report's frames (notices, results, winners with their notice's columns) and the kept notices."""
    columns = [name for name, _ in dataset.table_columns()["notices"] if not name.endswith(HEAVY_SUFFIX)]
    notices = _filtered(dataset.latest_notices(read_frame(output, "notices", columns)), filters)
    notices = notices.sort_values("id", kind="stable").reset_index(drop=True)
    frames = {
        "notices": notices,
        "results": _children(output, "results", notices),
        "winners": _children(output, "winners", notices),  # the report joins its notice's columns itself
    }
    return frames, notices


def dataset_report(output: str | os.PathLike, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every figure of `reciprocity report` over a Parquet dataset, equal to the report over the same notices in
    SQLite."""
    frames, notices = dataset_frames(output, filters)
    return assemble_report(frames, _ranked(notices), filters)
