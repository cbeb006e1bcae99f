"""Notice -> Assessment: coverage, winners' origin, every registered rule, SME score and the benefit verdict.

The launch date decides which rule version applies (design.md "Time"): the dispatch date, else today for a
draft. Every interface (CLI, web, JSON) renders the Assessment built here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from .model import SEVERITY_RANK, Assessment, Finding, Notice
from .rules import RULES, sme_score
from .rules.agreements import coverage as compute_coverage
from .rules.base import Context
from .rules.data import RuleData, load_rule_data
from .rules.findings import to_jsonable
from .rules.origin import classify_winners

PUBLISHED_FORMATS = ("eforms", "ted", "decp")


def assess(notice: Notice, today: date | None = None, data: RuleData | None = None) -> Assessment:
    """Run every rule of the registry over a notice and summarise what it means for firms established in France."""
    data = data or load_rule_data()
    as_of, as_of_source = launch_date(notice, today)
    cov = compute_coverage(notice, data, as_of)
    cov["as_of_source"] = as_of_source
    ctx = Context(notice=notice, data=data, as_of=as_of, coverage=cov)
    ctx.origin = classify_winners(notice, data, cov, as_of)
    findings = [finding for module in RULES for finding in module.check(ctx)]
    return Assessment(
        notice=notice,
        findings=findings,
        sme_score=sme_score.compute(ctx, findings),
        coverage=_coverage_json(cov),
        origin=to_jsonable(ctx.origin),
        benefit=benefit(findings, cov.get("value_eur"), data),
    )


def _coverage_json(cov: dict[str, Any]) -> dict[str, Any]:
    """The coverage as JSON values. `by_agreement`, most of it, is made of texts, booleans and lists only
    (rules/partners.py) and belongs to this assessment alone: it is kept as built rather than deep-copied."""
    return {key: value if key == "by_agreement" else to_jsonable(value) for key, value in cov.items()}


def launch_date(notice: Notice, today: date | None = None) -> tuple[date, str]:
    """The date that decides which rule version applies, and where it was read (design.md "Time").

    Dispatch date; for a published record without one (DECP), its earliest contract date, then its publication
    date; for a draft, today."""
    if notice.dispatch_date:
        return notice.dispatch_date, "dispatch date (BT-05)"
    if notice.source_format in PUBLISHED_FORMATS:
        signed = [r.contract_date for r in notice.results if r.contract_date]
        if signed:
            return min(signed), "earliest contract date (BT-145 / dateNotification): no dispatch date"
        if notice.publication_date:
            return notice.publication_date, "publication date: no dispatch date"
    return today or date.today(), "today (draft without a dispatch date)"


def benefit(findings: list[Finding], value_eur: Decimal | None, data: RuleData) -> dict[str, Any]:
    """Priority 0-100 and reasons (weights in data/benefit.yaml), each naming the flagged codes behind it."""
    flagged = [f for f in findings if f.status == "flagged"]
    reasons, details, total = [], [], 0
    for key, reason in data.benefit_reasons.items():
        codes = _matching_codes(flagged, reason, value_eur)
        if not codes:
            continue
        total += reason["weight"]
        reasons.append(f"{reason['en']} ({', '.join(codes)})")
        details.append({"key": key, "weight": reason["weight"], "codes": codes, "en": reason["en"],
                        "fr": reason["fr"]})
    return {"priority": min(100, total), "reasons": reasons,
            "reasons_fr": [f"{d['fr']} ({', '.join(d['codes'])})" for d in details], "details": details}


def _matching_codes(flagged: list[Finding], reason: dict[str, Any], value_eur: Decimal | None) -> list[str]:
    floor = reason.get("min_value_eur")
    if floor is not None and (value_eur is None or value_eur < floor):
        return []
    minimum = SEVERITY_RANK[reason.get("min_severity", "info")]
    codes = [f.code for f in flagged if f.code in reason["codes"] and SEVERITY_RANK[f.severity] >= minimum]
    return list(dict.fromkeys(codes))
