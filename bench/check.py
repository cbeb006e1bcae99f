"""Server CPU of `POST /api/v1/check` for one notice, against a bare parse of the same bytes (issue 13 item 4).

The Flask test client posts the notice `--runs` times in this process (no network, no gunicorn: what is measured
is the request's own work: parse, assess, JSON rendering); each request and each bare parse
(`lxml.etree.fromstring`, or `json.loads` for JSON) is timed in CPU time (`time.process_time`). Prints the first
request (cold caches), the median and best of the others, in ms, and the median as a ratio of the bare parse.
Then every notice of `--varied` is posted once (caches warm from the others only), against its best bare parse.
Target: <= 4 ms CPU for a typical notice (the default, a 109 KB eForms contract notice of the corpus). Not a test.

    .venv/bin/python bench/check.py [--notice FILE] [--runs 50] [--varied ../shared/corpus/eforms-real/cn]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp import create_app  # noqa: E402

NOTICE = ROOT.parent / "shared" / "corpus" / "eforms-real" / "cn" / "00757543-2023.xml"
VARIED = ROOT.parent / "shared" / "corpus" / "eforms-real" / "cn"


def cpu_ms(function, *args) -> float:
    """CPU milliseconds of one call."""
    start = time.process_time()
    function(*args)
    return (time.process_time() - start) * 1000


def bare(data: bytes, is_json: bool) -> None:
    """The floor: parse the bytes and nothing else."""
    if is_json:
        json.loads(data)
    else:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def main(argv: list[str] | None = None) -> int:
    """Post the notice --runs times, then every --varied notice once, and print the CPU figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notice", type=Path, default=NOTICE)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--varied", type=Path, default=VARIED, help="folder of notices each posted once")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "DATABASE": str(Path(tmp) / "bench.db"), "SECRET_KEY": "bench"})
        client = app.test_client()

        def post(path: Path, data: bytes) -> None:
            kind = "application/json" if path.suffix.lower() == ".json" else "application/xml"
            response = client.post("/api/v1/check", data=data, content_type=kind)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}: {response.get_data(as_text=True)[:300]}")

        data, is_json = args.notice.read_bytes(), args.notice.suffix.lower() == ".json"
        first = cpu_ms(post, args.notice, data)
        checks = [cpu_ms(post, args.notice, data) for _ in range(max(1, args.runs))]
        bares = [cpu_ms(bare, data, is_json) for _ in range(max(1, args.runs))]
        varied = sorted(args.varied.glob("*.xml"))
        others = [
            (cpu_ms(post, path, path.read_bytes()), min(cpu_ms(bare, path.read_bytes(), False) for _ in "abc"))
            for path in varied
        ]
    median, bare_median = statistics.median(checks), statistics.median(bares)
    print(f"{args.notice.name} ({len(data) / 1000:.0f} KB), {args.runs} runs, CPU ms")
    print(f"POST /api/v1/check: first {first:.2f}, median {median:.2f}, best {min(checks):.2f}")
    print(f"bare parse:         median {bare_median:.2f}; check / bare {median / bare_median:.1f}x")
    if others:
        total, floor = sum(o[0] for o in others), sum(o[1] for o in others)
        print(
            f"{len(others)} other notices of {args.varied} posted once each: median "
            f"{statistics.median(o[0] for o in others):.2f} ms; total check / bare {total / floor:.1f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
