"""What the SME and competition rules share: their strictly validated data (sme.yaml, sme_score.yaml) and the
few lookups they all make (notice stage, values in EUR, the EU threshold that makes a procedure formalised).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..i18n.formats import lower_first
from ..i18n.labels import label
from ..model import Lot
from .base import Context
from .data import load_yaml
from .schema import CONFIDENCE, Fields, ListOf, MapOf, OneOf

_REF = {"article": str, "source": str, "?confidence": CONFIDENCE, "?note": str}
SME_SCHEMA = Fields({
    "turnover_cap": Fields({
        "exempt_legal_bases": ListOf(str), "exempt_source": str, "confidence_of_exemption": CONFIDENCE,
        "periods": ListOf(Fields({"from": date, "?to": date, "multiple": Decimal, **_REF}))}),
    "allotment": Fields({"exempt_legal_bases": ListOf(str),
                         "exempt_buyer_categories": ListOf(OneOf(("central", "sub-central", "utilities", "defence"))),
                         **_REF}),
    "time_limits": ListOf(Fields({
        "id": str, "procedure_types": ListOf(str), "deadline": OneOf(("tender", "request")),
        "?buyer_categories": ListOf(OneOf(("central", "sub-central", "utilities", "defence"))),
        "days": int, "?electronic_days": int, "?accelerated_days": int, "?pin_days": int, **_REF})),
    "price_only": Fields({"article": str, "source": str}),
    "advance": Fields({"min_amount_eur": Decimal, "min_duration_months": int, **_REF}),
})
SCORE_SCHEMA = Fields({"components": MapOf(Fields({
    "weight": int, "?codes": ListOf(str), "en": str, "fr": str, "source": str}))})

CALL_KINDS = ("competition",)  # a contract notice, or a buyer's draft (source_format "form")
AUDIT_KINDS = ("competition", "result")  # rules that can also be read back on an award notice


@lru_cache(maxsize=4)
def _load(directory: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    return load_yaml("sme", SME_SCHEMA, directory), load_yaml("sme_score", SCORE_SCHEMA, directory)


def sme_rules(ctx: Context) -> dict[str, Any]:
    """sme.yaml, validated with the rule-data loader (unknown keys and bad dates name the file and key)."""
    return _load(_directory(ctx))[0]


def score_weights(ctx: Context) -> dict[str, Any]:
    """sme_score.yaml: the score's components and weights."""
    return _load(_directory(ctx))[1]


def _directory(ctx: Context) -> Path:
    directory = getattr(ctx.data, "directory", None)
    return Path(directory) if directory is not None else Path(__file__).parent / "data"


def procedure_value_eur(ctx: Context) -> Decimal | None:
    """The procedure's estimated value in EUR (BT-27): from coverage when computed, else converted here, else
    the sum of every lot's value (Dir. 2014/24 art. 5(10): the lots' aggregate value decides the threshold)."""
    if ctx.coverage.get("value_eur") is not None:
        return Decimal(str(ctx.coverage["value_eur"]))
    notice = ctx.notice
    value = ctx.data.to_eur(notice.procedure.estimated_value, ctx.as_of)
    if value is None and notice.lots:
        lot_values = [ctx.data.to_eur(lot.estimated_value, ctx.as_of) for lot in notice.lots]
        value = None if None in lot_values else sum(lot_values, Decimal(0))
    return value


def eu_threshold_eur(ctx: Context) -> Decimal | None:
    """The EU threshold for this buyer category and nature on the launch date (coverage, else rule data)."""
    if ctx.coverage.get("threshold_eur") is not None:
        return Decimal(str(ctx.coverage["threshold_eur"]))
    category, nature = ctx.coverage.get("buyer_category"), ctx.coverage.get("nature")
    if nature is None:
        nature = ctx.notice.procedure.contract_nature
    return ctx.data.eu_threshold(category, nature, ctx.as_of)


def lot_value_eur(ctx: Context, lot: Lot) -> tuple[Decimal | None, str]:
    """A lot's estimated value in EUR and where it was read: the lot (BT-27-Lot), else the procedure."""
    value = ctx.data.to_eur(lot.estimated_value, ctx.as_of)
    if value is not None:
        return value, "lot"
    return procedure_value_eur(ctx), "procedure"


def buyer_category(ctx: Context) -> str | None:
    return ctx.coverage.get("buyer_category")


def kind_reason(kind: str) -> dict[str, str]:
    """Message parameters saying why a rule does not concern a notice of this kind (named by its label)."""
    named = {lang: lower_first(label("kind", kind, lang) or kind) for lang in ("en", "fr")}
    return {"reason": named["en"], "reason_fr": named["fr"]}
