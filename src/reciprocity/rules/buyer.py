"""The buyer category of a procurement, from its legal basis, the buyer's legal type and activity (rules-2026.md §3).

Never the buyer type alone: defence is Dir. 2009/81 (a ministry of defence buying under 2014/24 is an ordinary
central buyer), utilities is Dir. 2014/25 or a utilities activity (BT-610) outside the classic directives, and a
public undertaking acting under 2014/24 is a body governed by public law (sub-central). Where the notice does not
settle the category (a French State public body coded body-pl-cga; a central buyer in the field of defence buying
supplies, where Annex III decides), the alternative is kept as a second *scenario*: a decision that depends on it
is "to be confirmed". The mappings are data (thresholds.yaml `buyer_categories`).
"""

from __future__ import annotations

from typing import Any

from ..model import Notice
from . import confirm
from .legal_category import registry_category


def buyer_category(notice: Notice, data: Any) -> tuple[str | None, str | None]:
    """(category, what it was read from): the one reading every caller uses."""
    return _category(notice, data)


def buyer_facts(notice: Notice, data: Any, nature: str | None) -> dict[str, Any]:
    """{category, source, sector, scenarios, question, to_confirm}: each scenario is {category, threshold_category,
    outside}; the first is the one reported as `buyer_category` and whose threshold is `threshold_eur`; `question`
    ({en, fr}) says what decides between scenarios when there are two."""
    mapping = data.buyer_categories
    category, source = _category(notice, data)
    legal_type = (notice.buyer.legal_type or "").lower()
    facts: dict[str, Any] = {
        "category": category, "source": source, "to_confirm": [],
        "sector": data.sector_of(notice.buyer.activity) if category == "utilities" else None,
        "scenarios": [_scenario(category)] if category else [], "question": None,
    }
    uncertain = mapping["uncertain_legal_types"].get(legal_type)
    if uncertain and category != mapping["legal_type"].get(legal_type):
        uncertain = None  # the category came from the legal basis, the form or the activity
    registry = registry_category(notice.buyer, data) if source and source.startswith("INSEE") else None
    if registry:  # the SIRENE legal category decided (DECP): its sector, alternative and doubts
        facts["sector"], uncertain = registry["sector"], registry["uncertain"]
        facts["to_confirm"] += registry["to_confirm"]
    if uncertain and category != uncertain["alternative"]:
        facts["scenarios"].append(_scenario(uncertain["alternative"]))
        _ask(facts, uncertain)
    field = mapping["defence_field"]
    activity = notice.buyer.activity or (registry or {}).get("activity")
    if category == "central" and nature == "supplies" and activity in field["activities"]:
        facts["scenarios"] = [_scenario("central", "sub-central", outside=True), _scenario("central")]
        _ask(facts, field)
    return facts


def _ask(facts: dict[str, Any], entry: dict[str, Any]) -> None:
    """Record what decides between the scenarios, and that it is to be confirmed."""
    facts["question"] = {"en": entry["en"], "fr": entry["fr"]}
    facts["to_confirm"] += confirm.of_entry(entry, entry["en"], entry["fr"])


def _scenario(category: str, threshold_category: str | None = None, outside: bool = False) -> dict[str, Any]:
    return {"category": category, "threshold_category": threshold_category or category, "outside": outside}


def _category(notice: Notice, data: Any) -> tuple[str | None, str | None]:
    """(category, what it was read from): BT-01 legal basis, TED form, BT-610 activity outside the classic
    directives, then BT-11 legal type."""
    mapping = data.buyer_categories
    basis = (notice.procedure.legal_basis or "").upper()
    if mapping["legal_basis"].get(basis):
        return mapping["legal_basis"][basis], f"legal basis {basis} (BT-01)"
    form = (notice.form or "").upper()
    form = form if form in mapping["forms"] else form.split("_")[0]  # "CONTRACT_DEFENCE" whole, "F05_2014" -> F05
    if notice.source_format == "ted" and form in mapping["forms"]:
        return mapping["forms"][form], f"TED form {notice.form}"
    activity = notice.buyer.activity
    if basis not in mapping["classic_legal_bases"] and data.sector_of(activity):
        return "utilities", f"buyer activity {activity} (BT-610 / CE_ACTIVITY)"
    legal_type = (notice.buyer.legal_type or "").lower()
    category = mapping["legal_type"].get(legal_type)
    if category is None:
        found = None if legal_type else registry_category(notice.buyer, data)  # SIRENE (DECP), one more input
        return (found["category"], found["source"]) if found else (None, None)
    if legal_type in mapping["utilities_only_with_activity"]:
        return category, (f"buyer legal type {notice.buyer.legal_type} (BT-11) without a utilities activity or the "
                          "2014/25 legal basis: a body governed by public law")
    return category, f"buyer legal type {notice.buyer.legal_type} (BT-11 / CA_TYPE)"
