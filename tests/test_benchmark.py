"""The buyer benchmark (issue 14) on a database built from our samples with known values.

Copies of a real award notice (three lots won by a French SME, a German and a Chinese firm) are given to 38 buyers
whose received tender counts are set so each buyer's single-bidder rate is known: 32 peers of the target share its
category, region (NUTS 2 FRK2) and CPV division, five others sit in another region (FR10). Every expected median
and quartile below is computed by hand (linear interpolation between ranks: position (n - 1) × q).
"""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from reciprocity import assess, parse
from reciprocity.audit import benchmark_profiles
from reciprocity.audit.benchmark import MIN_PEERS, benchmark, find_buyers, quartiles
from reciprocity.audit.entities import group_winners
from reciprocity.audit.rows import assessment_rows
from reciprocity.audit.store import open_db, write_notice
from reciprocity.cli import main
from webapp import create_app

AWARD = SAMPLES / "eforms-can-winners-fr-de-cn.xml"
CALL = SAMPLES / "eforms-cn-lots-lyon.xml"
TARGET = "21699999999999"
PEERS = 32
DISTRACTORS = 5


def _plain(text: str) -> str:
    """French numbers with plain spaces (Babel writes narrow and no-break ones)."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _notice(path: Path):
    return parse(path.read_bytes(), path.name)[0]


def _copy(base, number: int, buyer_id: str, name: str, nuts: str, singles: int):
    """A copy of the award notice for another buyer; its first `singles` lots received one tender, the others 4."""
    notice = copy.deepcopy(base)
    notice.id = notice.publication_number = f"{number:08d}-2025"
    notice.notice_uuid = None
    notice.buyer.identifiers, notice.buyer.name, notice.buyer.nuts = [buyer_id], name, nuts
    for position, result in enumerate(notice.results):
        result.received.total = 1 if position < singles else 4
    return notice


def _store(path: Path, notices) -> Path:
    db = open_db(path)
    with db.conn:
        for notice in notices:
            write_notice(db, assessment_rows(assess(notice)))
    group_winners(db)
    db.conn.close()
    return path


@pytest.fixture(scope="module")
def bench_db(tmp_path_factory) -> Path:
    base = _notice(AWARD)
    notices = [_copy(base, 1, TARGET, "Commune de Lyon-Test", "FRK26", 1)]
    # peers: single-bidder rate i % 4 / 3, so eight buyers each at 0, 1/3, 2/3 and 1
    notices += [_copy(base, 10 + i, f"2169000{i:07d}", f"Commune pair {i:02d}", "FRK26", i % 4) for i in range(PEERS)]
    # another region, every lot with a single tender: counted only once the region is dropped
    notices += [_copy(base, 100 + i, f"2101000{i:07d}", f"Commune de l'Ain {i}", "FR101", 3)
                for i in range(DISTRACTORS)]
    return _store(tmp_path_factory.mktemp("bench") / "bench.db", notices)


def test_peer_median_and_quartiles_by_hand(bench_db):
    result = benchmark(open_db(bench_db), TARGET)
    group = result["peer_group"]
    assert group["dimensions"] == {"category": "sub-central", "region": "FRK2", "division": "33"}
    assert group["size"] == PEERS and not group["widened"] and group["enough"]
    single = result["indicators"]["single_bidder"]
    assert (single["numerator"], single["denominator"], single["value"]) == (1, 3, round(1 / 3, 4))
    # 32 sorted values: 8 × 0, 8 × 1/3, 8 × 2/3, 8 × 1. Q1 at 7.75: 0 + 0.75 × 1/3; median at 15.5: halfway
    # between 1/3 and 2/3; Q3 at 23.25: 2/3 + 0.25 × 1/3
    assert single["peers"] == {"n": 32, "q1": 0.25, "median": 0.5, "q3": 0.75}
    assert single["lower_is_better"] is True and single["reference"]["eu_2024"] == 0.28
    # every copy: the French SME won lot 1 of three, with 612 400 € of 4 588 150,50 €
    sme = result["indicators"]["sme_winners"]
    assert (sme["value"], sme["peers"]["median"]) == (round(1 / 3, 4), round(1 / 3, 4))
    by_value = result["indicators"]["sme_winners_value"]
    assert by_value["value"] == round(612400 / 4588150.5, 4)
    uncovered = result["indicators"]["uncovered_winners"]
    assert (uncovered["numerator"], uncovered["denominator"]) == (1, 3)
    assert result["origin"]["classes"]["FR"]["value_eur"] == 612400.0
    assert result["indicators"]["price_only"]["reference"]["source"]


def test_fewer_than_30_peers_widens_the_group(bench_db):
    result = benchmark(open_db(bench_db), "21010000000000")  # one of the five in FR10
    steps = result["peer_group"]["steps"]
    assert [s["size"] for s in steps] == [DISTRACTORS - 1, PEERS + 1 + DISTRACTORS - 1]
    assert steps[0]["dimensions"]["region"] == "FR10" and "region" not in steps[1]["dimensions"]
    assert result["peer_group"]["widened"] and result["peer_group"]["enough"]
    # 37 peers: the target (1/3), the 32 (8 each at 0, 1/3, 2/3, 1) and four at 1. Sorted: 8 × 0, 9 × 1/3,
    # 8 × 2/3, 12 × 1. Q1 at 9 -> 1/3; median at 18 -> 2/3; Q3 at 27 -> 1
    assert result["indicators"]["single_bidder"]["peers"] == {"n": 37, "q1": round(1 / 3, 4),
                                                               "median": round(2 / 3, 4), "q3": 1.0}


def test_too_few_even_in_the_country_is_said(tmp_path):
    base = _notice(AWARD)
    path = _store(tmp_path / "few.db", [_copy(base, i, f"2169000{i:07d}", f"Commune {i}", "FRK26", 0)
                                        for i in range(3)])
    group = benchmark(open_db(path), "21690000000000")["peer_group"]
    assert [s["size"] for s in group["steps"]] == [2, 2, 2, 2] and not group["enough"]
    assert group["dimensions"] == {"country": "FR"} and group["min_peers"] == MIN_PEERS


def test_tender_period_margin_is_a_median_of_notices(tmp_path):
    """Lyon's call gives 35, 35 and 42 days for a minimum of 30: its margin is its tightest lot's, 5 days."""
    base, notices = _notice(CALL), []
    for number, shift in enumerate((0, 0, 4, 10)):  # buyer A: margins 5 and 5 (+0); B: 9; C: 15
        notice = copy.deepcopy(base)
        notice.id = notice.publication_number = f"{number:08d}-2025"
        notice.notice_uuid = None
        notice.dispatch_date -= timedelta(days=shift)
        notice.buyer.identifiers = ["A" if number < 2 else f"B{number}"]
        notices.append(notice)
    db = open_db(_store(tmp_path / "calls.db", notices))
    margin = benchmark(db, "A")["indicators"]["tender_period_margin_days"]
    assert (margin["value"], margin["denominator"]) == (5.0, 2)
    assert margin["peers"] == {"n": 2, "q1": 10.5, "median": 12.0, "q3": 13.5} and margin["lower_is_better"] is False


def test_quartiles_of_nothing_are_null():
    import pandas as pd

    assert quartiles(pd.Series([], dtype=float)) == {"n": 0, "q1": None, "median": None, "q3": None}


def test_a_name_gives_candidates_never_a_guess(bench_db):
    db = open_db(bench_db)
    assert [c["buyer_id"] for c in find_buyers(db, "commune de lyon-test")] == [TARGET]
    assert [c["buyer_id"] for c in find_buyers(db, TARGET)] == [TARGET]
    assert len(find_buyers(db, "Commune pair")) == 20  # capped list of candidates
    assert find_buyers(db, "Préfecture de nulle part") == []


def test_profiles_are_stored_and_follow_the_store(bench_db, tmp_path):
    path = tmp_path / "copy.db"
    path.write_bytes(bench_db.read_bytes())
    db = open_db(path)
    benchmark(db, TARGET)
    assert benchmark_profiles._is_current(db)
    with db.conn:
        write_notice(db, assessment_rows(assess(_copy(_notice(AWARD), 999, "21690009999999", "Nouvelle", "FRK26", 3))))
    assert not benchmark_profiles._is_current(db)
    assert benchmark(db, TARGET)["peer_group"]["size"] == PEERS + 1


def test_python_buyer_key_is_the_sql_one(tmp_path):
    """A buyer with no identifier and a non-ASCII name: the tender page's link reaches its benchmark."""
    notice = _copy(_notice(AWARD), 5, "x", "  ÉTABLISSEMENT Public Été ", "FRK26", 0)
    notice.buyer.identifiers = []
    db = open_db(_store(tmp_path / "key.db", [notice]))
    key = benchmark_profiles.buyer_key([], notice.buyer.name, "FR")
    assert benchmark(db, key)["buyer"]["name"] == notice.buyer.name


def test_cli_json_text_and_candidates(bench_db):
    runner = CliRunner()
    out = runner.invoke(main, ["benchmark", "--buyer", TARGET, "--db", str(bench_db), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == json.loads(json.dumps(benchmark(open_db(bench_db), TARGET)))
    text = runner.invoke(main, ["benchmark", "--buyer", "Commune de Lyon-Test", "--db", str(bench_db), "--lang",
                                "fr"])
    assert text.exit_code == 0, text.output
    assert "Pairs : 32 acheteurs" in text.output and "(plus bas = mieux)" in text.output
    assert "25 %" in _plain(text.output) and "612 400,00 €" in _plain(text.output)
    several = runner.invoke(main, ["benchmark", "--buyer", "commune pair", "--db", str(bench_db), "--lang", "en"])
    assert several.exit_code == 2 and "Several buyers match" in several.output and "21690000000019" in several.output
    assert "first 20" in several.output
    missing = runner.invoke(main, ["benchmark", "--buyer", "x", "--db", str(bench_db / "none.db")])
    assert missing.exit_code == 1


@pytest.fixture(scope="module")
def client(bench_db):
    app = create_app({"TESTING": True, "DATABASE": str(bench_db), "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False})
    return app.test_client()


def test_api_buyer_and_search(client, bench_db):
    body = client.get(f"/api/v1/buyers/{TARGET}").get_json()
    assert body["indicators"]["single_bidder"]["peers"]["median"] == 0.5
    assert client.get("/api/v1/buyers/nope").status_code == 404
    found = client.get("/api/v1/buyers?q=commune pair 0").get_json()
    assert [c["name"] for c in found["candidates"]] == [f"Commune pair {i:02d}" for i in range(10)]
    assert client.get("/api/v1/buyers?q=").status_code == 400


def test_buyer_page_in_french_with_its_data_table(client):
    html = client.get(f"/buyers/{TARGET}?lang=fr").get_data(as_text=True)
    assert "Groupe de pairs" in html and "32 acheteurs partagent" in html
    assert '<details class="chart-data" id="buyer-data">' in html and 'aria-describedby="buyer-data"' in html
    for text in ("25 %", "75 %", "plus bas = mieux", "n = 3", "612 400,00 €"):
        assert text in _plain(html), text
    one = client.get("/buyers?q=Commune de Lyon-Test")
    assert one.status_code == 302 and one.headers["Location"].endswith(f"/buyers/{TARGET}")
    several = client.get("/buyers?q=commune de l").get_data(as_text=True)
    assert "Plusieurs acheteurs correspondent" in several and f"/buyers/{TARGET}" in several
    assert "premiers seulement" not in several and "premiers seulement" in client.get("/buyers?q=commune").get_data(
        as_text=True)
    english = client.get(f"/buyers/{TARGET}?lang=en").get_data(as_text=True)
    assert "lower is better" in english and "Peer group" in english


def test_tender_page_links_to_its_buyer(client):
    html = client.get("/tenders/00000001-2025").get_data(as_text=True)
    assert f'href="/buyers/{TARGET}"' in html


def test_winner_totals_page_and_api(client, bench_db):
    db = open_db(bench_db)
    entity = db.execute("SELECT entity_id FROM winners WHERE name LIKE 'Médilit%' LIMIT 1").fetchone()[0]
    body = client.get(f"/api/v1/winners/{entity}").get_json()
    totals = body["totals"]
    buyers = 1 + PEERS + DISTRACTORS
    assert totals["buyers_served"] == buyers and totals["total"]["awards"] == buyers
    assert totals["total"]["value_eur"] == round(buyers * 612400.0, 2)
    assert totals["by_year"] == [{"year": "2025", "awards": buyers, "value_eur": round(buyers * 612400.0, 2),
                                  "awards_without_eur_value": 0}]
    assert totals["siren"] == "842156374"
    assert totals["company_page"] == "https://annuaire-entreprises.data.gouv.fr/entreprise/842156374"
    assert totals["sizes"] == [{"size": "small", "awards": buyers, "source": "notice"}]
    html = _plain(client.get(f"/winners/{entity}?lang=fr").get_data(as_text=True))
    assert "annuaire-entreprises.data.gouv.fr/entreprise/842156374" in html
    assert f"{buyers * 612400:,}".replace(",", " ") + ",00 € · n = 38" in html
    assert 'id="winner-year-data"' in html and "Acheteurs servis" in html and "Raison du regroupement" in html


def test_the_web_app_computes_profiles_without_writing(tmp_path):
    base = _notice(AWARD)
    path = _store(tmp_path / "web.db", [_copy(base, i, f"2169000{i:07d}", f"Commune {i}", "FRK26", i)
                                        for i in range(3)])
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False})
    body = app.test_client().get("/api/v1/buyers/21690000000001").get_json()
    assert body["peer_group"]["size"] == 2 and body["indicators"]["single_bidder"]["value"] == round(1 / 3, 4)
    db = open_db(path)
    assert db.execute("SELECT 1 FROM sqlite_master WHERE name = 'agg_buyer_profiles'").fetchone() is None


def test_a_dataset_written_before_buyer_nuts_loads(tmp_path):
    """A Parquet dataset from before the notices' buyer_nuts column loads, the column NULL (as an old SQLite)."""
    from reciprocity.audit import dataset
    from reciprocity.audit.load import load_dataset

    db = open_db(_store(tmp_path / "old.db", [_copy(_notice(AWARD), 1, "21690000000001", "Commune", "FRK26", 0)]))
    tables = {name: dataset.arrow_table(db, name) for name in dataset.dataset_tables()}
    tables["notices"] = tables["notices"].drop_columns(["buyer_nuts"])
    dataset.write_partition(tmp_path / "old.parquet", "b0", tables)
    load_dataset(tmp_path / "old.parquet", tmp_path / "new.db")
    loaded = open_db(tmp_path / "new.db")
    assert loaded.execute("SELECT id, buyer_nuts FROM notices").fetchall() == [("00000001-2025", None)]


def test_a_store_written_before_buyer_nuts_gets_the_column(tmp_path):
    db = open_db(tmp_path / "old.db")
    db.execute("ALTER TABLE notices DROP COLUMN buyer_nuts")
    db.conn.close()
    reopened = open_db(tmp_path / "old.db")
    assert "buyer_nuts" in {row[1] for row in reopened.execute("PRAGMA table_info(notices)").fetchall()}


def test_terminal_benchmark_has_no_english_in_french(bench_db):
    from visible_text import violations

    from reciprocity.rules.data import load_rule_data

    output = CliRunner().invoke(main, ["benchmark", "--buyer", TARGET, "--db", str(bench_db), "--lang", "fr"]).output
    for data in (load_rule_data().scoreboard["source"], "Commune de Lyon-Test", TARGET):
        output = output.replace(data, " ")
    assert violations(output, "fr") == []
