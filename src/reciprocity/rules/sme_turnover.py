"""SME-TURNOVER-CAP: a minimum yearly turnover above the cap times the estimated value shuts SMEs out.

CCP R2142-7 (Dir. 2014/24 art. 58(3)) caps the minimum turnover a buyer may demand at 2x the estimated value of
the contract or lot, 1.5x for procedures launched from 2026-01-01 (décret 2025-1383); the dated multiples live in
sme.yaml. The turnover is BT-752 when the notice gives it as an amount, else read from the criteria text
(turnover.py). A turnover exactly at the cap is allowed ("shall not exceed"). Per lot.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..model import Finding, Lot
from .base import Context
from .data import in_force
from .findings import make_finding
from .sme_common import CALL_KINDS, kind_reason, lot_value_eur, sme_rules
from .turnover_text import TurnoverRequirement, find_min_turnover, mentions_turnover

CODES = ("SME-TURNOVER-CAP",)
CODE = "SME-TURNOVER-CAP"


def check(ctx: Context) -> list[Finding]:
    """One finding per lot of a competition notice (or one not-applicable finding for the notice)."""
    if ctx.notice.kind not in CALL_KINDS:
        return [make_finding(ctx, CODE, "not-applicable", **kind_reason(ctx.notice.kind))]
    rules = sme_rules(ctx)["turnover_cap"]
    legal_basis = ctx.notice.procedure.legal_basis
    if legal_basis in rules["exempt_legal_bases"]:
        return [make_finding(ctx, CODE, "not-applicable", evidence={"legal_basis": legal_basis},
                             confidence=rules["confidence_of_exemption"],
                             reason=f"no turnover cap for legal basis {legal_basis} (concessions, defence)",
                             reason_fr=f"pas de plafond de chiffre d'affaires pour la base juridique {legal_basis} "
                                       "(concessions, défense)")]
    launched = ctx.as_of
    cap = in_force(rules["periods"], launched)
    if cap is None:
        return [make_finding(ctx, CODE, "not-applicable", evidence={"as_of": launched},
                             reason=f"no turnover cap in our rule data for a procedure launched on {launched}",
                             reason_fr="aucun plafond de chiffre d'affaires connu pour une procédure lancée le "
                                       f"{launched}")]
    if not ctx.notice.lots:
        return [make_finding(ctx, CODE, "insufficient-data", evidence={"missing": ["lots"]}, missing="lots")]
    return [_check_lot(ctx, lot, cap) for lot in ctx.notice.lots]


def _check_lot(ctx: Context, lot: Lot, cap: dict[str, Any]) -> Finding:
    required, read_from = required_turnover(lot)
    value_eur, value_from = lot_value_eur(ctx, lot)
    evidence: dict[str, Any] = {"multiple": cap["multiple"], "cap_article": cap["article"],
                                "turnover_read_from": read_from, "estimated_value_eur": value_eur,
                                "value_read_from": value_from}
    if required is None:
        return _no_turnover(ctx, lot, evidence)
    required_eur = ctx.data.to_eur(required.money, ctx.as_of)
    evidence |= {"required_turnover": required.money.to_dict(), "required_turnover_eur": required_eur,
                 "clause": required.clause}
    missing = [name for name, v in (("estimated_value", value_eur), ("exchange_rate", required_eur)) if v is None]
    if missing:
        return make_finding(ctx, CODE, "insufficient-data", lot=lot.id, evidence={**evidence, "missing": missing},
                            confidence=cap.get("confidence"), missing=missing)
    cap_eur = (value_eur * cap["multiple"]).quantize(Decimal("0.01"))
    evidence["cap_eur"] = cap_eur
    status = "flagged" if required_eur > cap_eur else "passed"
    return make_finding(ctx, CODE, status, lot=lot.id, evidence=evidence, confidence=cap.get("confidence"),
                        required_eur=required_eur, cap_eur=cap_eur, multiple=str(cap["multiple"]), value_eur=value_eur)


def required_turnover(lot: Lot) -> tuple[TurnoverRequirement | None, str]:
    """The lot's required minimum turnover: BT-752 amount, else the lowest amount stated in a criterion text."""
    structured = [c.min_turnover for c in lot.selection_criteria if c.min_turnover is not None]
    if structured:
        return TurnoverRequirement(min(structured, key=lambda m: m.amount), "(BT-752 amount)"), "BT-752"
    number = re.search(r"(?<!\d)(\d{1,9})$", lot.id)  # "LOT-0002", "2": criteria texts name lots by number
    lot_number = int(number.group(1)) if number else None
    found = [f for c in lot.selection_criteria if (f := find_min_turnover(c.description, lot_number))]
    if len({f.money.currency for f in found}) == 1:
        return min(found, key=lambda f: f.money.amount), "criteria text"
    return None, "criteria text" if lot.selection_criteria else "none"


def _no_turnover(ctx: Context, lot: Lot, evidence: dict[str, Any]) -> Finding:
    """No amount found. Passed only when the notice states its economic and financial criteria and none asks for
    a turnover; insufficient-data when there are no such criteria in the notice (they may be in the documents)
    or a turnover is asked for without its amount."""
    criteria = lot.selection_criteria
    if any(mentions_turnover(c.description) for c in criteria):
        return make_finding(ctx, CODE, "insufficient-data", lot=lot.id,
                            evidence={**evidence, "missing": ["turnover amount"]},
                            missing="the amount of the turnover asked for (not stated in the notice)")
    if any(_is_economic(c.type) and c.description for c in criteria):
        return make_finding(ctx, CODE, "passed", variant="none", lot=lot.id, evidence=evidence)
    return make_finding(ctx, CODE, "insufficient-data", lot=lot.id,
                        evidence={**evidence, "missing": ["economic and financial selection criteria"]},
                        missing="the economic and financial selection criteria (not in the notice; "
                                "they may be in the procurement documents)")


def _is_economic(criterion_type: str | None) -> bool:
    """Economic and financial standing: BT-747 ef-stand, BT-809 slc-stand-*, TED ECONOMIC_FINANCIAL_*."""
    return bool(criterion_type) and (criterion_type == "ef-stand" or criterion_type.startswith(
        ("slc-stand", "economic-financial")))
