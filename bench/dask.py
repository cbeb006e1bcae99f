"""Dask engine benchmark: notices/s with 1 and 2 local workers, the scaling, and the SQLite ingest as baseline.

Builds the synthetic corpus of bench/ingest.py (corpus notices replicated under new ids, 1,000 per folder) and
ingests it three times in the same run: `ingest --engine dask` on a LocalCluster of 1 worker process, then of 2,
each into a fresh Parquet dataset, and the SQLite ingest with 2 worker processes (the baseline). The clusters are
started, and their workers have imported the package, before the clock starts: the figures are the ingest's own.
The load average is printed before and after, since the figures depend on what else runs on the machine.

    .venv/bin/python bench/dask.py                  # 10,000 notices
    .venv/bin/python bench/dask.py --notices 2000   # a quick run
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# This file is named dask.py: with bench/ first on sys.path, `import dask` would find it instead of the library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
_spec = importlib.util.spec_from_file_location("bench_ingest", BENCH / "ingest.py")
bench_ingest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_ingest)  # bench/ingest.py: the same synthetic corpus

from reciprocity.audit.dask_ingest import dask_client, ingest_dask  # noqa: E402
from reciprocity.audit.ingest import ingest  # noqa: E402


def _warm_up() -> None:
    """Import the package and load the rule data on a worker, before the clock starts (as a long run would)."""
    from reciprocity.assess import assess  # noqa: F401
    from reciprocity.rules.data import load_rule_data

    load_rule_data()


def dask_run(folder: Path, output: Path, workers: int) -> dict:
    with dask_client(local_workers=workers) as client:
        client.run(_warm_up)
        started = time.monotonic()
        summary = ingest_dask([folder], output, client)
        seconds = time.monotonic() - started
    return {
        "notices": summary.notices,
        "errors": summary.errors,
        "seconds": seconds,
        "per_second": summary.notices / seconds,
    }


def sqlite_run(folder: Path, db: Path, workers: int) -> dict:
    started = time.monotonic()
    summary = ingest([folder], db, workers=workers)
    seconds = time.monotonic() - started
    return {
        "notices": summary.notices,
        "errors": summary.errors,
        "seconds": seconds,
        "per_second": summary.notices / seconds,
    }


def line(label: str, figures: dict) -> str:
    return (
        f"{label:<26} {figures['notices']:>8} notices {figures['errors']:>5} errors"
        f" {figures['seconds']:8.1f} s {figures['per_second']:8.1f} notices/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=10_000, help="notices in the synthetic corpus")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (default: a temp folder)")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        tmp = Path(tmp)
        bench_ingest.build(tmp / "corpus", args.notices, bench_ingest.base_notices())
        one = dask_run(tmp / "corpus", tmp / "d1", 1)
        print(line("dask, 1 worker", one), flush=True)
        two = dask_run(tmp / "corpus", tmp / "d2", 2)
        print(line("dask, 2 workers", two), flush=True)
        base = sqlite_run(tmp / "corpus", tmp / "s2.db", 2)
        print(line("sqlite ingest, 2 workers", base), flush=True)
    print(f"scaling dask 2 workers / 1 worker: {two['per_second'] / one['per_second']:.2f}x")
    print(f"dask 2 workers / sqlite ingest 2 workers: {two['per_second'] / base['per_second']:.2f}x")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
