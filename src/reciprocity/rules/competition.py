"""COMP-SINGLE-BID and COMP-NO-SME-BIDS: competition actually obtained, read from award results (BT-759/BT-760).

These are the EU Single Market Scoreboard's indicators (single bidder; SME bids), reported per lot result.
A count the notice does not give is insufficient-data, never zero. When the SME count is missing but a winner
is declared an SME (BT-165), at least one SME did bid: that is read, not guessed.
"""

from __future__ import annotations

from ..model import SIZES, Finding, LotResult
from .base import Context
from .findings import make_finding
from .sme_common import kind_reason

CODES = ("COMP-SINGLE-BID", "COMP-NO-SME-BIDS")
_SME_SIZES = tuple(s for s in SIZES if s != "large")


def check(ctx: Context) -> list[Finding]:
    """Both findings for every lot result; one not-applicable finding each when the notice has no results."""
    results = [r for r in ctx.notice.results if r.status != "open"]
    if not results:
        if ctx.notice.kind == "result":
            return [make_finding(ctx, code, "insufficient-data", evidence={"missing": ["results"]},
                                 missing="the lot results") for code in CODES]
        return [make_finding(ctx, code, "not-applicable", **kind_reason(ctx.notice.kind)) for code in CODES]
    return [finding for result in results for finding in (_single_bid(ctx, result), _no_sme_bids(ctx, result))]


def _single_bid(ctx: Context, result: LotResult) -> Finding:
    code = "COMP-SINGLE-BID"
    total = result.received.total if result.received else None
    evidence = {"tenders_received": total, "result_status": result.status}
    if total is None:
        return make_finding(ctx, code, "insufficient-data", lot=result.lot_id,
                            evidence={**evidence, "missing": ["received.total (BT-759)"]},
                            missing="the number of tenders received (BT-759)")
    if total == 0:
        return make_finding(ctx, code, "not-applicable", lot=result.lot_id, evidence=evidence,
                            reason="no tender was received", reason_fr="aucune offre n'a été reçue")
    status = "flagged" if total == 1 else "passed"
    return make_finding(ctx, code, status, lot=result.lot_id, evidence=evidence, total=total)


def _no_sme_bids(ctx: Context, result: LotResult) -> Finding:
    code = "COMP-NO-SME-BIDS"
    received = result.received
    total = received.total if received else None
    sme = received.sme if received else None
    sme_winners = [w.name for w in result.winners if w.size in _SME_SIZES]
    evidence = {"tenders_received": total, "sme_tenders": sme, "sme_winners": sme_winners}
    if total == 0:
        return make_finding(ctx, code, "not-applicable", lot=result.lot_id, evidence=evidence,
                            reason="no tender was received", reason_fr="aucune offre n'a été reçue")
    if sme is None and sme_winners:
        return make_finding(ctx, code, "passed", variant="winner", lot=result.lot_id, evidence=evidence,
                            sme="≥ 1")
    if sme is None or total is None:
        missing = [n for n, v in (("received.total (BT-759)", total), ("received.sme (BT-760 t-sme)", sme))
                   if v is None]
        return make_finding(ctx, code, "insufficient-data", lot=result.lot_id,
                            evidence={**evidence, "missing": missing}, missing=missing)
    status = "flagged" if sme == 0 else "passed"
    return make_finding(ctx, code, status, lot=result.lot_id, evidence=evidence, sme=sme, total=total)
