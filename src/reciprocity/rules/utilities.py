"""RECIP-UTILITIES-ORIGIN-RULE: utilities supply contracts may reject tenders with > 50 % of products from
non-covered third countries and must prefer an equivalent tender within 3 %, unless that causes technical
incompatibility or disproportionate costs (Dir. 2014/25 art. 85; CCP L2153-2, R2153-3, R2153-4; rules-2026.md §8).

"Non-covered" is decided against the agreements that cover *this* utilities sector (rules/partners.py), and the
announcement is found only as whole words near each other (a 50 % share within a window of an origin word:
"origin" never matches "originales")."""

from __future__ import annotations

from ..model import Finding
from .base import Context
from .findings import make_finding
from .partners import partner_coverage
from .text import find_clause, find_near, notice_texts

CODES = ("RECIP-UTILITIES-ORIGIN-RULE",)


def check(ctx: Context) -> list[Finding]:
    """Flagged (info) for a utilities supply procurement; warning when tenders show non-covered origins."""
    category, nature = ctx.coverage.get("buyer_category"), ctx.coverage.get("nature")
    if category not in (None, "utilities") or nature not in (None, "supplies"):
        reason = f"{category or '?'} buyer, {nature or '?'} contract: not a utilities supply procurement"
        return [make_finding(ctx, CODES[0], "not-applicable", reason=reason,
                             reason_fr="pas un marché de fournitures d'une entité adjudicatrice")]
    if category is None or nature is None:
        missing = [m for m in ctx.coverage.get("missing", []) if "category" in m or "nature" in m]
        return [make_finding(ctx, CODES[0], "insufficient-data", evidence={"missing": missing}, missing=missing)]
    origins = _non_covered_origins(ctx)
    if origins:
        return [make_finding(ctx, CODES[0], "flagged", severity="warning", variant="origin",
                             evidence={"tender_origins": origins}, origins=sorted(set(origins.values())))]
    clause = _announced(ctx)
    if clause:
        return [make_finding(ctx, CODES[0], "passed", evidence={"found_in": clause[0], "pattern": clause[1]},
                             clause=f"“{clause[1]}” in {clause[0]}")]
    return [make_finding(ctx, CODES[0], "flagged", evidence={"buyer_category": category, "nature": nature})]


def _non_covered_origins(ctx: Context) -> dict[str, str]:
    """Tender id -> country of origin of products (BT-191) outside the EU/EEA and not covered for this
    procurement (its agreements do not cover this utilities sector, value or category, or it has none)."""
    found = {}
    for result in ctx.notice.results:
        for i, tender in enumerate(result.tenders):
            for country in tender.origin_countries:
                if ctx.data.is_eu_eea(country, ctx.as_of):
                    continue
                if partner_coverage(country, ctx.coverage, ctx.data, ctx.as_of)["covers"] is False \
                        or not ctx.data.agreements_in_force(country, ctx.as_of):
                    found[tender.id or f"{result.lot_id}[{i}]"] = country
    return found


def _announced(ctx: Context) -> tuple[str, str] | None:
    """The notice already announces the rule: an article reference, or a 50 % share near an origin word."""
    texts = notice_texts(ctx.notice)
    found = find_clause(texts, ctx.data.patterns("utilities_origin"))
    if found:
        return found
    share = ctx.data.clause("utilities_origin_share")
    return find_near(texts, share["patterns"], ctx.data.patterns("origin_words"), share.get("window", 150))

