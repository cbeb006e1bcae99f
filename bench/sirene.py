"""SIRENE enrichment benchmark: peak memory of `enrich sirene` on a 0.2 M-row and a 2 M-row StockUniteLegale file.

A generated legal-unit stock file (INSEE's 34 CSV columns, realistic values) is enriched into a store of
DECP-like notices whose SIRENs all sit in the first 0.2 M rows, so both runs store and re-assess the same notices
and differ only by the rows streamed. Each run is a fresh process: its peak RSS (ru_maxrss) is measured alone.
Flat memory = the 2 M / 0.2 M ratio near 1. Also prints the rows read per second.

    .venv/bin/python bench/sirene.py [--rows 2000000] [--notices 200] [--keep]

Files go under bench/out/sirene/ (gitignored), removed at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from reciprocity import assess  # noqa: E402
from reciprocity.audit.rows import assessment_rows  # noqa: E402
from reciprocity.audit.store import open_db, write_notice  # noqa: E402
from reciprocity.model import Lot, LotResult, Money, Notice, Organisation, Procedure  # noqa: E402

OUT = ROOT / "bench" / "out" / "sirene"
HEADER = (ROOT / "tests" / "sirene" / "StockUniteLegale_utf8.csv").read_text(encoding="utf-8").split("\n")[0]
CATEGORIES = ("PME", "PME", "PME", "PME", "ETI", "GE", "")
LEGAL = ("5710", "5499", "1000", "5720", "9220", "7210", "6540")
RUN = """
import json, resource, sys, time
from reciprocity.audit.sirene import enrich
from reciprocity.audit.store import open_db
started = time.perf_counter()
summary = enrich(open_db(sys.argv[1], create=False), [sys.argv[2]])
print(json.dumps({"rows": summary.rows, "units": summary.units, "notices": summary.notices,
                  "errors": len(summary.errors), "seconds": time.perf_counter() - started,
                  "read_seconds": summary.read_seconds,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def siren(number: int) -> str:
    return f"{300000000 + number:09d}"


def write_stock(path: Path, rows: int) -> None:
    """A legal-unit stock file of `rows` rows in INSEE's column layout."""
    rng = random.Random(7)
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for n in range(rows):
            category = CATEGORIES[n % len(CATEGORIES)]
            out.write(
                f"{siren(n)},O,,2001-0{1 + n % 9}-15,,,,,,,,,,{rng.choice(('NN', '01', '11', '22'))},2022,"
                f"2024-01-0{1 + n % 9}T10:00:00,{1 + n % 5},{category},{2022 if category else ''},2015-01-01,"
                f"A,,,SOCIETE GENEREE NUMERO {n},,,,{LEGAL[n % len(LEGAL)]},{10 + n % 80}.{n % 99:02d}Z,"
                f"NAFRev2,{n % 99999:05d},N,,O\n"
            )


def seed(path: Path, notices: int, rows: int) -> None:
    """Notices of a commune, each won by a company of the first `rows` rows of the stock (by SIRET)."""
    db = open_db(path)
    step = max(1, rows // notices)
    with db.conn:
        for i in range(notices):
            money = Money(Decimal("250000"), "EUR")
            winner = Organisation(country="FR", identifiers=[siren(i * step) + "00011"], identifier_types=["SIRET"])
            notice = Notice(
                id=f"decp-bench-{i}",
                source_format="decp",
                kind="result",
                dispatch_date=date(2024, 5, 2),
                buyer=Organisation(country="FR", identifiers=[siren(5) + "00019"]),
                procedure=Procedure(contract_nature="services", cpv_main="90910000"),
                lots=[Lot(id="1")],
                results=[LotResult(lot_id="1", value=money, winners=[winner])],
            )
            write_notice(db, assessment_rows(assess(notice), "bench"))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()


def measure(db: Path, stock: Path) -> dict:
    """One enrich run in a fresh process, on a fresh copy of the store."""
    copy = db.with_name(f"run-{stock.stem}.db")
    shutil.copy(db, copy)
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(copy), str(stock)], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--notices", type=int, default=200)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    small_rows = args.rows // 10
    started = time.perf_counter()
    small, large = OUT / f"units-{small_rows}.csv", OUT / f"units-{args.rows}.csv"
    write_stock(small, small_rows)
    write_stock(large, args.rows)
    seed(OUT / "seed.db", args.notices, small_rows)
    print(
        f"generated in {time.perf_counter() - started:.0f} s: {large.stat().st_size / 1e6:.0f} MB for "
        f"{args.rows:,} rows; {args.notices} notices"
    )
    results = {rows: measure(OUT / "seed.db", path) for rows, path in ((small_rows, small), (args.rows, large))}
    for rows, result in results.items():
        print(
            f"{rows:>10,} rows: peak RSS {result['peak_rss_mb']:.0f} MB, {result['seconds']:.1f} s in all, read "
            f"{result['read_seconds']:.1f} s = {result['rows'] / result['read_seconds']:,.0f} rows/s; "
            f"{result['units']} units stored, {result['notices']} notices re-assessed, {result['errors']} errors"
        )
    ratio = results[args.rows]["peak_rss_mb"] / results[small_rows]["peak_rss_mb"]
    print(f"peak RSS ratio {args.rows:,} / {small_rows:,} rows: {ratio:.2f} (flat memory: near 1)")
    if not args.keep:
        shutil.rmtree(OUT)


if __name__ == "__main__":
    main()
