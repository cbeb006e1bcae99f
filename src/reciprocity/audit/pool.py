"""The worker processes of a batch ingest and the feeder that hands them documents: nothing a document does to
its worker, and nothing a source does to the feeder, can stop the run half way or hang it.

- Each worker has its own pipe to this process: no queue or lock is shared between workers, so a worker killed
  half way through a write spoils only its own pipe, which is then dropped. Workers send their batches with a
  blocking write: a full pipe holds them back, and memory in flight stays bounded.
- A worker holds two documents (the one it reads, and the next) and says when it starts one, so this process
  always knows what every worker is reading. When a worker dies (a crash in a C library, the out-of-memory
  killer, kill -9), the document it was reading is recorded as an error naming the cause and marked done (a
  rerun does not die on it again, until it changes), the one it had not started goes to another worker, and a
  new worker takes its place.
- The feeder thread walks the sources into a bounded queue that also bounds the bytes in flight (tar members
  travel as bytes). Every fault of a source comes out of it as an error record; should the feeder itself fail,
  the run still stores what was handed out, then ends with an `IngestError`.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import signal
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from ..errors import IngestError, NoticeParseError
from .sources import Document, iter_documents

POLL_SECONDS = 1.0
FEEDER_WAIT = 0.05  # how often an idle worker looks for the feeder's next document
MAX_BYTES_IN_FLIGHT = 256 * 1024 * 1024  # bytes of archive members queued or being read at once (one always may)
MAX_EARLY_DEATHS = 5  # workers dying in a row before they start a document: a broken setup, not a bad document
PREFETCH = 2  # documents with each worker: the one it reads, and the next
STALL_SECONDS = 600.0  # a worker silent this long on one document is stuck (a batch goes every 50 notices)
_DONE = object()


class Feeder:
    """A thread reading the sources ahead of the workers, into a queue bounded in documents and in bytes."""

    def __init__(self, paths: list[str], size: int, stop: threading.Event) -> None:
        self._paths, self._stop = paths, stop
        self._queue: queue.Queue = queue.Queue(maxsize=size)
        self._in_flight = 0
        self._room = threading.Condition()
        self.failure: str | None = None
        self._thread = threading.Thread(target=self._run, name="ingest-feeder", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            for item in iter_documents(self._paths):
                if not self._reserve(_bytes_of(item)) or not self._put(item):
                    return
        except Exception as exc:  # noqa: BLE001 - a fault in the walk itself: end the run with it, not a hang
            self.failure = f"reading the sources failed: {type(exc).__name__}: {exc}"
        finally:
            self._put(_DONE)

    def _reserve(self, size: int) -> bool:
        with self._room:
            while self._in_flight and self._in_flight + size > MAX_BYTES_IN_FLIGHT and not self._stop.is_set():
                self._room.wait(POLL_SECONDS)
            self._in_flight += size
        return not self._stop.is_set()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def next(self) -> Any:
        """The next Document or source error, `_DONE` at the end, None when nothing is ready yet."""
        try:
            return self._queue.get_nowait()
        except queue.Empty:
            return None

    def release(self, document: Document) -> None:
        """A document's bytes have left the run (stored or refused): room for the next ones."""
        with self._room:
            self._in_flight -= _bytes_of(document)
            self._room.notify_all()


def _bytes_of(item: Any) -> int:
    return len(item.data) if isinstance(item, Document) and item.data is not None else 0


@dataclass
class _Worker:
    process: Any
    conn: Connection
    given: deque[Document] = field(default_factory=deque)  # sent, not finished: the first is read first
    started: bool = False  # the first given document is being read (its "start" came)
    sha1: str | None = None
    exiting: bool = False
    heard: float = 0.0  # when it last sent something
    stalled: bool = False


class Pool:
    """`workers` processes running `process(document, reader, send, max_bytes)` on the feeder's documents."""

    def __init__(self, workers: int, process: Callable, db_file: str, max_bytes: int) -> None:
        self._ctx = mp.get_context("spawn")  # fresh workers: no SQLite handle or lock is inherited across fork
        self._args = (process, db_file, max_bytes)
        self._live: list[_Worker] = [self._spawn() for _ in range(workers)]
        self._early_deaths = 0
        self._retry: list[Document] = []  # documents given to a worker that died before it started them
        self._retried: set[str] = set()

    def _spawn(self) -> _Worker:
        mine, theirs = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=_worker_main, args=(theirs, *self._args), daemon=True)
        process.start()
        theirs.close()  # only the worker holds its end: its death is an end of file here
        return _Worker(process, mine, heard=time.monotonic())

    def run(self, feeder: Feeder, handle: Callable[[tuple], None]) -> None:
        """Hand out every document and pass every message to `handle` until the feeder and the workers are done."""
        finished = False
        while self._live:
            finished = self._assign(feeder, handle, finished)
            waiting = finished or all(len(w.given) >= PREFETCH or w.exiting for w in self._live)
            for conn in wait([w.conn for w in self._live], POLL_SECONDS if waiting else FEEDER_WAIT):
                worker = next(w for w in self._live if w.conn is conn)
                self._receive(worker, feeder, handle)
            self._stop_stalled()

    def _stop_stalled(self) -> None:
        """Kill a worker stuck on one document: its death is then recorded like any other."""
        now = time.monotonic()
        for worker in self._live:
            if worker.given and not worker.stalled and now - worker.heard > STALL_SECONDS:
                worker.stalled = True
                worker.process.kill()

    def _assign(self, feeder: Feeder, handle: Callable[[tuple], None], finished: bool) -> bool:
        """Keep PREFETCH documents with every worker (the next is there when it finishes one); once the feeder is
        done, tell each idle worker to stop. Returns whether the feeder is done."""
        for worker in list(self._live):
            while not worker.exiting and len(worker.given) < PREFETCH and worker in self._live:
                item = self._next(feeder, handle, finished)
                if item is None:
                    return False
                finished = finished or item is _DONE
                if item is _DONE and worker.given:
                    break  # a worker stops once idle, so that no document can be left without one
                self._give(worker, None if item is _DONE else item, feeder, handle)
        return finished

    def _next(self, feeder: Feeder, handle: Callable[[tuple], None], finished: bool) -> Any:
        if self._retry:
            return self._retry.pop()
        item = _DONE if finished else feeder.next()
        while isinstance(item, NoticeParseError):  # a source that cannot be read: recorded, no worker needed
            handle(("source-error", item.source, str(item)))
            item = feeder.next()
        return item

    def _give(self, worker: _Worker, document: Document | None, feeder: Feeder, handle: Callable) -> None:
        if document is None:
            worker.exiting = True
        else:
            worker.given.append(document)
        try:
            worker.conn.send(document)
        except OSError:  # it died: what it was given goes to another worker
            self._died(worker, feeder, handle)

    def _receive(self, worker: _Worker, feeder: Feeder, handle: Callable[[tuple], None]) -> None:
        try:
            message = worker.conn.recv()
        except Exception:  # noqa: BLE001 - end of file, or a message cut short by the worker's death
            self._died(worker, feeder, handle)
            return
        worker.heard = time.monotonic()
        self._early_deaths = 0
        kind = message[0]
        if kind == "start":
            worker.started, worker.sha1 = True, message[2]
        elif kind == "exit":
            self._live.remove(worker)
            worker.process.join(timeout=5)
        else:
            handle(message)
            if kind == "skip" or message[6]:  # the document's last message: the next one is read now
                feeder.release(worker.given.popleft())
                worker.started, worker.sha1 = False, None

    def _died(self, worker: _Worker, feeder: Feeder, handle: Callable[[tuple], None]) -> None:
        """Record the document a dead worker was reading, give the others it held to another worker, and replace
        it (unless it was stopping).

        A document the worker had started (its hash sent) is blamed and marked done; one it had not started is
        given to another worker once, then blamed without the mark (it could not even be read)."""
        self._live.remove(worker)
        worker.conn.close()
        worker.process.join(timeout=5)
        cause = f"no progress for {STALL_SECONDS:.0f} s" if worker.stalled else _cause(worker.process.exitcode)
        first = worker.given.popleft() if worker.given else None
        self._retry.extend(reversed(worker.given))  # never started: read by another worker, in their order
        if first is not None and not worker.started and first.name not in self._retried:
            self._retried.add(first.name)
            self._retry.append(first)
            first = None
        if first is not None:
            text = f"{first.name}: the worker reading it died ({cause}); not read, skipped until it changes"
            handle(("batch", first.name, first.file, first.member, worker.sha1, False, True, [], [text], 0, 1))
            feeder.release(first)
        elif not worker.exiting:
            self._early_deaths += 1
            if self._early_deaths >= MAX_EARLY_DEATHS:
                raise IngestError(f"ingest workers keep dying before they start a document ({cause})")
        if not worker.exiting:
            self._live.append(self._spawn())

    def stop(self, graceful: bool) -> None:
        """Join the workers that finished; terminate them when the run was interrupted."""
        for worker in self._live:
            if not graceful:
                worker.process.terminate()
            worker.process.join(timeout=5)
            worker.conn.close()


def _cause(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"signal {-exitcode}, {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


def _worker_main(conn: Connection, process: Callable, db_file: str, max_bytes: int) -> None:
    """Worker process: read the documents it is given, in order, until told to stop; exit when the writer is gone.

    A thread takes each document off the pipe as it comes, so the writer never waits to hand one over."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled once, by the writer
    reader = sqlite3.connect(f"{Path(db_file).resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    inbox: queue.Queue = queue.Queue()
    threading.Thread(target=_take, args=(conn, inbox), daemon=True).start()
    try:
        while isinstance(document := inbox.get(), Document):
            process(document, reader, conn.send, max_bytes)
        if document is None:
            conn.send(("exit",))
    except OSError:  # the writer died (kill -9): nobody to work for
        pass


def _take(conn: Connection, inbox: queue.Queue) -> None:
    """Move what the writer sends into `inbox`; `_DONE` there when the writer is gone."""
    try:
        while (item := conn.recv()) is not None:
            inbox.put(item)
        inbox.put(None)
    except (EOFError, OSError):
        inbox.put(_DONE)
