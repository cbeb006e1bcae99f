"""The SQLite store: open it, and write notices' rows idempotently, in batches, keyed on notice ids.

Every key derives from the notice id, so ingesting the same file twice changes nothing. A notice's rows
(document, lots, results, winners, findings, search entry) are deleted and replaced with it, in the caller's
transaction: one notice's rows always commit together. When two records share a notice id (or an unpublished
eForms notice UUID), the one with the higher `version_key` (eForms BT-757 version, then dispatch date, then a
content hash as a tie-break) is kept, whatever the order in which they arrive: that is what makes a resumed or
parallel ingest end with the same database as a clean run.

sqlite-utils is imported only to open a database: ingest workers import this package without it (nor pandas).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from . import changes
from .rows import Rows, as_tuples, notice_family, to_json, version_key
from .schema import COLUMNS, FINDING_BITS, NOTICE_TABLES, ensure_schema

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["DEFAULT_DB", "open_db", "as_db", "ensure_schema", "write_notice", "write_batch", "delete_notice",
           "notice_family", "version_key", "insert_rows", "generation"]

DEFAULT_DB = "reciprocity.db"
# notices and findings are inserted with the rowid the writer gives them (notices_fts shares the notice's)
_ROWID = ("notices", "findings")
_INSERT = {table: f"INSERT INTO {table} ({'rowid, ' if table in _ROWID else ''}{', '.join(cols)}) VALUES"
           f" ({', '.join('?' * (len(cols) + (table in _ROWID)))})" for table, cols in COLUMNS.items()}
_NOTICE = {name: i for i, name in enumerate(COLUMNS["notices"])}
_WINNER_NAME = COLUMNS["winners"].index("name")
_TEXT_ID = COLUMNS["finding_texts"].index("id")
_POSITION = COLUMNS["findings"].index("position")
_FTS_INSERT = "INSERT INTO notices_fts (rowid, title, buyer, winners) VALUES (?, ?, ?, ?)"


def open_db(path: str | os.PathLike = DEFAULT_DB, create: bool = True) -> Database:
    """Open (and create the schema of) the store, in WAL mode so readers go on while a batch writes."""
    from sqlite_utils import Database

    target = Path(path)
    if not create and not target.exists():
        raise ConfigError(f"database {target} does not exist (run `reciprocity ingest` first)")
    db = Database(target)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=30000")
    db.execute("PRAGMA cache_size=-65536")  # 64 MB of page cache: the list's indexes stay in memory
    if create:
        ensure_schema(db)
    return db


def as_db(db: Database | sqlite3.Connection | str | os.PathLike) -> Database:
    """A sqlite_utils Database for any of the handles callers hold (a path is opened, never created)."""
    from sqlite_utils import Database

    if isinstance(db, Database):
        return db
    if isinstance(db, sqlite3.Connection):
        return Database(db)
    return open_db(db, create=False)


def insert_rows(db: Database, table: str, rows: list[dict]) -> None:
    """INSERT OR REPLACE rows (all with the keys of the first) in the caller's transaction.

    Plain SQL on purpose: sqlite-utils' insert_all wraps itself in `with conn:`, which COMMITS the caller's
    transaction half way; a kill -9 then could leave a notice stored without its child rows.
    """
    columns = list(rows[0])
    sql = f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    db.conn.executemany(sql, ([row[c] for c in columns] for row in rows))


def _fts_winners(names: Iterable[str | None]) -> str:
    """The winners' names as one search column (the same text is needed to remove the entry later)."""
    return "\n".join(name for name in names if name)


def _newest(batch: list[dict[str, list[tuple]]]) -> list[dict[str, list[tuple]]]:
    """One notice per family and per id within a batch: the highest version key (ties: the later one)."""
    chosen: dict[int, dict[str, list[tuple]]] = {}  # position in the batch -> rows
    holder: dict[str, int] = {}  # family or "id:<id>" -> position of the rows holding it
    for position, rows in enumerate(batch):
        notice = rows["notices"][0]
        names = (notice[_NOTICE["family"]], f"id:{notice[_NOTICE['id']]}")
        rivals = {holder[name] for name in names if name in holder}
        if any(chosen[r]["notices"][0][_NOTICE["version_key"]] > notice[_NOTICE["version_key"]] for r in rivals):
            continue
        for rival in rivals:
            old = chosen.pop(rival)["notices"][0]
            holder.pop(old[_NOTICE["family"]], None)
            holder.pop(f"id:{old[_NOTICE['id']]}", None)
        chosen[position] = rows
        holder.update(dict.fromkeys(names, position))
    return [chosen[position] for position in sorted(chosen)]


def _stored_versions(db: Database, notices: list[tuple]) -> dict[str, set[tuple[str, str]]]:
    """(id, version key) of the stored notices sharing a family or an id with these, by family and by "id:<id>"."""
    found: dict[str, set[tuple[str, str]]] = {}
    for start in range(0, len(notices), 400):  # 800 parameters a query, far below SQLite's limit
        part = notices[start:start + 400]
        marks = ", ".join("?" * len(part))
        sql = f"SELECT id, family, version_key FROM notices WHERE family IN ({marks}) OR id IN ({marks})"
        params = [n[_NOTICE["family"]] for n in part] + [n[_NOTICE["id"]] for n in part]
        for notice_id, family, key in db.conn.execute(sql, params):
            found.setdefault(family, set()).add((notice_id, key))
            found.setdefault(f"id:{notice_id}", set()).add((notice_id, key))
    return found


def write_batch(db: Database, batch: list[dict[str, list[tuple]]], known_texts: set[bytes] | None = None) -> int:
    """Insert notices' rows (tuples in schema column order, as `rows.as_tuples` gives) unless a newer version of
    a notice is stored; older versions are replaced. Call inside a transaction; returns how many were written.

    `known_texts` holds the finding text ids already stored (the ingest writer keeps it across batches)."""
    known = set() if known_texts is None else known_texts
    tables: dict[str, list[tuple]] = {table: [] for table in (*NOTICE_TABLES, "finding_texts")}
    fts: list[tuple] = []
    batch = _newest(batch)
    gone = changes.replaced_in_batch([rows["notices"][0] for rows in batch])
    batch = [rows for position, rows in enumerate(batch) if position not in gone]
    stored = _stored_versions(db, [rows["notices"][0] for rows in batch])
    replaces, replaced = changes.stored_links(db, [rows["notices"][0] for rows in batch])
    first = _next_rowid(db)  # deletes below only free rowids under it
    for rows in batch:
        notice = rows["notices"][0]
        versions = stored.get(notice[_NOTICE["family"]], set()) | stored.get(f"id:{notice[_NOTICE['id']]}", set())
        if notice[_NOTICE["id"]] in replaced or any(key >= notice[_NOTICE["version_key"]] for _, key in versions):
            continue
        for stored_id in {stored_id for stored_id, _ in versions} | {replaces.get(notice[_NOTICE["id"]])} - {None}:
            delete_notice(db, stored_id)
        rowid = first + len(fts)
        if len(rows.get("findings", ())) >> FINDING_BITS:
            raise ValueError(f"notice {notice[_NOTICE['id']]} has more findings than a rowid range holds")
        tables["notices"].append((rowid, *notice))
        tables["findings"].extend(((rowid << FINDING_BITS) + f[_POSITION], *f) for f in rows.get("findings", ()))
        for table in ("notice_documents", "lots", "results", "winners"):
            tables[table].extend(rows.get(table, ()))
        for text in rows.get("finding_texts", ()):
            if text[_TEXT_ID] not in known:
                tables["finding_texts"].append(text)
                known.add(text[_TEXT_ID])
        fts.append((rowid, notice[_NOTICE["title"]], notice[_NOTICE["buyer_name"]],
                    _fts_winners(w[_WINNER_NAME] for w in rows.get("winners", ()))))
    for table, table_rows in tables.items():
        if table_rows:
            verb = "INSERT OR IGNORE" if table == "finding_texts" else "INSERT"
            db.conn.executemany(_INSERT[table].replace("INSERT", verb, 1), table_rows)
    db.conn.executemany(_FTS_INSERT, fts)
    if fts:
        db.conn.execute("UPDATE store_state SET generation = generation + 1")
    return len(fts)


def _next_rowid(db: Database) -> int:
    """The rowid the next notice of a batch starts from (after the largest stored one)."""
    return (db.conn.execute("SELECT max(rowid) FROM notices").fetchone()[0] or 0) + 1


def insert_texts(db: Database, texts: list[dict]) -> None:
    """Store finding texts (rows of `finding_texts`, keyed by their content) that are not stored yet."""
    columns = COLUMNS["finding_texts"]
    db.conn.executemany(f"INSERT OR IGNORE INTO finding_texts ({', '.join(columns)}) VALUES"
                        f" ({', '.join('?' * len(columns))})", ([text[c] for c in columns] for text in texts))


def write_notice(db: Database, rows: Rows) -> bool:
    """Insert one notice's rows (as `rows.assessment_rows` gives them) unless a newer version of it is stored;
    replaces an older one. Returns whether it was written. Call inside a transaction (`with db.conn:`)."""
    return write_batch(db, [as_tuples(rows)]) == 1


def delete_notice(db: Database, notice_id: str) -> None:
    """Delete a notice, every row of it and its search entry."""
    names = db.execute("SELECT name FROM winners WHERE notice_id = ? ORDER BY result, position", [notice_id])
    winners = _fts_winners(row[0] for row in names.fetchall())
    write = db.conn.execute  # not db.execute: sqlite-utils would commit each statement outside a transaction
    write("INSERT OR IGNORE INTO entities_stale (id) SELECT DISTINCT entity_id FROM winners WHERE notice_id = ?"
          " AND entity_id IS NOT NULL", [notice_id])  # recounted by the next grouping
    write("INSERT INTO notices_fts (notices_fts, rowid, title, buyer, winners) SELECT 'delete', rowid, title,"
          " buyer_name, ? FROM notices WHERE id = ?", [winners, notice_id])
    write(f"DELETE FROM findings WHERE rowid >= (SELECT rowid FROM notices WHERE id = ?) << {FINDING_BITS}"
          f" AND rowid < ((SELECT rowid FROM notices WHERE id = ?) + 1) << {FINDING_BITS}", [notice_id, notice_id])
    for table in ("winners", "results", "lots"):
        write(f"DELETE FROM {table} WHERE notice_id = ?", [notice_id])
    write("DELETE FROM notice_documents WHERE notice_id = ?", [notice_id])
    write("DELETE FROM notices WHERE id = ?", [notice_id])
    write("UPDATE store_state SET generation = generation + 1")


def generation(db: Database) -> tuple[str, int]:
    """This store's random token and a number that moves whenever its content changes: cached totals and
    figures are keyed on both, so they follow every ingest and never mix two databases."""
    return tuple(db.execute("SELECT token, generation FROM store_state").fetchone())


def mark_file_done(db: Database, file: str, sha1: str, notices: int, errors: int, run: int, when: str) -> None:
    """Record the done marker of a file; written in the same transaction as the file's last rows."""
    insert_rows(db, "ingest_files", [{"file": file, "sha1": sha1, "notices": notices, "errors": errors,
                                      "run": run, "done_at": when}])


def clear_errors(db: Database, file: str, member: str | None = None) -> None:
    """Forget the errors recorded for a file (or archive member) that is being ingested again."""
    db.conn.execute("DELETE FROM ingest_errors WHERE file = ? AND coalesce(member, '') = ?", [file, member or ""])


def record_error(db: Database, file: str, member: str | None, error: str, run: int) -> None:
    """Record a bad file or record; the key is its text, so a rerun does not duplicate it."""
    key = hashlib.sha1(f"{file}\0{member or ''}\0{error}".encode()).hexdigest()
    insert_rows(db, "ingest_errors", [{"id": key, "file": file, "member": member, "error": error, "run": run}])


def start_run(db: Database, paths: Iterable[str], workers: int, when: str) -> int:
    """Open an ingest run and return its id."""
    with db.conn:
        cursor = db.conn.execute("INSERT INTO ingest_runs (started, paths, workers, status) VALUES (?, ?, ?, ?)",
                                 [when, to_json(list(paths)), workers, "running"])
    return cursor.lastrowid


def finish_run(db: Database, run: int, when: str, status: str, counts: dict[str, int]) -> None:
    """Close an ingest run with its counts, and refresh the planner's statistics for the filters' indexes."""
    with db.conn:
        db.conn.execute(f"UPDATE ingest_runs SET finished = ?, status = ?, {', '.join(f'{k} = ?' for k in counts)}"
                        " WHERE id = ?", [when, status, *counts.values(), run])
    db.execute("PRAGMA optimize")
    db.execute("PRAGMA wal_checkpoint(PASSIVE)")  # the writer lets the WAL grow during a run (ingest._Writer)


def decode_json(text: Any) -> Any:
    """A JSON column's value (None stays None)."""
    return None if text is None else json.loads(text)
