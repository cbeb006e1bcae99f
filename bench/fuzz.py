"""Fuzz run (issue 16): the property of tests/test_fuzz.py over many more mutated notices, for minutes.

Each input is one of our samples (data/tenders: eForms, TED XML, DECP JSON) mutated by hypothesis
(tests/fuzz_inputs.py); it must give notices that can be assessed, written and stored, or a `ReciprocityError`.
Anything else stops the run with the failing input written to `--out` (shrunk by hypothesis). Reports the inputs
tried, how many gave notices and how many were refused (by error code), and inputs per second. Not a test.

    .venv/bin/python bench/fuzz.py [--minutes 5] [--out /tmp/fuzz-failure.bin] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the mutations and the property are the fuzz test's own

from fuzz_inputs import mutated, read_everything  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402

ROUND = 500  # inputs per hypothesis run; runs follow each other (each with a new seed) until the time is up


def run(minutes: float, out: Path) -> dict:
    """Draw inputs until the time is up, or until one fails (hypothesis then shrinks it and raises)."""
    tally: Counter = Counter()

    @given(data=mutated())
    @settings(max_examples=ROUND, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def prop(data: bytes) -> None:
        try:
            outcome = read_everything(data)
        except BaseException:
            out.write_bytes(data)
            raise
        tally["inputs"] += 1
        tally[outcome] += 1

    started = time.monotonic()
    while time.monotonic() - started < minutes * 60:
        try:
            prop()
        except Exception as exc:  # noqa: BLE001 - report the failure, with the input saved
            tally["failed"] += 1
            print(f"FAILED: {type(exc).__name__}: {exc}\n(input written to {out})", file=sys.stderr)
            break
    seconds = time.monotonic() - started
    return {**tally, "seconds": round(seconds, 1), "inputs_per_second": round(tally["inputs"] / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--out", type=Path, default=Path("fuzz-failure.bin"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.minutes, args.out)
    print(json.dumps(figures) if args.json else "\n".join(f"{k:>18}: {v}" for k, v in figures.items()))
    sys.exit(1 if figures.get("failed") else 0)


if __name__ == "__main__":
    main()
