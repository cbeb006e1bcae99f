"""Ingest benchmark: notices/s with 1 and 2 workers, and peak memory at 1x and 5x the corpus size.

Builds a synthetic corpus in a temporary folder by replicating the XML notices of ../shared/corpus (TED R2.0.9
and real eForms; data/tenders/ when the corpus is absent) with new ids: TED `DOC_ID`, eForms
`NoticePublicationID` and notice UUID are rewritten, so every copy is a distinct notice. Folders hold 1,000
files each, like TED daily packages. Each run is a fresh process ingesting into a fresh database; it reports
its own peak RSS (the writer) and the largest peak RSS of its children (the workers).

    .venv/bin/python bench/ingest.py                 # 50,000 notices (and 250,000 for the memory check)
    .venv/bin/python bench/ingest.py --notices 5000  # a quick run
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
PER_FOLDER = 1000

TED_ID = re.compile(rb'DOC_ID="\d+-(\d{4})"')
EFORMS_PUBLICATION = re.compile(rb"(<efbc:NoticePublicationID[^>]*>)\d+-(\d{4})(</efbc:NoticePublicationID>)")
EFORMS_UUID = re.compile(rb'(<cbc:ID schemeName="notice-id">)[^<]+(</cbc:ID>)')

RUN = """
import json, resource, sys, time
from reciprocity.audit.ingest import ingest
started = time.monotonic()
summary = ingest([sys.argv[1]], sys.argv[2], workers=int(sys.argv[3]))
seconds = time.monotonic() - started
print(json.dumps({"notices": summary.notices, "errors": summary.errors, "documents": summary.documents,
                  "seconds": seconds,
                  "writer_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "worker_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def base_notices() -> list[bytes]:
    """The notices to replicate: XML files of the corpus that carry an id we can rewrite."""
    if CORPUS.is_dir():
        files = sorted((CORPUS / "ted-r209").rglob("*.xml")) + sorted((CORPUS / "eforms-real").rglob("*.xml"))
    else:
        files = sorted((ROOT / "data" / "tenders").glob("*.xml"))
    contents = [f.read_bytes() for f in files]
    return [c for c in contents if TED_ID.search(c) or EFORMS_PUBLICATION.search(c)]


def with_new_id(data: bytes, number: int) -> bytes:
    """The same notice under another publication number (and eForms notice UUID)."""
    data = TED_ID.sub(lambda m: b'DOC_ID="%06d-%s"' % (number, m.group(1)), data, count=1)
    data = EFORMS_PUBLICATION.sub(lambda m: m.group(1) + b"%08d-%s" % (number, m.group(2)) + m.group(3), data,
                                  count=1)
    new_uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-{number}")).encode()
    return EFORMS_UUID.sub(lambda m: m.group(1) + new_uuid + m.group(2), data, count=1)


def build(folder: Path, notices: int, base: list[bytes]) -> None:
    """Write `notices` replicated notices into folder/<nnnn>/<number>.xml."""
    for number in range(1, notices + 1):
        sub = folder / f"{number // PER_FOLDER:04d}"
        if number % PER_FOLDER == 0 or number == 1:
            sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{number:07d}.xml").write_bytes(with_new_id(base[number % len(base)], number))


def run(folder: Path, db: Path, workers: int) -> dict:
    """One ingest in a fresh process; its figures as a dict."""
    out = subprocess.run([sys.executable, "-c", RUN, str(folder), str(db), str(workers)], check=True,
                         capture_output=True, text=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["per_second"] = figures["notices"] / figures["seconds"]
    return figures


def line(label: str, figures: dict) -> str:
    return (f"{label:<22} {figures['notices']:>8} notices {figures['errors']:>5} errors {figures['seconds']:8.1f} s"
            f" {figures['per_second']:8.1f} notices/s  writer {figures['writer_kb'] / 1024:7.1f} MB"
            f"  worker {figures['worker_kb'] / 1024:7.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=50_000, help="size of the 1x corpus")
    parser.add_argument("--scale", type=int, default=5, help="the memory check ingests this many times more")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (default: a temp folder)")
    args = parser.parse_args()
    base = base_notices()
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        tmp = Path(tmp)
        started = time.monotonic()
        build(tmp / "x1", args.notices, base)
        print(f"built {args.notices} notices from {len(base)} originals in {time.monotonic() - started:.0f} s",
              flush=True)
        one = run(tmp / "x1", tmp / "w1.db", 1)
        print(line("1x, 1 worker", one), flush=True)
        two = run(tmp / "x1", tmp / "w2.db", 2)
        print(line("1x, 2 workers", two), flush=True)
        (tmp / "w1.db").unlink()
        build(tmp / "x5", args.notices * args.scale, base)
        big = run(tmp / "x5", tmp / "w5.db", 2)
        print(line(f"{args.scale}x, 2 workers", big), flush=True)
    print(f"scaling 2 workers / 1 worker: {two['per_second'] / one['per_second']:.2f}x (target >= 1.6x)")
    for role in ("writer", "worker"):
        ratio = big[f"{role}_kb"] / two[f"{role}_kb"]
        print(f"peak RSS {role} {args.scale}x / 1x: {ratio:.2f} (target <= 1.20)")


if __name__ == "__main__":
    main()
