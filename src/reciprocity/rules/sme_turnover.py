"""SME-TURNOVER-CAP: a minimum yearly turnover above the cap times the estimated value shuts SMEs out.

CCP R2142-7 (Dir. 2014/24 art. 58(3)) caps the minimum turnover a buyer may demand at 2x the estimated value of
the contract or lot, 1.5x for procedures launched from 2026-01-01 (décret 2025-1383); the dated multiples live in
sme.yaml. The cap applies per lot; a turnover demanded for a group of lots is compared with the group's value
(R2142-8); a framework agreement is compared with its estimated value (the expected maximum size of specific
contracts performed at the same time is not in a notice: art. 58(3) al. 3), and the evidence says which was used.
A lot without a value of its own is insufficient-data, never compared with the whole procedure. A higher level
stays lawful when justified by the object or performance conditions and stated in the documents, so a turnover
above the cap is a warning (info when the notice states a justification), never a certain breach. The turnover is
BT-752 when the notice gives it as an amount, else read from the criteria text (turnover_text.py).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..model import Finding, Lot
from . import confirm
from .base import Context
from .data import in_force
from .findings import make_finding, render_texts
from .sme_common import CALL_KINDS, kind_reason, lot_value_eur, sme_rules
from .text import find_clause, notice_texts
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
        entry = {"source": rules["exempt_source"], "confidence": rules["confidence_of_exemption"]}
        return [make_finding(ctx, CODE, "not-applicable", evidence={"legal_basis": legal_basis},
                             to_confirm=confirm.of_entry(entry, "that no turnover cap applies under this legal basis",
                                                         "qu'aucun plafond de chiffre d'affaires ne s'applique "
                                                         "sous cette base juridique"),
                             reason=f"no turnover cap for legal basis {legal_basis} (concessions, defence)",
                             reason_fr=f"pas de plafond de chiffre d'affaires pour la base juridique {legal_basis} "
                                       "(concessions, défense)")]
    launched = ctx.as_of
    cap = in_force(rules["periods"], launched)
    if cap is None:
        reason = render_texts({"en": "no turnover cap in our rule data for a procedure launched on {launched}",
                               "fr": "aucun plafond de chiffre d'affaires connu pour une procédure lancée le "
                                     "{launched}"}, launched=launched)
        return [make_finding(ctx, CODE, "not-applicable", evidence={"as_of": launched}, reason=reason["en"],
                             reason_fr=reason["fr"])]
    if not ctx.notice.lots:
        return [make_finding(ctx, CODE, "insufficient-data", evidence={"missing": ["lots"]}, missing="lots")]
    return [_check_lot(ctx, lot, cap, rules) for lot in ctx.notice.lots]


def _check_lot(ctx: Context, lot: Lot, cap: dict[str, Any], rules: dict[str, Any]) -> Finding:
    required, read_from = required_turnover(lot)
    if required is None:
        return _no_turnover(ctx, lot, {"multiple": cap["multiple"], "cap_article": cap["article"],
                                       "turnover_read_from": read_from})
    value_eur, basis = _compared_value(ctx, lot, required, rules)
    required_eur = ctx.data.to_eur(required.money, ctx.as_of)
    evidence: dict[str, Any] = {
        "multiple": cap["multiple"], "cap_article": cap["article"], "turnover_read_from": read_from,
        "estimated_value_eur": value_eur, "value_basis": basis, "required_turnover": required.money.to_dict(),
        "required_turnover_eur": required_eur, "clause": required.clause}
    missing = [name for name, v in (("estimated_value", value_eur), ("exchange_rate", required_eur)) if v is None]
    if missing:
        return make_finding(ctx, CODE, "insufficient-data", lot=lot.id, evidence={**evidence, "missing": missing},
                            missing=[_MISSING[m] for m in missing], missing_fr=[_MISSING_FR[m] for m in missing])
    cap_eur = (value_eur * cap["multiple"]).quantize(Decimal("0.01"))
    evidence["cap_eur"] = cap_eur
    params = {"required_eur": required_eur, "cap_eur": cap_eur, "multiple": str(cap["multiple"]),
              "value_eur": value_eur, "basis": basis["en"], "basis_fr": _of_fr(basis["fr"])}
    if required_eur <= cap_eur:
        return make_finding(ctx, CODE, "passed", lot=lot.id, evidence=evidence, **params)
    justified = find_clause(_texts(ctx, lot), ctx.data.patterns("turnover_justification"))
    if justified:
        return make_finding(ctx, CODE, "flagged", variant="justified", severity="info", lot=lot.id,
                            evidence={**evidence, "justification_in": justified[0]}, **params)
    return make_finding(ctx, CODE, "flagged", lot=lot.id, evidence=evidence, **params)


_MISSING = {"estimated_value": "the lot's own estimated value (BT-27-Lot): the cap is per lot",
            "exchange_rate": "the EUR rate of the turnover's currency"}
_MISSING_FR = {"estimated_value": "la valeur estimée du lot lui-même (BT-27-Lot) : le plafond s'apprécie par lot",
               "exchange_rate": "le taux de change en euros de la devise du chiffre d'affaires"}


def _compared_value(ctx: Context, lot: Lot, required: TurnoverRequirement,
                    rules: dict[str, Any]) -> tuple[Decimal | None, dict[str, str]]:
    """The value the cap multiplies, and what it is: the lot, its group of lots, or a framework agreement."""
    if required.lots:
        numbers = sorted(required.lots)
        group = [other for other in ctx.notice.lots if _number(other.id) in required.lots]
        values = [lot_value_eur(ctx, other)[0] for other in group]
        total = None if len(group) != len(numbers) or None in values else sum(values, Decimal(0))
        names = ", ".join(map(str, numbers))
        return total, {"en": f"the group of lots {names} ({rules['group_article']})",
                       "fr": f"le groupe de lots {names} ({rules['group_article']})"}
    value, _ = lot_value_eur(ctx, lot)
    if lot.framework and lot.framework != "none":
        return value, {"en": "the framework agreement (the expected maximum size of specific contracts performed at "
                             f"the same time is not in the notice: {rules['framework_article']})",
                       "fr": "l'accord-cadre (la taille maximale attendue des marchés subséquents exécutés en même "
                             f"temps n'est pas dans l'avis : {rules['framework_article']})"}
    return value, {"en": "the lot", "fr": "le lot"}


def _of_fr(words: str) -> str:
    """"de" before a French noun phrase, contracted as French writes it ("du lot", "de l'accord-cadre")."""
    return "du " + words[3:] if words.startswith("le ") else "de " + words


def _number(lot_id: str) -> int | None:
    """The lot's number ("LOT-0002" -> 2); an id ending in more than 9 digits is no lot number (never a huge int())."""
    found = re.search(r"(?<!\d)(\d{1,9})$", lot_id)
    return int(found.group(1)) if found else None


def _texts(ctx: Context, lot: Lot) -> dict[str, str]:
    """The texts where a justification of a higher turnover may be stated."""
    texts = notice_texts(ctx.notice)
    return {where: text for where, text in texts.items() if "lots[" not in where or f"lots[{lot.id}]" in where}


def required_turnover(lot: Lot) -> tuple[TurnoverRequirement | None, str]:
    """The lot's required minimum turnover: BT-752 amount, else the lowest amount stated in a criterion text."""
    structured = [c.min_turnover for c in lot.selection_criteria if c.min_turnover is not None]
    if structured:
        return TurnoverRequirement(min(structured, key=lambda m: m.amount), "(BT-752 amount)"), "BT-752"
    lot_number = _number(lot.id)  # "LOT-0002", "2": criteria texts name lots by number
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
