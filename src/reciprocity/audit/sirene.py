"""`reciprocity enrich sirene`: INSEE's SIRENE stock files -> the store's SIRENE tables -> notices re-assessed.

Only the SIRENs / SIRETs the store's notices name are kept (a set of them is read first; every other row of the
tens of millions is skipped as its chunk is read). A row replaces what an earlier run stored for its SIREN or
SIRET; a SIREN absent from the files keeps what was stored. Every notice naming a stored SIREN or SIRET whose
facts differ from those it was assessed with (new or changed facts, a notice loaded from a Parquet dataset) is
assessed again with them (names filled, buyer category from the legal category, winners' size from the company
category), its rows replaced; then the winners are regrouped and the report cubes refreshed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import store
from .settle import settle
from .sirene_apply import enrich_notice, french_ids
from .sirene_read import CHUNK_ROWS, SireneFileError, open_stock, read_rows

REASSESS_BATCH = 200
_UNIT_COLUMNS = ("siren", "name", "legal_category", "activity", "company_category", "company_category_year", "state")
_PLACE_COLUMNS = ("siret", "siren", "name", "postcode", "city", "head_office", "state")
TABLES = {"units": ("sirene_units", _UNIT_COLUMNS), "establishments": ("sirene_establishments", _PLACE_COLUMNS)}


@dataclass
class EnrichSummary:
    """What a run read, stored and re-assessed, and the errors met (each names its file and line)."""

    files: int = 0
    rows: int = 0
    units: int = 0
    establishments: int = 0
    changed: int = 0
    notices: int = 0
    seconds: float = 0.0
    read_seconds: float = 0.0  # of `seconds`, reading the files and storing their rows
    errors: list[SireneFileError] = field(default_factory=list)


def known_ids(db) -> tuple[set[str], set[str]]:
    """(SIRENs, SIRETs) the store's buyers and winners name; a SIRET's SIREN is among the SIRENs."""
    sirens: set[str] = set()
    sirets: set[str] = set()
    for siren, siret in _stored_ids(db):
        if siren:
            sirens.add(siren)
        if siret:
            sirets.add(siret)
    return sirens, sirets


def _stored_ids(db) -> Iterable[tuple[str | None, str | None]]:
    for identifiers, country in db.conn.execute(
        "SELECT buyer_identifiers, buyer_country FROM notices WHERE buyer_identifiers NOT IN ('[]', '')"
    ):
        yield french_ids(json.loads(identifiers), (), country)
    for identifiers, types, country in db.conn.execute(
        "SELECT identifiers, identifier_types, country FROM winners WHERE identifiers NOT IN ('[]', '')"
    ):
        yield french_ids(json.loads(identifiers), json.loads(types or "[]"), country)


def enrich(db, paths: Iterable[str | Path], chunk_rows: int = CHUNK_ROWS) -> EnrichSummary:
    """Load the stock files' rows for the store's SIRENs / SIRETs and re-assess the notices they change."""
    started = time.monotonic()
    summary = EnrichSummary()
    sirens, sirets = known_ids(db)
    changed: set[str] = set()
    for path in paths:
        summary.files += 1
        try:
            stock = open_stock(path)
        except SireneFileError as error:
            summary.errors.append(error)
            continue
        try:
            changed |= _load(db, stock, sirens if stock.stock == "units" else sirets, chunk_rows, summary)
        except SireneFileError as error:  # what was read before stays stored
            summary.errors.append(error)
        summary.errors.extend(stock.errors)
    summary.changed, summary.read_seconds = len(changed), time.monotonic() - started
    summary.notices = reassess(db, _loaded_keys(db))
    if summary.notices:
        settle(db)  # regroup the re-written winners, refresh the cubes and the buyers' profiles
    summary.seconds = time.monotonic() - started
    return summary


def _load(db, stock, wanted: set[str], chunk_rows: int, summary: EnrichSummary) -> set[str]:
    """Store the file's rows for `wanted` keys, batch by batch (one transaction each); return the changed keys."""
    changed: set[str] = set()
    when = datetime.now(UTC).isoformat(timespec="seconds")
    for count, matched in read_rows(stock, wanted, chunk_rows):
        summary.rows += count
        if not matched:
            continue
        rows = [_row(stock.stock, row) for row in matched]
        with db.conn:
            changed |= _store(db, stock.stock, rows, str(stock.path), when)
        setattr(summary, stock.stock, getattr(summary, stock.stock) + len(rows))
    return changed


def _row(stock: str, row: dict[str, Any]) -> tuple:
    """A stored row (TABLES column order) from a checked file row."""
    year = row["company_category_year"] if stock == "units" else None
    if stock == "units":
        person = " ".join(
            p for p in (row["first_name"] or row["first_name1"], row["used_surname"] or row["surname"]) if p
        )
        name = row["denomination"] or person or row["usual_name"] or row["acronym"]
        return (
            row["siren"],
            name,
            row["legal_category"],
            row["activity"],
            row["company_category"],
            int(year) if year else None,
            row["state"],
        )
    head = None if row["head_office"] is None else int(row["head_office"] == "true")
    return (
        row["siret"],
        row["siren"],
        row["usual_name"] or row["sign"],
        row["postcode"],
        row["city"] or row["foreign_city"],
        head,
        row["state"],
    )


def _store(db, stock: str, rows: list[tuple], source: str, when: str) -> set[str]:
    """Upsert rows; return the keys whose stored facts were absent or different."""
    table, columns = TABLES[stock]
    stored: dict[str, tuple] = {}
    for start in range(0, len(rows), 500):
        part = [row[0] for row in rows[start : start + 500]]
        sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {columns[0]} IN ({', '.join('?' * len(part))})"
        stored.update((row[0], tuple(row)) for row in db.conn.execute(sql, part))
    marks = ", ".join("?" * (len(columns) + 2))
    db.conn.executemany(
        f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}, source_file, loaded_at) VALUES ({marks})",
        [(*row, source, when) for row in rows],
    )
    return {row[0] for row in rows if stored.get(row[0]) != row}


def affected_notices(db, keys: set[str]) -> list[str]:
    """Ids of the notices whose buyer or a winner has a SIREN or SIRET in `keys`."""
    found: set[str] = set()
    if not keys:
        return []
    sql = (
        "SELECT id, buyer_identifiers, '[]', buyer_country FROM notices WHERE buyer_identifiers NOT IN ('[]', '')"
        " UNION ALL SELECT notice_id, identifiers, identifier_types, country FROM winners"
        " WHERE identifiers NOT IN ('[]', '')"
    )
    for notice_id, identifiers, types, country in db.conn.execute(sql):
        if notice_id not in found and any(
            key in keys for key in french_ids(json.loads(identifiers), json.loads(types or "[]"), country)
        ):
            found.add(notice_id)
    return sorted(found)


def _loaded_keys(db) -> set[str]:
    """Every SIREN and SIRET the SIRENE tables hold (only those the notices name are ever stored)."""
    sql = "SELECT siren FROM sirene_units UNION ALL SELECT siret FROM sirene_establishments"
    return {key for (key,) in db.conn.execute(sql)}


def reassess(db, keys: set[str]) -> int:
    """Assess again every stored notice naming one of `keys` whose SIRENE facts differ from those it was assessed
    with (new or changed facts; a notice stored by `load` or before the table existed); returns how many."""
    from ..assess import assess
    from ..parsers.contract import notice_from_dict
    from .records import unpack
    from .rows import as_tuples, assessment_rows

    ids, done = affected_notices(db, keys), 0
    for start in range(0, len(ids), REASSESS_BATCH):
        part = ids[start : start + REASSESS_BATCH]
        sql = (
            f"SELECT n.id, d.notice, n.source_file FROM notices n JOIN notice_documents d ON d.notice_id = n.id"
            f" WHERE n.id IN ({', '.join('?' * len(part))})"
        )
        batch = []
        for notice_id, document, source_file in db.conn.execute(sql, part).fetchall():
            notice = notice_from_dict(unpack(document))
            before = _registries(notice)
            if not enrich_notice(notice, db.conn) or _registries(notice) == before:
                continue
            batch.append((notice_id, as_tuples(assessment_rows(assess(notice), source_file))))
        with db.conn:  # a notice's old rows and its new ones commit together
            for notice_id, _ in batch:
                store.delete_notice(db, notice_id)
            store.write_batch(db, [rows for _, rows in batch])
        done += len(batch)
    return done


def _registries(notice) -> list:
    """The SIRENE facts a notice's organisations carry, to tell whether applying the table changes anything."""
    parties = [notice.buyer, *notice.other_buyers, *(w for result in notice.results for w in result.winners)]
    return [party.registry for party in parties]
