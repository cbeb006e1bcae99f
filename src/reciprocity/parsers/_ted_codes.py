"""TED buyer codes in the eForms vocabulary: legal type (BT-11) and main activity (BT-10 / BT-610).

The mapping is data (`data/ted_codes.yaml`, with its source): the buyer's `legal_type` / `activity` hold the
eForms code whatever the format, and `legal_type_raw` / `activity_raw` what the TED notice wrote (its code, or
the free text of CA_TYPE_OTHER / CA_ACTIVITY_OTHER, kept as given and never mapped).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..model import Notice, Organisation

DATA_FILE = Path(__file__).parent / "data" / "ted_codes.yaml"


@cache
def mapping() -> dict[str, Any]:
    """The TED -> eForms code tables (read once)."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def set_buyer_codes(buyer: Organisation, notice: Notice, legal: tuple[str | None, str | None],
                    activity: tuple[str | None, str | None], activity_table: str, where: str) -> None:
    """Fill the buyer's legal type and activity from (TED code, free text) pairs.

    `activity_table` is "authority_activity" (CA_ACTIVITY, TYPE_OF_ACTIVITY) or "entity_activity" (CE_ACTIVITY).
    """
    buyer.legal_type, buyer.legal_type_raw = _mapped("legal_type", *legal, notice, f"{where} legal type")
    buyer.activity, buyer.activity_raw = _mapped(activity_table, *activity, notice, f"{where} activity")


def _mapped(table: str, code: str | None, free_text: str | None, notice: Notice,
            where: str) -> tuple[str | None, str | None]:
    """(eForms code, raw value): a known TED code maps; an unknown one or free text gives no code."""
    if code is None:
        return None, free_text
    mapped = mapping()[table].get(code.upper())
    if mapped is None:
        notice.warn(f"{where}: TED code {code!r} has no eForms equivalent in our mapping; left null")
    return mapped, code
