"""FSR-NOTIFICATION: Reg. (EU) 2022/2560 art. 28 - procurements with an estimated value >= EUR 250 M (lots the
bidder tenders for >= EUR 125 M) require tenderers to notify foreign financial contributions, from 2023-10-12."""

from __future__ import annotations

from ..model import Finding
from .base import Context
from .findings import make_finding

CODES = ("FSR-NOTIFICATION",)


def check(ctx: Context) -> list[Finding]:
    """Flagged at or above the threshold, passed below, not-applicable before 2023-10-12 or for defence."""
    fsr, cov, notice = ctx.data.fsr, ctx.coverage, ctx.notice
    if notice.buyer.country and not ctx.data.is_eu(notice.buyer.country, ctx.as_of):
        return [_finding(ctx, "not-applicable", reason=f"buyer in {notice.buyer.country}, outside the EU",
                         reason_fr=f"acheteur situé hors UE ({notice.buyer.country})")]
    if ctx.as_of < fsr["from"]:
        reason = f"launched on {ctx.as_of}, before the FSR applied ({fsr['from']})"
        return [_finding(ctx, "not-applicable", reason=reason,
                         reason_fr=f"lancé le {ctx.as_of}, avant l'application du RSE ({fsr['from']})")]
    if cov.get("buyer_category") in fsr["excluded_categories"]:
        return [_finding(ctx, "not-applicable", reason=f"{cov['buyer_category']} procurement is excluded",
                         reason_fr="marchés de défense exclus")]
    value_eur = cov.get("value_eur")
    if value_eur is None:
        missing = [m for m in cov.get("missing", []) if "value" in m or "rate" in m] or ["estimated value"]
        return [_finding(ctx, "insufficient-data", missing=missing)]
    params = {"value_eur": value_eur, "threshold_eur": fsr["threshold_eur"]}
    if value_eur >= fsr["threshold_eur"]:
        return [_finding(ctx, "flagged", large_lots=_large_lots(ctx), **params)]
    return [_finding(ctx, "passed", **params)]


def _large_lots(ctx: Context) -> list[str]:
    """Lots whose own estimated value reaches the lot threshold (EUR 125 M)."""
    floor = ctx.data.fsr["lot_threshold_eur"]
    return [lot.id for lot in ctx.notice.lots
            if (value := ctx.data.to_eur(lot.estimated_value, ctx.as_of)) is not None and value >= floor]


def _finding(ctx: Context, status: str, large_lots: list[str] | None = None, **params) -> Finding:
    cov = ctx.coverage
    evidence = {"value_eur": cov.get("value_eur"), "value_source": cov.get("value_source"),
                "threshold_eur": ctx.data.fsr["threshold_eur"], "as_of": ctx.as_of}
    if large_lots is not None:
        evidence["lots_at_or_above_lot_threshold"] = large_lots
    if status == "insufficient-data":
        evidence["missing"] = params["missing"]
    return make_finding(ctx, CODES[0], status, evidence=evidence, **params)
