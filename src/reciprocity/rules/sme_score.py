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


def compute(ctx: Context, findings: list[Finding]) -> dict[str, Any] | None:
    """{"value": 0-100, "components": {name: {weight, value, passed, flagged, en, fr}}}, or None when no
    component applies (e.g. a planning notice)."""
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
    score = sum(Decimal(str(c["value"])) * c["weight"] for c in applying) * 100 / total
    return {"value": int(score.quantize(Decimal(1))), "components": components}


def _count(findings: list[Finding], codes: list[str]) -> tuple[int, int]:
    """Passed and flagged findings of these codes (one per lot for per-lot rules)."""
    decided = [f.status for f in findings if f.code in codes and f.status in _DECIDED]
    return decided.count("passed"), decided.count("flagged")


def _advance_counts(ctx: Context) -> tuple[int, int]:
    """Results above the R2191-3 amount that state an advance rate: paid (rate > 0) vs not paid (rate 0).
    The duration condition (> 2 months) is not checked: results rarely carry it."""
    floor = sme_rules(ctx)["advance"]["min_amount_eur"]
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
