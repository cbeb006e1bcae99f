"""The price weight in %: from percentages, or from points with their total; never from a rank (issue #10, class 3)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import CORPUS, SAMPLES

from reciprocity import parse
from reciprocity.model import AwardCriterion
from reciprocity.rules.award_weights import price_weight_percent


def _criteria(*rows: tuple[str | None, str | None, str | None]) -> list[AwardCriterion]:
    return [AwardCriterion(type=kind, weight=None if weight is None else Decimal(weight), weight_kind=weight_kind)
            for kind, weight, weight_kind in rows]


@pytest.mark.parametrize(("rows", "percent"), [
    ([("price", "40", "percentage"), ("quality", "60", "percentage")], "40"),
    ([("price", "60", "points"), ("quality", "40", "points"), ("quality", "20", "points")], "50"),
    ([("price", "1", "rank"), ("quality", "2", "rank")], None),  # an order of importance is no share
    ([("price", "40", "percentage"), ("quality", "60", "points")], None),  # kinds mixed
    ([("price", "40", None), ("quality", "60", None)], "40"),  # unstated kind adding up to 100
    ([("price", "4", None), ("quality", "6", None)], None),  # unstated kind, total not 100: unknown
    ([("price", None, None), ("quality", "60", "percentage")], None),  # a weight missing
    ([("price", None, None)], "100"),  # price only
    ([("quality", "70", "percentage"), ("cost", "30", "percentage")], "0"),  # no price criterion (cost is not price)
    ([("price", "70", "percentage"), ("quality", "60", "percentage")], None),  # percentages over 100
    ([(None, "40", "percentage"), ("quality", "60", "percentage")], None),  # type unknown (TED R2.0.8)
    ([], None),
])
def test_price_weight_percent(rows: list, percent: str | None) -> None:
    assert price_weight_percent(_criteria(*rows)) == (None if percent is None else Decimal(percent))


@pytest.mark.parametrize(("relative", "percents"), [
    ("ted-r209/F03_2014/374259-2022.xml", [Decimal(15) * 100 / 140]),  # "15 Punkte" of 140 points
    ("ted-r209/F06_2014/404080-2018.xml", [Decimal(45)] * 5),  # "45 %" on every lot
    ("eforms-real/can/00565349-2025.xml", [Decimal(35)]),  # BT-5421 poi-exa: price 350 of 1 000 points
    ("eforms-real/can/00305501-2025.xml", [Decimal(0)]),  # one quality criterion (ord-imp), no price at all
])
def test_price_weight_of_real_notices(relative: str, percents: list) -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus absent")
    (notice,) = parse(CORPUS / relative)
    assert [price_weight_percent(lot.award_criteria) for lot in notice.lots] == percents


def test_a_rank_is_never_a_percentage() -> None:
    """Our SDK 1.15 sample: lots 1-2 take the group's 60 + 40 points, lot 3 ranks quality 1 and price 2."""
    (notice,) = parse(SAMPLES / "eforms-can-sdk115-groups-large-change.xml")
    assert [price_weight_percent(lot.award_criteria) for lot in notice.lots] == [Decimal(60), Decimal(60), None]
