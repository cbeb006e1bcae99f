"""Buyer benchmark at scale (issue 14): what computing every buyer's profile costs, and what one benchmark costs
once the profiles are stored, each as a ratio to the report's figures over the same store in the same run.

The store is the one bench/scale.py builds (replicated corpus notices): build it here with --notices, or time an
existing one with --reuse. Timed, with p50/p95 in ms over --repeat runs:
- the profiles of every buyer (one GROUP BY per table over the whole store: what `ingest` adds to a run), against
  `aggregates.compute_cubes` (the report's GROUP BY over the same rows, what `ingest` already pays);
- one buyer's benchmark from the stored profiles (peer group, quartiles of nine indicators), for buyers drawn at
  random, against `compute_report` from the materialised cubes (the overview's figures).

    .venv/bin/python bench/benchmark.py --notices 200000 --db /tmp/bench-buyers.db
    .venv/bin/python bench/benchmark.py --db /tmp/scale.db --reuse
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def timed(step, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        step()
        times.append(1000 * (time.perf_counter() - began))
    return times


def p50_p95(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def measure(db_path: Path, repeat: int) -> list[str]:
    """The lines of the report: each timing with its baseline and their ratio."""
    from reciprocity.audit import aggregates, benchmark_profiles
    from reciprocity.audit.benchmark import benchmark
    from reciprocity.audit.stats import compute_report
    from reciprocity.audit.store import open_db

    db = open_db(db_path, create=False)
    notices = db.execute("SELECT count(*) FROM notices").fetchone()[0]
    profiles_ms = timed(lambda: benchmark_profiles.refresh(db), 3)
    cubes_ms = timed(lambda: aggregates.compute_cubes(db, None), 3)
    if not aggregates.is_current(db):
        aggregates.refresh(db)
    buyers = [row[0] for row in db.execute(f"SELECT buyer_id FROM {benchmark_profiles.TABLE}").fetchall()]
    drawn = random.Random(14).choices(buyers, k=repeat)
    queue = iter(drawn)
    one_ms = timed(lambda: benchmark(db, next(queue)), repeat)
    report_ms = timed(lambda: compute_report(db, None), repeat)
    profile, cubes, one, report = (p50_p95(t) for t in (profiles_ms, cubes_ms, one_ms, report_ms))
    db.conn.close()
    return [
        f"store: {notices} notices, {len(buyers)} buyers",
        f"profiles of every buyer      p50 {profile[0]:9.0f} ms   report cubes (baseline) p50 {cubes[0]:9.0f} ms"
        f"   ratio {profile[0] / cubes[0]:.2f}",
        f"one buyer's benchmark        p50 {one[0]:9.1f} ms p95 {one[1]:7.1f}   report from cubes (baseline) p50"
        f" {report[0]:7.1f} ms   ratio {one[0] / report[0]:.2f}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=200_000)
    parser.add_argument("--db", type=Path, required=True, help="the store (outside the repository)")
    parser.add_argument("--reuse", action="store_true", help="time an existing store")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}", flush=True)
    if not args.reuse:
        import scale

        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        figures = scale.build(args.db, args.notices)
        print(f"built {figures['notices']} notices in {figures['writer_seconds']:.0f} s", flush=True)
    print("\n".join(measure(args.db, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
