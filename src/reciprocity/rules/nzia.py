"""NZIA-RESILIENCE: the Net-Zero Industry Act's procurement article (Reg. (EU) 2024/1735 art. 25; rules-2026.md §9).

From 2025-12-30 a buyer procuring a net-zero technology of the Commission's list must apply minimum environmental
sustainability, cybersecurity and responsible-conduct requirements, and a resilience contribution where the Union
depends on one third country for more than half of that technology's supply. No eForms field shows compliance, so
the finding is information (warning when the notice shows nothing of it): it names the technology from the main
CPV (mapping in nzia.yaml, to be confirmed) and lists what the notice shows as evidence: award criteria, BT-06
strategic procurement, BT-805 green criteria and, on results, BT-191 origin countries.
"""

from __future__ import annotations

from typing import Any

from ..model import Finding
from . import confirm
from .base import Context
from .findings import make_finding, render_texts

CODES = ("NZIA-RESILIENCE",)
CODE = "NZIA-RESILIENCE"


def check(ctx: Context) -> list[Finding]:
    """Flagged for a call for competition (or draft) whose main object is a net-zero technology, from 2025-12-30."""
    nzia, notice = ctx.data.nzia, ctx.notice
    article = nzia["article"]
    if notice.kind not in article["kinds"]:
        return [make_finding(ctx, CODE, "not-applicable",  # worded by the phrase table, the kind by its label
                             reason=f"{notice.kind} notice, not a call for competition")]
    if notice.buyer.country and not ctx.data.is_eu(notice.buyer.country, ctx.as_of):
        return [make_finding(ctx, CODE, "not-applicable", reason=f"buyer in {notice.buyer.country}, outside the EU",
                             reason_fr=f"acheteur situé hors UE ({notice.buyer.country})")]
    if ctx.as_of < article["from"]:
        reason = render_texts({"en": "launched on {launched}, before art. 25 applied ({start})",
                               "fr": "lancé le {launched}, avant l'application de l'article 25 ({start})"},
                              launched=ctx.as_of, start=article["from"])
        return [make_finding(ctx, CODE, "not-applicable", evidence={"as_of": ctx.as_of}, reason=reason["en"],
                             reason_fr=reason["fr"])]
    cpv = notice.procedure.cpv_main or next((lot.cpv_main for lot in notice.lots if lot.cpv_main), None)
    if cpv is None:
        return [make_finding(ctx, CODE, "insufficient-data", evidence={"missing": ["main CPV (BT-262)"]},
                             missing=["main CPV (BT-262)"])]
    technology = _technology(nzia, cpv)
    if technology is None:
        return [make_finding(ctx, CODE, "not-applicable", evidence={"cpv": cpv},
                             reason=f"the main CPV {cpv} is not a net-zero technology of our list",
                             reason_fr=f"le CPV principal {cpv} n'est pas une technologie « zéro net » de notre liste")]
    name, entry = technology
    shown = _shown(ctx, article)
    items = confirm.merge(
        confirm.of_entry(entry, f"that CPV {cpv} is a net-zero technology of the Commission's list ({entry['en']})",
                         f"que le CPV {cpv} relève d'une technologie « zéro net » de la liste de la Commission "
                         f"({entry['fr']})"),
        confirm.of_entry(nzia["resilience"], "when the resilience contribution is due (one third country supplying "
                         "more than half of the technology)", "quand la contribution à la résilience est due (un "
                         "pays tiers fournissant plus de la moitié de la technologie)"))
    evidence = {"cpv": cpv, "technology": name, "legal_act": article["legal_act"], "from": article["from"], **shown}
    addressed = bool(shown["strategic_procurement"] or shown["green_criteria"] or shown["quality_criteria"])
    return [make_finding(ctx, CODE, "flagged", variant="addressed" if addressed else None,
                         severity="info" if addressed else None, evidence=evidence, to_confirm=items,
                         technology=entry["en"], technology_fr=entry["fr"], cpv=cpv, start=article["from"])]


def _technology(nzia: dict[str, Any], cpv: str) -> tuple[str, dict[str, Any]] | None:
    for name, entry in nzia["technologies"].items():
        if any(cpv.startswith(prefix) for prefix in entry["cpv"]):
            return name, entry
    return None


def _shown(ctx: Context, article: dict[str, Any]) -> dict[str, Any]:
    """What the notice shows of sustainability or resilience: BT-06, BT-805, non-price award criteria, BT-191."""
    lots = ctx.notice.lots
    return {
        "strategic_procurement": sorted({c for lot in lots for c in lot.strategic.get("strategic_procurement", [])
                                         if c in article["strategic_codes"]}),
        "green_criteria": sorted({c for lot in lots for c in lot.strategic.get("green_criteria", [])
                                  if c in article["green_codes"]}),
        "quality_criteria": sorted({c.name or c.type for lot in lots for c in lot.award_criteria
                                    if c.type in ("quality", "cost") and (c.name or c.type)}),
        "origin_countries": sorted({country for r in ctx.notice.results for t in r.tenders
                                    for country in t.origin_countries}),
    }
