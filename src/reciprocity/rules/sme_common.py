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
from . import values
from .base import Context
from .data import load_yaml
from .schema import CONFIDENCE, Fields, ListOf, MapOf, OneOf

_REF = {"article": str, "source": str, "?confidence": CONFIDENCE, "?note": str}
SME_SCHEMA = Fields({
    "turnover_cap": Fields({
        "exempt_legal_bases": ListOf(str), "exempt_source": str, "confidence_of_exemption": CONFIDENCE,
        "group_article": str, "framework_article": str,
        "periods": ListOf(Fields({"from": date, "?to": date, "multiple": Decimal, **_REF}))}),
    "allotment": Fields({"exempt_legal_bases": ListOf(str),
                         "exempt_buyer_categories": ListOf(OneOf(("central", "sub-central", "utilities", "defence"))),
                         **_REF}),
    "time_limits": ListOf(Fields({
        "id": str, "procedure_types": ListOf(str), "deadline": OneOf(("tender", "request")),
        "?buyer_categories": ListOf(OneOf(("central", "sub-central", "utilities", "defence"))),
        "days": int, "?electronic_days": int, "?accelerated_days": int, "?pin_days": int, **_REF})),
    "price_only": Fields({"article": str, "source": str}),
    "advance": Fields({
        "min_amount_eur": Decimal, "min_duration_months": int, "bound_legal_types": ListOf(str),
        "unconfirmed_legal_types": ListOf(str), **_REF,
        "minimum_rates": ListOf(Fields({"rate": Decimal, "?legal_types": ListOf(str), "?sme_holder": bool,
                                        "?from": date, "?to": date, "source": str}))}),
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
    return _DATA if directory is None else directory if isinstance(directory, Path) else Path(directory)


_DATA = Path(__file__).parent / "data"


def procedure_value_eur(ctx: Context) -> Decimal | None:
    """The procedure's plausible estimated value in EUR (BT-27, else the lots' sum: Dir. 2014/24 art. 5(10)),
    from coverage when computed, else from rules/values.py."""
    if ctx.coverage.get("value_eur") is not None:
        return Decimal(str(ctx.coverage["value_eur"]))
    if "value_source" in ctx.coverage:  # coverage computed and found no plausible value
        return None
    return values.estimated_value(ctx.notice, ctx.data, ctx.as_of)["value_eur"]


def eu_threshold_eur(ctx: Context) -> Decimal | None:
    """The EU threshold for this buyer category and nature on the launch date (coverage, else rule data)."""
    if ctx.coverage.get("threshold_eur") is not None:
        return Decimal(str(ctx.coverage["threshold_eur"]))
    category, nature = ctx.coverage.get("buyer_category"), ctx.coverage.get("nature")
    if nature is None:
        nature = ctx.notice.procedure.contract_nature
    return ctx.data.eu_threshold(category, nature, ctx.as_of)


def lot_value_eur(ctx: Context, lot: Lot) -> tuple[Decimal | None, str | None]:
    """A lot's own estimated value in EUR and where it was read (rules/values.py): never the whole procedure's
    value for one lot of several (rules-2026.md §7)."""
    return values.lot_value_eur(ctx.notice, lot, ctx.data, ctx.as_of)


def buyer_category(ctx: Context) -> str | None:
    return ctx.coverage.get("buyer_category")


def kind_reason(kind: str) -> dict[str, str]:
    """Message parameters saying why a rule does not concern a notice of this kind (named by its label)."""
    named = {lang: lower_first(label("kind", kind, lang) or kind) for lang in ("en", "fr")}
    return {"reason": named["en"], "reason_fr": named["fr"]}
