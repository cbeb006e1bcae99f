"""reciprocity.draft: the short form builds the same Notice shape the parsers give, and assess() reads it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reciprocity import assess
from reciprocity.draft import DraftError, build_notice

pytest_plugins = ["web_fixtures"]  # client, for the form page

FULL = {
    "buyer_name": "Métropole de Lyon", "buyer_country": "FR", "buyer_legal_type": "la", "title": "Voirie 2026",
    "contract_nature": "works", "cpv_main": "45233140-2", "estimated_value": "7 500 000,50", "currency": "EUR",
    "procedure_type": "open", "dispatch_date": "2026-03-02", "tender_deadline": "2026-03-20", "lots_count": "3",
    "all_lots_required": "yes", "min_turnover": "30000000", "electronic_submission": "not-allowed",
    "award_criteria": [{"type": "price", "name": "Prix", "weight": "60"},
                       {"type": "quality", "name": "Valeur technique", "weight": "40"},
                       {"type": "", "name": "", "weight": ""}],
}


def test_full_form_fills_the_notice():
    notice = build_notice(FULL)
    assert (notice.source_format, notice.kind) == ("form", "competition")
    assert notice.id.startswith("draft-") and notice.id == build_notice(dict(FULL)).id
    assert notice.buyer.country == "FR" and notice.buyer.legal_type == "la"
    proc = notice.procedure
    assert proc.cpv_main == "45233140" and proc.estimated_value.amount == Decimal("7500000.50")
    assert proc.type == "open" and proc.contract_nature == "works" and proc.all_lots_required is True
    assert proc.electronic_submission is False and proc.tender_deadline == date(2026, 3, 20)
    assert notice.dispatch_date == date(2026, 3, 2)
    assert [lot.id for lot in notice.lots] == ["LOT-0001", "LOT-0002", "LOT-0003"]
    lot = notice.lots[0]
    assert lot.estimated_value is None  # the split between lots is not asked, so not guessed
    assert [(c.type, c.weight) for c in lot.award_criteria] == [("price", Decimal("60")), ("quality", Decimal("40"))]
    assert lot.selection_criteria[0].min_turnover.amount == Decimal("30000000")
    assert lot.electronic_submission == "not-allowed"
    assert notice.parse_warnings == []


def test_blank_fields_are_null_with_a_warning_never_guessed():
    notice = build_notice({"buyer_country": "FR"}, today=date(2026, 1, 5))
    assert notice.dispatch_date == date(2026, 1, 5)  # a draft is judged on the rules in force today
    assert notice.procedure.cpv_main is None and notice.procedure.estimated_value is None
    assert len(notice.lots) == 1 and notice.lots[0].award_criteria == []
    assert "cpv_main: not given in the form" in notice.parse_warnings


def test_single_lot_carries_the_procedure_value():
    notice = build_notice({"estimated_value": "1000", "lots_count": "1"})
    assert notice.lots[0].estimated_value == notice.procedure.estimated_value


@pytest.mark.parametrize("field, value", [
    ("buyer_country", "XX"), ("cpv_main", "3310"), ("estimated_value", "-5"), ("estimated_value", "abc"),
    ("procedure_type", "secret"), ("lots_count", "0"), ("lots_count", "many"), ("dispatch_date", "2026-13-01"),
    ("currency", "XYZ"), ("all_lots_required", "maybe"), ("buyer_legal_type", "king"), ("surprise", "1"),
])
def test_invalid_values_name_their_field(field, value):
    with pytest.raises(DraftError) as error:
        build_notice({field: value})
    assert error.value.field == field and error.value.code == "invalid-draft"


def test_deadline_before_dispatch_is_refused():
    with pytest.raises(DraftError, match="tender_deadline"):
        build_notice({"dispatch_date": "2026-03-02", "tender_deadline": "2026-03-01"})


def test_bad_weight_names_its_row():
    with pytest.raises(DraftError) as error:
        build_notice({"award_criteria": [{"type": "price", "weight": "lots"}]})
    assert error.value.field == "award_criteria[0].weight"


def test_draft_runs_through_the_same_assess():
    notice = build_notice({**FULL, "lots_count": "3", "all_lots_required": "yes"})
    codes = {f.code: f.status for f in assess(notice, today=date(2026, 3, 2)).findings}
    assert codes["SME-ALL-LOTS-REQUIRED"] == "flagged"
    assert codes["SME-NO-ESUBMISSION"] == "flagged"
    assert codes["SME-SHORT-DEADLINE"] == "flagged"  # 18 days for an open procedure


def test_ipi_draft_is_flagged():
    notice = build_notice({"buyer_country": "FR", "buyer_legal_type": "body-pl", "contract_nature": "supplies",
                           "cpv_main": "33100000", "estimated_value": "6000000", "procedure_type": "open",
                           "dispatch_date": "2025-09-01", "tender_deadline": "2025-10-20"})
    statuses = {f.code: f.status for f in assess(notice).findings}
    assert statuses["IPI-MEDICAL-DEVICES"] == "flagged"


def test_every_wrong_field_is_reported_at_once():
    with pytest.raises(DraftError) as error:
        build_notice({"cpv_main": "3310", "estimated_value": "abc", "lots_count": "0", "dispatch_date": "2026-13-01",
                      "lot_values": ["1000", "x"], "advance_rate": "150",
                      "award_criteria": [{"type": "price", "weight": "lots"}]})
    fields = [e.field for e in error.value.errors]
    assert sorted(fields) == sorted(["dispatch_date", "cpv_main", "estimated_value", "advance_rate", "lot_values[1]",
                                     "lots_count", "award_criteria[0].weight"])
    assert {e.key for e in error.value.errors} >= {"not-a-cpv", "not-a-number", "out-of-range", "not-a-date"}


def test_short_form_states_what_its_advice_asks_for():
    notice = build_notice({**FULL, "lots_count": "3", "lot_values": ["2000000", "3000000", "2500000.50"],
                           "sme_suitable": "yes", "third_country_clause": "excluded", "advance_rate": "20",
                           "legal_basis": "32014L0024", "buyer_activity": "gen-pub"})
    assert [lot.estimated_value.amount for lot in notice.lots] == [Decimal("2000000"), Decimal("3000000"),
                                                                   Decimal("2500000.50")]
    assert all(lot.sme_suitable for lot in notice.lots)
    assert notice.procedure.legal_basis == "32014L0024" and notice.buyer.activity == "gen-pub"
    assert notice.procedure.advance_rate == Decimal("0.2")
    assessment = assess(notice, today=date(2026, 3, 2))
    statuses = {(f.code, f.lot): f.status for f in assessment.findings}
    assert statuses[("RECIP-KOLIN-OPTION", None)] == "passed"  # the clause the buyer announced is found
    assert statuses[("SME-NOT-FLAGGED-SUITABLE", "LOT-0001")] == "passed"
    assert assessment.sme_score["components"]["advance_payment"]["value"] == 1.0


def test_no_clause_leaves_the_kolin_finding_flagged():
    for choice in ("none", None):
        notice = build_notice({**FULL, "third_country_clause": choice})
        assert notice.procedure.additional_info is None
        assert {f.code: f.status for f in assess(notice).findings}["RECIP-KOLIN-OPTION"] == "flagged"


def test_lot_values_must_match_the_number_of_lots():
    with pytest.raises(DraftError) as error:
        build_notice({"lots_count": "3", "lot_values": ["10", "20"]})
    assert error.value.field == "lot_values" and error.value.key == "lots-mismatch"
    assert len(build_notice({"lot_values": ["10", "20", ""]}).lots) == 2  # the rows typed give the count


def test_the_page_shows_each_error_beside_its_field_and_keeps_the_values(client):
    response = client.post("/check/draft", data={"d-buyer_name": "Ville de Test", "d-cpv_main": "3310",
                                                 "d-lots_count": "0", "d-award_criteria-0-type": "price",
                                                 "d-award_criteria-0-weight": "lots"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="draft-errors"' in html
    cpv = html[html.index('id="d-cpv_main"'):]
    assert cpv.index("n&#39;est pas un code CPV (8 chiffres)") < cpv.index("</p>")  # beside its field
    weight = html[html.index('id="d-award_criteria-0-weight"'):]
    assert weight.index("« lots » n&#39;est pas un nombre") < weight.index("</td>")
    assert 'value="Ville de Test"' in html and 'value="3310"' in html and 'aria-invalid="true"' in html
    english = client.post("/check/draft?lang=en", data={"d-cpv_main": "3310"}).get_data(as_text=True)
    assert "“3310” is not a CPV code (8 digits)" in english


def test_choices_are_labelled_code_lists(client):
    html = client.get("/check").get_data(as_text=True)
    assert '<option value="32014L0025" >Directive 2014/25/UE</option>' in html
    assert '<option value="excluded" >Offres écartées</option>' in html
    assert '<option value="DE" >Allemagne</option>' in html and 'name="d-buyer_country"' in html
    assert 'name="d-lot_values-9"' in html and 'name="d-advance_rate"' in html and 'name="d-sme_suitable"' in html
