"""SME-SHORT-DEADLINE: fewer days between dispatch and the deadline than the legal minimum for the procedure.

Minimums (CCP R2161-2 ff., R2361-2 for defence; Dir. 2014/24 art. 27-28) are data in sme.yaml with their
reductions: electronic submission, accelerated procedure (BT-106: urgency, 10 days for defence requests
sent electronically; never for a competitive dialogue or an innovation partnership), prior information notice.
They bind formalised procedures only: below the EU threshold a French MAPA has no fixed minimum (CCP R2123-4),
so the rule is then not applicable. Open procedures are measured to the tender deadline (BT-131), restricted
and negotiated ones to the request-to-participate deadline (BT-1311), since their tender period starts at the
invitation.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..i18n.labels import label
from ..model import Finding, Lot
from . import confirm
from .base import Context
from .findings import make_finding
from .legal_links import worded
from .sme_common import CALL_KINDS, eu_threshold_eur, kind_reason, procedure_value_eur, sme_rules

CODES = ("SME-SHORT-DEADLINE",)
CODE = "SME-SHORT-DEADLINE"


def check(ctx: Context) -> list[Finding]:
    """One finding for the procedure, or one per lot when lots have different deadlines."""
    early = _not_concerned(ctx)
    if early is not None:
        return [early]
    limit = time_limit(ctx)
    if limit is None:
        procedure_type = ctx.notice.procedure.type
        evidence = {"procedure_type": procedure_type, "buyer_category": ctx.coverage.get("buyer_category")}
        return [make_finding(ctx, CODE, "not-applicable", evidence=evidence,
                             reason=f"no legal minimum in our rule data for a {procedure_type} procedure",
                             reason_fr="pas de délai minimal connu pour ce type de procédure "
                                       f"({label('procedure_type', procedure_type, 'fr') or procedure_type})")]
    deadlines = {lot.id: _deadline(ctx, lot, limit) for lot in ctx.notice.lots} or {None: _deadline(ctx, None, limit)}
    if len(set(deadlines.values())) == 1:
        return [_check_deadline(ctx, None, next(iter(deadlines.values())), limit)]
    return [_check_deadline(ctx, lot_id, deadline, limit) for lot_id, deadline in deadlines.items()]


def _not_concerned(ctx: Context) -> Finding | None:
    """Not a call for competition, or a procedure below the EU threshold (MAPA): no fixed minimum applies."""
    notice = ctx.notice
    if notice.kind not in CALL_KINDS:
        return make_finding(ctx, CODE, "not-applicable", **kind_reason(notice.kind))
    if notice.procedure.type is None:
        return make_finding(ctx, CODE, "insufficient-data", evidence={"missing": ["procedure.type"]},
                            missing="the procedure type (BT-105)")
    value, threshold = procedure_value_eur(ctx), eu_threshold_eur(ctx)
    if value is not None and threshold is not None and value < threshold:
        return make_finding(ctx, CODE, "not-applicable", evidence={"value_eur": value, "threshold_eur": threshold},
                            reason="below the EU threshold, an adapted procedure (MAPA) has no fixed minimum time "
                                   "limit, only a reasonable one (CCP R2123-4)",
                            reason_fr="sous le seuil européen, une procédure adaptée (MAPA) n'a pas de délai minimal "
                                      "fixe, seulement un délai raisonnable (CCP R2123-4)")
    return None


def time_limit(ctx: Context) -> dict[str, Any] | None:
    """The sme.yaml time-limit entry for this procedure type and buyer category, or None."""
    procedure_type, category = ctx.notice.procedure.type, ctx.coverage.get("buyer_category")
    for entry in sme_rules(ctx)["time_limits"]:
        categories = entry.get("buyer_categories")
        if procedure_type in entry["procedure_types"] and (categories is None or category in categories):
            return entry
    return None


def _deadline(ctx: Context, lot: Lot | None, limit: dict[str, Any]) -> date | None:
    procedure = ctx.notice.procedure
    if limit["deadline"] == "request":
        return (lot.request_deadline if lot else None) or procedure.request_deadline
    return (lot.tender_deadline if lot else None) or procedure.tender_deadline


def _check_deadline(ctx: Context, lot_id: str | None, deadline: date | None, limit: dict[str, Any]) -> Finding:
    dispatch = _dispatch_day(ctx)
    field = "request_deadline (BT-1311)" if limit["deadline"] == "request" else "tender_deadline (BT-131)"
    minimum, basis = _minimum(ctx, lot_id, limit)
    evidence: dict[str, Any] = {"dispatch_date": dispatch, "deadline": deadline, "deadline_field": field,
                                "procedure_type": ctx.notice.procedure.type, "minimum_days": minimum,
                                "minimum_basis": basis, "rule": limit["id"], "article": limit["article"]}
    missing = [name for name, v in (("dispatch_date (BT-05)", dispatch), (field, deadline)) if v is None]
    if missing:
        return make_finding(ctx, CODE, "insufficient-data", lot=lot_id, evidence={**evidence, "missing": missing},
                            to_confirm=_limit_items(limit), missing=missing)
    days = (deadline - dispatch).days
    evidence["days"] = days
    if days < 0:  # a deadline before dispatch is a data error (or a draft checked after its deadline)
        return make_finding(ctx, CODE, "insufficient-data", lot=lot_id,
                            evidence={**evidence, "missing": ["a deadline after the dispatch date"]},
                            to_confirm=_limit_items(limit), missing="a deadline after the dispatch date")
    params = {"days": days, "minimum": minimum, "basis": basis, "article": worded(limit["article"], "en"),
              "article_fr": worded(limit["article"], "fr")}
    if days >= minimum:
        return make_finding(ctx, CODE, "passed", lot=lot_id, evidence=evidence, to_confirm=_limit_items(limit),
                            **params)
    if _unknown_threshold(ctx):
        return make_finding(ctx, CODE, "insufficient-data", lot=lot_id,
                            evidence={**evidence, "missing": ["estimated_value or eu_threshold"]},
                            to_confirm=_limit_items(limit),
                            missing="the estimated value or threshold (the minimum binds formalised procedures only)")
    pin_days = limit.get("pin_days")
    if pin_days is not None and days >= pin_days:  # legal if a prior information notice was published
        return make_finding(ctx, CODE, "flagged", variant="pin", severity="warning", lot=lot_id, evidence=evidence,
                            to_confirm=_limit_items(limit), pin_days=pin_days, **params)
    return make_finding(ctx, CODE, "flagged", lot=lot_id, evidence=evidence, to_confirm=_limit_items(limit),
                        **params)


def _limit_items(limit: dict[str, Any]) -> list[dict[str, str]]:
    """The minimum itself, when the rule data marks it unconfirmed."""
    return confirm.of_entry(limit, f"the legal minimum of {limit['days']} days ({worded(limit['article'], 'en')})",
                            f"le délai minimal légal de {limit['days']} jours ({worded(limit['article'], 'fr')})")


def _dispatch_day(ctx: Context) -> date | None:
    """The day the time limit counts from: the dispatch date (BT-05); for a buyer's draft, the day it is checked
    for. A published record without one (DECP) has no day to count from: the launch date is not it."""
    if ctx.notice.dispatch_date is not None:
        return ctx.notice.dispatch_date
    return ctx.as_of if ctx.notice.source_format == "form" else None


def _minimum(ctx: Context, lot_id: str | None, limit: dict[str, Any]) -> tuple[int, str]:
    """The minimum days and why: accelerated (BT-106), electronic submission (BT-17), or the standard one.
    When e-submission is unknown the lower (electronic) minimum is used, so an unknown never causes a flag."""
    if ctx.notice.procedure.accelerated and limit.get("accelerated_days") is not None:
        return limit["accelerated_days"], "accelerated procedure"
    if limit.get("electronic_days") is None:
        return limit["days"], "standard"
    electronic = _electronic(ctx, lot_id)
    if electronic is False:
        return limit["days"], "standard (no electronic submission)"
    basis = "electronic submission" if electronic else "electronic submission assumed (not stated)"
    return limit["electronic_days"], basis


def _electronic(ctx: Context, lot_id: str | None) -> bool | None:
    lots = [lot for lot in ctx.notice.lots if lot_id is None or lot.id == lot_id]
    codes = {lot.electronic_submission for lot in lots} - {None}
    if codes:
        return "not-allowed" not in codes
    return ctx.notice.procedure.electronic_submission


def _unknown_threshold(ctx: Context) -> bool:
    return procedure_value_eur(ctx) is None or eu_threshold_eur(ctx) is None
