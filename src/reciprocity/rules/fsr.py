"""FSR-NOTIFICATION: Reg. (EU) 2022/2560 art. 28, from 2023-10-12 (rules-2026.md §6).

A procedure is notifiable *for an operator* when its total is >= EUR 250 M and, when divided into lots, the lots
that operator applies for total >= EUR 125 M; whether it notifies or only declares depends on its own foreign
financial contributions (>= EUR 4 M per third country over three years). So the finding never tells every
tenderer to notify: for a procedure in lots it says how many of the largest lots reach EUR 125 M, and on an award
notice which winners' lots did. Defence procurement (Dir. 2009/81) is excluded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..model import Finding
from .base import Context
from .findings import make_finding, render_texts
from .values import lot_value_eur

CODES = ("FSR-NOTIFICATION",)


def check(ctx: Context) -> list[Finding]:
    """Flagged at or above the threshold, passed below, not-applicable before 2023-10-12 or for defence."""
    fsr, cov, notice = ctx.data.fsr, ctx.coverage, ctx.notice
    if notice.buyer.country and not ctx.data.is_eu(notice.buyer.country, ctx.as_of):
        return [_finding(ctx, "not-applicable", reason=f"buyer in {notice.buyer.country}, outside the EU",
                         reason_fr=f"acheteur situé hors UE ({notice.buyer.country})")]
    if ctx.as_of < fsr["from"]:
        reason = render_texts({"en": "launched on {launched}, before the FSR applied ({start})",
                               "fr": "lancé le {launched}, avant l'application du RSE ({start})"},
                              launched=ctx.as_of, start=fsr["from"])
        return [_finding(ctx, "not-applicable", reason=reason["en"], reason_fr=reason["fr"])]
    if cov.get("buyer_category") in fsr["excluded_categories"]:
        return [_finding(ctx, "not-applicable", reason=f"{cov['buyer_category']} procurement is excluded",
                         reason_fr="marchés de défense exclus")]
    value_eur = cov.get("value_eur")
    if value_eur is None:
        missing = [m for m in cov.get("missing", []) if "value" in m or "rate" in m] or ["estimated value"]
        return [_finding(ctx, "insufficient-data", missing=missing)]
    params = {"value_eur": value_eur, "threshold_eur": fsr["threshold_eur"], "lot_threshold_eur":
              fsr["lot_threshold_eur"], "contributions_eur": fsr["contributions_eur"]}
    if value_eur < fsr["threshold_eur"]:
        return [_finding(ctx, "passed", **params)]
    if len(ctx.notice.lots) <= 1:
        return [_finding(ctx, "flagged", **params)]
    lots = _lots(ctx)
    return [_finding(ctx, "flagged", variant="lots", lots_detail=lots, **params, lots=len(ctx.notice.lots),
                     large_lots=lots["at_or_above_lot_threshold"] or ["—"],
                     fewest_lots=lots["fewest_lots_reaching"] or "?")]


def _lots(ctx: Context) -> dict[str, Any]:
    """Per-lot values, the lots at or above EUR 125 M on their own, and the fewest (largest) lots that together
    reach it; on an award notice, each winner's lots and whether they reach it."""
    floor = ctx.data.fsr["lot_threshold_eur"]
    values = {lot.id: lot_value_eur(ctx.notice, lot, ctx.data, ctx.as_of)[0] for lot in ctx.notice.lots}
    known = sorted((v for v in values.values() if v is not None), reverse=True)
    running, fewest = Decimal(0), None
    for count, value in enumerate(known, 1):
        running += value
        if running >= floor:
            fewest = count
            break
    return {"lot_values_eur": values, "at_or_above_lot_threshold": [k for k, v in values.items() if v and v >= floor],
            "fewest_lots_reaching": fewest,
            "lots_without_value": [k for k, v in values.items() if v is None], "winners": _winners(ctx, floor)}


def _winners(ctx: Context, floor: Decimal) -> list[dict[str, Any]]:
    """Each winner's awarded lots (a lower bound of the lots it applied for) and their total in EUR."""
    totals: dict[str, dict[str, Any]] = {}
    for result in ctx.notice.results:
        value = ctx.data.to_eur(result.value, ctx.as_of)
        for winner in result.winners:
            entry = totals.setdefault(winner.name or "?", {"name": winner.name, "lots": [],
                                                           "awarded_eur": Decimal(0)})
            entry["lots"].append(result.lot_id)
            known = value is not None and entry["awarded_eur"] is not None
            entry["awarded_eur"] = entry["awarded_eur"] + value if known else None
    for entry in totals.values():
        entry["reaches_lot_threshold"] = None if entry["awarded_eur"] is None else entry["awarded_eur"] >= floor
    return list(totals.values())


def _finding(ctx: Context, status: str, variant: str | None = None, lots_detail: dict | None = None,
             **params) -> Finding:
    cov = ctx.coverage
    evidence = {"value_eur": cov.get("value_eur"), "value_source": cov.get("value_source"),
                "threshold_eur": ctx.data.fsr["threshold_eur"], "lot_threshold_eur": ctx.data.fsr["lot_threshold_eur"],
                "as_of": ctx.as_of}
    if lots_detail is not None:
        evidence |= lots_detail
    if status == "insufficient-data":
        evidence["missing"] = params["missing"]
    return make_finding(ctx, CODES[0], status, evidence=evidence, variant=variant, **params)
