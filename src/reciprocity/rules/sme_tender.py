"""Per-lot SME findings read straight from the lot: SME-PRICE-ONLY (BT-539), SME-NOT-FLAGGED-SUITABLE (BT-726)
and SME-NO-ESUBMISSION (BT-17).

Price as the only award criterion favours scale over quality and service (Dir. 2014/24 art. 67); BT-726 tells
SMEs where to look; paper-only submission is a cost (art. 22). BT-726 and BT-17 do not exist in legacy TED
R2.0.9 (fields.md), so there the first is not applicable and the second insufficient-data, never guessed.
"""

from __future__ import annotations

from decimal import Decimal

from ..model import Finding, Lot
from .award_weights import HUNDRED, price_weight_percent
from .base import Context
from .findings import make_finding
from .sme_common import AUDIT_KINDS, CALL_KINDS, kind_reason

CODES = ("SME-PRICE-ONLY", "SME-NOT-FLAGGED-SUITABLE", "SME-NO-ESUBMISSION")
_NO_BT726_FORMATS = ("ted", "decp")


def check(ctx: Context) -> list[Finding]:
    """The three per-lot findings, or one not-applicable finding per code for other notice kinds."""
    return [*_per_lot(ctx, "SME-PRICE-ONLY", AUDIT_KINDS, _price_only),
            *_per_lot(ctx, "SME-NOT-FLAGGED-SUITABLE", CALL_KINDS, _sme_suitable),
            *_per_lot(ctx, "SME-NO-ESUBMISSION", CALL_KINDS, _esubmission)]


def _per_lot(ctx: Context, code: str, kinds: tuple[str, ...], rule) -> list[Finding]:
    if ctx.notice.kind not in kinds:
        return [make_finding(ctx, code, "not-applicable", **kind_reason(ctx.notice.kind))]
    if not ctx.notice.lots:
        return [make_finding(ctx, code, "insufficient-data", evidence={"missing": ["lots"]}, missing="lots")]
    return [rule(ctx, lot) for lot in ctx.notice.lots]


def _price_only(ctx: Context, lot: Lot) -> Finding:
    """Flagged when every award criterion of the lot is of type price (BT-539 'price'), or when price carries the
    whole weight (the others weigh 0 %). The weight is read with its kind (award_weights.py): a rank is never a
    share, points count only against their total; an unknown weight never flags."""
    code = "SME-PRICE-ONLY"
    types = [c.type for c in lot.award_criteria]
    price_percent = price_weight_percent(lot.award_criteria)
    evidence = {"award_criteria_types": types,
                "price_weight_percent": None if price_percent is None else price_percent.quantize(Decimal("0.01"))}
    if not types or all(t is None for t in types):
        return make_finding(ctx, code, "insufficient-data", lot=lot.id,
                            evidence={**evidence, "missing": ["award_criteria (BT-539)"]},
                            missing="the award criteria (BT-539), possibly given only in the documents")
    if set(types) == {"price"}:
        severity = None if ctx.notice.kind in CALL_KINDS else "info"
        return make_finding(ctx, code, "flagged", lot=lot.id, evidence=evidence, severity=severity)
    others = sorted({t for t in types if t and t != "price"})
    if price_percent == HUNDRED:
        severity = None if ctx.notice.kind in CALL_KINDS else "info"
        return make_finding(ctx, code, "flagged", variant="weight", lot=lot.id, evidence=evidence,
                            severity=severity, types=others)
    weighted = "weighted" if price_percent is not None and price_percent > 0 else None
    return make_finding(ctx, code, "passed", variant=weighted, lot=lot.id, evidence=evidence,
                        types=sorted({t for t in types if t}),
                        price_percent=None if weighted is None else price_percent.quantize(Decimal("0.1")).normalize())


def _sme_suitable(ctx: Context, lot: Lot) -> Finding:
    """BT-726: true passes, false or absent is flagged; formats without BT-726 are not applicable."""
    code = "SME-NOT-FLAGGED-SUITABLE"
    evidence = {"sme_suitable": lot.sme_suitable, "source_format": ctx.notice.source_format}
    if ctx.notice.source_format in _NO_BT726_FORMATS:
        return make_finding(ctx, code, "not-applicable", lot=lot.id, evidence=evidence,
                            reason=f"BT-726 does not exist in the {ctx.notice.source_format} format",
                            reason_fr=f"le champ BT-726 n'existe pas dans le format {ctx.notice.source_format}")
    if lot.sme_suitable:
        return make_finding(ctx, code, "passed", lot=lot.id, evidence=evidence)
    variant = "absent" if lot.sme_suitable is None else None
    return make_finding(ctx, code, "flagged", variant=variant, lot=lot.id, evidence=evidence)


def _esubmission(ctx: Context, lot: Lot) -> Finding:
    """BT-17 'not-allowed' is flagged; 'required'/'allowed' pass; unknown is insufficient-data."""
    code = "SME-NO-ESUBMISSION"
    method = lot.electronic_submission
    if method is None and ctx.notice.procedure.electronic_submission is not None:
        method = "allowed" if ctx.notice.procedure.electronic_submission else "not-allowed"
    evidence = {"electronic_submission": method}
    if method is None:
        return make_finding(ctx, code, "insufficient-data", lot=lot.id,
                            evidence={**evidence, "missing": ["electronic_submission (BT-17)"]},
                            missing="the submission method (BT-17)")
    status = "flagged" if method == "not-allowed" else "passed"
    return make_finding(ctx, code, status, lot=lot.id, evidence=evidence, method=method)
