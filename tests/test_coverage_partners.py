"""Coverage per partner (rules-2026.md §1-3) on notices built in code: sectors, phased access, light regime,
launch-date rules and the shape of the coverage block. The file-pair cases in tests/cases/ cover the rest."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reciprocity import assess
from reciprocity.model import Lot, LotResult, Money, Notice, Organisation, Procedure


def _notice(*winners: str, basis: str = "32014L0024", legal_type: str = "la", activity: str | None = None,
            nature: str = "supplies", cpv: str = "42122000", value: str = "600000", dispatch: date = date(2026, 2, 2),
            signed: date | None = None) -> Notice:
    money = Money(Decimal(value), "EUR")
    return Notice(
        id="partners", source_format="eforms", kind="result", dispatch_date=dispatch,
        buyer=Organisation(name="Acheteur", country="FR", legal_type=legal_type, activity=activity),
        procedure=Procedure(contract_nature=nature, cpv_main=cpv, legal_basis=basis, estimated_value=money),
        lots=[Lot(id=f"LOT-{i}", estimated_value=money) for i, _ in enumerate(winners, 1)],
        results=[LotResult(lot_id=f"LOT-{i}", winners=[Organisation(name=f"W{i}", country=country)],
                           value=money, contract_date=signed) for i, country in enumerate(winners, 1)])


def _by_agreement(assessment) -> dict:
    return {entry["agreement"]: entry for entry in assessment.coverage["by_agreement"]}


def test_gas_utility_gpa_leaves_the_sector_out_the_tca_covers_it_to_be_confirmed():
    assessment = assess(_notice("GB", "US", basis="32014L0025", legal_type="pub-undert", activity="gas-heat"))
    entries = _by_agreement(assessment)
    assert entries["GPA"]["covers"] is False and entries["GPA"]["confidence"] == "unconfirmed"
    assert entries["EU-UK-TCA"]["covers"] is True and entries["EU-UK-TCA"]["to_confirm"]
    gb, us = assessment.origin
    assert (gb["class"], us["class"]) == ("COVERED", "THIRD_AGREEMENT_NOT_COVERED")
    assert gb["to_confirm"] and us["to_confirm"]  # both rest on the unconfirmed sector notes
    flagged = [f for f in assessment.findings if f.code == "RECIP-UNCOVERED-WINNER" and f.status == "flagged"]
    assert [(f.lot, f.severity, f.confidence) for f in flagged] == [("LOT-2", "info", "unconfirmed")]


@pytest.mark.parametrize(("legal_type", "expected"), [("cga", "COVERED"), ("la", "THIRD_AGREEMENT_NOT_COVERED")])
def test_georgia_central_only_until_later_phases_are_read(legal_type, expected):
    assessment = assess(_notice("GE", legal_type=legal_type))
    entry = assessment.origin[0]
    assert entry["class"] == expected and entry["to_confirm"]  # the phases are unconfirmed either way


def test_legal_services_are_light_regime_outside_every_agreement():
    assessment = assess(_notice("US", nature="services", cpv="79111000", value="900000"))
    assert assessment.coverage["nature"] == "social-services"
    assert all(entry["covers"] is False for entry in assessment.coverage["by_agreement"])
    assert assessment.origin[0]["class"] == "THIRD_AGREEMENT_NOT_COVERED"


def test_gb_operator_of_a_procedure_launched_in_the_transition_period_is_eu_eea():
    launched_2020 = _notice("GB", dispatch=date(2020, 11, 2), signed=date(2021, 2, 15), value="300000")
    assert assess(launched_2020).origin[0]["class"] == "EU_EEA"


def test_chile_interim_agreement_covers_from_2025_02_01():
    covered = assess(_notice("CL", dispatch=date(2025, 3, 3)))
    assert covered.origin[0]["class"] == "COVERED" and "EU-CL-ITA" in covered.origin[0]["covering"]
    assert not covered.origin[0]["to_confirm"]  # one established agreement is enough


def test_gpa_services_not_in_the_listed_set_are_covered_to_be_confirmed():
    listed = _by_agreement(assess(_notice("US", nature="services", cpv="72212000", value="480000")))["GPA"]
    other = _by_agreement(assess(_notice("US", nature="services", cpv="77310000", value="480000")))["GPA"]
    assert listed["covers"] is True and other["covers"] is True
    assert "not among" not in str(listed["reasons"]) and "not among" in str(other["reasons"])
    assert any("only the services listed" in item["en"] for item in other["to_confirm"])


def test_the_coverage_block_explains_each_agreement():
    assessment = assess(_notice("US", legal_type="la", value="300000"))
    coverage = assessment.coverage
    covered = coverage["covered_countries"]
    assert covered == sorted(covered) and "US" in covered
    gpa = _by_agreement(assessment)["GPA"]
    assert gpa["title"]["fr"].startswith("Accord de l'OMC") and gpa["partners"]
    texts = " ".join(reason["en"] for reason in gpa["reasons"])
    assert "at or above the threshold" in texts and "in force on 2 February 2026" in texts  # a date in words
    assert "2 février 2026" in " ".join(reason["fr"] for reason in gpa["reasons"])
    georgia = _by_agreement(assessment)["EU-GE-DCFTA"]
    assert georgia["covers"] is False and "not covered" in georgia["reasons"][0]["en"]
