"""API load benchmark: gunicorn (2 workers) over a store of >= 50,000 notices, 20 concurrent clients for 30 s.

Each client loops: POST a ~100 KB eForms notice to /api/v1/check, then GET a filtered /api/v1/tenders page.
Prints p50/p95/p99 latency per endpoint and the error count. Loopback only, bounded in time.

    .venv/bin/python bench/api.py [--notices 50000] [--clients 20] [--seconds 30] [--rebuild]

The store is built once under bench/out/ (gitignored) by replicating the assessed rows of data/tenders/
samples with new ids, years, buyer countries and priorities (the same row shapes `reciprocity ingest` writes).
"""

from __future__ import annotations

import argparse
import copy
import http.client
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from reciprocity import assess, parse  # noqa: E402
from reciprocity.audit.rows import assessment_rows  # noqa: E402
from reciprocity.audit.store import CHILD_TABLES, open_db  # noqa: E402

SAMPLES = ROOT / "data" / "tenders"
CORPUS_NOTICE = ROOT.parent / "shared" / "corpus" / "eforms-real" / "cn" / "00757543-2023.xml"  # 109 KB
COUNTRIES = ("FR", "FR", "FR", "FR", "DE", "ES", "IT", "BE", "PL", "NL")
LIST_FILTERS = (
    {}, {"buyer_country": "FR"}, {"year": "2021"}, {"cpv": "33"}, {"origin_class": "UNCOVERED"},
    {"code": "SME-PRICE-ONLY"}, {"severity": "warning"}, {"buyer_country": "DE", "year": "2023"},
    {"buyer": "Lyon"}, {"kind": "result", "origin_class": "FR"},
)
# filters answered from the notices table alone (no EXISTS over findings/winners): to tell web cost from SQL cost
NOTICE_FILTERS = tuple(f for f in LIST_FILTERS if not {"origin_class", "code", "severity"} & set(f))


def base_rows() -> list[dict]:
    """Assessed rows of every notice of data/tenders/, the templates the store is filled with."""
    rows = []
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix in (".xml", ".json") and not path.name.endswith(".expected.json"):
            rows.extend(assessment_rows(assess(notice), path.name) for notice in parse(path))
    return rows


def replicate(template: dict, number: int) -> dict:
    """A copy of one notice's rows under a new id, with its own year, buyer country and priority."""
    rows = copy.deepcopy(template)
    old = rows["notices"][0]["id"]
    new = f"BENCH{number:07d}-{old}"
    year = 2019 + number % 7
    notice = rows["notices"][0]
    notice.update(id=new, family=new, year=year, dispatch_date=f"{year}-{1 + number % 12:02d}-15",
                  buyer_country=COUNTRIES[number % len(COUNTRIES)], benefit_priority=float(number * 37 % 101))
    for table in CHILD_TABLES:
        for row in rows[table]:
            row["id"] = row["id"].replace(old, new, 1)
            row["notice_id"] = new
            if "result_id" in row:
                row["result_id"] = row["result_id"].replace(old, new, 1)
    return rows


def build_db(path: Path, count: int) -> None:
    """Fill a fresh store with `count` notices, in one transaction, batched per table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    templates, db = base_rows(), open_db(path)
    started = time.monotonic()
    with db.conn:
        for start in range(0, count, 2000):
            batch = [replicate(templates[n % len(templates)], n) for n in range(start, min(count, start + 2000))]
            for table in ("notices", *CHILD_TABLES):
                db[table].insert_all([row for rows in batch for row in rows[table]], batch_size=500)
    db.execute("ANALYZE")
    db.conn.close()
    print(f"built {path} with {count} notices in {time.monotonic() - started:.1f} s", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(db: Path, port: int) -> subprocess.Popen:
    """gunicorn -w 2 'webapp:create_app()' on loopback, waiting until it answers."""
    env = {**os.environ, "RECIPROCITY_DB": str(db), "RECIPROCITY_SECRET_KEY": "bench"}
    command = [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", "webapp:create_app()"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _ = request(port, "GET", "/api/v1/rules")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def request(port: int, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Content-Type": "application/xml"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def client(port: int, notice: bytes, stop_at: float, seed: int, samples: dict[str, list], errors: list) -> None:
    """One client: check, then a filtered list page, until the time is up."""
    rng = random.Random(seed)
    filters = NOTICE_FILTERS if ARGS.notice_filters_only else LIST_FILTERS
    while time.monotonic() < stop_at:
        query = {**rng.choice(filters), "page": str(rng.randint(1, 40)), "per_page": "25"}
        for kind, method, path, body in (("check", "POST", "/api/v1/check", notice),
                                         ("list", "GET", "/api/v1/tenders?" + urllib.parse.urlencode(query), None)):
            started = time.perf_counter()
            try:
                status, payload = request(port, method, path, body)
                ok = status == 200 and (kind != "list" or "total" in json.loads(payload))
            except (OSError, ValueError) as exc:
                ok, status = False, repr(exc)
            samples[kind].append(time.perf_counter() - started)
            if not ok:
                errors.append(f"{kind} {path}: {status}")


def serial_profile(port: int, notice: bytes) -> None:
    """One request at a time: each list filter's own latency (pages 1 and 40) and a check, before the load."""
    for query in LIST_FILTERS:
        timings = []
        for page in ("1", "40"):
            started = time.perf_counter()
            request(port, "GET", "/api/v1/tenders?" + urllib.parse.urlencode({**query, "page": page}))
            timings.append((time.perf_counter() - started) * 1000)
        print(f"  list {urllib.parse.urlencode(query) or '(no filter)':<32} page 1: {timings[0]:7.1f} ms"
              f"  page 40: {timings[1]:7.1f} ms")
    started = time.perf_counter()
    request(port, "POST", "/api/v1/check", notice)
    print(f"  check alone: {(time.perf_counter() - started) * 1000:.1f} ms")


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return (f"n={len(values):6d}  p50={cuts[49] * 1000:7.1f} ms  p95={cuts[94] * 1000:7.1f} ms  "
            f"p99={cuts[98] * 1000:7.1f} ms  ({len(values) / ARGS.seconds:.0f} req/s)")


def run(port: int, notice: bytes) -> tuple[dict[str, list], list]:
    samples: dict[str, list] = {"check": [], "list": []}
    errors: list[str] = []
    stop_at = time.monotonic() + ARGS.seconds
    threads = [threading.Thread(target=client, args=(port, notice, stop_at, n, samples, errors))
               for n in range(ARGS.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=ARGS.seconds + 60)
    return samples, errors


def main() -> None:
    db = ROOT / "bench" / "out" / "api-bench.db"
    if ARGS.rebuild or not db.exists():
        build_db(db, ARGS.notices)
    notice_path = Path(ARGS.notice) if ARGS.notice else (
        CORPUS_NOTICE if CORPUS_NOTICE.exists() else SAMPLES / "eforms-can-winners-fr-de-cn.xml")
    notice = notice_path.read_bytes()
    port = free_port()
    server = start_gunicorn(db, port)
    try:
        print("single requests (warm, no concurrency):")
        request(port, "POST", "/api/v1/check", notice)  # warm both workers' rule data
        request(port, "POST", "/api/v1/check", notice)
        serial_profile(port, notice)
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        samples, errors = run(port, notice)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    notices = open_db(db, create=False).execute("SELECT count(*) FROM notices").fetchone()[0]
    print(f"gunicorn -w 2, {notices} notices, {ARGS.clients} clients, {ARGS.seconds} s, "
          f"{'notice-column filters only' if ARGS.notice_filters_only else 'all filters'}, "
          f"check body {notice_path.name} ({len(notice) / 1024:.0f} KB)")
    print(f"POST /api/v1/check    {percentiles(samples['check'])}")
    print(f"GET  /api/v1/tenders  {percentiles(samples['list'])}")
    print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:10]))
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = cpu.ru_utime + cpu.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime
    print(f"load generator CPU: {client_cpu:.1f} s over {ARGS.seconds:.0f} s on {os.cpu_count()} cores "
          f"(it shares the machine with the server); load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--notice", help="notice to POST (default: a 109 KB eForms CN from ../shared/corpus)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the benchmark store")
    parser.add_argument("--notice-filters-only", action="store_true",
                        help="list pages filtered on notice columns only (no finding/origin filters)")
    ARGS = parser.parse_args()
    main()
