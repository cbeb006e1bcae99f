"""Scale benchmark: a store of N notices (default 1,000,000), its size, and the time of every page an analyst uses.

How the store is built: the notices of ../shared/corpus (data/tenders/ when it is absent) are parsed and assessed
once, in this process, into the rows `rows.assessment_rows` gives; copy k of a notice gets new ids
(`<id>~<k>`), a year moved to 2016 + k % 10 (dates follow), and its winners a variant name ("<name> <k % 100>")
and variant identifiers (a French SIREN/SIRET becomes another valid one, other identifiers get a suffix): a
replicated winner is one of 100 companies, not one entity for every copy, nor a new one for each. The compressed
notice document is shared by the copies (it still names the original notice). Copies go through the real writer
(`store.write_batch`, 1,000 notices per transaction): the time of those calls alone gives the writer's notices/s.
Then winners are grouped (incrementally: all are new) and the report's cubes materialised, each timed.

Pages are timed through the Flask test client (query + template), repeated; p50/p95 in ms:
list pages with each filter in each sort order, deep pages (keyset cursor and numbered page), tender pages, the
overview (its figures recomputed from the materialised cubes each time: the process cache is cleared) and the
report (`compute_report`, unfiltered and filtered). Times are wall clock on a shared machine (load printed).

    .venv/bin/python bench/scale.py --notices 1000000 --db /tmp/scale.db   # keep the file outside the repo
    .venv/bin/python bench/scale.py --notices 50000 --db /tmp/scale.db --reuse   # time pages of a built store
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
VARIANTS = 100  # each replicated winner is one of this many companies
BATCH = 2000  # notices per writer transaction, as ingest.COMMIT_NOTICES

FILTERS = {
    "(none)": {},
    "buyer_country": {"buyer_country": "FR"},
    "year": {"year": 2020},
    "cpv": {"cpv": "45"},
    "kind": {"kind": "result"},
    "procedure_type": {"procedure_type": "open"},
    "buyer_category": {"buyer_category": "sub-central"},
    "min_priority": {"min_priority": 50},
    "origin_class": {"origin_class": "UNCOVERED"},
    "code": {"code": "SME-NO-LOTS"},
    "severity": {"severity": "problem"},
    "q": {"q": "travaux"},
    "buyer": {"buyer": "hopital"},
    "date range": {"date_from": "2020-03-01", "date_to": "2020-03-31"},
    "value range": {"value_min": 1000000, "value_max": 2000000},
}
SORTS = ("priority", "date", "date_asc", "value", "value_asc")


def base_rows() -> list[dict[str, list[tuple]]]:
    """Rows (tuples) of every notice of the corpus, parsed and assessed once."""
    from reciprocity.assess import assess
    from reciprocity.audit.rows import as_tuples, assessment_rows
    from reciprocity.audit.sources import iter_documents, iter_records

    source = CORPUS if CORPUS.is_dir() else ROOT / "data" / "tenders"
    rows = []
    for document in iter_documents([source]):
        try:
            for notice in iter_records(document):
                if not isinstance(notice, Exception):
                    rows.append(as_tuples(assessment_rows(assess(notice), document.name)))
        except Exception:  # noqa: BLE001 - a refused file is left out of the base, as an ingest would
            continue
    return rows


def _siren(digits: str) -> str:
    """A valid SIREN (Luhn) made from 8 digits."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char) * (2 if i % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return digits + str((10 - total % 10) % 10)


def _identifier(raw: str, bucket: int) -> str:
    digits = raw.replace(" ", "")
    if digits.isdigit() and len(digits) in (9, 14):
        seed = hashlib.sha1(f"{digits[:9]}|{bucket}".encode()).hexdigest()
        siren = _siren(str(int(seed, 16))[:8].zfill(8))
        return siren + digits[9:] if len(digits) == 14 else siren
    return f"{raw}-{bucket}"


def replicate(rows: dict[str, list[tuple]], copy: int, columns: dict[str, tuple[str, ...]]) -> dict:
    """Copy `copy` of a notice's rows: new ids, a moved year, variant winners (see the module docstring)."""
    import json

    notice = list(rows["notices"][0])
    at = {name: i for i, name in enumerate(columns["notices"])}
    old_id, new_id = notice[at["id"]], f"{notice[at['id']]}~{copy}"
    year = 2016 + copy % 10
    notice[at["id"]], notice[at["family"]] = new_id, f"{notice[at['family']]}~{copy}"
    notice[at["year"]] = year if notice[at["year"]] else None
    for column in ("dispatch_date", "publication_date"):
        if notice[at[column]]:
            notice[at[column]] = f"{year}{notice[at[column]][4:]}"
    out = {"notices": [tuple(notice)], "finding_texts": rows.get("finding_texts", [])}
    for table in ("notice_documents", "lots", "results", "findings"):
        out[table] = [(new_id, *row[1:]) for row in rows.get(table, [])]
    bucket = copy % VARIANTS
    w = {name: i for i, name in enumerate(columns["winners"])}
    winners = []
    for row in rows.get("winners", []):
        row = list(row)
        row[w["notice_id"]] = new_id
        if row[w["name"]]:
            row[w["name"]] = f"{row[w['name']]} {bucket}"
        row[w["identifiers"]] = json.dumps([_identifier(i, bucket) for i in json.loads(row[w["identifiers"]])])
        winners.append(tuple(row))
    out["winners"] = winners
    assert old_id != new_id
    return out


def build(db_path: Path, notices: int) -> dict[str, float]:
    """Write `notices` replicated notices through the writer; group winners; materialise the cubes."""
    from reciprocity.audit import aggregates, store
    from reciprocity.audit.entities import group_winners
    from reciprocity.audit.schema import COLUMNS

    started = time.monotonic()
    base = base_rows()
    figures = {"base_notices": len(base), "assess_seconds": time.monotonic() - started}
    db = store.open_db(db_path)
    db.execute("PRAGMA cache_size=-524288")  # as the ingest writer sets them (ingest._Writer)
    db.execute("PRAGMA wal_autocheckpoint=100000")
    known: set[bytes] = set()
    written, writer_seconds, copy = 0, 0.0, 0
    while written < notices:
        batch = []
        for rows in base:
            batch.append(replicate(rows, copy, COLUMNS))
            if len(batch) == BATCH or written + len(batch) >= notices:
                written += _timed_write(db, batch, known, figures)
                batch = []
                if written >= notices:
                    break
        if batch:
            written += _timed_write(db, batch, known, figures)
        copy += 1
    writer_seconds = figures.pop("writer_seconds")
    figures.update(notices=written, writer_seconds=writer_seconds, writer_per_second=written / writer_seconds,
                   writer_per_cpu_second=written / figures.pop("writer_cpu"))
    for name, step in (
        ("grouping_seconds", lambda: group_winners(db)),
        ("cubes_seconds", lambda: aggregates.refresh(db)),
        ("analyze_seconds", lambda: db.execute("ANALYZE")),
    ):
        began = time.monotonic()
        step()
        figures[name] = time.monotonic() - began
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return figures


def _timed_write(db, batch: list[dict], known: set[bytes], figures: dict[str, float]) -> int:
    from reciprocity.audit import store

    began, cpu = time.monotonic(), time.process_time()
    with db.conn:
        count = store.write_batch(db, batch, known)
    figures["writer_seconds"] = figures.get("writer_seconds", 0.0) + time.monotonic() - began
    figures["writer_cpu"] = figures.get("writer_cpu", 0.0) + time.process_time() - cpu
    return count


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"{1000 * statistics.median(ordered):7.1f} {1000 * p95:7.1f}"


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return times


def _get(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")


def list_pages(client, repeat: int) -> list[str]:
    """p50/p95 of the list page per filter and sort (the total of a filter set is counted on its first view and
    cached: the first view of each is timed apart, as `first`)."""
    from urllib.parse import urlencode

    lines = [f"{'list page (ms)':<16}" + "".join(f"{s + ' p50/p95':>17}" for s in SORTS) + f"{'first view':>12}"]
    for name, params in FILTERS.items():
        cells, first = [], []
        for sort in SORTS:
            url = f"/tenders?{urlencode({**params, 'sort': sort})}"
            first.append(timed(lambda u=url: _get(client, u), 1)[0])
            cells.append(percentiles(timed(lambda u=url: _get(client, u), repeat)))
        lines.append(f"{name:<16}" + "".join(f"{c:>17}" for c in cells) + f"{1000 * max(first):10.1f}")
    return lines


def deep_pages(client, db_path: Path, repeat: int) -> list[str]:
    """A page half way down the unfiltered list: by keyset cursor, and by page number (OFFSET)."""
    from reciprocity.audit.listing import encode_cursor
    from reciprocity.audit.store import open_db

    db = open_db(db_path, create=False)
    total = db.execute("SELECT count(*) FROM notices").fetchone()[0]
    key, notice_id = db.execute(
        "SELECT -benefit_priority, id FROM notices ORDER BY -benefit_priority, id LIMIT 1 OFFSET ?", [total // 2]
    ).fetchone()
    db.conn.close()
    cursor = encode_cursor("priority", key, notice_id)
    page = total // 2 // 25
    _get(client, "/tenders")  # counts the total once (cached, as on a server)
    by_cursor = timed(lambda: _get(client, f"/tenders?after={cursor}&page={page}"), repeat)
    by_number = timed(lambda: _get(client, f"/tenders?page={page}"), repeat)
    return [f"deep page by cursor (row {total // 2})     {percentiles(by_cursor)}",
            f"deep page by number (page {page})         {percentiles(by_number)}"]


def tender_pages(client, db_path: Path, repeat: int) -> str:
    from reciprocity.audit.store import open_db

    db = open_db(db_path, create=False)
    ids = [r[0] for r in db.execute("SELECT id FROM notices ORDER BY random() LIMIT ?", [repeat])]
    db.conn.close()
    _get(client, f"/tenders/{ids[0]}")  # the template's first rendering compiles it: not timed
    times = [timed(lambda i=i: _get(client, f"/tenders/{i}"), 1)[0] for i in ids]
    api = [timed(lambda i=i: _get(client, f"/api/v1/tenders/{i}"), 1)[0] for i in ids]
    return f"tender page / API (ms p50 p95)       {percentiles(times)}   {percentiles(api)}"


def overview_and_report(client, db_path: Path, repeat: int) -> list[str]:
    from reciprocity.audit import aggregates
    from reciprocity.audit.stats import compute_report
    from reciprocity.audit.store import open_db
    from webapp import db as web_db

    def overview(url: str) -> None:
        web_db._CACHE.clear()
        _get(client, url)

    db = open_db(db_path, create=False)

    def report(filters: dict | None) -> None:
        compute_report(db, filters)

    lines = [f"overview page, uncached (ms p50 p95)   {percentiles(timed(lambda: overview('/'), repeat))}",
             f"overview ?year=2020, uncached          {percentiles(timed(lambda: overview('/?year=2020'), repeat))}",
             f"report, unfiltered (materialised)      {percentiles(timed(lambda: report(None), repeat))}",
             f"report ?year=2020 (cube + live top-k)  {percentiles(timed(lambda: report({'year': 2020}), 3))}",
             f"report ?origin_class=UNCOVERED (live)  "
             f"{percentiles(timed(lambda: report({'origin_class': 'UNCOVERED'}), 3))}",
             f"report from rows, unfiltered (SQL GROUP BY, what refresh costs) "
             f"{percentiles(timed(lambda: aggregates.compute_cubes(db, None), 1))}"]
    db.conn.close()
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, required=True, help="the store to build (outside the repository)")
    parser.add_argument("--reuse", action="store_true", help="time the pages of an existing store")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f} GB"
        f" RAM, load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    if not args.reuse:
        for suffix in ("", "-wal", "-shm", ".secret"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        figures = build(args.db, args.notices)
        print(
            f"built {figures['notices']} notices from {figures['base_notices']} assessed originals"
            f" ({figures['assess_seconds']:.0f} s to assess them)"
        )
        print(
            f"writer: {figures['writer_per_second']:.0f} notices/s ({figures['writer_seconds']:.0f} s);"
            f" grouping {figures['grouping_seconds']:.0f} s; cubes {figures['cubes_seconds']:.1f} s;"
            f" ANALYZE {figures['analyze_seconds']:.0f} s",
            flush=True,
        )
    size = args.db.stat().st_size
    from reciprocity.audit.store import open_db
    from webapp import create_app

    count = open_db(args.db, create=False).execute("SELECT count(*) FROM notices").fetchone()[0]
    print(f"database: {size / 2**30:.2f} GB, {size / count / 1024:.1f} KB per notice ({count} notices)", flush=True)
    client = create_app({"TESTING": True, "DATABASE": str(args.db), "SECRET_KEY": "bench"}).test_client()
    random.seed(1)
    for line in [
        *list_pages(client, args.repeat),
        *deep_pages(client, args.db, args.repeat),
        tender_pages(client, args.db, args.repeat),
        *overview_and_report(client, args.db, 5),
    ]:
        print(line, flush=True)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
