"""Unit tests of the SME and competition rules on notices built in code: each rule's statuses, the edges
(exactly at the cap or threshold, the 2026-01-01 cap change, other currencies, missing values, one faulty lot
among several), the SME score, and the strictness of sme.yaml."""

from __future__ import annotations

import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from reciprocity.errors import RuleDataError
from reciprocity.model import (
    AwardCriterion,
    Finding,
    Lot,
    LotResult,
    Money,
    Notice,
    Organisation,
    Procedure,
    Received,
    SelectionCriterion,
)
from reciprocity.rules import competition, sme_deadline, sme_lots, sme_score, sme_tender, sme_turnover
from reciprocity.rules.base import Context
from reciprocity.rules.data import DATA_DIR, RuleData, load_rule_data
from reciprocity.rules.sme_common import sme_rules

SUB_CENTRAL = {"buyer_category": "sub-central", "nature": "services"}


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def lot(lot_id: str = "LOT-0001", value: str | None = "1000000", **fields) -> Lot:
    return Lot(id=lot_id, estimated_value=eur(value) if value else None, **fields)


def notice(lots: list[Lot] | None = None, kind: str = "competition", dispatch: date | None = date(2026, 3, 2),
           source_format: str = "eforms", **procedure) -> Notice:
    procedure.setdefault("type", "open")
    procedure.setdefault("contract_nature", "services")
    return Notice(id="test", source_format=source_format, kind=kind, dispatch_date=dispatch,
                  procedure=Procedure(**procedure), lots=lots if lots is not None else [lot()])


def run(module, notice_: Notice, coverage: dict | None = None) -> list[Finding]:
    ctx = Context(notice_, load_rule_data(), notice_.dispatch_date or date(2026, 3, 2),
                  coverage=dict(SUB_CENTRAL if coverage is None else coverage))
    return module.check(ctx)


def only(findings: list[Finding], code: str, lot_id: str | None = "any") -> Finding:
    matching = [f for f in findings if f.code == code and (lot_id == "any" or f.lot == lot_id)]
    assert len(matching) == 1, matching
    return matching[0]


# -- SME-NO-LOTS ---------------------------------------------------------------------------------------------


def test_single_lot_exactly_at_threshold_is_flagged() -> None:
    # sub-central services threshold from 2026-01-01: EUR 216 000; "at or above" includes equality
    found = only(run(sme_lots, notice([lot(value="216000")])), "SME-NO-LOTS")
    assert (found.status, found.severity) == ("flagged", "warning")
    assert found.evidence["threshold_eur"] == "216000"
    assert "L2113-10" in found.legal_ref and found.recommendation


def test_single_lot_one_euro_below_threshold_passes() -> None:
    found = only(run(sme_lots, notice([lot(value="215999")])), "SME-NO-LOTS")
    assert found.status == "passed"
    assert "below the EU threshold" in found.message


def test_threshold_follows_dispatch_date() -> None:
    # EUR 220 000 is above the 2026 threshold (216 000) but below the 2024-2025 one (221 000)
    before = only(run(sme_lots, notice([lot(value="220000")], dispatch=date(2025, 12, 31))), "SME-NO-LOTS")
    after = only(run(sme_lots, notice([lot(value="220000")], dispatch=date(2026, 1, 1))), "SME-NO-LOTS")
    assert (before.status, after.status) == ("passed", "flagged")


def test_several_lots_pass_and_defence_is_exempt() -> None:
    assert only(run(sme_lots, notice([lot("LOT-0001"), lot("LOT-0002")])), "SME-NO-LOTS").status == "passed"
    defence = notice(legal_basis="32009L0081")
    assert only(run(sme_lots, defence), "SME-NO-LOTS").status == "not-applicable"


def test_missing_value_is_insufficient_data() -> None:
    found = only(run(sme_lots, notice([lot(value=None)])), "SME-NO-LOTS")
    assert found.status == "insufficient-data"
    assert found.evidence["missing"] == ["estimated_value"]


def test_non_eur_value_is_converted_with_dated_rate() -> None:
    # 2019: GBP rate 0.8204 per EUR; GBP 200 000 = EUR 243 783 >= 221 000 (sub-central services 2018-2019)
    gbp = notice([Lot(id="LOT-1", estimated_value=Money(Decimal("200000"), "GBP"))], dispatch=date(2019, 5, 6))
    found = only(run(sme_lots, gbp), "SME-NO-LOTS")
    assert found.status == "flagged"
    assert Decimal(found.evidence["value_eur"]) == Decimal("243783.52")


def test_non_eur_value_without_rate_is_insufficient() -> None:
    gbp = notice([Lot(id="LOT-1", estimated_value=Money(Decimal("900000"), "GBP"))])
    assert only(run(sme_lots, gbp), "SME-NO-LOTS").status == "insufficient-data"


def test_decp_contract_is_not_judged_on_lots() -> None:
    decp = notice([lot(value="900000")], kind="result", source_format="decp")
    assert only(run(sme_lots, decp), "SME-NO-LOTS").status == "not-applicable"


def test_result_notice_reads_lots_as_info_and_planning_is_not_applicable() -> None:
    assert only(run(sme_lots, notice(kind="result")), "SME-NO-LOTS").severity == "info"
    assert only(run(sme_lots, notice(kind="planning")), "SME-NO-LOTS").status == "not-applicable"


# -- SME-ALL-LOTS-REQUIRED -----------------------------------------------------------------------------------


def test_all_lots_required() -> None:
    three = [lot(f"LOT-000{i}") for i in (1, 2, 3)]
    flagged = only(run(sme_lots, notice(three, all_lots_required=True)), "SME-ALL-LOTS-REQUIRED")
    assert flagged.status == "flagged" and "3 lots" in flagged.message
    passed = only(run(sme_lots, notice(three, all_lots_required=False, max_lots_per_tenderer=1)),
                  "SME-ALL-LOTS-REQUIRED")
    assert passed.status == "passed"
    assert only(run(sme_lots, notice(three)), "SME-ALL-LOTS-REQUIRED").status == "insufficient-data"
    assert only(run(sme_lots, notice(all_lots_required=True)), "SME-ALL-LOTS-REQUIRED").status == "not-applicable"


# -- SME-TURNOVER-CAP ----------------------------------------------------------------------------------------


def turnover_lot(lot_id: str, value: str, text: str | None = None, structured: Money | None = None) -> Lot:
    return lot(lot_id, value, selection_criteria=[SelectionCriterion("ef-stand", text, structured)])


def test_turnover_exactly_at_cap_passes_and_above_is_flagged() -> None:
    at_cap = notice([turnover_lot("LOT-1", "500000", "Chiffre d'affaires annuel minimum de 1 000 000 € HT")],
                    dispatch=date(2025, 12, 31))
    above = notice([turnover_lot("LOT-1", "500000", "Chiffre d'affaires annuel minimum de 1 000 001 € HT")],
                   dispatch=date(2025, 12, 31))
    assert only(run(sme_turnover, at_cap), "SME-TURNOVER-CAP").status == "passed"
    flagged = only(run(sme_turnover, above), "SME-TURNOVER-CAP")
    # a warning, not a problem: a higher level stays lawful when justified in the documents (R2142-7, rules-2026 §7)
    assert (flagged.status, flagged.severity) == ("flagged", "warning")
    assert flagged.evidence["cap_eur"] == "1000000.00" and flagged.evidence["multiple"] == "2"


def test_cap_switches_to_one_and_a_half_on_2026_01_01() -> None:
    text = "Minimum annual turnover of EUR 1.8 million"  # 1.8x the value
    on_last_day = notice([turnover_lot("LOT-1", "1000000", text)], dispatch=date(2025, 12, 31))
    on_first_day = notice([turnover_lot("LOT-1", "1000000", text)], dispatch=date(2026, 1, 1))
    assert only(run(sme_turnover, on_last_day), "SME-TURNOVER-CAP").status == "passed"
    flagged = only(run(sme_turnover, on_first_day), "SME-TURNOVER-CAP")
    assert flagged.status == "flagged"
    assert flagged.evidence["multiple"] == "1.5" and "1.5" in flagged.message


def test_only_the_faulty_lot_is_flagged() -> None:
    lots = [turnover_lot("LOT-1", "2000000", "Chiffre d'affaires annuel minimum : 2 000 000 €"),
            turnover_lot("LOT-2", "100000", "Chiffre d'affaires annuel minimum : 400 000 €")]
    findings = run(sme_turnover, notice(lots))
    assert only(findings, "SME-TURNOVER-CAP", "LOT-1").status == "passed"
    assert only(findings, "SME-TURNOVER-CAP", "LOT-2").status == "flagged"


def test_turnover_stated_for_other_lots_is_not_applied() -> None:
    # TED copies the procedure's LEFTI text to every lot: a figure "for lots 1 and 2" says nothing of lot 3
    text = "Le chiffre d'affaires annuel minimum exigé des candidats au lot 1 et au lot 2 est de 800 000 EUR."
    lots = [turnover_lot(str(i), value, text) for i, value in ((1, "600000"), (2, "300000"), (3, "50000"))]
    findings = run(sme_turnover, notice(lots, source_format="ted"))
    assert [f.status for f in findings] == ["passed", "flagged", "insufficient-data"]


def test_structured_bt752_amount_wins_over_text() -> None:
    structured = turnover_lot("LOT-1", "100000", "Chiffre d'affaires minimum de 100 000 €", eur("300000"))
    found = only(run(sme_turnover, notice([structured])), "SME-TURNOVER-CAP")
    assert found.status == "flagged" and found.evidence["turnover_read_from"] == "BT-752"


def test_turnover_in_other_currency_is_converted() -> None:
    # GBP 500 000 = EUR 609 459 at the 2018-2019 rate, value EUR 250 000, cap 2x = 500 000 -> flagged
    text = "A minimum annual turnover of £500k is required."
    found = only(run(sme_turnover, notice([turnover_lot("LOT-1", "250000", text)], dispatch=date(2019, 2, 1))),
                 "SME-TURNOVER-CAP")
    assert found.status == "flagged"
    assert found.evidence["required_turnover"] == {"amount": "500000", "currency": "GBP"}


def test_turnover_missing_pieces() -> None:
    no_value = notice([turnover_lot("LOT-1", None, "Chiffre d'affaires annuel minimum de 900 000 €")],
                      estimated_value=None)
    assert only(run(sme_turnover, no_value), "SME-TURNOVER-CAP").status == "insufficient-data"
    no_amount = notice([turnover_lot("LOT-1", "100000", "Déclaration concernant le chiffre d'affaires global")])
    assert only(run(sme_turnover, no_amount), "SME-TURNOVER-CAP").status == "insufficient-data"
    no_criteria = notice([lot("LOT-1", "100000")])
    assert only(run(sme_turnover, no_criteria), "SME-TURNOVER-CAP").status == "insufficient-data"
    no_turnover = notice([turnover_lot("LOT-1", "100000", "Attestation d'assurance professionnelle.")])
    assert only(run(sme_turnover, no_turnover), "SME-TURNOVER-CAP").status == "passed"
    only_suitability = notice([lot("LOT-1", "100000", selection_criteria=[
        SelectionCriterion("suitability", "Inscription au registre du commerce et des sociétés.")])])
    assert only(run(sme_turnover, only_suitability), "SME-TURNOVER-CAP").status == "insufficient-data"


def test_turnover_not_applicable_on_results() -> None:
    result = notice([turnover_lot("LOT-1", "100000", "Minimum turnover EUR 5m")], kind="result")
    assert only(run(sme_turnover, result), "SME-TURNOVER-CAP").status == "not-applicable"


# -- SME-SHORT-DEADLINE --------------------------------------------------------------------------------------


def deadline_notice(days: int, esub: str | None = "required", **procedure) -> Notice:
    dispatch = date(2026, 3, 2)
    lots = [lot(electronic_submission=esub)]
    return notice(lots, dispatch=dispatch, tender_deadline=date.fromordinal(dispatch.toordinal() + days),
                  **procedure)


def test_open_procedure_minimums() -> None:
    assert only(run(sme_deadline, deadline_notice(30)), "SME-SHORT-DEADLINE").status == "passed"
    reducible = only(run(sme_deadline, deadline_notice(29)), "SME-SHORT-DEADLINE")
    assert (reducible.status, reducible.severity) == ("flagged", "warning")  # a PIN could allow 15 days
    assert "prior information notice" in reducible.message
    short = only(run(sme_deadline, deadline_notice(14)), "SME-SHORT-DEADLINE")
    assert (short.status, short.severity) == ("flagged", "problem")
    paper = only(run(sme_deadline, deadline_notice(33, esub="not-allowed")), "SME-SHORT-DEADLINE")
    assert paper.status == "flagged" and paper.evidence["minimum_days"] == 35
    accelerated = only(run(sme_deadline, deadline_notice(15, accelerated=True)), "SME-SHORT-DEADLINE")
    assert accelerated.status == "passed"


def test_deadline_below_threshold_is_not_applicable_and_unknown_value_insufficient() -> None:
    mapa = notice([lot(value="90000")], tender_deadline=date(2026, 3, 12))
    found = only(run(sme_deadline, mapa), "SME-SHORT-DEADLINE")
    assert found.status == "not-applicable" and "MAPA" in found.message
    unknown = notice([lot(value=None)], tender_deadline=date(2026, 3, 12))
    assert only(run(sme_deadline, unknown), "SME-SHORT-DEADLINE").status == "insufficient-data"


def test_restricted_uses_request_deadline_with_unconfirmed_confidence() -> None:
    restricted = notice(type="restricted", request_deadline=date(2026, 3, 20), tender_deadline=date(2026, 5, 1))
    found = only(run(sme_deadline, restricted), "SME-SHORT-DEADLINE")
    assert (found.status, found.confidence) == ("flagged", "unconfirmed")
    assert found.evidence["days"] == 18 and found.evidence["minimum_days"] == 30
    utilities = only(run(sme_deadline, restricted, {"buyer_category": "utilities", "nature": "services"}),
                     "SME-SHORT-DEADLINE")
    assert utilities.status == "passed"  # 15 days for an entité adjudicatrice
    no_request = notice(type="restricted", tender_deadline=date(2026, 5, 1))
    assert only(run(sme_deadline, no_request), "SME-SHORT-DEADLINE").status == "insufficient-data"


def test_defence_restricted_requests() -> None:
    defence = notice([lot(value="1000000", electronic_submission="required")], type="restricted",
                     contract_nature="supplies", request_deadline=date(2026, 4, 1), legal_basis="32009L0081")
    found = only(run(sme_deadline, defence, {"buyer_category": "defence", "nature": "supplies"}),
                 "SME-SHORT-DEADLINE")
    assert (found.status, found.evidence["minimum_days"]) == ("passed", 30)
    assert only(run(sme_turnover, defence), "SME-TURNOVER-CAP").status == "not-applicable"


def test_lots_with_different_deadlines_are_checked_one_by_one() -> None:
    lots = [lot("LOT-1", electronic_submission="required", tender_deadline=date(2026, 4, 10)),
            lot("LOT-2", electronic_submission="required", tender_deadline=date(2026, 3, 20))]
    findings = run(sme_deadline, notice(lots))
    assert only(findings, "SME-SHORT-DEADLINE", "LOT-1").status == "passed"
    assert only(findings, "SME-SHORT-DEADLINE", "LOT-2").status == "flagged"


def test_deadline_before_dispatch_is_insufficient_data() -> None:
    found = only(run(sme_deadline, deadline_notice(-3)), "SME-SHORT-DEADLINE")
    assert found.status == "insufficient-data" and found.evidence["days"] == -3


def test_deadline_not_applicable_on_results() -> None:
    assert only(run(sme_deadline, notice(kind="result")), "SME-SHORT-DEADLINE").status == "not-applicable"


# -- per-lot tender terms ------------------------------------------------------------------------------------


def test_price_only_per_lot() -> None:
    lots = [lot("LOT-1", award_criteria=[AwardCriterion("price", weight=Decimal(100))]),
            lot("LOT-2", award_criteria=[AwardCriterion("price"), AwardCriterion("quality")]),
            lot("LOT-3")]
    findings = run(sme_tender, notice(lots))
    assert only(findings, "SME-PRICE-ONLY", "LOT-1").status == "flagged"
    assert only(findings, "SME-PRICE-ONLY", "LOT-2").status == "passed"
    assert only(findings, "SME-PRICE-ONLY", "LOT-3").status == "insufficient-data"


def test_bt726() -> None:
    lots = [lot("LOT-1", sme_suitable=True), lot("LOT-2", sme_suitable=False), lot("LOT-3")]
    findings = run(sme_tender, notice(lots))
    assert only(findings, "SME-NOT-FLAGGED-SUITABLE", "LOT-1").status == "passed"
    assert only(findings, "SME-NOT-FLAGGED-SUITABLE", "LOT-2").status == "flagged"
    absent = only(findings, "SME-NOT-FLAGGED-SUITABLE", "LOT-3")
    assert absent.status == "flagged" and "absent" in absent.message
    ted = only(run(sme_tender, notice(source_format="ted")), "SME-NOT-FLAGGED-SUITABLE")
    assert ted.status == "not-applicable" and "BT-726 does not exist" in ted.message


def test_esubmission() -> None:
    lots = [lot("LOT-1", electronic_submission="not-allowed"), lot("LOT-2", electronic_submission="allowed"),
            lot("LOT-3")]
    findings = run(sme_tender, notice(lots))
    assert only(findings, "SME-NO-ESUBMISSION", "LOT-1").status == "flagged"
    assert only(findings, "SME-NO-ESUBMISSION", "LOT-2").status == "passed"
    assert only(findings, "SME-NO-ESUBMISSION", "LOT-3").status == "insufficient-data"


# -- competition ---------------------------------------------------------------------------------------------


def result(lot_id: str, total: int | None, sme: int | None = None, winner_size: str | None = None) -> LotResult:
    winners = [Organisation(name="Menuiserie Durand SARL", country="FR", size=winner_size)]
    return LotResult(lot_id=lot_id, status="awarded", received=Received(total=total, sme=sme), winners=winners)


def test_single_bid_and_sme_bids() -> None:
    awarded = notice(kind="result")
    awarded.results = [result("LOT-1", 1, 0), result("LOT-2", 4, 2), result("LOT-3", None),
                       result("LOT-4", 3, None, "small"), result("LOT-5", 0)]
    findings = run(competition, awarded)
    assert only(findings, "COMP-SINGLE-BID", "LOT-1").status == "flagged"
    assert only(findings, "COMP-NO-SME-BIDS", "LOT-1").status == "flagged"
    assert only(findings, "COMP-SINGLE-BID", "LOT-2").status == "passed"
    assert only(findings, "COMP-NO-SME-BIDS", "LOT-2").status == "passed"
    assert only(findings, "COMP-SINGLE-BID", "LOT-3").status == "insufficient-data"
    assert only(findings, "COMP-NO-SME-BIDS", "LOT-3").status == "insufficient-data"
    assert only(findings, "COMP-NO-SME-BIDS", "LOT-4").status == "passed"  # an SME won, so one did bid
    assert only(findings, "COMP-SINGLE-BID", "LOT-5").status == "not-applicable"


def test_competition_not_applicable_without_results() -> None:
    statuses = {f.status for f in run(competition, notice())}
    assert statuses == {"not-applicable"}


# -- the SME score -------------------------------------------------------------------------------------------


def score_of(notice_: Notice, coverage: dict | None = None) -> dict | None:
    ctx = Context(notice_, load_rule_data(), notice_.dispatch_date or date(2026, 3, 2),
                  coverage=dict(SUB_CENTRAL if coverage is None else coverage))
    findings = [f for module in (sme_lots, sme_turnover, sme_deadline, sme_tender) for f in module.check(ctx)]
    return sme_score.compute(ctx, findings)


def accessible_lot(lot_id: str) -> Lot:
    return lot(lot_id, "300000", sme_suitable=True, electronic_submission="required",
               award_criteria=[AwardCriterion("price"), AwardCriterion("quality")],
               selection_criteria=[SelectionCriterion("ef-stand", "Chiffre d'affaires annuel minimum 200 000 €")])


def test_score_of_an_accessible_tender_is_100() -> None:
    good = notice([accessible_lot("LOT-1"), accessible_lot("LOT-2")], tender_deadline=date(2026, 4, 10),
                  max_lots_per_tenderer=2, all_lots_required=False)
    score = score_of(good)
    assert score["value"] == 100
    assert score["components"]["advance_payment"]["value"] is None  # no result: left out, not counted as 0


def test_score_drops_with_barriers_and_is_none_for_planning() -> None:
    bad = notice([lot("LOT-1", "1000000", sme_suitable=False, electronic_submission="required",
                      award_criteria=[AwardCriterion("price")],
                      selection_criteria=[SelectionCriterion("ef-stand", "CA minimum : 5 000 000 €")])],
                 tender_deadline=date(2026, 4, 10))
    score = score_of(bad)
    # only the deadline (15) and e-submission (10) pass among lots 20, turnover 20, deadline 15, price 15, BT-726 10
    assert score["value"] == round(100 * 25 / 90)
    assert score_of(notice(kind="planning")) is None


def _advance_notice(legal_type: str | None, duration: str = "12 MONTH", size: str | None = None) -> Notice:
    criteria = [AwardCriterion("price"), AwardCriterion("quality")]  # so that the score has another component
    decp = notice([lot(str(i), None, duration=duration, award_criteria=criteria) for i in (1, 2, 3)],
                  kind="result", source_format="decp")
    decp.buyer = Organisation(name="Acheteur", country="FR", legal_type=legal_type)
    winner = [Organisation(name="Titulaire", country="FR", size=size)]
    decp.results = [LotResult(lot_id="1", value=eur("120000"), advance_rate=Decimal("0.2"), winners=winner),
                    LotResult(lot_id="2", value=eur("80000"), advance_rate=Decimal("0"), winners=winner),
                    LotResult(lot_id="3", value=eur("30000"), advance_rate=Decimal("0"), winners=winner)]  # < 50 000
    return decp


@pytest.mark.parametrize(("legal_type", "duration", "size", "expected"), [
    ("la", "12 MONTH", None, (1, 1)),  # a local authority is bound: 20 % paid, 0 % not paid, lot 3 too small
    ("la", "2 MONTH", None, (0, 0)),  # not over 2 months: no duty
    ("pub-undert", "12 MONTH", None, (0, 0)),  # a public undertaking is not bound (L2191-1): not counted
    (None, "12 MONTH", None, (0, 0)),  # who the buyer is is unknown: not counted either way
    ("cga", "12 MONTH", "small", (0, 2)),  # State contract with an SME since 2023: 30 % minimum, 20 % is short
])
def test_advance_counts_only_where_the_duty_applies(legal_type, duration, size, expected) -> None:
    """rules-2026.md §7: the duty binds the State, its public bodies other than EPICs, local authorities and their
    public bodies, above EUR 50 000 HT and 2 months, with a 30 % minimum for State contracts with SMEs."""
    component = score_of(_advance_notice(legal_type, duration, size))["components"]["advance_payment"]
    assert (component["passed"], component["flagged"]) == expected


# -- sme.yaml is strict ----------------------------------------------------------------------------------------


def test_every_sme_rule_entry_has_a_source_and_article() -> None:
    ctx = Context(notice(), load_rule_data(), date(2026, 3, 2))
    rules = sme_rules(ctx)
    entries = [*rules["turnover_cap"]["periods"], rules["allotment"], *rules["time_limits"], rules["price_only"],
               rules["advance"]]
    assert all(entry["source"] and entry["article"] for entry in entries)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("    multiple: 1.5\n", "    multiple: 1.5\n    multiplier: 1.5\n", "turnover_cap.periods[1].multiplier"),
    ("  - from: 2026-01-01\n", "  - from: 01/01/2026\n", "turnover_cap.periods[1].from"),
])
def test_sme_yaml_errors_name_file_and_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    for path in DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    text = (tmp_path / "sme.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "sme.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    ctx = Context(notice(), RuleData(tmp_path), date(2026, 3, 2))
    with pytest.raises(RuleDataError, match=re.escape(f"sme.yaml: {message}")):
        sme_rules(ctx)
