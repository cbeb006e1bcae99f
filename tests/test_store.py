"""The store: idempotent writes, newest version wins whatever the order, child rows replaced; queries.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlite_utils import Database

from reciprocity.audit import queries
from reciprocity.audit.rows import assessment_rows
from reciprocity.audit.store import ensure_schema, open_db, write_notice
from reciprocity.errors import ConfigError, NotFoundError
from reciprocity.model import (
    Assessment,
    Finding,
    Lot,
    LotResult,
    Money,
    Notice,
    Organisation,
    Procedure,
    Received,
)

TABLES = ("notices", "lots", "results", "winners", "findings")


def make_assessment(notice_id: str, *, buyer: str = "Ville de Lyon", country: str = "FR", year: int = 2024,
                    cpv: str = "45233140", lots: int = 1, winners: list[tuple] = (), received: int | None = 3,
                    sme: int | None = None, value: str | None = "100000", currency: str = "EUR",
                    codes: tuple[str, ...] = (), priority: int = 0, version: str | None = None,
                    uuid: str | None = None, publication_number: str | None = "auto") -> Assessment:
    """An assessed notice built in code: `winners` are (name, country, origin class, identifiers[, size])."""
    winner_orgs = [Organisation(name=w[0], country=w[1], identifiers=list(w[3]), size=w[4] if len(w) > 4 else None)
                   for w in winners]
    notice = Notice(
        id=notice_id, source_format="eforms", form="29", kind="result", version=version, notice_uuid=uuid,
        publication_number=notice_id if publication_number == "auto" else publication_number,
        dispatch_date=date(year, 3, 1), buyer=Organisation(name=buyer, country=country, identifiers=["21690123100011"]),
        procedure=Procedure(type="open", cpv_main=cpv, title=f"Marché {notice_id}",
                            estimated_value=Money(Decimal("200000"), "EUR")),
        lots=[Lot(id=f"LOT-{i:04d}") for i in range(1, lots + 1)],
        results=[LotResult(lot_id="LOT-0001", received=Received(total=received, sme=sme), winners=winner_orgs,
                           value=None if value is None else Money(Decimal(value), currency))],
    )
    findings = [Finding(code, "warning", "sme", "flagged", f"{code} flagged", f"{code} relevé") for code in codes]
    origin = [{"name": w[0], "country": w[1], "class": w[2]} for w in winners]
    return Assessment(notice=notice, findings=findings, origin=origin,
                      benefit={"priority": priority, "reasons": [f"reason {priority}"] if priority else []})


def store(db: Database, *assessments: Assessment) -> None:
    with db.conn:
        for assessment in assessments:
            write_notice(db, assessment_rows(assessment, "test.xml"))


def table_contents(db: Database, tables=TABLES) -> dict[str, list]:
    return {t: sorted(tuple(r.values()) for r in db[t].rows) for t in tables}


@pytest.fixture
def db() -> Database:
    database = Database(memory=True)
    ensure_schema(database)
    return database


def test_writing_the_same_notice_twice_changes_nothing(db):
    assessment = make_assessment("00000001-2024", lots=3, winners=[("Eiffage SAS", "FR", "FR", ["55210055400013"])],
                                 codes=("COMP-SINGLE-BID",))
    store(db, assessment)
    before = table_contents(db)
    store(db, assessment)
    assert table_contents(db) == before
    assert [db[t].count for t in TABLES] == [1, 3, 1, 1, 1]


def test_newer_version_replaces_older_in_either_order():
    older = make_assessment("n-v1", uuid="u-1", version="1", publication_number=None, lots=3)
    newer = make_assessment("n-v2", uuid="u-1", version="2", publication_number=None, lots=1)
    results = []
    for order in ((older, newer), (newer, older)):
        database = Database(memory=True)
        ensure_schema(database)
        store(database, *order)
        results.append(table_contents(database))
    assert results[0] == results[1]
    assert [row[0] for row in results[0]["notices"]] == ["n-v2"]
    assert len(results[0]["lots"]) == 1  # the older version's three lots are gone with it


def test_published_notices_with_one_uuid_are_kept_apart(db):
    # TED-converted eForms notices share one notice UUID but each has its own publication number
    store(db, make_assessment("00000001-2021", uuid="same"), make_assessment("00000002-2021", uuid="same"))
    assert db["notices"].count == 2


def test_database_path_default_argument_and_environment_at_the_edge(monkeypatch, tmp_path):
    """The library takes the path as an argument (default reciprocity.db); only the CLI reads RECIPROCITY_DB."""
    from click.testing import CliRunner

    from reciprocity.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECIPROCITY_DB", str(tmp_path / "env.db"))
    database = open_db()
    assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert (tmp_path / "reciprocity.db").exists() and not (tmp_path / "env.db").exists()
    open_db(tmp_path / "arg.db")
    assert (tmp_path / "arg.db").exists()
    open_db(tmp_path / "env.db")
    result = CliRunner().invoke(main, ["report", "--json"])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("RECIPROCITY_DB", str(tmp_path / "missing.db"))
    missing = CliRunner().invoke(main, ["report"])
    assert missing.exit_code == 1 and "missing.db" in missing.output


def test_open_db_without_create_refuses_a_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        open_db(tmp_path / "missing.db", create=False)


@pytest.fixture
def filled(db) -> Database:
    store(db,
          make_assessment("00000001-2023", year=2023, cpv="33141000", priority=80, codes=("IPI-MEDICAL-DEVICES",),
                          winners=[("Mindray", "CN", "UNCOVERED", [])]),
          make_assessment("00000002-2024", buyer="CHU de Rennes", priority=20, codes=("COMP-SINGLE-BID",),
                          winners=[("Colas", "FR", "FR", ["55210055400013"])]),
          make_assessment("00000003-2024", country="DE", buyer="Stadt Köln", winners=[("Strabag", "AT", None, [])]),
          *(make_assessment(f"0000010{i}-2022", year=2022, priority=i) for i in range(5)))
    return db


@pytest.mark.parametrize(("filters", "expected"), [
    ({}, 8),
    ({"buyer_country": "fr"}, 7),
    ({"year": "2024"}, 2),
    ({"cpv": "33"}, 1),
    ({"buyer": "rennes"}, 1),
    ({"code": "COMP-SINGLE-BID"}, 1),
    ({"severity": "warning"}, 2),
    ({"origin_class": "UNCOVERED"}, 1),
    ({"origin_class": "UNKNOWN"}, 1),  # a winner the assessment did not classify counts as unknown
    ({"min_priority": 20}, 2),
    ({"kind": "result", "buyer_country": "", "year": None}, 8),  # empty values are ignored
])
def test_list_tenders_filters(filled, filters, expected):
    assert queries.list_tenders(filled, filters)["total"] == expected


def test_list_tenders_orders_by_priority_and_pages(filled):
    first = queries.list_tenders(filled, {}, page=1, per_page=3)
    second = queries.list_tenders(filled, {}, page=2, per_page=3)
    assert [i["benefit_priority"] for i in first["items"]] == [80, 20, 4]
    assert first["items"][0]["flagged_codes"] == ["IPI-MEDICAL-DEVICES"]
    assert first["items"][0]["benefit_reasons"] == ["reason 80"]
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(set(ids)) == 6
    assert queries.list_tenders(filled, {}, page=99)["items"] == []


def test_unknown_filter_is_an_error(filled):
    with pytest.raises(ConfigError, match="unknown filter 'colour'"):
        queries.list_tenders(filled, {"colour": "red"})
    with pytest.raises(ConfigError, match="invalid value"):
        queries.list_tenders(filled, {"year": "last"})


def test_get_tender_and_not_found(filled):
    tender = queries.get_tender(filled, "00000001-2023")
    assert tender["notice"]["id"] == "00000001-2023"
    assert tender["results"][0]["winners"][0]["origin_class"] == "UNCOVERED"
    assert tender["findings"][0]["code"] == "IPI-MEDICAL-DEVICES"
    assert "benefit" in tender["assessment"]
    with pytest.raises(NotFoundError):
        queries.get_tender(filled, "nope")


def test_filter_options(filled):
    options = queries.filter_options(filled)
    assert options["buyer_country"] == ["DE", "FR"]
    assert options["year"] == [2024, 2023, 2022]
    assert options["code"] == ["COMP-SINGLE-BID", "IPI-MEDICAL-DEVICES"]
    assert "UNCOVERED" in options["origin_class"]


def test_get_winner_after_grouping(filled):
    from reciprocity.audit.entities import group_winners

    group_winners(filled)
    entity_id = filled.execute("SELECT entity_id FROM winners WHERE name = 'Colas'").fetchone()[0]
    winner = queries.get_winner(filled, entity_id)
    assert winner["name"] == "Colas"
    assert [a["notice_id"] for a in winner["awards"]] == ["00000002-2024"]
    with pytest.raises(NotFoundError):
        queries.get_winner(filled, "E-none")
