"""The daily watch of TED: ingest the packages published since the last run, then list what is new.

Each run works out the packages it has not ingested (from TED's release calendar, or the `.tar.gz` files of a
folder), fetches each one whole (ted_packages.py), streams it into the store with the batch ingest, and records it
in `watch_packages`. A 404 or a refused archive is recorded, reported and tried again by the next run; it never
stops the others. The "new findings" of a run are the flagged findings of the notices that run stored.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..errors import ConfigError, DownloadError, PackageNotFoundError
from ..model import SEVERITIES
from . import store, ted_packages
from .export import csv_chunks
from .ingest import ingest
from .queries import where_clause
from .schema import FINDING_BITS
from .sources import is_tar, iter_paths

WATCH_SCHEMA = """
CREATE TABLE IF NOT EXISTS watch_runs (
    id INTEGER PRIMARY KEY, started TEXT, finished TEXT, source TEXT, since TEXT, status TEXT,
    packages INTEGER, notices INTEGER
);
CREATE TABLE IF NOT EXISTS watch_packages (
    package TEXT PRIMARY KEY, source TEXT, location TEXT, published TEXT, status TEXT, detail TEXT,
    sha256 TEXT, bytes INTEGER, notices INTEGER, errors INTEGER, ingest_run INTEGER, watch_run INTEGER,
    checked_at TEXT
);
"""
REPORT_FILTERS = ("buyer_country", "buyer", "cpv")
FINDING_COLUMNS = (
    "f.severity",
    "f.code",
    "f.notice_id",
    "n.publication_number",
    "n.title",
    "n.buyer_name",
    "n.buyer_country",
    "n.cpv_main",
    "f.lot",
    "t.message",
    "t.message_fr",
    "t.legal_ref",
    "t.confidence",
    "p.package",
    "p.published",
)
# A folder's packages as TED names them: 20260717_2026136.tar.gz, 20260717_136.tar.gz, or ours: 202600136.tar.gz
DAY_NAME = re.compile(r"^(?P<day>\d{8})_(?P<issue>\d+)\.")
OWN_NAME = re.compile(r"^(?P<year>\d{4})(?P<number>\d{5})\.")


@dataclass
class Package:
    """A package to take: its key (TED package name, else file name), day, and where it comes from."""

    key: str
    published: date | None
    url: str | None = None
    path: Path | None = None


@dataclass
class Outcome:
    package: Package
    status: str  # ingested | missing | refused
    detail: str = ""
    notices: int = 0
    errors: int = 0


@dataclass
class WatchRun:
    run: int
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "refused"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_watch(db_path: str | os.PathLike) -> Database:
    db = store.open_db(db_path)
    db.executescript(WATCH_SCHEMA)
    return db


def ingested_packages(db: Database) -> set[str]:
    return {row[0] for row in db.execute("SELECT package FROM watch_packages WHERE status = 'ingested'")}


def remote_packages(source: str, since: date, today: date, fetch: Callable[[str], str]) -> list[Package]:
    """Every issue of the release calendars from `since` to `today` (both included), oldest first."""
    packages = []
    for year in range(since.year, today.year + 1):
        for issue in ted_packages.parse_calendar(fetch(ted_packages.calendar_url(source, year)), year):
            if since <= issue.published <= today:
                packages.append(Package(issue.package, issue.published, url=ted_packages.package_url(source, issue)))
    return packages


def _folder_package(path: Path) -> Package:
    if match := DAY_NAME.match(path.name):
        day = datetime.strptime(match["day"], "%Y%m%d").date()
        issue = match["issue"]
        year, number = (int(issue[:4]), int(issue[4:])) if len(issue) > 4 else (day.year, int(issue))
        return Package(ted_packages.Issue(year, number).package, day, path=path)
    if match := OWN_NAME.match(path.name):
        return Package(f"{match['year']}{match['number']}", None, path=path)
    return Package(path.name, None, path=path)


def folder_packages(folder: Path, since: date) -> list[Package]:
    """The .tar.gz packages below `folder` published on or after `since` (all those whose name gives no day)."""
    found = [_folder_package(p) for p in iter_paths([folder]) if is_tar(p)]
    return [p for p in found if p.published is None or p.published >= since]


def _record(db: Database, outcome: Outcome, run: int, fields: dict[str, Any]) -> None:
    package = outcome.package
    with db.conn:
        store.insert_rows(
            db,
            "watch_packages",
            [
                {
                    "package": package.key,
                    "source": package.url or str(package.path),
                    "location": fields.get("location"),
                    "published": package.published.isoformat() if package.published else None,
                    "status": outcome.status,
                    "detail": outcome.detail,
                    "sha256": fields.get("sha256"),
                    "bytes": fields.get("bytes"),
                    "notices": outcome.notices,
                    "errors": outcome.errors,
                    "ingest_run": fields.get("ingest_run"),
                    "watch_run": run,
                    "checked_at": _now(),
                }
            ],
        )


def _fetch(package: Package, downloads: Path, retries: int, backoff: float) -> tuple[Path, str]:
    """The package's file on disk, checked whole, and its SHA-256."""
    if package.url:
        target = downloads / f"{package.key}.tar.gz"
        return target, ted_packages.download_package(package.url, target, retries, backoff)
    ted_packages.verify_archive(package.path)
    return package.path, ted_packages.sha256_of(package.path)


def _take(db: Database, db_path, package: Package, run: int, settings: dict[str, Any]) -> Outcome:
    """Fetch, check and ingest one package; a 404 or a refused archive is recorded, never raised."""
    try:
        path, sha256 = _fetch(package, settings["downloads"], settings["retries"], settings["backoff"])
    except PackageNotFoundError:
        outcome = Outcome(package, "missing", package.url or str(package.path))
        _record(db, outcome, run, {})
        return outcome
    except DownloadError as exc:
        outcome = Outcome(package, "refused", str(exc))
        _record(db, outcome, run, {})
        return outcome
    summary = ingest(
        [path], db_path, settings["workers"], progress=settings["progress"], max_bytes=settings["max_bytes"]
    )
    outcome = Outcome(package, "ingested", notices=summary.notices, errors=summary.errors)
    _record(
        db,
        outcome,
        run,
        {"location": str(path.absolute()), "sha256": sha256, "bytes": path.stat().st_size, "ingest_run": summary.run},
    )
    return outcome


def watch(
    db_path: str | os.PathLike,
    since: date,
    source: str = ted_packages.DEFAULT_SOURCE,
    today: date | None = None,
    downloads: Path | None = None,
    workers: int | None = None,
    progress: bool = False,
    retries: int = ted_packages.RETRIES,
    backoff: float = ted_packages.BACKOFF,
    max_bytes: int | None = None,
) -> WatchRun:
    """Ingest every package of `source` (a TED address, or a folder of packages) published since `since` and not
    ingested yet; returns what happened to each."""
    from tqdm import tqdm

    from ..parsers import DEFAULT_MAX_BYTES

    folder = Path(source) if "://" not in source else None
    if folder is not None and not folder.is_dir():
        raise ConfigError(f"--source {source}: neither a URL nor a folder of packages")
    db = open_watch(db_path)
    settings = {
        "downloads": downloads or Path(f"{db_path}.packages"),
        "retries": retries,
        "backoff": backoff,
        "workers": workers,
        "progress": progress,
        "max_bytes": max_bytes or DEFAULT_MAX_BYTES,
    }
    fetch = partial(ted_packages.fetch_text, retries=retries, backoff=backoff)
    planned = folder_packages(folder, since) if folder else remote_packages(source, since, today or date.today(), fetch)
    done = ingested_packages(db)
    with db.conn:
        db["watch_runs"].insert({"started": _now(), "source": source, "since": since.isoformat(), "status": "running"})
    result = WatchRun(run=db.execute("SELECT max(id) FROM watch_runs").fetchone()[0])
    status = "interrupted"
    try:
        for package in tqdm(
            [p for p in planned if p.key not in done],
            unit="package",
            desc="watch",
            disable=not progress,
            dynamic_ncols=True,
        ):
            result.outcomes.append(_take(db, db_path, package, result.run, settings))
        status = "done"
    finally:
        with db.conn:
            db["watch_runs"].update(
                result.run,
                {
                    "finished": _now(),
                    "status": status,
                    "packages": len(result.outcomes),
                    "notices": sum(o.notices for o in result.outcomes),
                },
            )
    return result


def new_findings(db_path: str | os.PathLike, run: int, filters: dict[str, Any] | None = None) -> list[dict]:
    """The flagged findings of the notices stored from the packages that watch run `run` ingested (and the runs
    since the last one that finished, so an interrupted run's findings are not lost), problems first, filtered by
    buyer country, buyer name or CPV prefix."""
    unknown = set(filters or {}) - set(REPORT_FILTERS)
    if unknown:
        raise ConfigError(f"unknown filter {', '.join(sorted(unknown))}; expected {', '.join(REPORT_FILTERS)}")
    where, params = where_clause(filters)
    order = " ".join(f"WHEN '{s}' THEN {rank}" for rank, s in enumerate(reversed(SEVERITIES)))
    # A notice came from a package when its document is a member of it ("<package path>!<member>"): a range on
    # the indexed source_file ('"' is the character after '!').
    sql = (
        f"SELECT {', '.join(FINDING_COLUMNS)} FROM watch_packages p"
        " JOIN notices n ON n.source_file >= p.location || '!' AND n.source_file < p.location || '\"'"
        f" JOIN findings f ON f.rowid >= n.rowid << {FINDING_BITS} AND f.rowid < (n.rowid + 1) << {FINDING_BITS}"
        " JOIN finding_texts t ON t.id = f.text_id"  # the store keeps a finding's texts once (schema.py)
        " WHERE p.status = 'ingested' AND p.watch_run <= ? AND p.watch_run > (SELECT coalesce(max(id), 0)"
        " FROM watch_runs WHERE status = 'done' AND id < ?) AND f.status = 'flagged'"
        f"{where.replace(' WHERE ', ' AND ', 1)}"
        f" ORDER BY CASE f.severity {order} ELSE {len(SEVERITIES)} END, f.code, f.notice_id, f.position"
    )
    names = [column.split(".")[1] for column in FINDING_COLUMNS]
    rows = open_watch(db_path).execute(sql, [run, run, *params]).fetchall()
    return [dict(zip(names, row, strict=True)) for row in rows]


def write_report(findings: list[dict], path: str | os.PathLike) -> None:
    """The new findings as CSV or JSON, chosen by the file's extension."""
    target = Path(path)
    if target.suffix.lower() == ".json":
        target.write_text(json.dumps(findings, ensure_ascii=False, indent=2), encoding="utf-8")
    elif target.suffix.lower() == ".csv":
        names = [column.split(".")[1] for column in FINDING_COLUMNS]
        with open(target, "w", newline="", encoding="utf-8") as out:  # the exports' writer: no cell runs a formula
            out.writelines(csv_chunks(names, ([row[n] for n in names] for row in findings)))
    else:
        raise ConfigError(f"--report {target}: give a .csv or .json file name")
