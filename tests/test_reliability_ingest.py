"""Issue 16, batch ingest: no source or document stops, hangs or silently empties a run.

For each item: every good notice is stored, every bad input is a row of `ingest_errors` naming it, and the run
ends `done`. Each run is bounded by a deadline (a hang fails the test); memory bounds run in a subprocess under a
1 GB address-space limit.
"""

from __future__ import annotations

import fcntl
import io
import os
import signal
import sqlite3
import struct
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES
from hostile import CLI, GB, deadline, decp_with_raw_value, limited, sample, with_amount, write

from reciprocity.audit import ingest as ingest_module
from reciprocity.audit import pool
from reciprocity.audit.ingest import ingest
from reciprocity.audit.records import unpack
from reciprocity.audit.rows import to_json
from reciprocity.audit.store import open_db, start_run
from reciprocity.errors import IngestError

GOOD = ["eforms-cn-lots-lyon.xml", "ted-f03-can-bordeaux.xml", "decp-2019-grenoble.json"]


def good_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [write(folder / name, sample(name)) for name in GOOD]


def stored(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        return {
            "notices": conn.execute("SELECT count(*) FROM notices").fetchone()[0],
            "errors": [(f, m, e) for f, m, e in conn.execute("SELECT file, member, error FROM ingest_errors")],
            "runs": [s for (s,) in conn.execute("SELECT status FROM ingest_runs ORDER BY id")],
            "done": dict(conn.execute("SELECT file, errors FROM ingest_files").fetchall()),
        }


GOOD_NOTICES = 1 + 1 + 3  # the eForms and TED samples, and the three contracts of the Grenoble DECP file


def errors_matching(result: dict, *words: str) -> list:
    return [row for row in result["errors"] if all(word in " ".join(map(str, row)) for word in words)]


# --- item 1: a worker that dies gets its document logged and the batch finishes ---------------------------------------

def crashing_process(document, reader, send, max_bytes):
    """The ingest's own worker function, except that the worker dies of signal 11 once it starts reading a
    document named crash* (as the JSON parser's C backend did on a 4,301-digit number), or before it even
    hashes one named early*."""
    if Path(document.name).name.startswith("early"):
        os.kill(os.getpid(), signal.SIGSEGV)

    def send_then_crash(message: tuple) -> None:
        send(message)
        if message[0] == "start" and Path(document.name).name.startswith("crash"):
            os.kill(os.getpid(), signal.SIGSEGV)

    ingest_module._process(document, reader, send_then_crash, max_bytes)  # in the worker, the real one


def test_a_worker_killed_by_a_document_is_logged_and_the_batch_finishes(tmp_path, monkeypatch):
    good_files(tmp_path / "in")
    for n in range(2):
        write(tmp_path / "in" / f"crash{n}.xml", sample(GOOD[0]).replace(b"00112358-2025", f"0099{n}000-2025".encode()))
    monkeypatch.setattr(ingest_module, "_process", crashing_process)  # a name the spawned workers can import
    db = tmp_path / "crash.db"
    with deadline(120):
        summary = ingest([tmp_path / "in"], db, workers=2)
    result = stored(db)
    assert summary.status == "done" and result["runs"] == ["done"] and result["notices"] == GOOD_NOTICES
    assert len(errors_matching(result, "crash", "died (signal 11, SIGSEGV)")) == 2
    assert all(result["done"][str(tmp_path / "in" / f"crash{n}.xml")] == 1 for n in range(2))
    with deadline(120):  # the rerun does not die on them again: they are done until they change
        again = ingest([tmp_path / "in"], db, workers=2)
    assert again.skipped == again.documents == 5 and stored(db)["runs"] == ["done", "done"]


def test_a_number_that_crashed_the_parser_is_an_error_in_ingest(tmp_path):
    good_files(tmp_path / "in")
    write(tmp_path / "in" / "long.json", decp_with_raw_value("montant", b"9" * 5000))
    db = tmp_path / "long.db"
    with deadline(120):
        ingest([tmp_path / "in"], db, workers=2)
    result = stored(db)
    assert result["notices"] == GOOD_NOTICES + 1 and result["runs"] == ["done"]  # the record before the fault too
    assert errors_matching(result, "long.json", "a number of more than 1,000 digits")


# --- item 3: an encrypted or Deflate64 member hung the run; item 8: a corrupt member ended the archive ------------

def _patch_member(data: bytes, name: str, flag: int = 0, method: int | None = None, size: int | None = None) -> bytes:
    """Set bits of a member's general-purpose flag, its compression method or its stated size, in both headers."""
    out, encoded = bytearray(data), name.encode()
    # (signature, offset of the flags, of the name length, of the name, of the uncompressed size): local, central
    for signature, flag_at, length_at, name_at, size_at in ((b"PK\x03\x04", 6, 26, 30, 22),
                                                            (b"PK\x01\x02", 8, 28, 46, 24)):
        start = out.find(signature)
        while start >= 0:
            length = struct.unpack_from("<H", out, start + length_at)[0]
            if bytes(out[start + name_at:start + name_at + length]) == encoded:
                struct.pack_into("<H", out, start + flag_at, struct.unpack_from("<H", out, start + flag_at)[0] | flag)
                if method is not None:
                    struct.pack_into("<H", out, start + flag_at + 2, method)
                if size is not None:
                    struct.pack_into("<I", out, start + size_at, size)
            start = out.find(signature, start + 4)
    return bytes(out)


def _zip(path: Path, members: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path.read_bytes()


def _corrupt_crc(data: bytes, name: str) -> bytes:
    """Flip a byte of the member's compressed data: it still inflates, to other bytes (bad CRC)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1:]


def test_one_bad_zip_member_spoils_only_itself(tmp_path):
    """An encrypted member, a Deflate64 one, one with a bad CRC and one whose header lies about its size, each
    between good members: each is logged naming it, every good member after it is read."""
    bad = sample("ted-f06-can-eau.xml") * 4
    members = {"a-good.xml": sample(GOOD[0]), "b-encrypted.xml": bad, "c-good.xml": sample(GOOD[1]),
               "d-deflate64.xml": bad, "e-crc.xml": bad, "f-size.xml": bad, "g-good.json": sample(GOOD[2])}
    data = _zip(tmp_path / "notices.zip", members)
    data = _patch_member(_patch_member(data, "b-encrypted.xml", flag=0x1), "d-deflate64.xml", method=9)
    data = _patch_member(_corrupt_crc(data, "e-crc.xml"), "f-size.xml", size=1024)
    package = write(tmp_path / "notices.zip", data)
    db = tmp_path / "zip.db"
    with deadline(120):
        summary = ingest([package], db, workers=2)
    result = stored(db)
    assert summary.status == "done" and result["notices"] == GOOD_NOTICES, result
    assert errors_matching(result, "b-encrypted.xml", "encrypted archive member")
    assert errors_matching(result, "d-deflate64.xml", "Deflate64")
    assert errors_matching(result, "e-crc.xml", "cannot read") and errors_matching(result, "f-size.xml")
    assert len(result["errors"]) == 4 and not errors_matching(result, "good")


# --- item 9: bytes in flight are bounded, not just each member -------------------------------------------------------

def test_a_zip_bomb_stays_in_bounded_memory(tmp_path):
    package = tmp_path / "bomb.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for n in range(5):  # 5 members of 200 MB each, every one under the 256 MB member cap
            with archive.open(f"member{n}.xml", "w") as member:
                member.write(b"<a>")
                block = b"x" * (1024 * 1024)
                for _ in range(200):
                    member.write(block)
                member.write(b"</a>")
        archive.writestr("good.xml", sample(GOOD[0]))
    data = _patch_member(package.read_bytes(), "member0.xml", size=1024)  # a header claiming 1 KB
    write(package, data)
    db = tmp_path / "bomb.db"
    run = limited([*CLI, "ingest", str(package), "--db", str(db), "--workers", "2", "--no-progress"],
                  memory=GB, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    result = stored(db)
    assert result["notices"] == 1 and len(result["errors"]) == 5 and result["runs"] == ["done"]


# --- items 4 and 14: folder walks: loops, links out of the tree, pipes; tar links and devices -------------------------

def test_links_loops_and_pipes_in_a_folder_are_logged_not_followed(tmp_path):
    folder = tmp_path / "in"
    good_files(folder)
    outside = write(tmp_path / "outside.xml", sample(GOOD[1]).replace(b"00386402", b"00999999"))
    (folder / "loop").symlink_to(folder)  # a loop back to the top
    (folder / "self").symlink_to(folder / "self")  # a link to itself
    (folder / "escape.xml").symlink_to(outside)
    (folder / "etc").symlink_to("/etc")
    (folder / "inside.xml").symlink_to(folder / GOOD[0])  # inside the tree: followed
    os.mkfifo(folder / "pipe.xml")
    db = tmp_path / "links.db"
    with deadline(120):
        summary = ingest([folder], db, workers=2)
    result = stored(db)
    assert summary.status == "done" and result["notices"] == GOOD_NOTICES
    assert errors_matching(result, "loop", "link loop")
    assert errors_matching(result, "self", "cannot be read")
    assert errors_matching(result, "escape.xml", "outside the folder")
    assert errors_matching(result, "etc", "outside the folder")
    assert errors_matching(result, "pipe.xml", "not a regular file")
    assert not errors_matching(result, "passwd") and not errors_matching(result, "inside.xml")


def test_tar_links_and_devices_are_logged(tmp_path):
    package = tmp_path / "package.tar.gz"
    with tarfile.open(package, "w:gz") as archive:
        for name in GOOD:
            archive.add(SAMPLES / name, arcname=f"p/{name}")
        for name, kind in (("p/link.xml", tarfile.SYMTYPE), ("p/hard.xml", tarfile.LNKTYPE),
                           ("p/device", tarfile.CHRTYPE), ("p/fifo", tarfile.FIFOTYPE)):
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, "/etc/passwd"
            archive.addfile(info)
    db = tmp_path / "tar.db"
    with deadline(120):
        ingest([package], db, workers=2)
    result = stored(db)
    assert result["notices"] == GOOD_NOTICES and len(result["errors"]) == 4
    assert errors_matching(result, "link.xml", "a link to '/etc/passwd'")
    assert errors_matching(result, "device", "a device") and errors_matching(result, "fifo", "a pipe")


# --- item 3 (cont.): a feeder that fails ends the run with an error, never a hang ---------------------------------

def test_a_failing_feeder_ends_the_run_with_an_error(tmp_path, monkeypatch):
    files = good_files(tmp_path / "in")
    documents = pool.iter_documents

    def failing(paths):
        iterator = documents(paths)
        yield next(iterator)
        raise RuntimeError("disk gone")

    monkeypatch.setattr(pool, "iter_documents", failing)
    db = tmp_path / "feeder.db"
    with deadline(120), pytest.raises(IngestError, match="reading the sources failed: RuntimeError: disk gone"):
        ingest([tmp_path / "in"], db, workers=2)
    result = stored(db)
    assert result["runs"] == ["failed"] and result["notices"] == 3  # the first document (Grenoble) is stored
    assert str(files[2]) in result["done"] and errors_matching(result, "disk gone")


# --- item 5: absurd amounts and counts: the notice is stored with its warnings ------------------------------------

def test_notices_with_absurd_amounts_or_counts_are_stored(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "e.xml", with_amount("eforms-cn-lots-lyon.xml", "1E+999999999"))
    write(folder / "t.xml", with_amount("ted-f03-can-bordeaux.xml", "1000000000000000000000000000").replace(
        b"<NB_TENDERS_RECEIVED>4<", b"<NB_TENDERS_RECEIVED>99999999999999999999999<"))
    write(folder / "d.json", with_amount("decp-2019-grenoble.json", "-5000"))
    db = tmp_path / "absurd.db"
    with deadline(120):
        ingest([folder], db, workers=2)
    result = stored(db)
    assert result["notices"] == GOOD_NOTICES and result["errors"] == [] and result["runs"] == ["done"]
    with sqlite3.connect(db) as conn:
        warnings = " ".join(to_json(unpack(n)) for (n,) in conn.execute("SELECT notice FROM notice_documents"))
    assert "beyond any real amount" in warnings and "NB_TENDERS_RECEIVED" in warnings and "-5000" in warnings


# --- item 16: a run killed with kill -9 stays `running`: the next run marks it interrupted ---------------------------

def test_a_killed_run_is_marked_interrupted_by_the_next(tmp_path):
    good_files(tmp_path / "in")
    db = tmp_path / "runs.db"
    start_run(open_db(db), ["earlier"], 2, "2026-01-01T00:00:00+00:00")  # what kill -9 leaves behind
    with deadline(120):
        ingest([tmp_path / "in"], db, workers=1)
    assert stored(db)["runs"] == ["interrupted", "done"]


def test_a_run_still_going_is_not_marked_interrupted(tmp_path):
    good_files(tmp_path / "in")
    db = tmp_path / "runs.db"
    start_run(open_db(db), ["other"], 2, "2026-01-01T00:00:00+00:00")
    with open(f"{db}.ingest-lock", "a") as lock:  # another ingest holds the database
        fcntl.flock(lock, fcntl.LOCK_EX)
        with deadline(120):
            ingest([tmp_path / "in"], db, workers=1)
    assert stored(db)["runs"] == ["running", "done"]


def test_workers_dying_anywhere_in_a_long_batch_never_lose_nor_hang_it(tmp_path, monkeypatch):
    """Crashes on neighbouring documents, on the last one, and before a document is even hashed: every other
    document is stored once, each killer is logged once, and the run ends."""
    kinds = {0: "crash", 1: "crash", 4: "early", 6: "crash", 13: "crash"}
    for n in range(14):  # one folder each: the walk meets them in this order
        kind = kinds.get(n, "good")
        notice = sample(GOOD[0]).replace(b"00112358-2025", f"00{700 + n}00-2025".encode())
        (tmp_path / "in" / f"{n:02d}").mkdir(parents=True)
        write(tmp_path / "in" / f"{n:02d}" / f"{kind}.xml", notice)
    monkeypatch.setattr(ingest_module, "_process", crashing_process)
    db = tmp_path / "long.db"
    with deadline(180):
        summary = ingest([tmp_path / "in"], db, workers=2)
    result = stored(db)
    assert summary.status == "done" and result["runs"] == ["done"] and result["notices"] == 9
    assert len(errors_matching(result, "crash.xml", "died (signal 11")) == 4
    assert len(errors_matching(result, "early.xml", "died (signal 11")) == 1  # tried twice, then logged
