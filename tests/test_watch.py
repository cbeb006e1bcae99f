"""The daily watch against a TED-like server on 127.0.0.1 serving packages made from our samples with new ids:
first run ingests all, the next only the new day; a 404 day is reported and skipped; a truncated package is refused
without storing any of it; an interrupted download resumes; the new findings are exactly those of the new notices."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import tarfile
import threading
import uuid
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from reciprocity.assess import assess
from reciprocity.audit import aggregates, ted_packages
from reciprocity.audit import watch as watch_module
from reciprocity.audit.store import open_db
from reciprocity.audit.watch import new_findings, watch
from reciprocity.cli import main
from reciprocity.errors import DownloadError, PackageNotFoundError
from reciprocity.parsers import iter_parse

SAMPLE_FILES = sorted(SAMPLES.glob("*.xml"))  # 7 notices: eForms and TED XML
YEAR = 2024


def renumbered(sample: Path, number: int) -> tuple[str, bytes]:
    """A sample notice under a new publication number (and notice UUID): the notice TED would publish next."""
    text = sample.read_text(encoding="utf-8")
    if "NoticePublicationID" in text:
        text = re.sub(r"(NoticePublicationID[^>]*>)\d{8}-\d{4}", rf"\g<1>{number:08d}-{YEAR}", text)
        text = re.sub(r'(schemeName="notice-id">)[0-9a-f-]{36}', lambda m: m[1] + str(uuid.UUID(int=number)), text)
    else:
        text = re.sub(r'DOC_ID="\d+-\d{4}"', f'DOC_ID="{number}-{YEAR}"', text, count=1)
        text = re.sub(r"(<NO_DOC_OJS>\d{4}/S \d{3}-)\d+(</NO_DOC_OJS>)", rf"\g<1>{number:06d}\g<2>", text, count=1)
    return f"{number:08d}_{YEAR}.xml", text.encode("utf-8")


def make_package(day: date, issue: int, samples: list[Path], first_number: int) -> tuple[bytes, dict[str, bytes]]:
    """A daily package as TED lays it out ({yyyymmdd}_{issue}/{number}_{year}.xml) and its notices."""
    members = dict(renumbered(s, first_number + i) for i, s in enumerate(samples))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(f"{day:%Y%m%d}_{issue:03d}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue(), members


def expected_findings(members: dict[str, bytes]) -> set[tuple]:
    """The flagged findings of these notices, computed directly (no server, no store)."""
    found = set()
    for name, data in members.items():
        for notice in iter_parse(data, name):
            assert notice.id.endswith(f"-{YEAR}") and notice.id[:8] == name[:8], "the new id is the one read"
            found |= {(notice.id, f.code, f.lot, f.message) for f in assess(notice).findings if f.status == "flagged"}
    return found


def got(findings: list[dict]) -> set[tuple]:
    return {(f["notice_id"], f["code"], f["lot"], f["message"]) for f in findings}


class TedServer:
    """Serves /packages/daily/<package> and the release calendars, with HTTP Range; can cut a download short."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.calendar: list[tuple[int, date]] = []
        self.cut_once: set[str] = set()
        self.requests: list[tuple[str, str | None]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests.append((self.path, self.headers.get("Range")))
                body = server.body(self.path)
                if body is None:
                    self.send_error(404)
                    return
                start = int(re.match(r"bytes=(\d+)-", self.headers.get("Range") or "bytes=0-")[1])
                self.send_response(206 if start else 200)
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                self.send_header("Content-Length", str(len(body) - start))
                self.end_headers()
                if self.path in server.cut_once:  # half the bytes, then the connection drops
                    server.cut_once.discard(self.path)
                    self.wfile.write(body[start : start + (len(body) - start) // 2])
                    self.close_connection = True
                    return
                self.wfile.write(body[start:])

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def body(self, path: str) -> bytes | None:
        if match := re.fullmatch(r"/en/release-calendar/-/download/file/CSV/(\d{4})", path):
            rows = [f"{n},{d:%d/%m/%Y}" for n, d in self.calendar if d.year == int(match[1])]
            return ("\ufeffOJS,Publication date\n" + "\n".join(rows) + "\n").encode()
        return self.files.get(path)

    def publish(self, issue: int, day: date, package: bytes | None) -> None:
        self.calendar.append((issue, day))
        if package is not None:
            self.files[f"/packages/daily/{YEAR}{issue:05d}"] = package

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def ted():
    server = TedServer()
    yield server
    server.close()


def notice_ids(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM notices")}


def test_daily_runs_ingest_only_what_is_new(ted, tmp_path):
    db, downloads = tmp_path / "watch.db", tmp_path / "packages"
    settings = {"source": ted.url, "downloads": downloads, "workers": 1, "backoff": 0.01}
    day1, members1 = make_package(date(YEAR, 3, 1), 41, SAMPLE_FILES[:2], 500001)
    day2, members2 = make_package(date(YEAR, 3, 4), 42, SAMPLE_FILES[2:4], 500101)
    ted.publish(41, date(YEAR, 3, 1), day1)
    ted.publish(42, date(YEAR, 3, 4), day2)
    ted.publish(43, date(YEAR, 3, 5), None)  # in the calendar, but the server answers 404

    first = watch(db, date(YEAR, 3, 1), today=date(YEAR, 3, 5), **settings)
    assert [(o.package.key, o.status) for o in first.outcomes] == [
        ("202400041", "ingested"),
        ("202400042", "ingested"),
        ("202400043", "missing"),
    ]
    assert first.outcomes[2].detail.endswith("/packages/daily/202400043") and not first.failed
    assert got(new_findings(db, first.run)) == expected_findings({**members1, **members2})
    stored = notice_ids(db)
    assert len(stored) == 4

    day4, members4 = make_package(date(YEAR, 3, 6), 44, SAMPLE_FILES[4:6], 500201)
    ted.publish(44, date(YEAR, 3, 6), day4)
    second = watch(db, date(YEAR, 3, 1), today=date(YEAR, 3, 6), **settings)
    assert [(o.package.key, o.status) for o in second.outcomes] == [("202400043", "missing"), ("202400044", "ingested")]
    findings = new_findings(db, second.run)
    assert findings and got(findings) == expected_findings(members4)  # exactly the new notices' findings
    ranks = [("problem", "warning", "info").index(f["severity"]) for f in findings]
    assert ranks == sorted(ranks)  # problems first
    assert len(notice_ids(db)) == 6
    with sqlite3.connect(db) as conn:
        kept = dict(conn.execute("SELECT package, sha256 FROM watch_packages WHERE status = 'ingested'").fetchall())
    assert kept["202400044"] == ted_packages.sha256_of(downloads / "202400044.tar.gz")

    third = watch(db, date(YEAR, 3, 1), today=date(YEAR, 3, 6), **settings)
    assert [o.package.key for o in third.outcomes] == ["202400043"] and new_findings(db, third.run) == []


def test_filters_of_the_new_findings(ted, tmp_path):
    db = tmp_path / "watch.db"
    package, members = make_package(date(YEAR, 3, 1), 41, SAMPLE_FILES, 600001)
    ted.publish(41, date(YEAR, 3, 1), package)
    run = watch(db, date(YEAR, 3, 1), ted.url, today=date(YEAR, 3, 1), downloads=tmp_path / "p", workers=1).run
    everything = new_findings(db, run)
    assert got(everything) == expected_findings(members)
    medical = new_findings(db, run, {"cpv": "331"})
    assert medical and all(f["cpv_main"].startswith("331") for f in medical)
    assert got(medical) < got(everything)
    assert new_findings(db, run, {"buyer_country": "DE"}) == []
    named = new_findings(db, run, {"buyer": "bordeaux"})
    assert named and {f["buyer_name"] for f in named} == {
        f["buyer_name"] for f in everything if "bordeaux" in f["buyer_name"].lower()
    }


def test_truncated_package_refused_and_interrupted_download_resumed(ted, tmp_path):
    db, downloads = tmp_path / "watch.db", tmp_path / "packages"
    whole, truncated_members = make_package(date(YEAR, 3, 1), 41, SAMPLE_FILES[:3], 700001)
    cut, cut_members = make_package(date(YEAR, 3, 4), 42, SAMPLE_FILES[3:5], 700101)
    ted.publish(41, date(YEAR, 3, 1), whole[: len(whole) * 2 // 3])  # served complete, but the archive is cut
    ted.publish(42, date(YEAR, 3, 4), cut)
    ted.cut_once.add(f"/packages/daily/{YEAR}00042")

    result = watch(db, date(YEAR, 3, 1), ted.url, today=date(YEAR, 3, 4), downloads=downloads, workers=1, backoff=0.01)
    refused, resumed = result.outcomes
    assert refused.status == "refused" and "truncated or corrupt archive" in refused.detail
    assert not (downloads / "202400041.tar.gz").exists() and not (downloads / "202400041.tar.gz.part").exists()
    ids = notice_ids(db)
    assert not any(i.startswith("0070000") for i in ids), "nothing of the truncated package is stored"
    assert resumed.status == "ingested" and resumed.notices == 2
    ranges = [r for p, r in ted.requests if p.endswith("00042")]
    assert ranges[0] is None and ranges[1] == f"bytes={len(cut) // 2}-"  # the retry resumed where it stopped
    assert got(new_findings(db, result.run)) == expected_findings(cut_members)


def test_download_resumes_after_a_restart(ted, tmp_path):
    package, _ = make_package(date(YEAR, 3, 1), 41, SAMPLE_FILES[:2], 800001)
    ted.publish(41, date(YEAR, 3, 1), package)
    url, target = f"{ted.url}/packages/daily/{YEAR}00041", tmp_path / "202400041.tar.gz"
    ted.cut_once.add(f"/packages/daily/{YEAR}00041")
    with pytest.raises(DownloadError, match="the next run resumes"):
        ted_packages.download_package(url, target, retries=0)  # the process gives up (or is killed) half way
    kept = target.with_name(target.name + ".part").stat().st_size
    assert 0 < kept < len(package) and not target.exists()
    digest = ted_packages.download_package(url, target, retries=0)
    assert ted.requests[-1] == (f"/packages/daily/{YEAR}00041", f"bytes={kept}-")
    assert target.read_bytes() == package and digest == ted_packages.sha256_of(target)
    with pytest.raises(PackageNotFoundError, match="404"):
        ted_packages.download_package(f"{ted.url}/packages/daily/{YEAR}00099", tmp_path / "x.tar.gz", retries=0)


def test_cli_watch_over_a_folder_of_packages(tmp_path):
    folder = tmp_path / "downloaded"
    folder.mkdir()
    good, members = make_package(date(YEAR, 3, 4), 42, SAMPLE_FILES[:3], 900001)
    (folder / "20240304_2024042.tar.gz").write_bytes(good)
    bad, _ = make_package(date(YEAR, 3, 5), 43, SAMPLE_FILES[3:], 900101)
    (folder / "20240305_2024043.tar.gz").write_bytes(bad[:-200])
    old, _ = make_package(date(YEAR, 2, 1), 22, SAMPLE_FILES[:1], 900201)
    (folder / "20240201_2024022.tar.gz").write_bytes(old)  # before --since: not taken
    db, report = tmp_path / "watch.db", tmp_path / "new.json"
    command = [
        "watch",
        "--since",
        "2024-03-01",
        "--source",
        str(folder),
        "--db",
        str(db),
        "--workers",
        "1",
        "--no-progress",
    ]
    result = CliRunner().invoke(main, [*command, "--report", str(report), "--lang", "fr"])
    assert result.exit_code == 1  # a package could not be read
    assert "202400043 (2024-03-05): REFUSÉ" in result.output and "truncated or corrupt archive" in result.output
    assert "nouveaux constats" in result.output
    assert got(json.loads(report.read_text(encoding="utf-8"))) == expected_findings(members)
    assert not any(i.startswith(("009001", "009002")) for i in notice_ids(db))
    assert aggregates.is_current(open_db(db))  # new winners grouped and the overview's figures current

    (folder / "20240305_2024043.tar.gz").write_bytes(bad)  # the complete package arrives
    csv_report = tmp_path / "new.csv"
    again = CliRunner().invoke(main, [*command, "--report", str(csv_report)])
    assert again.exit_code == 0, again.output
    rows = list(csv.DictReader(io.StringIO(csv_report.read_text(encoding="utf-8"))))
    assert {r["package"] for r in rows} == {"202400043"} and rows[0]["severity"] in ("problem", "warning", "info")


def test_calendar_and_package_names():
    calendar = "\ufeffOJS ;Publication date \n103;01/06/2026\n104;02/06/2026\n"
    issues = ted_packages.parse_calendar(calendar, 2026)
    assert [(i.package, i.published) for i in issues] == [
        ("202600103", date(2026, 6, 1)),
        ("202600104", date(2026, 6, 2)),
    ]
    assert (
        ted_packages.package_url("https://ted.europa.eu", issues[0]) == "https://ted.europa.eu/packages/daily/202600103"
    )
    with pytest.raises(DownloadError, match="no 'OJS'"):
        ted_packages.parse_calendar("a,b\n1,2\n", 2026)


def test_an_interrupted_run_leaves_its_findings_to_the_next(ted, tmp_path):
    db, settings = tmp_path / "watch.db", {"downloads": tmp_path / "p", "workers": 1}
    day1, members1 = make_package(date(YEAR, 3, 1), 41, SAMPLE_FILES[:2], 510001)
    ted.publish(41, date(YEAR, 3, 1), day1)
    first = watch(db, date(YEAR, 3, 1), ted.url, today=date(YEAR, 3, 1), **settings)
    with sqlite3.connect(db) as conn:  # as if the run had been stopped before its end
        conn.execute("UPDATE watch_runs SET status = 'interrupted' WHERE id = ?", [first.run])
        plan = " ".join(
            row[3]
            for row in conn.execute(
                "EXPLAIN QUERY PLAN SELECT 1 FROM watch_packages p JOIN notices n ON n.source_file >= p.location || '!'"
                " AND n.source_file < p.location || '\"'"
            )
        )
    assert "idx_notices_source_file" in plan  # the range on source_file is served by its index
    day2, members2 = make_package(date(YEAR, 3, 4), 42, SAMPLE_FILES[2:4], 510101)
    ted.publish(42, date(YEAR, 3, 4), day2)
    second = watch(db, date(YEAR, 3, 1), ted.url, today=date(YEAR, 3, 4), **settings)
    assert [o.package.key for o in second.outcomes] == ["202400042"]
    assert got(new_findings(db, second.run)) == expected_findings({**members1, **members2})


def test_csv_report_runs_no_formula(tmp_path):
    """A buyer name or title from a notice is hostile: in the CSV report it is text, never a spreadsheet formula."""
    names = [column.split(".")[1] for column in watch_module.FINDING_COLUMNS]
    finding = dict.fromkeys(names, "x") | {"title": '=HYPERLINK("http://evil","clic")', "buyer_name": "@SUM(A1)"}
    path = tmp_path / "new.csv"
    watch_module.write_report([finding], path)
    row = next(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert row["title"] == '\'=HYPERLINK("http://evil","clic")' and row["buyer_name"] == "'@SUM(A1)"
