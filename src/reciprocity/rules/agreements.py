"""The coverage of this procurement by the GPA and the EU's agreements, per agreement and per partner, and
RECIP-COVERED-AGREEMENTS.

`coverage()` gathers the facts (buyer category from legal basis, type and activity; utilities sector; nature; CPV;
plausible value in EUR; launch date) and asks rules/partners.py, agreement by agreement, for which partners it
covers the procurement (rules-2026.md §1). The result keeps the earlier keys (`gpa`, `agreements`, `threshold_eur`,
`buyer_category`…) and adds `by_agreement` and `covered_countries`. When the notice contradicts itself (its GPA
declaration BT-115 against the computed coverage, or no plausible estimate: rules-2026.md §4) the coverage is
undetermined (`basis: conflict`), never "not covered, established".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..i18n.labels import label
from ..model import Finding, Notice
from . import confirm, partners
from .base import Context
from .buyer import buyer_category, buyer_facts
from .findings import make_finding
from .values import AWARDED_PROXY, estimated_value

CODES = ("RECIP-COVERED-AGREEMENTS",)
__all__ = ["CODES", "buyer_category", "check", "coverage", "nature_of"]
DECLARED = "the notice's own GPA declaration (BT-115)"


def nature_of(notice: Notice, data: Any) -> str | None:
    """works | supplies | services | social-services (light regime, by main CPV), or None."""
    nature = notice.procedure.contract_nature
    if nature == "services" and data.is_social_services(notice.procedure.cpv_main):
        return "social-services"
    return nature


def coverage(notice: Notice, data: Any, as_of: date) -> dict[str, Any]:
    """Coverage of this procurement by the GPA and EU agreements, with every value it was decided from."""
    nature = nature_of(notice, data)
    buyer = buyer_facts(notice, data, nature)
    value = estimated_value(notice, data, as_of)
    concession = (notice.procedure.legal_basis or "").upper() in data.buyer_categories["concession_legal_bases"]
    threshold_nature = "works" if concession else nature
    threshold, basis = _threshold(data, buyer, threshold_nature, as_of)
    value_eur, value_source = value["value_eur"], value["source"]
    if value_source == AWARDED_PROXY and value_eur is not None and threshold is not None and value_eur < threshold:
        # an awarded value at or above the threshold shows the estimate was too; one below it proves nothing
        value_source = f"awarded value EUR {value_eur} below the threshold: not conclusive"
        value = {**value, "money": None}
        value_eur = None
    facts = {"category": buyer["category"], "scenarios": buyer["scenarios"], "question": buyer["question"],
             "to_confirm": buyer["to_confirm"], "sector": buyer["sector"], "nature": nature,
             "threshold_nature": threshold_nature, "cpv": notice.procedure.cpv_main, "value_eur": value_eur,
             "as_of": as_of, "concession": concession, "social_to_confirm": _social_items(data, nature)}
    result: dict[str, Any] = {
        "buyer_category": buyer["category"], "buyer_category_source": buyer["source"], "nature": nature,
        "utilities_sector": buyer["sector"], "value_eur": value_eur, "value_source": value_source,
        "value": value["money"].to_dict() if value["money"] else None, "threshold_eur": threshold,
        "threshold_basis": basis, "as_of": as_of.isoformat(), "gpa_declared": notice.procedure.gpa_covered,
        "concession": concession,
        "above_threshold": None if value_eur is None or threshold is None else value_eur >= threshold,
        "implausible_values": value["implausible"],
    }
    result["missing"] = _missing(buyer["category"], nature, value, value_eur, threshold)
    _decide(result, partners.by_agreement(facts, data), notice, data, as_of)
    return result


def _threshold(data: Any, buyer: dict[str, Any], nature: str | None, as_of: date) -> tuple[Any, str | None]:
    """The EU threshold of the first scenario of the buyer's category; without a category, the lowest one."""
    if buyer["scenarios"]:
        category = buyer["scenarios"][0]["threshold_category"]
        threshold = data.eu_threshold(category, nature, as_of)
        return threshold, f"{category} {nature}" if threshold is not None else None
    threshold = data.lowest_threshold(nature, as_of) if nature else None
    return threshold, "lowest threshold of any buyer category" if threshold is not None else None


def _social_items(data: Any, nature: str | None) -> list[dict[str, str]]:
    if nature != "social-services":
        return []
    entry = data.social_services
    return confirm.of_entry(entry, "that the main CPV is a social or other specific service (Annex XIV, our partial "
                                   "list of CPV groups)", "que le CPV principal relève des services sociaux et autres "
                                   "services spécifiques (annexe XIV, notre liste partielle de groupes CPV)")


def _missing(category, nature, value, value_eur, threshold) -> list[str]:
    missing = []
    if category is None:
        missing.append("buyer category (BT-01 legal basis / BT-11 buyer legal type)")
    if nature is None:
        missing.append("contract nature (BT-23)")
    if value["money"] is None:
        missing.append("plausible estimated value (BT-27)" if value["implausible"] else "estimated value (BT-27)")
    elif value_eur is None:
        missing.append(f"EUR exchange rate for {value['money'].currency}")
    if threshold is None and nature:
        missing.append("EU threshold for this date and category")
    return missing


def _decide(result: dict[str, Any], entries: list[dict[str, Any]], notice: Notice, data: Any, as_of: date) -> None:
    """Fill gpa, agreements, by_agreement, covered_countries, basis, conflicts, confidence."""
    gpa = next((e["covers"] for e in entries if e["agreement"] == "GPA"), None)
    declared = notice.procedure.gpa_covered
    conflicts = []
    if declared is not None and gpa is not None and declared != gpa:
        conflicts.append({"kind": "gpa-declaration", "declared": declared, "computed": gpa,
                          "reasons": next(e["reasons"] for e in entries if e["agreement"] == "GPA")})
    if result["implausible_values"] and result["value_eur"] is None:
        conflicts.append({"kind": "implausible-value", "values": result["implausible_values"]})
    result["conflicts"] = conflicts
    if conflicts:
        entries = [_undetermined(e) for e in entries]
        result["basis"] = "conflict"
    elif gpa is None and declared is not None and result["buyer_category"] != "defence":
        entries = [_declared(e, declared, result["missing"], data, as_of) if e["agreement"] == "GPA" else e
                   for e in entries]
        result["basis"] = "declared by the notice (BT-115)"
    else:
        result["basis"] = "computed" if any(e["covers"] is not None for e in entries) else None
    result["by_agreement"] = entries
    result["agreements"] = [e["agreement"] for e in entries if e["covers"]]
    result["gpa"] = next((e["covers"] for e in entries if e["agreement"] == "GPA"), None)
    result["covered_countries"] = sorted({c for e in entries if e["covers"] for c in e["partners"]})
    result["confidence"] = _confidence(entries, result["basis"])


def _confidence(entries: list[dict[str, Any]], basis: str | None) -> str:
    """Established when an established agreement covers, or when every agreement's refusal is established."""
    covering = [e for e in entries if e["covers"]]
    if covering:
        return "established" if any(e["confidence"] == "established" for e in covering) else "unconfirmed"
    if basis != "computed":
        return "unconfirmed" if basis else "established"
    return confirm.confidence([item for e in entries for item in e["to_confirm"]])


def _undetermined(entry: dict[str, Any]) -> dict[str, Any]:
    """An agreement's entry when the notice contradicts itself: undetermined, the computed answer kept aside."""
    return {**entry, "covers": None, "computed_covers": entry["covers"], "partners": [], "excluded_partners": {},
            "reasons": [{"en": "undetermined: the notice's data contradict each other",
                         "fr": "indéterminé : les données de l'avis se contredisent"},
                        *entry["reasons"]]}


def _declared(entry: dict[str, Any], declared: bool, missing: list[str], data: Any, as_of: date) -> dict:
    """The GPA entry taken from the notice's BT-115 when it cannot be computed: unconfirmed."""
    why = f"missing {', '.join(missing)}" if missing else entry["reasons"][0]["en"]
    why_fr = "données manquantes" if missing else entry["reasons"][0]["fr"]
    item = confirm.item(f"{DECLARED}: not checkable here ({why})",
                        f"la déclaration AMP de l'avis lui-même (BT-115) : invérifiable ici ({why_fr})",
                        "the notice (BT-115)")
    parties = sorted(data.partners_in_force("GPA", as_of)) if declared else []
    return {**entry, "covers": declared, "confidence": "unconfirmed", "partners": parties,
            "reasons": [{"en": f"declared {'covered' if declared else 'not covered'} by the notice (BT-115)",
                         "fr": f"déclaré {'couvert' if declared else 'non couvert'} par l'avis (BT-115)"},
                        *entry["reasons"]], "to_confirm": [item]}


def check(ctx: Context) -> list[Finding]:
    """RECIP-COVERED-AGREEMENTS: flagged when covered, passed when not, insufficient-data when undecidable."""
    cov, notice = ctx.coverage, ctx.notice
    buyer_country = notice.buyer.country
    if buyer_country and not ctx.data.is_eu_eea(buyer_country, ctx.as_of):
        return [_finding(ctx, "not-applicable", reason=f"buyer in {buyer_country}, outside the EU/EEA",
                         reason_fr=f"acheteur situé hors UE/EEE ({buyer_country})")]
    entries = cov["by_agreement"]
    if cov["basis"] == "conflict":
        kinds = [c["kind"] for c in cov["conflicts"]]
        return [_finding(ctx, "insufficient-data", variant="conflict", conflicts=kinds)]
    if cov["basis"] and cov["basis"].startswith("declared"):
        gpa = next(e for e in entries if e["agreement"] == "GPA")
        return [_finding(ctx, "flagged" if cov["gpa"] else "passed", variant="declared",
                         to_confirm=gpa["to_confirm"], missing=cov["missing"])]
    covering = [e for e in entries if e["covers"]]
    if covering:
        established = any(e["confidence"] == "established" for e in covering)
        items = [] if established else confirm.merge(*(e["to_confirm"] for e in covering))
        return [_finding(ctx, "flagged", to_confirm=items, **_agreement_words(cov["agreements"]),
                         partners=len(cov["covered_countries"]), category=cov["buyer_category"],
                         nature=cov["nature"], value_eur=cov["value_eur"],
                         threshold_eur=cov["threshold_eur"])]
    if entries and all(e["covers"] is False for e in entries):
        shown = next((e for e in entries if e["agreement"] == "GPA"), entries[0])
        items = confirm.merge(*(e["to_confirm"] for e in entries))
        reason = shown["reasons"][0]
        return [_finding(ctx, "passed", variant="unconfirmed" if items else None, to_confirm=items,
                         reason=reason["en"], reason_fr=reason["fr"])]
    return [_finding(ctx, "insufficient-data", missing=cov["missing"] or ["coverage data"])]


def _agreement_words(agreements: list[str]) -> dict[str, Any]:
    """"the GPA and 14 EU bilateral agreements" rather than a list of ids (the ids are in the evidence)."""
    others = [a for a in agreements if a != "GPA"]
    if "GPA" not in agreements:
        return {lang_key: [label("agreement", a, lang, short=True) or a for a in others]
                for lang_key, lang in (("agreements", "en"), ("agreements_fr", "fr"))}
    if not others:
        return {"agreements": "the GPA", "agreements_fr": "l'AMP"}
    return {"agreements": f"the GPA and {len(others)} EU bilateral agreements",
            "agreements_fr": f"l'AMP et {len(others)} accords bilatéraux de l'UE"}


def _finding(ctx: Context, status: str, variant: str | None = None, to_confirm: list | None = None,
             **params: Any) -> Finding:
    cov = ctx.coverage
    keys = ("agreements", "covered_countries", "buyer_category", "buyer_category_source", "utilities_sector",
            "nature", "value", "value_eur", "value_source", "threshold_eur", "threshold_basis", "as_of",
            "gpa_declared", "basis", "conflicts", "missing")
    evidence = {k: cov.get(k) for k in keys}
    return make_finding(ctx, "RECIP-COVERED-AGREEMENTS", status, evidence=evidence, variant=variant,
                        to_confirm=to_confirm, **params)
