"""Which trade agreements cover this procurement: buyer category, nature, value in EUR against the dated threshold.

Covered means (reciprocity-rules.md §1 rule 1, §5 K7): the buyer category is in the agreement's coverage, the
nature is not excluded (social services and defence are outside the EU's GPA offer) and the estimated value is at
or above the EU threshold in force on the launch date (Dir. 2014/24 art. 4: "equal to or greater than").
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ..model import Finding, Money, Notice
from .base import Context
from .findings import make_finding

CODES = ("RECIP-COVERED-AGREEMENTS",)
AWARDED_PROXY = "sum of awarded values (BT-720/VAL_TOTAL), used as a proxy for the estimate"


def buyer_category(notice: Notice, data: Any) -> tuple[str | None, str | None]:
    """(category, what it was read from): BT-01 legal basis, then TED form, then BT-610 activity, then BT-11."""
    mapping = data.buyer_categories
    basis = (notice.procedure.legal_basis or "").upper()
    if mapping["legal_basis"].get(basis):
        return mapping["legal_basis"][basis], f"legal basis {basis} (BT-01)"
    form = (notice.form or "").upper()
    form = form if form in mapping["forms"] else form.split("_")[0]  # "CONTRACT_DEFENCE" whole, "F05_2014" -> F05
    if notice.source_format == "ted" and form in mapping["forms"]:
        return mapping["forms"][form], f"TED form {notice.form}"
    activity = notice.buyer.activity
    if activity and activity in mapping["utilities_activities"]:
        return "utilities", f"buyer activity {activity} (BT-610 / CE_ACTIVITY)"
    legal_type = (notice.buyer.legal_type or "").lower()
    if legal_type in mapping["legal_type"]:
        category = mapping["legal_type"][legal_type]
        return category, f"buyer legal type {notice.buyer.legal_type} (BT-11 / CA_TYPE)" if category else None
    return None, None


def estimated_value(notice: Notice) -> tuple[Money | None, str | None]:
    """The value that decides thresholds: BT-27 procedure value, else the sum of lot values, else (results only)
    the sum of awarded values as a stated proxy. Mixed currencies, gaps or zero amounts give None."""
    if _positive(notice.procedure.estimated_value):
        return notice.procedure.estimated_value, "procedure estimated value (BT-27)"
    total = _sum([lot.estimated_value for lot in notice.lots])
    if total is not None:
        return total, "sum of lot estimated values (BT-27 per lot)"
    total = _sum([r.value for r in notice.results])
    if total is not None:
        return total, AWARDED_PROXY
    return None, None


def _positive(money: Money | None) -> bool:
    """A zero or negative amount is a placeholder, not an estimate."""
    return money is not None and money.amount > 0


def _sum(values: list[Money | None]) -> Money | None:
    if not values or not all(_positive(v) for v in values) or len({v.currency for v in values}) != 1:
        return None
    return Money(sum((v.amount for v in values), Decimal(0)), values[0].currency)


def nature_of(notice: Notice, data: Any) -> str | None:
    """works | supplies | services | social-services (light regime, by main CPV), or None."""
    nature = notice.procedure.contract_nature
    if nature == "services" and data.is_social_services(notice.procedure.cpv_main):
        return "social-services"
    return nature


def coverage(notice: Notice, data: Any, as_of: date) -> dict[str, Any]:
    """Coverage of this procurement by the GPA and EU agreements, with every value it was decided from."""
    category, category_source = buyer_category(notice, data)
    nature = nature_of(notice, data)
    money, value_source = estimated_value(notice)
    value_eur = data.to_eur(money, as_of)
    concession = (notice.procedure.legal_basis or "").upper() in data.buyer_categories["concession_legal_bases"]
    threshold = data.eu_threshold(category, "works" if concession else nature, as_of)
    threshold_basis = f"{category} {'concession' if concession else nature}" if threshold is not None else None
    if category is None and nature is not None:
        # unknown buyer category: a value below every category's threshold is still decidably not covered
        threshold = data.lowest_threshold("works" if concession else nature, as_of)
        threshold_basis = "lowest threshold of any buyer category" if threshold is not None else None
    if value_source == AWARDED_PROXY and value_eur is not None and threshold is not None and value_eur < threshold:
        # an awarded value at or above the threshold shows the estimate was too; one below it proves nothing
        value_source = f"awarded value EUR {value_eur} below the threshold: not conclusive"
        money, value_eur = None, None
    result: dict[str, Any] = {
        "buyer_category": category, "buyer_category_source": category_source, "nature": nature,
        "value_eur": value_eur, "value_source": value_source,
        "value": money.to_dict() if money else None, "threshold_eur": threshold, "threshold_basis": threshold_basis,
        "as_of": as_of.isoformat(), "gpa_declared": notice.procedure.gpa_covered, "concession": concession,
    }
    result["missing"] = _missing(notice, category, nature, money, value_eur, threshold)
    result.update(_agreements(data, category, nature, value_eur, threshold, as_of))
    if concession and result["above_threshold"] is not False:
        result.update(above_threshold=None, agreements=[], gpa=None)
        result["missing"].append("agreement coverage of concessions (not in the rule data)")
    result["basis"] = "computed" if result["gpa"] is not None else None
    if result["gpa"] is None and notice.procedure.gpa_covered is not None and category != "defence":
        # undecidable from our data, but the notice itself states BT-115: report that statement, marked as such
        declared = notice.procedure.gpa_covered
        result.update(gpa=declared, agreements=["GPA"] if declared else [], basis="declared by the notice (BT-115)")
    result["confidence"] = _confidence(data, as_of, category, result["agreements"])
    return result


def _missing(notice, category, nature, money, value_eur, threshold) -> list[str]:
    missing = []
    if category is None:
        missing.append("buyer category (BT-01 legal basis / BT-11 buyer legal type)")
    if nature is None:
        missing.append("contract nature (BT-23)")
    if money is None:
        missing.append("estimated value (BT-27)")
    elif value_eur is None:
        missing.append(f"EUR exchange rate for {money.currency}")
    if threshold is None and nature:
        missing.append("EU threshold for this date and category")
    return missing


def _agreements(data, category, nature, value_eur, threshold, as_of) -> dict[str, Any]:
    """Agreement ids covering this procurement; `above_threshold` None when the value is unknown."""
    if nature is None:
        return {"above_threshold": None, "agreements": [], "gpa": None}
    if category is None:
        below = value_eur is not None and threshold is not None and value_eur < threshold
        return {"above_threshold": False if below else None, "agreements": [], "gpa": False if below else None}
    eligible = [aid for aid in data.agreements_applied(as_of)
                if category in data.agreement(aid)["covers"] and nature != "social-services"]
    if not eligible:
        return {"above_threshold": None if value_eur is None or threshold is None else value_eur >= threshold,
                "agreements": [], "gpa": False}
    if value_eur is None or threshold is None:
        return {"above_threshold": None, "agreements": [], "gpa": None}
    above = value_eur >= threshold
    agreements = eligible if above else []
    return {"above_threshold": above, "agreements": agreements, "gpa": "GPA" in agreements}


def _confidence(data, as_of, category, agreements) -> str:
    period = data.threshold_period(as_of) or {}
    weak = period.get("confidence") == "unconfirmed"
    weak = weak or any(category in data.agreement(a).get("unconfirmed_categories", []) for a in agreements)
    return "unconfirmed" if weak else "established"


def check(ctx: Context) -> list[Finding]:
    """RECIP-COVERED-AGREEMENTS: flagged when covered, passed when not, insufficient-data when undecidable."""
    cov, notice = ctx.coverage, ctx.notice
    buyer_country = notice.buyer.country
    if buyer_country and not ctx.data.is_eu_eea(buyer_country, ctx.as_of):
        return [_finding(ctx, "not-applicable", reason=f"buyer in {buyer_country}, outside the EU/EEA",
                         reason_fr=f"acheteur situé hors UE/EEE ({buyer_country})")]
    if cov.get("basis") == "computed" or cov["gpa"] is None:
        return _computed(ctx, cov)
    missing = cov["missing"]
    status = "flagged" if cov["gpa"] else "passed"
    return [_finding(ctx, status, variant="declared", confidence="unconfirmed", missing=missing)]


def _computed(ctx: Context, cov: dict[str, Any]) -> list[Finding]:
    if cov["agreements"]:
        return [_finding(ctx, "flagged", **_agreement_words(cov["agreements"]),
                         category=cov["buyer_category"], category_fr=_FR.get(cov["buyer_category"]),
                         nature=cov["nature"], nature_fr=_FR.get(cov["nature"]),
                         value_eur=cov["value_eur"], threshold_eur=cov["threshold_eur"])]
    if cov["gpa"] is False:
        return [_finding(ctx, "passed", reason=_not_covered_reason(cov), reason_fr=_not_covered_reason(cov, "fr"))]
    return [_finding(ctx, "insufficient-data", missing=cov["missing"] or ["coverage data"])]


_FR = {"central": "centrale", "sub-central": "sous-centrale", "utilities": "entité adjudicatrice",
       "defence": "défense", "works": "travaux", "supplies": "fournitures", "services": "services",
       "social-services": "services sociaux"}


def _agreement_words(agreements: list[str]) -> dict[str, str]:
    """"the GPA and 14 EU bilateral agreements" rather than a list of ids (the ids are in the evidence)."""
    others = [a for a in agreements if a != "GPA"]
    if "GPA" not in agreements:
        return {"agreements": ", ".join(others), "agreements_fr": ", ".join(others)}
    if not others:
        return {"agreements": "the GPA", "agreements_fr": "l'AMP"}
    return {"agreements": f"the GPA and {len(others)} EU bilateral agreements",
            "agreements_fr": f"l'AMP et {len(others)} accords bilatéraux de l'UE"}


def _not_covered_reason(cov: dict[str, Any], lang: str = "en") -> str:
    """Why the procurement is not covered, in English or French."""
    fr = lang == "fr"
    if cov["nature"] == "social-services":
        return ("services sociaux et autres services spécifiques hors AMP" if fr
                else "social and other specific services are outside the GPA")
    if cov["buyer_category"] == "defence":
        return ("marchés de défense et de sécurité (dir. 2009/81) hors accords" if fr
                else "defence and security procurement (Dir. 2009/81) is outside the agreements")
    if cov["above_threshold"] is False:
        value, threshold = (f"{cov[k]:,.0f}".replace(",", " ") for k in ("value_eur", "threshold_eur"))
        lowest = cov["buyer_category"] is None
        if fr:
            return f"{value} € sous le seuil de {threshold} €" + (" (le plus bas des catégories)" if lowest else "")
        suffix = " (the lowest of any category)" if lowest else ""
        return f"EUR {value} below the threshold of EUR {threshold}{suffix}"
    category = cov["buyer_category"]
    if fr:
        return f"acheteurs de catégorie {_FR.get(category, category)} non couverts"
    return f"{category} buyers are not covered"


def _finding(ctx: Context, status: str, variant: str | None = None, confidence: str | None = None,
             **params: Any) -> Finding:
    cov = ctx.coverage
    keys = ("agreements", "buyer_category", "buyer_category_source", "nature", "value", "value_eur", "value_source",
            "threshold_eur", "threshold_basis", "as_of", "gpa_declared", "basis", "missing")
    evidence = {k: cov.get(k) for k in keys}
    return make_finding(ctx, "RECIP-COVERED-AGREEMENTS", status, evidence=evidence, variant=variant,
                        confidence=confidence or cov.get("confidence"), **params)
