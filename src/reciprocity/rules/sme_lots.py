"""SME-NO-LOTS and SME-ALL-LOTS-REQUIRED: is the procurement divided so that an SME can bid for part of it?

CCP L2113-10 makes division into lots the rule and L2113-11 lists the only reasons not to divide, which the
buyer must state. We flag a single lot only where division clearly mattered: value at or above the EU threshold
of the buyer's category (a value exactly at the threshold counts, as in Dir. 2014/24 art. 4). On an award notice
the same facts are read back for audit (severity info); planning and modification notices are not concerned.
"""

from __future__ import annotations

from ..i18n.phrases import translate
from ..model import Finding
from .base import Context
from .findings import make_finding
from .sme_common import AUDIT_KINDS, CALL_KINDS, eu_threshold_eur, kind_reason, procedure_value_eur, sme_rules

CODES = ("SME-NO-LOTS", "SME-ALL-LOTS-REQUIRED")


def check(ctx: Context) -> list[Finding]:
    """Both lot findings for the notice (procedure level, `lot` is None)."""
    return [_no_lots(ctx), _all_lots_required(ctx)]


def _no_lots(ctx: Context) -> Finding:
    code, notice = "SME-NO-LOTS", ctx.notice
    if notice.kind not in AUDIT_KINDS:
        return make_finding(ctx, code, "not-applicable", **kind_reason(notice.kind))
    if notice.source_format == "decp":  # one DECP record is one contract, often one lot of a divided procedure
        return make_finding(ctx, code, "not-applicable", reason="a DECP record describes one contract, not the "
                            "whole procedure and its lots", reason_fr="une donnée essentielle décrit un marché, "
                            "pas la procédure entière et ses lots")
    exempt = _allotment_exemption(ctx)
    if exempt:
        return make_finding(ctx, code, "not-applicable", evidence={"exempt": exempt},
                            reason=f"the duty to divide into lots does not apply ({exempt})",
                            reason_fr=f"l'obligation d'allotir ne s'applique pas ({translate(exempt, 'fr') or exempt})")
    if not notice.lots:
        return make_finding(ctx, code, "insufficient-data", evidence={"missing": ["lots"]}, missing="lots")
    if len(notice.lots) > 1:
        return make_finding(ctx, code, "passed", evidence={"lots": len(notice.lots)}, lots=len(notice.lots))
    return _single_lot(ctx)


def _single_lot(ctx: Context) -> Finding:
    """One lot: flagged at or above the EU threshold, passed below it, insufficient-data if either is unknown."""
    code = "SME-NO-LOTS"
    value, threshold = procedure_value_eur(ctx), eu_threshold_eur(ctx)
    evidence = {"lots": 1, "value_eur": value, "threshold_eur": threshold,
                "buyer_category": ctx.coverage.get("buyer_category"), "as_of": ctx.as_of}
    missing = [name for name, v in (("estimated_value", value), ("eu_threshold", threshold)) if v is None]
    if missing:
        return make_finding(ctx, code, "insufficient-data", evidence={**evidence, "missing": missing},
                            missing=missing)
    if value < threshold:
        return make_finding(ctx, code, "passed", variant="below", evidence=evidence,
                            value_eur=value, threshold_eur=threshold)
    severity = "info" if ctx.notice.kind not in CALL_KINDS else None
    return make_finding(ctx, code, "flagged", evidence=evidence, severity=severity,
                        value_eur=value, threshold_eur=threshold)


def _allotment_exemption(ctx: Context) -> str | None:
    """Concessions (Dir. 2014/23) and defence/security (Dir. 2009/81) are outside the allotment duty."""
    allotment = sme_rules(ctx)["allotment"]
    legal_basis = ctx.notice.procedure.legal_basis
    if legal_basis in allotment["exempt_legal_bases"]:
        return f"legal basis {legal_basis}"
    category = ctx.coverage.get("buyer_category")
    if category in allotment["exempt_buyer_categories"]:
        return f"{category} procurement"
    return None


def _all_lots_required(ctx: Context) -> Finding:
    """Flagged when tenderers must bid for every lot (eForms BT-763 "all"): the division then helps no SME."""
    code, notice, procedure = "SME-ALL-LOTS-REQUIRED", ctx.notice, ctx.notice.procedure
    if notice.kind not in CALL_KINDS:
        return make_finding(ctx, code, "not-applicable", **kind_reason(notice.kind))
    if len(notice.lots) <= 1:
        return make_finding(ctx, code, "not-applicable", reason="the procedure has a single lot",
                            reason_fr="la procédure ne comporte qu'un lot")
    evidence = {"lots": len(notice.lots), "all_lots_required": procedure.all_lots_required,
                "max_lots_per_tenderer": procedure.max_lots_per_tenderer}
    if procedure.all_lots_required:
        return make_finding(ctx, code, "flagged", evidence=evidence, lots=len(notice.lots))
    if procedure.all_lots_required is None and procedure.max_lots_per_tenderer is None:
        return make_finding(ctx, code, "insufficient-data", evidence={**evidence, "missing": ["all_lots_required"]},
                            missing="all_lots_required (BT-763)")
    return make_finding(ctx, code, "passed", evidence=evidence, lots=len(notice.lots))
