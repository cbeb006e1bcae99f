"""The SME accessibility score (0-100): a weighted share of the SME checks a notice passes, shown with its parts.

Components and weights are data (sme_score.yaml). A component counts only when at least one of its findings is
`passed` or `flagged`; the others are left out and the weights rescaled, so missing data neither lowers nor
raises the score. `advance_payment` is read from results giving an advance rate (DECP tauxAvance, CCP R2191-3).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..model import Finding
from .base import Context
from .sme_common import score_weights, sme_rules

_DECIDED = ("passed", "flagged")
MIN_MEASURED_SHARE = 0.5  # below this share of the weights measured, the score is "not computable" (value None)


def compute(ctx: Context, findings: list[Finding]) -> dict[str, Any] | None:
    """{"value": 0-100 | None, "measured": share of the weights measured, "components": {name: {weight, value,
    passed, flagged, en, fr}}}, or None when no component applies (e.g. a planning notice). `value` is None when
    less than half of the weights could be measured."""
    components = {}
    for name, spec in score_weights(ctx)["components"].items():
        if "codes" in spec:
            passed, flagged = _count(findings, spec["codes"])
        else:
            passed, flagged = _advance_counts(ctx)
        value = None if passed + flagged == 0 else Decimal(passed) / Decimal(passed + flagged)
        components[name] = {"weight": spec["weight"], "value": _round(value), "passed": passed, "flagged": flagged,
                            "en": spec["en"], "fr": spec["fr"]}
    applying = [c for c in components.values() if c["value"] is not None]
    if not applying:
        return None
    total = sum(c["weight"] for c in applying)
    measured = _round(Decimal(total) / sum(c["weight"] for c in components.values()))
    score = sum(Decimal(str(c["value"])) * c["weight"] for c in applying) * 100 / total
    # a score measured on less than half of its weight says more about the notice's gaps than about its barriers
    value = int(score.quantize(Decimal(1))) if measured >= MIN_MEASURED_SHARE else None
    return {"value": value, "measured": measured, "components": components}


def _count(findings: list[Finding], codes: list[str]) -> tuple[int, int]:
    """Passed and flagged findings of these codes (one per lot for per-lot rules)."""
    decided = [f.status for f in findings if f.code in codes and f.status in _DECIDED]
    return decided.count("passed"), decided.count("flagged")


def _advance_counts(ctx: Context) -> tuple[int, int]:
    """Results above the R2191-3 amount that state an advance rate: paid (rate > 0) vs not paid (rate 0).
    The duration condition (> 2 months) is not checked: results rarely carry it."""
    floor = sme_rules(ctx)["advance"]["min_amount_eur"]
    procedure = ctx.notice.procedure
    if not ctx.notice.results and procedure.advance_rate is not None:  # a draft announcing its advance rate
        value = ctx.data.to_eur(procedure.estimated_value, ctx.as_of)
        if value is None or value <= floor:
            return 0, 0
        return (1, 0) if procedure.advance_rate > 0 else (0, 1)
    paid = unpaid = 0
    for result in ctx.notice.results:
        value = ctx.data.to_eur(result.value, ctx.as_of)
        if result.advance_rate is None or value is None or value <= floor:
            continue
        if result.advance_rate > 0:
            paid += 1
        else:
            unpaid += 1
    return paid, unpaid


def _round(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(Decimal("0.01")))
