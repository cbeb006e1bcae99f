"""Batch ingest: sources -> parse + assess in N worker processes -> ONE writer (this process) -> SQLite.

Flow and guarantees:
- a feeder thread walks the sources into a bounded queue; workers (pool.py) parse, assess and turn each notice
  into rows (rows.py), sending them back in bounded batches: memory stays flat whatever the input size;
- the writer applies batches in transactions; a document's done marker (name + content hash) is written in the
  same transaction as its last rows, and workers skip documents already done: an interrupted run (Ctrl-C or
  kill -9) resumes where it stopped;
- every write is an idempotent upsert keyed on notice ids with newest-version-wins (store.py), so a resumed run
  ends with exactly the database an uninterrupted run gives;
- a bad document or record becomes an `ingest_errors` row with a readable reason, and the run goes on; so does
  a document that kills its worker (pool.py), and a source that cannot be read (sources.py);
- a run killed with kill -9 stays `running` in `ingest_runs` until the next run on the database marks it
  `interrupted` (a lock file beside the database tells a dead run from one still going).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import IngestError, NoticeParseError
from ..model.bounds import shown
from ..parsers import DEFAULT_MAX_BYTES
from . import store
from .pool import Feeder, Pool
from .sources import Document, is_tar, iter_paths, iter_records

BATCH_NOTICES = 50  # notices per message from a worker (bounded queues x this = the memory in flight)
COMMIT_NOTICES = 2000  # notices per writer transaction
WRITER_CACHE_MB = 512
KNOWN_TEXTS = 500_000  # finding text ids the writer remembers (beyond, it forgets them and lets SQLite dedupe)
COMMIT_SECONDS = 2.0


@dataclass
class IngestSummary:
    """What a run did: counts and time, printed by the CLI at the end."""

    run: int
    documents: int = 0
    skipped: int = 0
    notices: int = 0
    written: int = 0
    errors: int = 0
    seconds: float = 0.0
    status: str = "running"

    def as_run_counts(self) -> dict[str, int]:
        return {"files": self.documents, "skipped": self.skipped, "notices": self.notices, "errors": self.errors}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- worker side -------------------------------------------------------------------------------------------


def _error_text(exc: BaseException) -> str:
    """A readable reason: parse errors carry their own text; anything else names its type."""
    if isinstance(exc, NoticeParseError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _read_error(document: Document, exc: Exception) -> str:
    """Why a document could not even be read (hashed): a file the system refuses, a member that does not inflate."""
    if isinstance(exc, NoticeParseError):
        return str(exc)
    return f"{document.name}: cannot read file: {getattr(exc, 'strerror', None) or exc}"


def _assessed_rows(item, document: Document, reader: sqlite3.Connection | None = None) -> dict:
    """A notice's rows, ready to insert (tuples in column order): the writer only runs INSERTs. The store's
    SIRENE facts (`reciprocity enrich sirene`), when it has some, are applied to the notice first."""
    from ..assess import assess  # imported in the worker only: the writer process never assesses
    from .rows import as_tuples, assessment_rows
    from .sirene_apply import enrich_notice

    if reader is not None:
        enrich_notice(item, reader)
    return as_tuples(_storable(assessment_rows(assess(item), document.name)))


def _storable(rows: dict) -> dict:
    """The rows, or ValueError when SQLite could not store one of them (an integer past 2^63 would stop the writer)."""
    for table, table_rows in rows.items():
        for row in table_rows:
            for key, value in row.items():
                if isinstance(value, int) and not -(2**63) <= value < 2**63:
                    raise ValueError(f"{table}.{key} = {shown(value)} is too large to store")
    return rows


class _DocumentBatches:
    """Collects one document's rows and errors and sends them to the writer in bounded batches."""

    def __init__(self, document: Document, sha1: str, send: Callable[[tuple], None]) -> None:
        self.document, self.sha1, self.send = document, sha1, send
        self.rows: list[dict] = []
        self.errors: list[str] = []
        self.first, self.notices, self.error_count = True, 0, 0

    def add_rows(self, rows: dict) -> None:
        self.rows.append(rows)
        self.notices += 1
        if len(self.rows) >= BATCH_NOTICES:
            self.flush(final=False)

    def add_error(self, text: str) -> None:
        self.errors.append(text)
        self.error_count += 1
        if len(self.errors) >= BATCH_NOTICES:
            self.flush(final=False)

    def flush(self, final: bool) -> None:
        doc = self.document
        self.send(("batch", doc.name, doc.file, doc.member, self.sha1, self.first, final, self.rows, self.errors,
                   self.notices, self.error_count))
        self.first, self.rows, self.errors = False, [], []


def _process(document: Document, reader: sqlite3.Connection, send: Callable[[tuple], None], max_bytes: int) -> None:
    """Parse and assess one document, unless an earlier run already stored this very content."""
    try:
        sha1 = document.sha1()
    except Exception as exc:  # unreadable file, or an archive member that cannot be decompressed
        send(("batch", document.name, document.file, document.member, None, True, True, [],
              [_read_error(document, exc)], 0, 1))
        return
    if reader.execute("SELECT 1 FROM ingest_files WHERE file = ? AND sha1 = ?", [document.name, sha1]).fetchone():
        send(("skip", document.name))
        return
    send(("start", document.name, sha1))  # the pool then knows what to mark done should this worker die
    batches = _DocumentBatches(document, sha1, send)
    try:
        for item in iter_records(document, max_bytes):
            if isinstance(item, NoticeParseError):
                batches.add_error(_error_text(item))
                continue
            try:
                batches.add_rows(_assessed_rows(item, document, reader))
            except Exception as exc:  # a rule failing on one notice must not stop the run
                batches.add_error(f"{document.name}: notice {item.id}: assessment failed: {_error_text(exc)}")
    except Exception as exc:  # the whole document is unreadable (malformed, unknown format, unsafe XML…)
        batches.add_error(_error_text(exc))
    batches.flush(final=True)


# --- writer side -------------------------------------------------------------------------------------------


class _Writer:
    """The one writer: applies worker batches in transactions of about COMMIT_NOTICES notices."""

    def __init__(self, db, summary: IngestSummary, progress) -> None:
        self.db, self.summary, self.progress = db, summary, progress
        # A large store's indexes take random inserts: a bigger page cache, and the WAL copied back into the
        # database every ~400 MB rather than every 4 MB, halve the time a commit takes at a million notices.
        db.execute(f"PRAGMA cache_size=-{WRITER_CACHE_MB * 1024}")
        db.execute("PRAGMA wal_autocheckpoint=100000")
        self.known_texts: set[bytes] = set()  # finding texts already stored: inserted once, then only referred to
        self.pending: list[tuple] = []
        self.pending_notices = 0
        self.last_commit = time.monotonic()

    def handle(self, message: tuple) -> None:
        if message[0] == "skip":
            self.summary.documents += 1
            self.summary.skipped += 1
            self.progress.update(1)
            return
        self.pending.append(message)
        self.pending_notices += len(message[7]) if message[0] == "batch" else 0
        if self.pending_notices >= COMMIT_NOTICES or time.monotonic() - self.last_commit > COMMIT_SECONDS:
            self.commit()

    def commit(self) -> None:
        """One transaction: the pending messages' errors and done markers, then all their notices' rows as one
        batch of INSERTs (a document's done marker commits with its last rows)."""
        with self.db.conn:
            batch = [rows for message in self.pending for rows in self._apply(message)]
            self.summary.written += store.write_batch(self.db, batch, self.known_texts)
        if len(self.known_texts) > KNOWN_TEXTS:
            self.known_texts.clear()
        self.pending, self.pending_notices, self.last_commit = [], 0, time.monotonic()
        self.progress.set_postfix(notices=self.summary.notices, errors=self.summary.errors, refresh=False)

    def _apply(self, message: tuple) -> list[dict]:
        """Record a message's errors and done marker; return its notices' rows for the batch."""
        run = self.summary.run
        if message[0] == "source-error":  # an archive that cannot be opened
            _, file, text = message
            store.record_error(self.db, file, None, text, run)
            self.summary.errors += 1
            return []
        _, name, file, member, sha1, first, final, rows, errors, notices, error_count = message
        if first:
            store.clear_errors(self.db, file, member)
        for text in errors:
            store.record_error(self.db, file, member, text, run)
        self.summary.notices += len(rows)
        self.summary.errors += len(errors)
        if final:
            self.summary.documents += 1
            self.progress.update(1)
            if sha1:
                store.mark_file_done(self.db, name, sha1, notices, error_count, run, _now())
        return rows


def _estimate_total(paths: Iterable[str | Path]) -> int | None:
    """Documents to expect, for the ETA: unknown (None) when a streamed .tar.gz package is among them."""
    total = 0
    for path in iter_paths(list(paths)):
        if is_tar(path):
            return None
        total += 1
    return total


def _progress_bar(total: int | None, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="file", desc="ingest", disable=not enabled, dynamic_ncols=True, smoothing=0.1)


def ingest(paths: list[str | Path], db_path: str | Path = store.DEFAULT_DB, workers: int | None = None,
           progress: bool = False, max_bytes: int = DEFAULT_MAX_BYTES) -> IngestSummary:
    """Parse, assess and store every notice below `paths` with `workers` processes; resumable and idempotent.
    `max_bytes` caps each document read whole (a DECP file streamed record by record is not capped).

    Raises `IngestError` when the run could not read all its sources (what was read is stored)."""
    workers = max(1, workers or os.cpu_count() or 1)
    paths = [str(p) for p in paths]
    db = store.open_db(db_path)
    db_file = str(Path(db.conn.execute("PRAGMA database_list").fetchone()[2]))
    with _run_lock(db_file) as alone:
        if alone:  # no other ingest is writing: a run still marked `running` was killed
            with db.conn:
                db.execute("UPDATE ingest_runs SET status = 'interrupted' WHERE status = 'running'")
        summary = IngestSummary(run=store.start_run(db, paths, workers, _now()))
        _run(paths, db, db_file, summary, workers, progress, max_bytes)
    return summary


def _run(paths: list[str], db, db_file: str, summary: IngestSummary, workers: int, progress: bool,
         max_bytes: int) -> None:
    started = time.monotonic()
    stop = threading.Event()
    feeder, pool = Feeder(paths, workers * 2, stop), None
    with _progress_bar(_estimate_total(paths), progress) as bar:
        writer = _Writer(db, summary, bar)
        try:
            pool = Pool(workers, _process, db_file, max_bytes)
            feeder.start()
            pool.run(feeder, writer.handle)
            if feeder.failure:
                writer.handle(("source-error", ", ".join(paths), feeder.failure))
            summary.status = "failed" if feeder.failure else "done"
        except Exception:  # workers that cannot start, a fault of the writer: what was stored stays
            summary.status = "failed"
            raise
        except BaseException:  # Ctrl-C
            summary.status = "interrupted"
            raise
        finally:
            stop.set()
            writer.commit()
            if pool is not None:
                pool.stop(graceful=summary.status != "interrupted")
            summary.seconds = time.monotonic() - started
            store.finish_run(db, summary.run, _now(), summary.status, summary.as_run_counts())
    if feeder.failure:
        raise IngestError(f"{feeder.failure}; what was read is stored, run again once it is fixed")


@contextmanager
def _run_lock(db_file: str) -> Iterator[bool]:
    """Hold `<database>.ingest-lock` during a run; True when no other ingest holds it (released by the system
    when the process ends, however it ends)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: stale runs are left as they are
        yield False
        return
    with open(f"{db_file}.ingest-lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
