"""RECIP-KOLIN-OPTION: does a competition notice of an EU buyer say how third-country operators are treated?

Operators from countries with no agreement covering this procurement have no right to take part (CJEU C-652/22
Kolin); the buyer may admit, adjust or exclude them, and should announce it (Commission Q&A 5.3; CCP L2153-1
al. 2). We search the notice's texts for an origin or third-country clause (patterns in data/clauses.yaml).
"""

from __future__ import annotations

from ..model import Finding
from .base import Context
from .findings import make_finding
from .text import find_clause, notice_texts

CODES = ("RECIP-KOLIN-OPTION",)
COMPETITION_KINDS = ("competition",)


def check(ctx: Context) -> list[Finding]:
    """Flagged (info) when no clause is found, passed when one is, not-applicable outside EU competition notices."""
    notice = ctx.notice
    if notice.kind not in COMPETITION_KINDS:
        reason = f"{notice.kind} notice, not a call for competition"
        return [make_finding(ctx, CODES[0], "not-applicable", reason=reason,
                             reason_fr="l'avis n'est pas un appel à la concurrence")]
    country = notice.buyer.country
    if country is None:
        return [make_finding(ctx, CODES[0], "insufficient-data", evidence={"missing": ["buyer country (BT-514)"]},
                             missing=["buyer country (BT-514)"])]
    if not ctx.data.is_eu(country, ctx.as_of):
        return [make_finding(ctx, CODES[0], "not-applicable", reason=f"buyer in {country}, outside the EU",
                             reason_fr=f"acheteur situé hors UE ({country})")]
    texts = notice_texts(notice)
    if not texts:
        missing = ["notice texts (title, description, BT-300 additional information)"]
        return [make_finding(ctx, CODES[0], "insufficient-data", evidence={"missing": missing}, missing=missing)]
    found = find_clause(texts, ctx.data.patterns("third_country"))
    if found:
        where, pattern = found
        return [make_finding(ctx, CODES[0], "passed", evidence={"found_in": where, "pattern": pattern},
                             clause=f"“{pattern}” in {where}")]
    return [make_finding(ctx, CODES[0], "flagged", evidence={"searched": sorted(texts),
                                                              "patterns": ctx.data.patterns("third_country")})]
