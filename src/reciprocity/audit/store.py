"""The SQLite store (sqlite-utils): schema, notice -> rows, and idempotent writes keyed on notice ids.

Every key derives from the notice id, so ingesting the same file twice changes nothing. A notice's child rows
(lots, results, winners, findings) are deleted and replaced with it, in the caller's transaction. When two
records share a notice id (or an unpublished eForms notice UUID), the one with the higher `version_key`
(eForms BT-757 version, then dispatch date, then a content hash as a tie-break) is kept, whatever the order in
which they arrive: that is what makes a resumed or parallel ingest end with the same database as a clean run.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..errors import ConfigError

DEFAULT_DB = "reciprocity.db"
CHILD_TABLES = ("lots", "results", "winners", "findings")

SCHEMA = """
CREATE TABLE IF NOT EXISTS notices (
    id TEXT PRIMARY KEY, family TEXT NOT NULL, version_key TEXT NOT NULL,
    source_format TEXT, schema_version TEXT, form TEXT, kind TEXT, publication_number TEXT, notice_uuid TEXT,
    version TEXT, dispatch_date TEXT, publication_date TEXT, year INTEGER,
    buyer_name TEXT, buyer_country TEXT, buyer_identifiers TEXT, buyer_legal_type TEXT,
    cpv_main TEXT, cpv_division TEXT, contract_nature TEXT, procedure_type TEXT,
    estimated_value TEXT, estimated_currency TEXT, estimated_value_eur REAL,
    title TEXT, lots_count INTEGER, results_count INTEGER, winners_count INTEGER, sme_score REAL,
    benefit_priority REAL, benefit_reasons TEXT, flagged_codes TEXT, parse_warnings_count INTEGER,
    notice_json TEXT, assessment_json TEXT, source_file TEXT
);
CREATE TABLE IF NOT EXISTS lots (
    id TEXT PRIMARY KEY, notice_id TEXT NOT NULL, position INTEGER, lot_id TEXT, title TEXT, cpv_main TEXT,
    estimated_value TEXT, estimated_currency TEXT, sme_suitable INTEGER
);
CREATE TABLE IF NOT EXISTS results (
    id TEXT PRIMARY KEY, notice_id TEXT NOT NULL, position INTEGER, lot_id TEXT, status TEXT,
    received_total INTEGER, received_sme INTEGER, received_other_eea INTEGER, received_non_eea INTEGER,
    value TEXT, currency TEXT, value_eur REAL, winners_count INTEGER, contract_date TEXT
);
CREATE TABLE IF NOT EXISTS winners (
    id TEXT PRIMARY KEY, notice_id TEXT NOT NULL, result_id TEXT NOT NULL, lot_id TEXT, position INTEGER,
    name TEXT, country TEXT, postcode TEXT, city TEXT, identifiers TEXT, identifier_types TEXT, size TEXT,
    origin_class TEXT, value TEXT, currency TEXT, value_eur REAL,
    entity_id TEXT, entity_method TEXT, entity_score REAL, entity_matched TEXT
);
CREATE TABLE IF NOT EXISTS findings (
    id TEXT PRIMARY KEY, notice_id TEXT NOT NULL, position INTEGER, code TEXT, severity TEXT, area TEXT,
    status TEXT, lot TEXT, message TEXT, message_fr TEXT, legal_ref TEXT, confidence TEXT, evidence TEXT
);
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY, name TEXT, country TEXT, identifiers TEXT, method TEXT, members INTEGER,
    names TEXT, awards INTEGER
);
CREATE TABLE IF NOT EXISTS ingest_runs (
    id INTEGER PRIMARY KEY, started TEXT, finished TEXT, paths TEXT, workers INTEGER, files INTEGER,
    skipped INTEGER, notices INTEGER, errors INTEGER, status TEXT
);
CREATE TABLE IF NOT EXISTS ingest_files (
    file TEXT PRIMARY KEY, sha1 TEXT, notices INTEGER, errors INTEGER, run INTEGER, done_at TEXT
);
CREATE TABLE IF NOT EXISTS ingest_errors (
    id TEXT PRIMARY KEY, file TEXT, member TEXT, error TEXT, run INTEGER
);
"""

# The filters of the report and the web (queries.py) each have an index.
INDEXES = {
    "notices": ["family", "buyer_country", "year", "cpv_division", "buyer_name", "benefit_priority", "kind",
                "source_file", "cpv_main"],
    "lots": ["notice_id"],
    "results": ["notice_id"],
    "winners": ["notice_id", "origin_class, notice_id", "entity_id", "country", "name"],
    "findings": ["notice_id", "code, status, notice_id", "severity, status, notice_id"],
    "ingest_errors": ["file"],
}


def open_db(path: str | os.PathLike = DEFAULT_DB, create: bool = True) -> Database:
    """Open (and create the schema of) the store, in WAL mode so readers go on while a batch writes."""
    target = Path(path)
    if not create and not target.exists():
        raise ConfigError(f"database {target} does not exist (run `reciprocity ingest` first)")
    db = Database(target)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=30000")
    if create:
        ensure_schema(db)
    return db


def ensure_schema(db: Database) -> None:
    """Create the tables and the filter indexes when missing (older single-column ones are dropped)."""
    db.executescript(SCHEMA)
    for old in ("idx_findings_status", "idx_findings_code", "idx_findings_severity", "idx_winners_origin_class"):
        db.execute(f"DROP INDEX IF EXISTS {old}")
    for table, columns in INDEXES.items():
        for column in columns:
            name = "_".join(c.strip() for c in column.split(","))
            db.execute(f"CREATE INDEX IF NOT EXISTS idx_{table}_{name} ON {table} ({column})")
    # list_tenders orders by (benefit_priority DESC, id): this index serves the order and the page.
    db.execute("CREATE INDEX IF NOT EXISTS idx_notices_priority_id ON notices (benefit_priority DESC, id)")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def notice_family(notice: dict) -> str:
    """The key two versions of one notice share: its id, or the eForms notice UUID (BT-701) when unpublished."""
    if not notice.get("publication_number") and notice.get("notice_uuid"):
        return f"uuid:{notice['notice_uuid']}"
    return str(notice["id"])


def version_key(notice: dict) -> str:
    """A sortable key: the higher one is the newer version (BT-757 version, dispatch date, content hash)."""
    version = str(notice.get("version") or "")
    number = int(version) if version.isascii() and version.isdigit() and len(version) <= 8 else 0  # not "²"
    digest = hashlib.sha1(_json(notice).encode()).hexdigest()
    return f"{number:08d}|{notice.get('dispatch_date') or ''}|{digest}"


def insert_rows(db: Database, table: str, rows: list[dict]) -> None:
    """INSERT OR REPLACE rows (all with the keys of the first) in the caller's transaction.

    Plain SQL on purpose: sqlite-utils' insert_all wraps itself in `with conn:`, which COMMITS the caller's
    transaction half way; a kill -9 then could leave a notice stored without its child rows.
    """
    columns = list(rows[0])
    sql = f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    db.conn.executemany(sql, ([row[c] for c in columns] for row in rows))


def write_notice(db: Database, rows: dict[str, list[dict]]) -> bool:
    """Insert one notice's rows unless a newer version of it is stored; replaces an older one. Returns whether
    it was written. Call inside a transaction (`with db.conn:`)."""
    notice = rows["notices"][0]
    stored = db.execute("SELECT id, version_key FROM notices WHERE family = ? OR id = ?",
                        [notice["family"], notice["id"]]).fetchall()
    if any(key >= notice["version_key"] for _, key in stored):
        return False
    for stored_id, _ in stored:
        delete_notice(db, stored_id)
    for table in ("notices", *CHILD_TABLES):
        if rows.get(table):
            insert_rows(db, table, rows[table])
    return True


def delete_notice(db: Database, notice_id: str) -> None:
    """Delete a notice and every child row of it."""
    for table in CHILD_TABLES:
        db.execute(f"DELETE FROM {table} WHERE notice_id = ?", [notice_id])
    db.execute("DELETE FROM notices WHERE id = ?", [notice_id])


def mark_file_done(db: Database, file: str, sha1: str, notices: int, errors: int, run: int, when: str) -> None:
    """Record the done marker of a file; written in the same transaction as the file's last rows."""
    insert_rows(db, "ingest_files", [{"file": file, "sha1": sha1, "notices": notices, "errors": errors,
                                      "run": run, "done_at": when}])


def clear_errors(db: Database, file: str, member: str | None = None) -> None:
    """Forget the errors recorded for a file (or archive member) that is being ingested again."""
    db.execute("DELETE FROM ingest_errors WHERE file = ? AND coalesce(member, '') = ?", [file, member or ""])


def record_error(db: Database, file: str, member: str | None, error: str, run: int) -> None:
    """Record a bad file or record; the key is its text, so a rerun does not duplicate it."""
    key = hashlib.sha1(f"{file}\0{member or ''}\0{error}".encode()).hexdigest()
    insert_rows(db, "ingest_errors", [{"id": key, "file": file, "member": member, "error": error, "run": run}])


def start_run(db: Database, paths: Iterable[str], workers: int, when: str) -> int:
    """Open an ingest run and return its id."""
    with db.conn:
        db["ingest_runs"].insert({"started": when, "paths": _json(list(paths)), "workers": workers,
                                  "status": "running"})
    return db.execute("SELECT max(id) FROM ingest_runs").fetchone()[0]


def finish_run(db: Database, run: int, when: str, status: str, counts: dict[str, int]) -> None:
    """Close an ingest run with its counts, and refresh the planner's statistics for the filters' indexes."""
    with db.conn:
        db["ingest_runs"].update(run, {"finished": when, "status": status, **counts})
    db.execute("PRAGMA optimize")
