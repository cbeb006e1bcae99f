"""RECIP-NON-EEA-TENDERS: tenders received from outside the EEA (BT-760 t-no-eea; TED NB_TENDERS_RECEIVED_NON_EU)."""

from __future__ import annotations

from ..model import Finding
from .base import Context
from .findings import make_finding

CODES = ("RECIP-NON-EEA-TENDERS",)


def check(ctx: Context) -> list[Finding]:
    """One flagged finding per lot with non-EEA tenders; else passed / insufficient-data / not-applicable."""
    results = [r for r in ctx.notice.results if r.received is not None and not r.received.is_empty()]
    if not ctx.notice.results:
        return [make_finding(ctx, CODES[0], "not-applicable", reason=f"{ctx.notice.kind} notice without results",
                             reason_fr="avis sans résultat d'attribution")]
    flagged = [r for r in results if (r.received.non_eea or 0) > 0]
    if flagged:
        return [make_finding(ctx, CODES[0], "flagged", lot=r.lot_id, evidence=_evidence(ctx, r),
                             non_eea=r.received.non_eea, total=r.received.total) for r in flagged]
    known = [r for r in results if r.received.non_eea is not None]
    if known and len(known) == len(ctx.notice.results):
        return [make_finding(ctx, CODES[0], "passed", evidence={"lots": [r.lot_id for r in known]})]
    missing = ["received submissions from outside the EEA (BT-759/BT-760 t-no-eea)"]
    return [make_finding(ctx, CODES[0], "insufficient-data", evidence={"missing": missing})]


def _evidence(ctx: Context, result) -> dict:
    evidence = {"received": result.received.to_dict(), "lot": result.lot_id}
    if ctx.notice.source_format == "ted":
        evidence["note"] = "legacy TED counts tenders from outside the EU (EEA-EFTA states included)"
    return evidence
