"""The batch on a Dask cluster: input batches -> parse + assess on the workers -> one Parquet partition each.

The client only lists the input files and cuts them into batches (an archive alone; plain files in runs of
BATCH_DOCUMENTS or BATCH_BYTES, in the walk's stable order). Each batch is one task: the worker hashes the batch's
content, returns at once when a partition of that hash exists (a rerun skips what is done), else parses and
assesses every notice, writes the rows through the store's own write path into an in-memory SQLite store (so
versions, keys and the error log are exactly the SQLite ingest's) and saves that store's tables as the partition
(dataset.py). Input paths and the output directory must be reachable under the same names on every worker.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..errors import ConfigError, NoticeParseError
from ..parsers import DEFAULT_MAX_BYTES
from . import dataset, store
from .ingest import _assessed_rows, _error_text, _read_error
from .sources import Document, is_tar, iter_documents, iter_paths, iter_records

BATCH_DOCUMENTS = 200  # plain files per batch: a partition of a few MB, enough tasks to keep workers busy
BATCH_BYTES = 64 * 1024 * 1024
INSTALL_HINT = "the Dask engine needs the optional extra: pip install 'reciprocity[dask]'"


def require_dask() -> None:
    """Raise a ConfigError saying how to install the extra when dask.distributed is missing."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise ConfigError(INSTALL_HINT) from None


@dataclass
class DaskSummary:
    """What a distributed run did, printed by the CLI."""

    batches: int = 0
    skipped: int = 0
    documents: int = 0
    notices: int = 0
    errors: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, result: dict[str, Any]) -> None:
        self.skipped += result["skipped"]
        for key in ("documents", "notices", "errors"):
            setattr(self, key, getattr(self, key) + result[key])


def plan_batches(
    paths: list[str | Path], batch_documents: int = BATCH_DOCUMENTS, batch_bytes: int = BATCH_BYTES
) -> list[list[str]]:
    """Input files cut into batches: each archive alone, plain files in consecutive runs (stable order)."""
    batches: list[list[str]] = []
    current: list[str] = []
    size = 0
    for path in iter_paths(list(paths)):
        if is_tar(path) or path.suffix.lower() == ".zip":
            batches.append([str(path)])
            continue
        length = path.stat().st_size if path.exists() else 0
        if current and (len(current) >= batch_documents or size + length > batch_bytes):
            batches.append(current)
            current, size = [], 0
        current.append(str(path))
        size += length
    if current:
        batches.append(current)
    return batches


def batch_hash(paths: list[str]) -> str:
    """The batch's content hash: its files' bytes, in order (names left out, so moved files are still done)."""
    digest = hashlib.sha1()
    for path in paths:
        try:
            digest.update(Document(name=path, file=path, path=path).sha1().encode())
        except OSError:  # the error log says why; a name never seen again, so that the next run tries once more
            digest.update(f"unreadable:{path}:{uuid.uuid4()}".encode())
    return digest.hexdigest()


def _store_document(db: Database, document: Document, max_bytes: int, now: str) -> tuple[int, int]:
    """Parse, assess and write one document into the batch's store, as an ingest worker and the writer do."""
    try:
        sha1 = document.sha1()
    except Exception as exc:  # an unreadable file, a zip member that does not inflate (sources.py)
        store.record_error(db, document.file, document.member, _read_error(document, exc), None)
        return 0, 1
    notices = errors = 0
    try:
        for item in iter_records(document, max_bytes):
            if isinstance(item, NoticeParseError):
                store.record_error(db, document.file, document.member, _error_text(item), None)
                errors += 1
                continue
            try:
                rows = _assessed_rows(item, document)
            except Exception as exc:  # a rule failing on one notice must not stop the batch
                store.record_error(
                    db,
                    document.file,
                    document.member,
                    f"{document.name}: notice {item.id}: assessment failed: {_error_text(exc)}",
                    None,
                )
                errors += 1
                continue
            store.write_batch(db, [rows])  # rows ready to insert, as the ingest writer gets them
            notices += 1
    except Exception as exc:  # the whole document is unreadable (malformed, unknown format, unsafe XML…)
        store.record_error(db, document.file, document.member, _error_text(exc), None)
        errors += 1
    store.mark_file_done(db, document.name, sha1, notices, errors, None, now)
    return notices, errors


def ingest_batch(paths: list[str], output: str, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """The worker task: one batch -> one partition (or nothing when its partition exists already)."""
    digest = batch_hash(paths)
    result = {"batch": digest, "skipped": 1, "documents": 0, "notices": 0, "errors": 0}
    if dataset.partition_path(output, digest).is_dir():
        return result
    db = Database(memory=True)
    store.ensure_schema(db)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with db.conn:
        for item in iter_documents(paths):
            if isinstance(item, NoticeParseError):  # an archive that cannot be opened
                store.record_error(db, item.source, None, str(item), None)
                result["errors"] += 1
                continue
            notices, errors = _store_document(db, item, max_bytes, now)
            result["documents"] += 1
            result["notices"] += notices
            result["errors"] += errors
    tables = {table: dataset.arrow_table(db, table) for table in dataset.dataset_tables()}
    result["skipped"] = 0 if dataset.write_partition(output, digest, tables) else 1
    return result


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, local_workers: int | None = None) -> Iterator[Any]:
    """A client of the cluster at `scheduler`, or of a LocalCluster of `local_workers` processes (one thread
    each: parsing is pure Python, processes give the parallelism)."""
    require_dask()
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    workers = max(1, local_workers or os.cpu_count() or 1)
    # The dashboard on a free port: two local clusters (or another program on 8787) never collide.
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        yield client


def ingest_dask(
    paths: list[str | Path],
    output: str | Path,
    client: Any,
    progress: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_documents: int = BATCH_DOCUMENTS,
) -> DaskSummary:
    """Ingest `paths` on the cluster behind `client` into the Parquet dataset `output`; resumable, idempotent."""
    from distributed import as_completed
    from tqdm import tqdm

    output = str(Path(output).absolute())
    Path(output).mkdir(parents=True, exist_ok=True)
    dataset.clean_temporary(output)
    batches = plan_batches(paths, batch_documents)
    summary = DaskSummary(batches=len(batches))
    futures = client.map(ingest_batch, batches, output=output, max_bytes=max_bytes)
    with tqdm(total=len(futures), unit="batch", desc="ingest (dask)", disable=not progress, dynamic_ncols=True) as bar:
        for future in as_completed(futures):
            try:
                summary.add(future.result())
            except Exception as exc:  # a batch that failed (or killed its workers): the rest goes on
                summary.failed.append(f"{type(exc).__name__}: {exc}")
            bar.update(1)
            bar.set_postfix(notices=summary.notices, errors=summary.errors, refresh=False)
    return summary
