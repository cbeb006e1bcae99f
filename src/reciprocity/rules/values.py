"""The estimated value that decides thresholds, and whether an estimate is plausible (rules-2026.md §4).

Real notices carry placeholders (1 EUR, 0) and absurd amounts: an estimate below `min_eur`, above `max_eur` or
below `min_share_of_awarded` of the awarded total (thresholds.yaml `plausible_estimate`) is no estimate. It is
treated as missing (the next source is tried) and reported, never used to say "below the threshold".
The one place every rule takes a procedure's or a lot's value in EUR from.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ..model import Lot, Money, Notice
from .findings import render_texts

AWARDED_PROXY = "sum of awarded values (BT-720/VAL_TOTAL), used as a proxy for the estimate"
PROCEDURE = "procedure estimated value (BT-27)"
LOTS = "sum of lot estimated values (BT-27 per lot)"


def estimated_value(notice: Notice, data: Any, as_of: date) -> dict[str, Any]:
    """{money, value_eur, source, implausible}: BT-27 of the procedure, else the sum of the lots' estimates, else
    (results only) the sum of awarded values as a stated proxy; `implausible` lists the estimates set aside."""
    awarded = awarded_eur(notice, data, as_of)
    implausible = _implausible_lots(notice, data, as_of)
    lots_total = None if implausible else _sum([lot.estimated_value for lot in notice.lots])
    for source, money in ((PROCEDURE, notice.procedure.estimated_value), (LOTS, lots_total)):
        value_eur = data.to_eur(money, as_of)
        problem = implausibility(data, money, value_eur, awarded)
        if problem:
            implausible.append({"field": source, "value_eur": value_eur, "why": problem})
        elif money is not None:
            return {"money": money, "value_eur": value_eur, "source": source, "implausible": implausible}
    total = _sum([r.value for r in notice.results])
    if total is not None and not implausibility(data, total, data.to_eur(total, as_of), None):
        return {"money": total, "value_eur": data.to_eur(total, as_of), "source": AWARDED_PROXY,
                "implausible": implausible}
    return {"money": None, "value_eur": None, "source": None, "implausible": implausible}


def _implausible_lots(notice: Notice, data: Any, as_of: date) -> list[dict[str, Any]]:
    found = []
    for lot in notice.lots:
        value = data.to_eur(lot.estimated_value, as_of)
        problem = implausibility(data, lot.estimated_value, value, None)
        if problem:
            found.append({"field": f"lot {lot.id} estimated value (BT-27-Lot)", "value_eur": value, "why": problem})
    return found


def lot_value_eur(notice: Notice, lot: Lot, data: Any, as_of: date) -> tuple[Decimal | None, str | None]:
    """A lot's own estimate in EUR (BT-27-Lot) and where it was read; a procedure of one lot may use the
    procedure's estimate. A lot without a plausible value of its own is None: never the whole procedure's value."""
    value = data.to_eur(lot.estimated_value, as_of)
    if lot.estimated_value is not None and not implausibility(data, lot.estimated_value, value, None):
        return value, "lot estimated value (BT-27-Lot)"
    if len(notice.lots) == 1:
        found = estimated_value(notice, data, as_of)
        if found["source"] == PROCEDURE:
            return found["value_eur"], "procedure estimated value (BT-27), the procedure's only lot"
    return None, None


def awarded_eur(notice: Notice, data: Any, as_of: date) -> Decimal | None:
    """The total awarded (results' values) in EUR, to test an estimate against, or None."""
    return data.to_eur(_sum([r.value for r in notice.results]), as_of)


def implausibility(data: Any, money: Money | None, value_eur: Decimal | None,
                   awarded: Decimal | None) -> dict[str, str] | None:
    """Why an amount is not a believable estimate ({en, fr}), or None when it is (or cannot be judged)."""
    if money is None:
        return None
    bounds = data.plausible_estimate
    if money.amount <= 0:
        return {"en": "zero or negative", "fr": "nulle ou négative"}
    if value_eur is None:
        return None
    if value_eur < bounds["min_eur"]:
        return render_texts({"en": "below {min_eur}: a placeholder", "fr": "inférieure à {min_eur} : une valeur "
                             "fictive"}, min_eur=Decimal(bounds["min_eur"]))
    if value_eur > bounds["max_eur"]:
        return render_texts({"en": "above {max_eur}", "fr": "supérieure à {max_eur}"},
                            max_eur=Decimal(bounds["max_eur"]))
    share = Decimal(str(bounds["min_share_of_awarded"])) * 100
    if awarded is not None and awarded > 0 and value_eur < awarded * share / 100:
        return render_texts({"en": "below {share} % of the awarded total", "fr": "inférieure à {share} % du montant "
                             "attribué"}, share=share.normalize())
    return None


def _sum(values: list[Money | None]) -> Money | None:
    """The sum of amounts in one currency; None when one is missing, not positive, or currencies differ."""
    if not values or any(v is None or v.amount <= 0 for v in values) or len({v.currency for v in values}) != 1:
        return None
    return Money(sum((v.amount for v in values), Decimal(0)), values[0].currency)
