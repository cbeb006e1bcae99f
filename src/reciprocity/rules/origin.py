"""Origin class of every winner (reciprocity-rules.md §1 table) and RECIP-UNCOVERED-WINNER.

FR | EU_EEA | COVERED | THIRD_AGREEMENT_NOT_COVERED | UNCOVERED | UNKNOWN, decided from the winner's country or,
when it is missing, from a valid SIRET/SIREN/FR VAT (or EU VAT prefix), as of the award date (else the launch
date). A country is never inferred from a company name. Owner nationality (BT-706) is shown alongside.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..countries import normalise_country
from ..identifiers import established_country
from ..model import Finding, Notice, Organisation
from .base import Context
from .findings import make_finding

CODES = ("RECIP-UNCOVERED-WINNER",)
NOT_COVERED = ("UNCOVERED", "THIRD_AGREEMENT_NOT_COVERED")


def classify_winners(notice: Notice, data: Any, coverage: dict[str, Any], as_of: date) -> list[dict[str, Any]]:
    """One origin entry per winner of every result."""
    return [classify(winner, data, coverage, result.contract_date or as_of, result.lot_id)
            for result in notice.results for winner in result.winners]


def classify(org: Organisation, data: Any, coverage: dict[str, Any], on: date, lot: str | None) -> dict[str, Any]:
    """Classify one organisation on date `on` against this procurement's coverage."""
    country, source = _country(org)
    entry: dict[str, Any] = {"name": org.name, "country": country, "country_source": source, "lot": lot,
                             "as_of": on.isoformat(), "owner_nationalities": list(org.owner_nationalities),
                             "agreements": [], "coverage": None, "confidence": "established"}
    entry["class"] = _class(entry, data, coverage, country, on)
    return entry


def _country(org: Organisation) -> tuple[str | None, str | None]:
    stated = normalise_country(org.country)
    if stated:
        return stated, "stated country"
    proved = established_country(org.identifiers, org.identifier_types, None)
    return (proved, "identifier (SIRET/SIREN/VAT)") if proved else (None, None)


def _class(entry: dict[str, Any], data: Any, coverage: dict[str, Any], country: str | None, on: date) -> str:
    if country is None:
        return "UNKNOWN"
    if country == "FR":
        return "FR"
    territory = data.french_territory(country)
    if territory is not None:
        entry["note"] = f"{territory['name']}: French {territory['kind']}"
        entry["confidence"] = territory.get("confidence", "established")
        return "FR"
    if data.is_eu_eea(country, on):
        return "EU_EEA"
    in_force = data.agreements_in_force(country, on)
    if not in_force:
        return "UNCOVERED"
    entry["agreements"] = [a["id"] for a in in_force]
    if any(a.get("confidence") == "unconfirmed" for a in in_force) or coverage.get("basis") != "computed":
        entry["confidence"] = "unconfirmed"  # weak agreement data, or coverage taken from the notice's BT-115
    if any(a["id"] in coverage.get("agreements", []) for a in in_force):
        entry["coverage"] = "covered"
        return "COVERED"
    if coverage.get("gpa") is False or coverage.get("above_threshold") is False:
        entry["coverage"] = "not-covered"
        return "THIRD_AGREEMENT_NOT_COVERED"
    entry["coverage"] = "unknown"  # partner country, but the procurement's coverage cannot be decided
    return "UNKNOWN"


def check(ctx: Context) -> list[Finding]:
    """RECIP-UNCOVERED-WINNER: one flagged finding per lot at fault, else one notice-level verdict."""
    buyer_country = ctx.notice.buyer.country
    if buyer_country and not ctx.data.is_eu_eea(buyer_country, ctx.as_of):
        reason = f"buyer in {buyer_country}, outside the EU/EEA: EU reciprocity rules do not govern its awards"
        reason_fr = f"acheteur situé hors UE/EEE ({buyer_country}) : règles européennes de réciprocité inapplicables"
        return [make_finding(ctx, CODES[0], "not-applicable", reason=reason, reason_fr=reason_fr)]
    if not ctx.origin:
        awarded = ctx.notice.kind in ("result", "dir-awa-pre", "cont-modif")
        reason = "no winner in this notice" if awarded else f"{ctx.notice.kind} notice: no winner yet"
        reason_fr = "aucun attributaire dans cet avis" if awarded else "pas encore d'attributaire à ce stade"
        return [make_finding(ctx, CODES[0], "not-applicable", reason=reason, reason_fr=reason_fr)]
    flagged = [o for o in ctx.origin if o["class"] in NOT_COVERED]
    if flagged:
        return [_flag(ctx, lot, [o for o in flagged if o["lot"] == lot]) for lot in _lots(flagged)]
    unknown = [o for o in ctx.origin if o["class"] == "UNKNOWN"]
    if unknown:
        missing = sorted({_why_unknown(o, ctx.coverage) for o in unknown})
        return [make_finding(ctx, CODES[0], "insufficient-data", evidence={"winners": unknown, "missing": missing},
                             winners=[o["name"] or "?" for o in unknown], missing=missing)]
    return [make_finding(ctx, CODES[0], "passed", evidence={"winners": ctx.origin})]


def _lots(entries: list[dict[str, Any]]) -> list[str | None]:
    seen: list[str | None] = []
    for entry in entries:
        if entry["lot"] not in seen:
            seen.append(entry["lot"])
    return seen


def _flag(ctx: Context, lot: str | None, entries: list[dict[str, Any]]) -> Finding:
    classes = [f"{o['country']}: {o['class']}" for o in entries]
    confidence = "unconfirmed" if any(o["confidence"] == "unconfirmed" for o in entries) else None
    evidence = {"winners": entries, "coverage_agreements": ctx.coverage.get("agreements"),
                "value_eur": ctx.coverage.get("value_eur"), "threshold_eur": ctx.coverage.get("threshold_eur")}
    return make_finding(ctx, CODES[0], "flagged", lot=lot, evidence=evidence, confidence=confidence,
                        winners=[o["name"] or "?" for o in entries], classes=classes)


def _why_unknown(entry: dict[str, Any], coverage: dict[str, Any]) -> str:
    if entry["country"] is None:
        return "winner country (BT-514) and no valid French or EU identifier"
    missing = ", ".join(coverage.get("missing") or ["coverage data"])
    return f"partner country {entry['country']}, but coverage is unknown ({missing})"
