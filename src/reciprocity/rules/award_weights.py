"""The weight of price among a lot's award criteria, in %: the one place it is computed.

A weight means what its kind (BT-5421 / the TED unit) says: a percentage is already one; points are a share only
of the total points of the lot's criteria; a rank (order of importance) is never a share. Weights of unstated kind
(a bare TED number, eForms "dec-*") give a percentage only when they add up to exactly 100, where reading them as
percentages or as points out of 100 gives the same figure. Anything else: None (unknown, never guessed).
"""

from __future__ import annotations

from decimal import Decimal

from ..model import AwardCriterion

HUNDRED = Decimal(100)


def price_weight_percent(criteria: list[AwardCriterion]) -> Decimal | None:
    """Price's share of the award decision in % (0-100), or None when the criteria do not tell it."""
    if not criteria or any(c.type is None for c in criteria):
        return None
    price = [c for c in criteria if c.type == "price"]
    if len(price) == len(criteria):
        return HUNDRED  # price is the only criterion, whatever its weight says
    if not price:
        return Decimal(0)
    kinds = {c.weight_kind for c in criteria}
    if "rank" in kinds or len(kinds) > 1 or any(c.weight is None for c in criteria):
        return None
    price_weight = sum((c.weight for c in price), Decimal(0))  # type: ignore[misc]
    total = sum((c.weight for c in criteria), Decimal(0))  # type: ignore[misc]
    kind = kinds.pop()
    if kind == "percentage":
        return price_weight if total <= HUNDRED else None
    if kind == "points":
        return price_weight * HUNDRED / total if total > 0 else None
    return price_weight if total == HUNDRED else None
