"""The buyer category from INSEE's legal category (rules/data/legal_categories.yaml), on DECP-like notices built in
code: no legal basis, no BT-11 legal type, only the SIRENE facts `enrich sirene` puts in `buyer.registry`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reciprocity import assess
from reciprocity.i18n.phrases import translate
from reciprocity.model import Lot, LotResult, Money, Notice, Organisation, Procedure
from reciprocity.rules.buyer import buyer_facts
from reciprocity.rules.data import load_rule_data


def _notice(
    category: str | None,
    naf: str | None = None,
    legal_type: str | None = None,
    nature: str = "supplies",
    value: str = "300000",
) -> Notice:
    registry = None if category is None else {"source": "INSEE SIRENE", "legal_category": category, "activity": naf}
    money = Money(Decimal(value), "EUR")
    return Notice(
        id="decp-x",
        source_format="decp",
        kind="result",
        dispatch_date=date(2025, 3, 3),
        buyer=Organisation(country="FR", identifiers=["21350238800019"], legal_type=legal_type, registry=registry),
        procedure=Procedure(contract_nature=nature, cpv_main="34144900"),
        lots=[Lot(id="1")],
        results=[LotResult(lot_id="1", value=money, winners=[Organisation(country="US", identifiers=["US1"])])],
    )


@pytest.mark.parametrize(
    ("code", "naf", "category", "scenarios", "to_confirm"),
    [
        ("7210", "84.11Z", "sub-central", ["sub-central"], False),  # a commune: established
        ("7346", None, "sub-central", ["sub-central"], False),  # a communauté de communes
        ("7113", None, "central", ["central"], False),  # a ministry
        ("7389", None, "central", ["central", "sub-central"], True),  # a State EPA: CCP annexe 2, unconfirmed
        ("4110", "49.10Z", "utilities", ["utilities", "sub-central"], True),  # a State EPIC running a railway
        ("4110", "91.02Z", "sub-central", ["sub-central"], True),  # a State EPIC running a museum: never central
        ("4140", "36.00Z", "utilities", ["utilities", "sub-central"], True),  # a local water EPIC
        ("5710", "43.91A", None, [], False),  # a company (SAS): decides nothing
    ],
)
def test_the_legal_category_decides_the_buyer_category(code, naf, category, scenarios, to_confirm) -> None:
    facts = buyer_facts(_notice(code, naf), load_rule_data(), "supplies")
    assert facts["category"] == category
    assert [s["category"] for s in facts["scenarios"]] == scenarios
    assert bool(facts["to_confirm"]) is to_confirm
    if category:
        assert facts["source"].startswith(f"INSEE legal category {code} (")


def test_a_ministry_of_defence_service_buying_supplies_keeps_the_annex_iii_question() -> None:
    facts = buyer_facts(_notice("7150"), load_rule_data(), "supplies")
    assert [(s["threshold_category"], s["outside"]) for s in facts["scenarios"]] == [
        ("sub-central", True),
        ("central", False),
    ]
    assert facts["question"]["fr"].startswith("si les produits figurent à l'annexe III")


def test_the_notice_s_own_legal_type_comes_first() -> None:
    facts = buyer_facts(_notice("7113", legal_type="la"), load_rule_data(), "supplies")
    assert (facts["category"], facts["source"]) == ("sub-central", "buyer legal type la (BT-11 / CA_TYPE)")


def test_coverage_of_a_decp_contract_is_decided_and_its_source_shown_in_french() -> None:
    without, with_category = assess(_notice(None)), assess(_notice("7210"))
    before, after = (
        next(f.status for f in a.findings if f.code == "RECIP-COVERED-AGREEMENTS") for a in (without, with_category)
    )
    assert (before, after) == ("insufficient-data", "flagged")
    assert with_category.coverage["gpa"] is True
    source = with_category.coverage["buyer_category_source"]
    assert translate(source, "fr") == "catégorie juridique INSEE 7210 — Commune et commune nouvelle"
    assert translate(source, "en") == "INSEE legal category 7210 — Commune et commune nouvelle"
    assert translate("INSEE legal category 4110 (EPIC), main activity 49.10Z (NAF)", "fr") == (
        "catégorie juridique INSEE 4110 — EPIC, activité principale 49.10Z (NAF)"
    )
