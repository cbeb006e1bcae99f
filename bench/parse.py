"""Parse throughput: `reciprocity.parse` against a bare parse of the same bytes, over a whole notice corpus.

For each notice file (XML and JSON, schemas and documentation left out), the bytes are read once, then timed
`--repeat` times with our `parse` and with the bare parser of the format (`lxml.etree.fromstring` for XML,
`json.loads` for JSON); the best time of each file is kept. Times are CPU time of this process
(`time.process_time`), so other work on a busy machine does not inflate them. Prints files/s and MB/s of both
and the ratio ours / bare, overall and per format (issue 2 target: <= 3.0 on one core), then parse + assess
(`assess` of every notice the file holds) against the same bare parse: the baseline of issue 13 item 4
(target <= 3.5). Not a test.

    .venv/bin/python bench/parse.py [--corpus ../shared/corpus] [--repeat 3] [--every 1] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from lxml import etree

from reciprocity import assess, parse
from reciprocity.errors import ReciprocityError
from reciprocity.parsers import detect_format

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {"schemas"}  # DECP JSON Schema / XSD files are specifications, not notices


def corpus_files(corpus: Path) -> list[Path]:
    """Every .xml / .json notice file below `corpus`, in a stable order."""
    return sorted(p for p in corpus.rglob("*") if p.suffix.lower() in (".xml", ".json") and p.is_file()
                  and not SKIP_DIRS & set(p.relative_to(corpus).parts))


def format_of(data: bytes, name: str) -> str:
    """eforms | ted | decp-json | decp-xml | unknown (decided once, outside the timings)."""
    try:
        found = detect_format(data, name)
    except ReciprocityError:
        return "unknown"
    if found == "decp":
        return "decp-json" if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[") else "decp-xml"
    return found


def bare(data: bytes, fmt: str) -> None:
    """The floor we compare with: parse the bytes and nothing else."""
    if fmt == "decp-json":
        json.loads(data)
    else:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def ours(data: bytes, name: str) -> bool:
    """Our full parse into Notices; False when the file is refused (counted, still timed)."""
    try:
        parse(data, name)
        return True
    except ReciprocityError:
        return False


def assessed(data: bytes, name: str) -> bool:
    """Our parse, then the assessment of every notice: what `check` and an ingest worker do per file."""
    try:
        for notice in parse(data, name):
            assess(notice)
        return True
    except ReciprocityError:
        return False


def best_time(repeat: int, function, *args) -> float:
    """The fastest of `repeat` runs of function(*args), in CPU seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        function(*args)
        best = min(best, time.process_time() - start)
    return best


def measure(files: list[Path], corpus: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Per format: files, bytes, refused, best seconds for ours and for bare."""
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for path in files:
        data, name = path.read_bytes(), str(path.relative_to(corpus))
        fmt = format_of(data, name)
        row = totals[fmt]
        row["files"] += 1
        row["bytes"] += len(data)
        row["refused"] += not ours(data, name)
        row["ours"] += best_time(repeat, ours, data, name)
        row["assessed"] += best_time(repeat, assessed, data, name)
        try:
            row["bare"] += best_time(repeat, bare, data, fmt)
        except (etree.XMLSyntaxError, ValueError):
            row["bare_failed"] += 1
    overall: dict[str, float] = defaultdict(float)
    for row in totals.values():
        for key, value in row.items():
            overall[key] += value
    return {**dict(sorted(totals.items())), "overall": overall}


def render(results: dict[str, dict[str, float]]) -> str:
    """The figures as a text table, one line per format and one overall."""
    header = (f"{'format':<10} {'files':>6} {'MB':>7} {'refused':>7} {'ours f/s':>9} {'ours MB/s':>9} "
              f"{'bare f/s':>9} {'bare MB/s':>9} {'ours/bare':>9} {'+assess/bare':>12}")
    lines = [header, "-" * len(header)]
    for fmt, row in results.items():
        megabytes = row["bytes"] / 1e6
        lines.append(
            f"{fmt:<10} {int(row['files']):>6} {megabytes:>7.2f} {int(row['refused']):>7} "
            f"{row['files'] / row['ours']:>9.0f} {megabytes / row['ours']:>9.2f} "
            f"{row['files'] / row['bare']:>9.0f} {megabytes / row['bare']:>9.2f} {row['ours'] / row['bare']:>9.2f}"
            f" {row['assessed'] / row['bare']:>12.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark over --corpus and print the table (or --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--repeat", type=int, default=3, help="timings per file; the best is kept")
    parser.add_argument("--every", type=int, default=1, help="time every n-th file only (a quicker sample)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    files = corpus_files(args.corpus)[::max(1, args.every)]
    if not files:
        print(f"no notice files under {args.corpus}", file=sys.stderr)
        return 1
    results = measure(files, args.corpus, args.repeat)
    if args.json:
        print(json.dumps({fmt: {**row, "ratio": row["ours"] / row["bare"],
                                "assess_ratio": row["assessed"] / row["bare"]} for fmt, row in results.items()}))
    else:
        print(f"{len(files)} files under {args.corpus}, best of {args.repeat} (CPU time), one process\n")
        print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
