"""Batch ingest: counts equal what the parsers yield, idempotent, resumable after kill -9, bad files recorded."""

from __future__ import annotations

import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tarfile
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import CORPUS, SAMPLES

from reciprocity.audit.ingest import ingest
from reciprocity.audit.rows import change_key
from reciprocity.audit.sources import iter_paths
from reciprocity.audit.store import notice_family, open_db, version_key
from reciprocity.errors import ReciprocityError
from reciprocity.parsers import iter_parse

CLI = Path(sys.executable).parent / "reciprocity"
COUNTED = ("notices", "lots", "results", "winners", "findings")


def expected_counts(sources: list[tuple[bytes | Path, str]]) -> dict[str, int]:
    """Notices, lots and results the parsers yield for these sources, one per notice id (newest version kept)."""
    chosen: dict[str, tuple[str, dict]] = {}
    for source, name in sources:
        try:
            items = list(iter_parse(source, name))
        except ReciprocityError:
            continue
        for notice in items:
            if isinstance(notice, ReciprocityError):
                continue
            data = notice.to_dict()  # what assess keeps as the notice (the store hashes this)
            family, key = notice_family(data), version_key(data)
            if family not in chosen or chosen[family][0] < key:
                chosen[family] = (key, data)
    # a change notice replaces the notice it changes when exactly one has that UUID and version (audit/changes.py)
    own = Counter(change_key(d.get("notice_uuid"), d.get("version")) for _, d in chosen.values())
    notices = [data for family, (_, data) in chosen.items()
               if not ((key := change_key(data.get("notice_uuid"), data.get("version"))) in chosen
                       and own[key] == 1 and key != family)]
    return {"notices": len(notices), "lots": sum(len(n["lots"]) for n in notices),
            "results": sum(len(n["results"]) for n in notices)}


def counts(db_file: Path) -> dict[str, int]:
    with sqlite3.connect(db_file) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in (*COUNTED, "ingest_errors")}


def contents(db_file: Path) -> dict[str, list]:
    """Every table's rows, without run ids and timestamps (which differ between runs by design)."""
    queries = {t: f"SELECT * FROM {t}" for t in (*COUNTED, "entities")}
    queries["ingest_errors"] = "SELECT id, file, member, error FROM ingest_errors"
    queries["ingest_files"] = "SELECT file, sha1, notices, errors FROM ingest_files"
    with sqlite3.connect(db_file) as conn:
        return {t: sorted(map(repr, conn.execute(sql).fetchall())) for t, sql in queries.items()}


def test_samples_ingest_matches_parse_and_twice_changes_nothing(tmp_path):
    db = tmp_path / "samples.db"
    files = list(iter_paths([SAMPLES]))
    summary = ingest([SAMPLES], db, workers=2)
    expected = expected_counts([(f, str(f)) for f in files])
    assert expected["notices"] >= 3
    assert {k: counts(db)[k] for k in expected} == expected
    assert summary.errors == counts(db)["ingest_errors"] == 0
    before = contents(db)
    again = ingest([SAMPLES], db, workers=2)
    assert again.skipped == again.documents == len(files)
    assert contents(db) == before


def test_corpus_ingest_matches_parse(corpus, tmp_path):
    db = tmp_path / "corpus.db"
    ingest([corpus], db, workers=2)
    expected = expected_counts([(f, str(f)) for f in iter_paths([corpus])])
    assert {k: counts(db)[k] for k in expected} == expected
    before = counts(db)
    ingest([corpus], db, workers=2)
    assert counts(db) == before


def _tar_gz(path: Path, files: list[Path]) -> list[tuple[bytes, str]]:
    members = []
    with tarfile.open(path, "w:gz") as archive:
        for file in files:
            data = file.read_bytes()
            info = tarfile.TarInfo(f"20240105/{file.name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            members.append((data, f"{path}!{info.name}"))
    return members


def test_tar_gz_package(tmp_path):
    package = tmp_path / "20240105_001.tar.gz"
    members = _tar_gz(package, list(iter_paths([SAMPLES])))
    db = tmp_path / "package.db"
    summary = ingest([package], db, workers=2)
    assert summary.documents == len(members)
    expected = expected_counts(members)
    assert {k: counts(db)[k] for k in expected} == expected
    with sqlite3.connect(db) as conn:
        done = sorted(r[0] for r in conn.execute("SELECT file FROM ingest_files"))
        sources = {r[0] for r in conn.execute("SELECT source_file FROM notices")}
    assert done == sorted(name for _, name in members)
    assert sources <= set(done)
    assert ingest([package], db, workers=1).skipped == len(members)


def test_decp_file_is_ingested_record_by_record(tmp_path):
    decp = SAMPLES / "decp-2022-rennes.json"
    db = tmp_path / "decp.db"
    ingest([decp], db, workers=1)
    expected = expected_counts([(decp, str(decp))])
    assert expected["notices"] >= 2
    assert {k: counts(db)[k] for k in expected} == expected


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<TED_EXPORT>&lol3;</TED_EXPORT>"""


def _corrupted(good: Path) -> dict[str, bytes]:
    """Five bad files made from a good notice: truncated, junk, empty, wrong encoding, billion laughs."""
    data = good.read_bytes()
    assert any(b > 127 for b in data), "need a notice with non-ASCII text for the encoding case"
    return {
        "truncated.xml": data[: len(data) // 2],
        "junk.xml": random.Random(4).randbytes(5000),
        "empty.xml": b"",
        "latin1.xml": data.decode("utf-8").encode("latin-1", errors="replace"),  # still declares UTF-8
        "billion-laughs.xml": BILLION_LAUGHS,
    }


def test_five_percent_corrupted_files(corpus, tmp_path):
    good = sorted((corpus / "ted-r209" / "F03_2014").glob("*.xml"))[:95]
    folder = tmp_path / "notices"
    folder.mkdir()
    for file in good:
        (folder / file.name).write_bytes(file.read_bytes())
    donor = next(f for f in good if any(b > 127 for b in f.read_bytes()))
    for name, data in _corrupted(donor).items():
        (folder / name).write_bytes(data)
    db = tmp_path / "corrupted.db"
    summary = ingest([folder], db, workers=2)
    expected = expected_counts([(folder / f.name, str(folder / f.name)) for f in good])
    assert {k: counts(db)[k] for k in expected} == expected  # every good notice stored
    with sqlite3.connect(db) as conn:
        errors = dict(conn.execute("SELECT file, error FROM ingest_errors").fetchall())
    assert sorted(Path(f).name for f in errors) == sorted(_corrupted(donor))
    assert summary.errors == 5
    reasons = {Path(f).name: e for f, e in errors.items()}
    assert "empty" in reasons["empty.xml"]
    assert "DTD" in reasons["billion-laughs.xml"] or "entit" in reasons["billion-laughs.xml"].lower()
    for name, reason in reasons.items():  # readable: names the file and says why, no traceback
        assert name in reason and len(reason) > len(str(folder)) + 20 and "Traceback" not in reason


def _run_cli(db: Path, paths: list[Path], workers: int = 1) -> subprocess.Popen:
    command = [str(CLI), "ingest", *map(str, paths), "--db", str(db), "--workers", str(workers), "--no-progress"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _done_files(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM ingest_files").fetchone()[0]
    except sqlite3.Error:
        return 0


KILL_PATHS = ("ted-r209", "eforms-real", "decp/real/decp-2022")  # the big DECP files: test_corpus_ingest_matches_parse


@pytest.fixture(scope="module")
def clean_db(tmp_path_factory) -> Path:
    """The database an uninterrupted run gives, for the interrupted runs to be compared with."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    clean = tmp_path_factory.mktemp("clean") / "clean.db"
    run = _run_cli(clean, [CORPUS / p for p in KILL_PATHS])
    assert run.communicate(timeout=600) and run.returncode == 0
    return clean


def _interrupt_half_way(db: Path, paths: list[Path], sig: int) -> int:
    """Start an ingest, send `sig` once 100 documents are done; return how many were done by then."""
    process = _run_cli(db, paths)
    deadline = time.monotonic() + 120
    while _done_files(db) < 100 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    os.kill(process.pid, sig)
    process.communicate(timeout=60)
    assert process.returncode == (-signal.SIGKILL if sig == signal.SIGKILL else 130)
    return _done_files(db)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_interrupted_run_resumes_to_the_same_database(clean_db, tmp_path, sig):
    paths = [CORPUS / p for p in KILL_PATHS]
    total = sum(1 for _ in iter_paths(paths))
    interrupted = tmp_path / "interrupted.db"
    done_at_stop = _interrupt_half_way(interrupted, paths, sig)
    assert 0 < done_at_stop < total, "the run must really be interrupted half way"
    if sig == signal.SIGINT:  # a clean stop closes its run as interrupted
        assert open_db(interrupted)["ingest_runs"].get(1)["status"] == "interrupted"
    resumed = _run_cli(interrupted, paths)
    out, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err
    assert f"({done_at_stop} unchanged, skipped)" in out
    assert _differences(contents(interrupted), contents(clean_db)) == {}


def _differences(left: dict[str, list], right: dict[str, list]) -> dict[str, tuple]:
    """Per table, a few rows only in the left and only in the right: readable when a comparison fails."""
    found = {}
    for table in left:
        only_left, only_right = set(left[table]) - set(right[table]), set(right[table]) - set(left[table])
        if only_left or only_right:
            found[table] = (sorted(only_left)[:2], sorted(only_right)[:2])
    return found


def test_ingest_cli_summary(tmp_path):
    db = tmp_path / "cli.db"
    process = _run_cli(db, [SAMPLES], workers=2)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert "notices from" in out and "0 errors" in out and "entities" in out
    assert open_db(db, create=False)["ingest_runs"].count == 1
