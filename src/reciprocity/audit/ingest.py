"""Batch ingest: sources -> parse + assess in N worker processes -> ONE writer (this process) -> SQLite.

Flow and guarantees:
- a feeder thread walks the sources and puts documents on a bounded queue; workers parse, assess and turn each
  notice into rows (rows.py), sending them back in bounded batches: memory stays flat whatever the input size;
- the writer applies batches in transactions; a document's done marker (name + content hash) is written in the
  same transaction as its last rows, and workers skip documents already done: an interrupted run (Ctrl-C or
  kill -9) resumes where it stopped;
- every write is an idempotent upsert keyed on notice ids with newest-version-wins (store.py), so a resumed run
  ends with exactly the database an uninterrupted run gives;
- a bad document or record becomes an `ingest_errors` row with a readable reason, and the run goes on.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import IngestError, NoticeParseError
from ..parsers import DEFAULT_MAX_BYTES
from . import store
from .sources import Document, is_tar, iter_documents, iter_paths, iter_records

BATCH_NOTICES = 50  # notices per message from a worker (bounded queues x this = the memory in flight)
COMMIT_NOTICES = 500  # notices per writer transaction
COMMIT_SECONDS = 2.0
POLL_SECONDS = 1.0


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


def _assessed_rows(item, document: Document) -> dict:
    from ..assess import assess  # imported in the worker only: the writer process never assesses
    from .rows import assessment_rows

    return assessment_rows(assess(item), document.name)


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
    except OSError as exc:
        send(("batch", document.name, document.file, document.member, None, True, True, [],
              [f"{document.name}: cannot read file: {exc.strerror or exc}"], 0, 1))
        return
    if reader.execute("SELECT 1 FROM ingest_files WHERE file = ? AND sha1 = ?", [document.name, sha1]).fetchone():
        send(("skip", document.name))
        return
    batches = _DocumentBatches(document, sha1, send)
    try:
        for item in iter_records(document, max_bytes):
            if isinstance(item, NoticeParseError):
                batches.add_error(_error_text(item))
                continue
            try:
                batches.add_rows(_assessed_rows(item, document))
            except Exception as exc:  # a rule failing on one notice must not stop the run
                batches.add_error(f"{document.name}: notice {item.id}: assessment failed: {_error_text(exc)}")
    except Exception as exc:  # the whole document is unreadable (malformed, unknown format, unsafe XML…)
        batches.add_error(_error_text(exc))
    batches.flush(final=True)


def _worker_main(tasks: mp.Queue, results: mp.Queue, db_file: str, max_bytes: int) -> None:
    """Worker process: take documents until the sentinel; exit by itself if the writer dies (kill -9)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled once, by the writer
    parent = os.getppid()
    reader = sqlite3.connect(f"{Path(db_file).resolve().as_uri()}?mode=ro", uri=True, timeout=30)

    def send(message: tuple) -> None:
        while True:
            try:
                results.put(message, timeout=POLL_SECONDS)
                return
            except queue.Full:
                if os.getppid() != parent:
                    os._exit(1)

    while True:
        try:
            document = tasks.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if os.getppid() != parent:
                os._exit(1)
            continue
        if document is None:
            send(("exit",))
            return
        _process(document, reader, send, max_bytes)


# --- writer side -------------------------------------------------------------------------------------------


class _Writer:
    """The one writer: applies worker batches in transactions of about COMMIT_NOTICES notices."""

    def __init__(self, db, summary: IngestSummary, progress) -> None:
        self.db, self.summary, self.progress = db, summary, progress
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
        with self.db.conn:
            for message in self.pending:
                self._apply(message)
        self.pending, self.pending_notices, self.last_commit = [], 0, time.monotonic()
        self.progress.set_postfix(notices=self.summary.notices, errors=self.summary.errors, refresh=False)

    def _apply(self, message: tuple) -> None:
        run = self.summary.run
        if message[0] == "source-error":  # an archive that cannot be opened
            _, file, text = message
            store.record_error(self.db, file, None, text, run)
            self.summary.errors += 1
            return
        _, name, file, member, sha1, first, final, rows, errors, notices, error_count = message
        if first:
            store.clear_errors(self.db, file, member)
        for notice_rows in rows:
            self.summary.written += store.write_notice(self.db, notice_rows)
        for text in errors:
            store.record_error(self.db, file, member, text, run)
        self.summary.notices += len(rows)
        self.summary.errors += len(errors)
        if final:
            self.summary.documents += 1
            self.progress.update(1)
            if sha1:
                store.mark_file_done(self.db, name, sha1, notices, error_count, run, _now())


def _estimate_total(paths: Iterable[str | Path]) -> int | None:
    """Documents to expect, for the ETA: unknown (None) when a streamed .tar.gz package is among them."""
    total = 0
    for path in iter_paths(list(paths)):
        if is_tar(path):
            return None
        total += 1
    return total


def _feed(paths: list, tasks: mp.Queue, results: mp.Queue, workers: int, stop: threading.Event) -> None:
    """Feeder thread: documents onto the bounded task queue (blocking when full), then one sentinel per worker."""

    def put(target: mp.Queue, item: Any) -> bool:
        while not stop.is_set():
            try:
                target.put(item, timeout=POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    for item in iter_documents(paths):
        message = ("source-error", item.source, str(item)) if isinstance(item, NoticeParseError) else None
        if not put(results if message else tasks, message or item):
            return
    for _ in range(workers):
        put(tasks, None)


def _progress_bar(total: int | None, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="file", desc="ingest", disable=not enabled, dynamic_ncols=True, smoothing=0.1)


def ingest(paths: list[str | Path], db_path: str | Path = store.DEFAULT_DB, workers: int | None = None,
           progress: bool = False, max_bytes: int = DEFAULT_MAX_BYTES) -> IngestSummary:
    """Parse, assess and store every notice below `paths` with `workers` processes; resumable and idempotent.
    `max_bytes` caps each document read whole (a DECP file streamed record by record is not capped)."""
    workers = max(1, workers or os.cpu_count() or 1)
    paths = [str(p) for p in paths]
    db = store.open_db(db_path)
    db_file = str(Path(db.conn.execute("PRAGMA database_list").fetchone()[2]))
    summary = IngestSummary(run=store.start_run(db, paths, workers, _now()))
    started = time.monotonic()
    ctx = mp.get_context("spawn")  # fresh workers: no SQLite handle or lock is inherited across fork
    tasks, results = ctx.Queue(maxsize=workers * 2), ctx.Queue(maxsize=workers * 4)
    procs = [ctx.Process(target=_worker_main, args=(tasks, results, db_file, max_bytes), daemon=True)
             for _ in range(workers)]
    for proc in procs:
        proc.start()
    stop = threading.Event()
    feeder = threading.Thread(target=_feed, args=(paths, tasks, results, workers, stop), daemon=True)
    feeder.start()
    with _progress_bar(_estimate_total(paths), progress) as bar:
        writer = _Writer(db, summary, bar)
        try:
            _drain(results, procs, writer, summary)
            summary.status = "done"
        except BaseException:
            summary.status = "interrupted"
            raise
        finally:
            stop.set()
            writer.commit()
            _stop_workers(procs, graceful=summary.status == "done")
            summary.seconds = time.monotonic() - started
            store.finish_run(db, summary.run, _now(), summary.status, summary.as_run_counts())
    return summary


def _drain(results: mp.Queue, procs: list, writer: _Writer, summary: IngestSummary) -> None:
    """Apply worker messages until every worker has said it is done (or died: then stop, rerun resumes)."""
    running = len(procs)
    while running:
        try:
            message = results.get(timeout=POLL_SECONDS)
        except queue.Empty:
            dead = [p for p in procs if p.exitcode not in (None, 0)]
            if dead:
                reason = f"an ingest worker died (exit code {dead[0].exitcode}); run again to resume"
                raise IngestError(reason) from None
            continue
        if message[0] == "exit":
            running -= 1
        else:
            writer.handle(message)


def _stop_workers(procs: list, graceful: bool) -> None:
    """Join workers that finished; terminate them when the run was interrupted."""
    for proc in procs:
        if not graceful:
            proc.terminate()
        proc.join(timeout=5)
