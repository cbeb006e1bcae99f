"""The report: indicators computed by hand on a small store, origin shares by count and EUR value, filters."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlite_utils import Database
from test_store import make_assessment, store

from reciprocity.audit import stats as report_module
from reciprocity.audit.stats import compute_report
from reciprocity.audit.stats_text import render_text
from reciprocity.audit.store import open_db
from reciprocity.cli import main
from reciprocity.errors import RuleDataError


def _fill(db: Database) -> Database:
    store(db,
          make_assessment("00000001-2023", year=2023, cpv="33141000", received=1, sme=0, value="300000",
                          winners=[("Mindray", "CN", "UNCOVERED", [], "large")], priority=80),
          make_assessment("00000002-2024", cpv="45233140", received=4, sme=2, value="1000000", lots=3,
                          winners=[("Colas", "FR", "FR", ["55210055400013"], "large"),
                                   ("Eiffage", "FR", "FR", [], "sme")], priority=30),
          make_assessment("00000003-2024", country="DE", buyer="Stadt Köln", cpv="45000000", received=2,
                          value="200000", currency="ZZZ",  # no rate for it: no EUR value
                          winners=[("Strabag", "AT", "EU_EEA", [])]),
          make_assessment("00000004-2024", received=None, value=None, winners=[("Inconnue", None, None, [])]))
    return db


@pytest.fixture
def db(tmp_path) -> Database:
    return _fill(open_db(tmp_path / "report.db"))


def test_indicators_by_hand(db):
    figures = compute_report(db)["indicators"]
    values = {key: (f["numerator"], f["denominator"]) for key, f in figures.items()}
    assert values["single_bidder"] == (1, 3)  # one of three results with tenders had a single one
    assert values["sme_bids"] == (2, 5)  # 0 of 1 + 2 of 4
    assert values["sme_winners"] == (1, 3)  # sizes known for three winners, one an SME
    assert values["divided_into_lots"] == (1, 4)
    assert values["missing_seller_ids"] == (4, 5)
    assert values["missing_buyer_ids"] == (0, 4)
    assert values["missing_values"] == (1, 4)
    assert figures["single_bidder"]["value"] == pytest.approx(0.3333, abs=1e-4)
    assert figures["single_bidder"]["reference"]["france_2021"] == 0.19


def test_origin_shares_by_count_and_value(db):
    overall = compute_report(db)["origin"]["overall"]
    classes = overall["classes"]
    assert {k: v["awards"] for k, v in classes.items() if v["awards"]} == {"FR": 2, "EU_EEA": 1, "UNCOVERED": 1,
                                                                           "UNKNOWN": 1}
    assert classes["FR"]["share"] == 0.4
    assert overall["value_eur"] == 1_300_000
    assert classes["FR"]["value_eur"] == 1_000_000  # the group's award counted once, split between members
    assert classes["FR"]["value_share"] == pytest.approx(0.7692, abs=1e-4)
    assert classes["EU_EEA"]["value_eur"] == 0  # its award is in a currency without a rate: left out…
    assert overall["awards_without_eur_value"] == 2  # …and counted, with the award that has no value
    assert overall["unclassified"] == 1


def test_breakdowns_top_winners_and_ranking(db):
    figures = compute_report(db)
    assert {k: v["awards"] for k, v in figures["origin"]["by_year"].items()} == {"2023": 1, "2024": 4}
    assert set(figures["origin"]["by_buyer_country"]) == {"FR", "DE"}
    assert set(figures["origin"]["by_cpv"]) == {"33", "45"}
    assert {w["name"] for w in figures["top_winners"]["FR"]} == {"Colas", "Eiffage"}
    assert [t["id"] for t in figures["ranked_tenders"]] == ["00000001-2023", "00000002-2024"]
    assert figures["ranked_tenders"][0]["benefit_reasons"] == ["reason 80"]


def test_filters(db):
    assert compute_report(db, {"buyer_country": "FR"})["counts"] == {"notices": 3, "results": 3, "winners": 4}
    assert compute_report(db, {"year": 2023, "cpv": "33"})["counts"]["notices"] == 1
    assert compute_report(db, {"buyer": "Köln"})["counts"]["notices"] == 1


def test_text_and_cli(db, tmp_path):
    text = render_text(compute_report(db))
    assert "Single bidder" in text and "33.3%" in text and "00000001-2023" in text
    runner = CliRunner()
    result = runner.invoke(main, ["report", "--db", str(tmp_path / "report.db"), "--json", "--buyer-country", "FR"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"]["notices"] == 3
    result = runner.invoke(main, ["report", "--db", str(tmp_path / "report.db"), "--year", "2024"])
    assert result.exit_code == 0 and "Origin of winners: 4 awards" in result.output
    missing = runner.invoke(main, ["report", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "does not exist" in missing.output


def test_scoreboard_data_is_strict(tmp_path):
    from reciprocity.rules.data import SCHEMAS, load_yaml

    bad = tmp_path / "scoreboard.yaml"
    bad.write_text("source: x\nindicators:\n  single_bidder: {label: x, colour: red}\n", encoding="utf-8")
    with pytest.raises(RuleDataError, match="colour"):
        load_yaml("scoreboard", SCHEMAS["scoreboard"], tmp_path)


def test_every_scoreboard_reference_has_a_source():
    for entry in report_module.scoreboard()["indicators"].values():
        assert entry["source"]


def _rows_as_frames(db) -> dict:
    """The store's rows as narrow pandas frames, as a Parquet dataset of `assessment_rows` tables would give."""
    import pandas as pd

    def frame(sql: str) -> pd.DataFrame:
        cursor = db.execute(sql)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=[d[0] for d in cursor.description])

    return {"notices": frame("SELECT id, year, buyer_country, cpv_division, kind, buyer_name, lots_count,"
                             " buyer_identifiers, cpv_main, winners_count FROM notices"),
            "results": frame("SELECT notice_id, position, received_total, received_sme, value, value_eur,"
                             " winners_count FROM results"),
            "winners": frame("SELECT notice_id, result, origin_class, sme, identifiers, name, country, entity_id"
                             " FROM winners")}


def test_the_same_report_from_sql_cubes_materialised_cubes_and_pandas_frames(db):
    from reciprocity.audit import aggregates
    from reciprocity.audit.stats import cubes_from_frames, report_from_cubes

    live = compute_report(db)
    assert not aggregates.is_current(db)
    aggregates.refresh(db)
    assert aggregates.is_current(db)
    assert compute_report(db) == live
    assert compute_report(db, {"year": 2024, "buyer_country": "fr"}) == {
        **compute_report(db, {"year": 2024, "buyer_country": "fr", "buyer": ""}), "filters": {"year": 2024,
                                                                                             "buyer_country": "fr"}}
    from_frames = report_from_cubes(cubes_from_frames(_rows_as_frames(db)), None, live["ranked_tenders"])
    assert json.dumps(from_frames, sort_keys=True) == json.dumps(live, sort_keys=True)


def test_materialised_cubes_are_not_read_once_the_store_changed(db):
    from reciprocity.audit import aggregates

    aggregates.refresh(db)
    before = compute_report(db)["counts"]["notices"]
    store(db, make_assessment("00000009-2024"))
    assert not aggregates.is_current(db)
    assert compute_report(db)["counts"]["notices"] == before + 1


def test_cube_filters_agree_with_the_rows(db):
    from reciprocity.audit import aggregates

    aggregates.refresh(db)
    for filters in ({"year": 2024}, {"buyer_country": "DE"}, {"cpv": "45"}, {"kind": "result"},
                    {"year": 2024, "buyer_country": "fr"}, {"year": 1999}, {"year": 2024, "kind": "result"}):
        from_cube = compute_report(db, filters)
        aggregates_cubes = aggregates.stored_cubes(db, filters)
        assert aggregates_cubes is not None
        live = report_from_cubes_live(db, filters)
        assert from_cube == live, filters


def report_from_cubes_live(db, filters):
    from reciprocity.audit import aggregates
    from reciprocity.audit.stats import ranked_tenders, report_from_cubes

    return report_from_cubes(aggregates.compute_cubes(db, filters), filters, ranked_tenders(db, filters))


def test_the_top_winners_and_buyers_of_a_year_or_country_are_read_not_recomputed(db, monkeypatch):
    """The overview's filters (year, buyer country; French buyers by default) read the stored top-k."""
    from reciprocity.audit import aggregates

    aggregates.refresh(db)
    expected = {str(f): report_from_cubes_live(db, f) for f in ({"year": 2024}, {"buyer_country": "FR"})}

    def recomputed(*args):
        raise AssertionError("top-k recomputed")

    monkeypatch.setattr(aggregates, "compute_top", recomputed)
    for filters in ({"year": 2024}, {"buyer_country": "FR"}):
        assert compute_report(db, filters) == expected[str(filters)]
        assert not aggregates.stored_cubes(db, filters)["top"].empty
