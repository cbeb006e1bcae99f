"""Run in a fresh (spawned) process what an ingest worker runs, and report the heavy modules it loaded.

Kept apart from the tests so that importing it in the child loads nothing but the worker's own code.
"""

from __future__ import annotations

import sys


def worker_modules(queue, path: str) -> None:
    """Parse, assess and turn into rows one document as `ingest._process` does; put (rows, heavy modules)."""
    from reciprocity.audit import ingest
    from reciprocity.audit.sources import iter_documents

    document = next(iter(iter_documents([path])))
    sent = [ingest._assessed_rows(item, document) for item in ingest.iter_records(document)]
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("pandas", "pyarrow", "sqlite_utils"))
    queue.put((len(sent), heavy))
