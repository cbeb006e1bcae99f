"""`reciprocity enrich sirene`: INSEE stock fixtures (tests/sirene, the real column layout) on the DECP sample of
Rennes, whose contracts name the buyer and winners by SIRET only (DECP 2022 carries no names, no buyer category)."""

from __future__ import annotations

import html
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from reciprocity import assess, parse
from reciprocity.audit.records import unpack
from reciprocity.audit.rows import assessment_rows
from reciprocity.audit.sirene import enrich
from reciprocity.audit.sirene_read import open_stock
from reciprocity.audit.store import open_db, write_notice
from reciprocity.cli import main

ROOT = Path(__file__).parent
FIXTURES = ROOT / "sirene"
DECP = ROOT.parent / "data" / "tenders" / "decp-2022-rennes.json"
UNITS, PLACES = FIXTURES / "StockUniteLegale_utf8.csv", FIXTURES / "StockEtablissement_utf8.zip"
UNITS_2025 = FIXTURES / "StockUniteLegale_utf8_2025-01.parquet"
SUPPLIES = "decp-21350238800019-2024FCS0077"  # 516 000 EUR of vehicles: above the sub-central threshold
WORKS = "decp-21350238800019-2024TRX0142"  # won by 81745263400014
SERVICES = "decp-21350238800019-2023SRV0219"  # won by 52398714700015 (not diffusible) and 44317826400018


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """The DECP sample stored as an ingest stores it (assessed without SIRENE)."""
    path = tmp_path_factory.mktemp("sirene") / "seed.db"
    db = open_db(path)
    with db.conn:
        for notice in parse(DECP.read_bytes(), DECP.name):
            write_notice(db, assessment_rows(assess(notice), DECP.name))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


@pytest.fixture
def db(seeded: Path, tmp_path: Path):
    shutil.copy(seeded, tmp_path / "t.db")
    return open_db(tmp_path / "t.db")


def _coverage(db, notice_id: str) -> dict:
    blob = db.execute("SELECT assessment FROM notice_documents WHERE notice_id = ?", [notice_id]).fetchone()[0]
    return unpack(blob)["coverage"]


def _status(db, notice_id: str, code: str) -> str:
    sql = "SELECT f.status FROM findings f JOIN notices n ON f.rowid >> 16 = n.rowid WHERE n.id = ? AND f.code = ?"
    return db.execute(sql, [notice_id, code]).fetchone()[0]


def _winner(db, notice_id: str, position: int = 0) -> dict:
    row = db.execute(
        "SELECT name, postcode, city, size, sme FROM winners WHERE notice_id = ? AND position = ?",
        [notice_id, position],
    ).fetchone()
    return dict(zip(("name", "postcode", "city", "size", "sme"), row, strict=True))


@pytest.mark.parametrize(
    ("path", "stock", "container"),
    [
        (UNITS, "units", "csv"),
        (FIXTURES / "StockEtablissement_utf8.csv", "establishments", "csv"),
        (PLACES, "establishments", "zip"),
        (UNITS_2025, "units", "parquet"),
    ],
)
def test_the_stock_is_told_by_its_header(path: Path, stock: str, container: str) -> None:
    found = open_stock(path)
    assert (found.stock, found.container) == (stock, container)


def test_decp_buyers_get_name_and_category_and_coverage_is_decided(db) -> None:
    assert _status(db, SUPPLIES, "RECIP-COVERED-AGREEMENTS") == "insufficient-data"
    assert db.execute("SELECT count(*) FROM notices WHERE buyer_name IS NULL").fetchone()[0] == 4

    summary = enrich(db, [UNITS, PLACES])

    assert not summary.errors
    assert (summary.units, summary.establishments, summary.notices) == (3, 3, 4)  # 999999999: named by no notice
    assert {row[0] for row in db.execute("SELECT buyer_name FROM notices")} == {"COMMUNE DE RENNES"}
    assert {row[0] for row in db.execute("SELECT buyer_category FROM notices")} == {"sub-central"}
    coverage = _coverage(db, SUPPLIES)
    assert coverage["buyer_category_source"] == "INSEE legal category 7210 (Commune et commune nouvelle)"
    assert coverage["gpa"] is True and coverage["confidence"] == "established"
    assert _status(db, SUPPLIES, "RECIP-COVERED-AGREEMENTS") != "insufficient-data"
    assert "sirene_units" not in {row[0] for row in db.execute("SELECT source_file FROM notices")}
    assert db.execute("SELECT count(*) FROM sirene_units WHERE siren = '999999999'").fetchone()[0] == 0


def test_winners_get_names_places_and_size_from_the_company_category(db) -> None:
    enrich(db, [UNITS, PLACES])
    assert _winner(db, WORKS) == {
        "name": "TOITURES DE BRETAGNE",
        "postcode": "35510",
        "city": "CESSON-SEVIGNE",
        "size": "sme",
        "sme": 1,
    }
    document = unpack(db.execute("SELECT notice FROM notice_documents WHERE notice_id = ?", [WORKS]).fetchone()[0])
    registry = document["results"][0]["winners"][0]["registry"]
    assert registry["company_category"] == "PME" and registry["company_category_year"] == 2022
    assert registry["filled"] == ["name", "postcode", "city", "size"]
    # the SME share of the report counts the INSEE size
    assert db.execute("SELECT count(*) FROM winners WHERE sme = 1").fetchone()[0] == 2


def test_undisclosed_data_is_never_stored_nor_shown(db) -> None:
    enrich(db, [UNITS, PLACES])
    assert _winner(db, SERVICES) == {"name": None, "postcode": None, "city": None, "size": "sme", "sme": 1}
    for table in ("sirene_units", "sirene_establishments", "notices", "winners"):
        rows = db.execute(f"SELECT * FROM {table}").fetchall()
        assert not any("[ND]" in str(value) for row in rows for value in row), table


def test_newer_files_update_and_absent_sirens_stay(db) -> None:
    enrich(db, [UNITS, PLACES])
    summary = enrich(db, [UNITS_2025])  # 817452634 now an ETI; 443178264 appears; 523987147 absent
    assert not summary.errors and summary.changed == 2
    assert _winner(db, WORKS)["size"] == "large"
    assert _winner(db, SERVICES, 1)["name"] == "ATELIER NUMERIQUE DE L'OUEST"
    assert _winner(db, SERVICES)["size"] == "sme"  # from the first run's file, kept
    again = enrich(db, [UNITS_2025])
    assert (again.changed, again.notices) == (0, 0)  # the same file twice: nothing to re-assess


def _write_units(path: Path, lines: list[str]) -> Path:
    header = UNITS.read_text(encoding="utf-8").splitlines()[0]
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def test_bad_files_and_rows_are_named_and_the_rest_is_kept(db, tmp_path: Path) -> None:
    good = UNITS.read_text(encoding="utf-8").splitlines()[1:]
    broken = _write_units(
        tmp_path / "units.csv",
        [
            good[0],
            good[1].replace(",PME,2022,", ",PMI,2022,"),  # not a company category
            "523987147,O,,2015-12-01",  # too few fields
            good[0].replace("COMMUNE DE RENNES", "COMMUNE, DE RENNES"),  # a separator too many
        ],
    )
    empty_zip = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("readme.txt", "no stock here")
    summary = enrich(db, [DECP, broken, empty_zip, PLACES])
    found = {(Path(e.file).name, e.key, tuple(sorted(e.params.items()))) for e in summary.errors}
    assert found == {
        (DECP.name, "not-stock", ()),
        ("empty.zip", "no-csv", ()),
        (
            "units.csv",
            "bad-value",
            (("column", "categorieEntreprise"), ("id", "817452634"), ("id_column", "siren"), ("value", "PMI")),
        ),
        ("units.csv", "bad-row", (("actual", 4), ("expected", 34), ("text", "523987147,O,,2015-12-01"))),
        ("units.csv", "bad-row", (("actual", 35), ("expected", 34), ("text", good[0][:60]))),
    }
    assert {row[0] for row in db.execute("SELECT buyer_name FROM notices")} == {"COMMUNE DE RENNES"}
    assert db.execute("SELECT count(*) FROM sirene_units WHERE siren = '817452634'").fetchone()[0] == 0


def test_the_command_says_what_it_did_in_french(db, tmp_path: Path) -> None:
    path = db.execute("PRAGMA database_list").fetchone()[2]
    broken = _write_units(tmp_path / "units.csv", ["213502388,O,,1983-03-01"])
    result = CliRunner().invoke(main, ["enrich", "sirene", str(UNITS), str(broken), "--db", path, "--lang", "fr"])
    assert result.exit_code == 1
    assert (
        f"Erreur : « {broken} » : la ligne « 213502388,O,,1983-03-01 » a 4 champs au lieu des 34 de l'en-tête ;"
        " ligne ignorée"
    ) in result.output
    assert "3 unités légales et 0 établissements" in result.output and "4 avis réévalués" in result.output


def test_check_and_ingest_use_a_loaded_table(db, tmp_path: Path) -> None:
    enrich(db, [UNITS, PLACES])
    path = db.execute("PRAGMA database_list").fetchone()[2]
    result = CliRunner().invoke(main, ["check", str(DECP), "--json", "--db", path])
    checked = [json.loads(line) for line in result.output.splitlines()]
    assert {a["notice"]["buyer"]["name"] for a in checked} == {"COMMUNE DE RENNES"}
    assert {a["coverage"]["buyer_category"] for a in checked} == {"sub-central"}

    from reciprocity.audit.ingest import ingest

    newer = tmp_path / "decp-2025.json"
    newer.write_text(DECP.read_text(encoding="utf-8").replace("2024TRX0142", "2025TRX0001"), encoding="utf-8")
    ingest([newer], path, workers=1)
    assert _winner(db, "decp-21350238800019-2025TRX0001")["name"] == "TOITURES DE BRETAGNE"
    assert _coverage(db, "decp-21350238800019-2025TRX0001")["buyer_category"] == "sub-central"


def test_the_check_page_and_api_use_the_table_of_the_app_s_database(db) -> None:
    from webapp import create_app

    path = db.execute("PRAGMA database_list").fetchone()[2]
    app = create_app({"TESTING": True, "DATABASE": path, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    client = app.test_client()

    def buyers() -> set:
        answer = client.post("/api/v1/check", data=DECP.read_bytes(), content_type="application/json").get_json()
        return {(a["notice"]["buyer"]["name"], a["coverage"]["buyer_category"]) for a in answer}

    assert buyers() == {(None, None)}
    enrich(db, [UNITS, PLACES])
    assert buyers() == {("COMMUNE DE RENNES", "sub-central")}
    page = client.post("/check", data={"up-text": DECP.read_text(encoding="utf-8")}, headers={"Accept-Language": "fr"})
    assert page.status_code == 200 and "COMMUNE DE RENNES" in page.get_data(as_text=True)


def test_the_tender_page_says_where_a_winner_s_size_comes_from(db) -> None:
    from webapp import create_app

    enrich(db, [UNITS, PLACES])
    path = db.execute("PRAGMA database_list").fetchone()[2]
    client = create_app({"TESTING": True, "DATABASE": path, "SECRET_KEY": "test"}).test_client()
    page = html.unescape(client.get(f"/tenders/{WORKS}", headers={"Accept-Language": "fr"}).get_data(as_text=True))
    assert "taille : PME (source : INSEE catégorie d'entreprise, 2022 ; une catégorie statistique" in page
    assert "TOITURES DE BRETAGNE" in page


def test_the_report_counts_insee_sizes_and_says_so(db) -> None:
    from reciprocity.audit.stats import compute_report
    from reciprocity.audit.stats_text import render_text

    before = compute_report(db)["indicators"]["sme_winners"]
    enrich(db, [UNITS, PLACES])
    after = compute_report(db)["indicators"]["sme_winners"]
    assert (before["numerator"], before["denominator"]) == (0, 0) and "note" not in before
    assert (after["numerator"], after["denominator"]) == (2, 2)
    assert "la catégorie d'entreprise de l'INSEE est retenue" in render_text(compute_report(db), "fr")


def test_a_notice_stored_without_the_facts_gets_them_at_the_next_run(db) -> None:
    enrich(db, [UNITS, PLACES])
    from reciprocity.audit.store import delete_notice

    notice = parse(DECP.read_bytes(), DECP.name)[0]  # stored again as `load` would: assessed without SIRENE
    with db.conn:
        delete_notice(db, notice.id)
        write_notice(db, assessment_rows(assess(notice), DECP.name))
    assert _winner(db, WORKS)["name"] is None
    summary = enrich(db, [UNITS_2025])
    assert summary.notices == 2  # WORKS again, and SERVICES whose winner 443178264 appears
    assert _winner(db, WORKS) == {
        "name": "TOITURES DE BRETAGNE",
        "postcode": "35510",
        "city": "CESSON-SEVIGNE",
        "size": "large",
        "sme": 0,
    }


def test_stray_bytes_never_stop_a_file(db, tmp_path: Path) -> None:
    lines = UNITS.read_bytes().splitlines()
    lines[1] = lines[1].replace(b"COMMUNE DE RENNES", b"COMMUNE DE RENNES \xff")
    lines.append(b"\xff\xfe" + lines[4][2:])  # a row no notice names, its SIREN not even text
    path = tmp_path / "units.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    summary = enrich(db, [path])
    assert not summary.errors and summary.units == 3
    assert {row[0] for row in db.execute("SELECT buyer_name FROM notices")} == {"COMMUNE DE RENNES \ufffd"}
