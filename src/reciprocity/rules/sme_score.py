"""The SME accessibility score (0-100): a weighted share of the SME checks a notice passes, shown with its parts.

Components and weights are data (sme_score.yaml). A component counts only when at least one of its findings is
`passed` or `flagged`; the others are left out and the weights rescaled, so missing data neither lowers nor
raises the score. `advance_payment` is read from results giving an advance rate (DECP tauxAvance), and only where
the duty applies (rules-2026.md §7): a buyer it binds (the State, its public bodies other than EPICs, local
authorities and their public bodies), a contract over EUR 50 000 HT and over 2 months; a rate below the minimum
(5 %; 30 % for State contracts with SMEs since 2023) counts as not paid. Elsewhere the advance is not counted.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from ..model import Finding, LotResult
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
    """Results where the advance is due: paid at or above the minimum rate vs not (the holder may refuse it, so
    this is a score component, never a finding)."""
    rules = sme_rules(ctx)["advance"]
    if not advance_binds(ctx):
        return 0, 0  # not bound (public undertakings, EPICs…) or unknown: not counted either way
    procedure = ctx.notice.procedure
    if not ctx.notice.results and procedure.advance_rate is not None:  # a draft announcing its advance rate
        value = ctx.data.to_eur(procedure.estimated_value, ctx.as_of)
        if value is None or value <= rules["min_amount_eur"]:
            return 0, 0
        return (1, 0) if procedure.advance_rate >= _minimum_rate(ctx, LotResult()) else (0, 1)
    lots = {lot.id: lot for lot in ctx.notice.lots}
    paid = unpaid = 0
    for result in ctx.notice.results:
        value = ctx.data.to_eur(result.value, ctx.as_of)
        months = duration_months(lots[result.lot_id].duration if result.lot_id in lots else None)
        if result.advance_rate is None or value is None or value <= rules["min_amount_eur"] or months is None \
                or months <= rules["min_duration_months"]:
            continue
        if result.advance_rate >= _minimum_rate(ctx, result):
            paid += 1
        else:
            unpaid += 1
    return paid, unpaid


def advance_binds(ctx: Context) -> bool:
    """Whether the advance duty binds this buyer (L2191-1, R2191-3): the State, local authorities, and the public
    bodies the rule data lists as bound; not public undertakings or EPICs, and not an unknown buyer."""
    return (ctx.notice.buyer.legal_type or "").lower() in sme_rules(ctx)["advance"]["bound_legal_types"]


def minimum_rate(ctx: Context, sme_holder: bool, on: date | None = None) -> Decimal:
    """The highest minimum advance rate that applies to this buyer, an SME holder or not, on a date (R2191-7 and
    its decrees; the launch date by default)."""
    legal_type = (ctx.notice.buyer.legal_type or "").lower()
    on = on or ctx.as_of
    rates = [entry["rate"] for entry in sme_rules(ctx)["advance"]["minimum_rates"]
             if legal_type in entry.get("legal_types", [legal_type]) and (sme_holder or not entry.get("sme_holder"))
             and entry.get("from", on) <= on <= entry.get("to", on)]
    return max(rates, default=Decimal(0))


def _minimum_rate(ctx: Context, result: LotResult) -> Decimal:
    """The minimum rate for this result's holder (an SME or not) on its contract date."""
    sme = any(w.size in ("micro", "small", "medium", "sme") for w in result.winners)
    return minimum_rate(ctx, sme, result.contract_date or ctx.as_of)


_DURATION = re.compile(r"^P?(\d+(?:\.\d+)?)\s*(MONTH|MON|M|YEAR|ANN|Y|DAY|D)$", re.IGNORECASE)
_MONTHS = {"MONTH": 1, "MON": 1, "M": 1, "YEAR": 12, "ANN": 12, "Y": 12, "DAY": Decimal(1) / 30, "D": Decimal(1) / 30}


def duration_months(duration: str | None) -> Decimal | None:
    """"12 MONTH", "P36M", "2 YEAR", "90 DAY" in months; None when unknown or unreadable."""
    found = _DURATION.match((duration or "").strip())
    if found is None:
        return None
    return Decimal(found.group(1)) * _MONTHS[found.group(2).upper()]


def _round(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(Decimal("0.01")))
