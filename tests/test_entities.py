"""Grouping winners: identifiers first, then normalised names per country; scores stored for review."""

from __future__ import annotations

import json

import pytest
from sqlite_utils import Database

from reciprocity.audit.entities import group_winners, identifier_keys, normalise_name
from reciprocity.audit.store import ensure_schema


@pytest.mark.parametrize(("raw", "expected"), [
    ("Siemens Mobility SAS", "siemens mobility"),
    ("SIEMENS MOBILITY", "siemens mobility"),
    ("S.A.S. Élan Bâtiment", "elan batiment"),
    ("ÉLECTRICITÉ GÉNÉRALE LYONNAISE S.A.R.L.", "electricite generale lyonnaise"),
    ("Müller Bau GmbH & Co. KG", "muller bau"),
    ("Acme Ltd.", "acme"),
    ("Impresa Rossi S.p.A.", "impresa rossi"),
    ("Van Dijk B.V.", "van dijk"),
    ("", ""),
    (None, ""),
])
def test_normalise_name(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(("identifiers", "types", "country", "expected"), [
    (["552 100 554 00013"], [None], "FR", ["SIREN:552100554"]),  # SIRET -> its SIREN
    (["55210055400021"], ["SIRET"], None, ["SIREN:552100554"]),  # another establishment, same SIREN
    (["FR40303265045"], [None], "FR", ["SIREN:303265045"]),  # FR VAT: key + SIREN
    (["SIRET: 55210055400013", "FR37552100554"], [None, None], "FR", ["SIREN:552100554"]),  # one key, not two
    (["DE129273398"], ["TVA"], "DE", ["VAT:DE129273398"]),
    (["HRB 12345"], [None], "DE", ["ID:DE:HRB12345"]),
    (["0", "N/A", "00000000000000"], [None, None, None], "FR", []),  # placeholders are no identifier
])
def test_identifier_keys(identifiers, types, country, expected):
    assert identifier_keys(identifiers, types, country) == expected


def _db(winners: list[dict]) -> Database:
    db = Database(memory=True)
    ensure_schema(db)
    rows = []
    for i, winner in enumerate(winners):
        rows.append({"notice_id": f"n{i}", "result": 0, "position": 0,
                     "name": winner["name"], "country": winner.get("country"), "postcode": winner.get("postcode"),
                     "identifiers": json.dumps(winner.get("ids", [])), "identifier_types": "[]"})
    db["winners"].insert_all(rows)
    group_winners(db)
    return db


def _winner_id(row: dict) -> str:
    return f"{row['notice_id']}#R{row['result']}W{row['position']}"


def _entity_of(db: Database) -> dict[str, str]:
    return {_winner_id(row): row["entity_id"] for row in db["winners"].rows}


def _winner(db: Database, winner_id: str) -> dict:
    return next(row for row in db["winners"].rows if _winner_id(row) == winner_id)


def test_legal_forms_and_case_group_together():
    db = _db([{"name": "Siemens Mobility SAS", "country": "FR"}, {"name": "SIEMENS MOBILITY", "country": "FR"},
              {"name": "Siemens Mobility S.A.S.", "country": "FR"}])
    assert len(set(_entity_of(db).values())) == 1
    methods = {row["entity_method"] for row in db["winners"].rows}
    assert methods == {"name-exact"}


def test_accents_group_together_and_country_blocks():
    db = _db([{"name": "Électricité Générale Lyonnaise", "country": "FR"},
              {"name": "ELECTRICITE GENERALE LYONNAISE SARL", "country": "FR"},
              {"name": "Electricite Generale Lyonnaise", "country": "BE"},  # another country: another entity
              {"name": "Electricite Generale Lyonnaise", "country": None}])  # never given a country from a name
    entity = _entity_of(db)
    assert entity["n0#R0W0"] == entity["n1#R0W0"]
    assert len({entity["n0#R0W0"], entity["n2#R0W0"], entity["n3#R0W0"]}) == 3
    countries = {row["id"]: row["country"] for row in db["entities"].rows}
    assert countries[entity["n3#R0W0"]] is None


def test_identifiers_win_over_names():
    db = _db([{"name": "Acme SAS", "country": "FR", "ids": ["55210055400013"]},
              {"name": "ACME", "country": "FR", "ids": ["30326504500014"]},  # same name, other SIREN
              {"name": "Société Totalement Différente", "country": "FR", "ids": ["55210055400021"]}])  # same SIREN
    entity = _entity_of(db)
    assert entity["n0#R0W0"] != entity["n1#R0W0"]
    assert entity["n0#R0W0"] == entity["n2#R0W0"]
    row = _winner(db, "n2#R0W0")
    assert (row["entity_method"], row["entity_score"], row["entity_matched"]) == ("identifier", 100.0,
                                                                                  "SIREN:552100554")


def test_fuzzy_names_join_with_their_score_and_postcodes_block():
    db = _db([{"name": "Bluefors Cryogenics Oy", "country": "FI"},
              {"name": "BlueFors Cryogenetics Ltd", "country": "FI"},
              {"name": "Dupont Travaux Publics", "country": "FR", "postcode": "69001"},
              {"name": "Dupond Travaux Publics", "country": "FR", "postcode": "13001"}])
    entity = _entity_of(db)
    assert entity["n0#R0W0"] == entity["n1#R0W0"]
    fuzzy = _winner(db, "n1#R0W0")
    assert fuzzy["entity_method"] == "name-fuzzy" and 92 <= fuzzy["entity_score"] < 100
    assert fuzzy["entity_matched"] == "bluefors cryogenics"
    assert entity["n2#R0W0"] != entity["n3#R0W0"]  # close names, different known postcodes


def test_grouping_is_stable_across_runs():
    winners = [{"name": "Colas", "country": "FR", "ids": ["55210055400013"]}, {"name": "COLAS SA", "country": "FR"},
               {"name": "Eurovia", "country": "FR"}]
    first, second = _db(winners), _db(list(reversed(winners)))
    names = {row["name"]: row["entity_id"] for row in first["winners"].rows}
    again = {row["name"]: row["entity_id"] for row in second["winners"].rows}
    assert names == again
    assert names["Colas"] == names["COLAS SA"] != names["Eurovia"]
    assert first["entities"].count == 2
    group_winners(first)  # rerunning changes nothing
    assert {row["name"]: row["entity_id"] for row in first["winners"].rows} == names
    assert first["entities"].count == 2


def test_grouping_is_needed_only_when_winners_changed():
    from reciprocity.audit.entities import needs_grouping

    db = _db([{"name": "Colas", "country": "FR"}])
    assert not needs_grouping(db)
    db["winners"].insert({"notice_id": "new", "result": 0, "position": 0, "name": "Colas SA",
                          "country": "FR", "identifiers": "[]", "identifier_types": "[]"})
    assert needs_grouping(db)
    group_winners(db)
    assert not needs_grouping(db) and db["entities"].count == 1


def test_grouping_is_incremental_and_follows_replaced_notices(tmp_path):
    """Only winners without an entity are matched; an entity that lost its winners with a replaced notice goes."""
    from test_store import make_assessment, store

    from reciprocity.audit.store import open_db

    db = open_db(tmp_path / "grouping.db")
    store(db, make_assessment("00000001-2024", winners=[("Colas SAS", "FR", "FR", ["55210055400013"])]),
          make_assessment("00000002-2024", winners=[("Eurovia", "FR", "FR", [])]))
    assert group_winners(db) == {"winners": 2, "entities": 2}
    colas = db.execute("SELECT entity_id FROM winners WHERE name = 'Colas SAS'").fetchone()[0]
    store(db, make_assessment("00000003-2024", winners=[("COLAS", "FR", "FR", [])]))
    assert group_winners(db) == {"winners": 1, "entities": 2}  # one new winner, matched by name
    assert db.execute("SELECT entity_id FROM winners WHERE name = 'COLAS'").fetchone()[0] == colas
    assert db["entities"].get(colas)["members"] == 2
    store(db, make_assessment("00000002-2024", version="2", winners=[("Spie Batignolles", "FR", "FR", [])]))
    assert group_winners(db) == {"winners": 1, "entities": 2}  # Eurovia's entity had no winner left
    assert {row["name"] for row in db["entities"].rows} == {"COLAS", "Spie Batignolles"}  # ties: first by name
    full = group_winners(db, full=True)
    assert full == {"winners": 3, "entities": 2}
    assert db.execute("SELECT entity_id FROM winners WHERE name = 'COLAS'").fetchone()[0] == colas
