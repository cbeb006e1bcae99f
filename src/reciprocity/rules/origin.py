"""Origin class of every winner (reciprocity-rules.md §1 table) and RECIP-UNCOVERED-WINNER.

FR | EU_EEA | COVERED | THIRD_AGREEMENT_NOT_COVERED | UNCOVERED | UNKNOWN, decided from the winner's country or,
when it is missing, from a valid SIRET/SIREN/FR VAT (or EU VAT prefix). A country is never inferred from a company
name. EU/EEA membership counts on the launch or the award date (a procedure launched before the UK's transition
ended stays under EU law); a partner is COVERED only when an agreement in force on the launch date covers *this*
procurement *for its country* (rules/partners.py, rules-2026.md §1). Owner nationality (BT-706) is shown alongside.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..countries import normalise_country
from ..identifiers import established_country
from ..model import Finding, Notice, Organisation
from . import confirm
from .base import Context
from .findings import make_finding, render_texts
from .partners import partner_coverage

CODES = ("RECIP-UNCOVERED-WINNER",)
NOT_COVERED = ("UNCOVERED", "THIRD_AGREEMENT_NOT_COVERED")


def classify_winners(notice: Notice, data: Any, coverage: dict[str, Any], as_of: date) -> list[dict[str, Any]]:
    """One origin entry per winner of every result."""
    return [classify(winner, data, coverage, result.contract_date or as_of, result.lot_id, as_of)
            for result in notice.results for winner in result.winners]


def classify(org: Organisation, data: Any, coverage: dict[str, Any], on: date, lot: str | None,
             launched: date | None = None) -> dict[str, Any]:
    """Classify one organisation awarded on `on`, in a procedure launched on `launched` (default `on`)."""
    country, source = _country(org)
    entry: dict[str, Any] = {"name": org.name, "country": country, "country_source": source, "lot": lot,
                             "as_of": on.isoformat(), "owner_nationalities": list(org.owner_nationalities),
                             "agreements": [], "coverage": None, "confidence": "established", "to_confirm": []}
    entry["class"] = _class(entry, data, coverage, country, on, launched or on)
    entry["confidence"] = confirm.confidence(entry["to_confirm"])
    return entry


def _country(org: Organisation) -> tuple[str | None, str | None]:
    stated = normalise_country(org.country)
    if stated:
        return stated, "stated country"
    proved = established_country(org.identifiers, org.identifier_types, None)
    return (proved, "identifier (SIRET/SIREN/VAT)") if proved else (None, None)


def _class(entry: dict[str, Any], data: Any, coverage: dict[str, Any], country: str | None, on: date,
           launched: date) -> str:
    if country is None:
        return "UNKNOWN"
    if country == "FR":
        return "FR"
    territory = data.french_territory(country)
    if territory is not None:
        entry["note"] = f"{territory['name']}: French {territory['kind']}"
        text = render_texts({"en": "that operators of {country:country} count as established in France",
                             "fr": "que les opérateurs de ce territoire ({country:country}) comptent comme établis "
                                   "en France"}, country=country)
        entry["to_confirm"] = confirm.of_entry(territory, text["en"], text["fr"])
        return "FR"
    if data.is_eu_eea(country, launched) or data.is_eu_eea(country, on):
        return "EU_EEA"
    decision = partner_coverage(country, coverage, data, launched)
    if not decision["agreements"]:
        return "UNCOVERED"
    entry.update(agreements=decision["agreements"], covering=decision["covering"], reasons=decision["reasons"],
                 to_confirm=decision["to_confirm"])
    if decision["covers"]:
        entry["coverage"] = "covered"
        return "COVERED"
    if decision["covers"] is False:
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
                             to_confirm=confirm.merge(*(o["to_confirm"] for o in unknown)),
                             winners=[o["name"] or "?" for o in unknown], missing=missing)]
    return [make_finding(ctx, CODES[0], "passed", evidence={"winners": ctx.origin},
                         to_confirm=confirm.merge(*(o["to_confirm"] for o in ctx.origin)))]


def _lots(entries: list[dict[str, Any]]) -> list[str | None]:
    seen: list[str | None] = []
    for entry in entries:
        if entry["lot"] not in seen:
            seen.append(entry["lot"])
    return seen


def _flag(ctx: Context, lot: str | None, entries: list[dict[str, Any]]) -> Finding:
    """A lot's winners of non-covered countries. When every one of them rests on an unconfirmed fact, the finding
    says "may not be covered, to be confirmed" (info): it never tells a buyer it could have excluded them."""
    classes = [f"{o['country']}: {o['class']}" for o in entries]
    items = confirm.merge(*(o["to_confirm"] for o in entries))
    doubtful = all(o["to_confirm"] for o in entries)
    evidence = {"winners": entries, "coverage_agreements": ctx.coverage.get("agreements"),
                "value_eur": ctx.coverage.get("value_eur"), "threshold_eur": ctx.coverage.get("threshold_eur")}
    return make_finding(ctx, CODES[0], "flagged", lot=lot, evidence=evidence, to_confirm=items,
                        variant="unconfirmed" if doubtful else None, severity="info" if doubtful else None,
                        winners=[o["name"] or "?" for o in entries], classes=classes)


def _why_unknown(entry: dict[str, Any], coverage: dict[str, Any]) -> str:
    if entry["country"] is None:
        return "winner country (BT-514) and no valid French or EU identifier"
    if coverage.get("basis") == "conflict":
        return f"partner country {entry['country']}, but the notice's data contradict each other"
    missing = ", ".join(coverage.get("missing") or ["coverage data"])
    return f"partner country {entry['country']}, but coverage is unknown ({missing})"
