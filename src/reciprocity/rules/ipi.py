"""IPI-MEDICAL-DEVICES and any other International Procurement Instrument measure held in data/ipi.yaml.

Impl. Reg. (EU) 2025/1197 (under Reg. (EU) 2022/1031): procedures launched on or after 2025-06-30 for medical
devices (CPV 33100000-33199999) with an estimated value >= EUR 5 M must exclude operators originating in China and
cap Chinese-origin devices at 50 %. Before the start date the measure is not applicable.
"""

from __future__ import annotations

from typing import Any

from ..model import Finding, Notice
from .base import Context
from .findings import make_finding
from .text import find_clause, notice_texts

CODES = ("IPI-MEDICAL-DEVICES",)


def check(ctx: Context) -> list[Finding]:
    """One verdict per measure of this code (today one: IPI-MEDICAL-CN)."""
    measures = [m for m in ctx.data.ipi_measures if m["code"] in CODES]
    return [finding for measure in measures for finding in _check_measure(ctx, measure)]


def _check_measure(ctx: Context, measure: dict[str, Any]) -> list[Finding]:
    code, notice = measure["code"], ctx.notice
    start, end = measure["from"], measure.get("to")
    if notice.buyer.country and not ctx.data.is_eu(notice.buyer.country, ctx.as_of):
        return [make_finding(ctx, code, "not-applicable", reason=f"buyer in {notice.buyer.country}, outside the EU",
                             reason_fr=f"acheteur situé hors UE ({notice.buyer.country})")]
    if ctx.as_of < start or (end and ctx.as_of > end):
        return [make_finding(ctx, code, "not-applicable", evidence={"as_of": ctx.as_of, "measure_from": start},
                             reason=f"launched on {ctx.as_of}, outside the measure's period (from {start})",
                             reason_fr=f"lancé le {ctx.as_of}, hors de la période d'application de la mesure "
                                       f"(à partir du {start})")]
    cpvs = in_scope_cpvs(notice, measure)
    if not cpvs:
        scope = f"{measure['cpv_from']}-{measure['cpv_to']}"
        return [make_finding(ctx, code, "not-applicable", reason=f"no CPV code in the measure's scope ({scope})",
                             reason_fr=f"aucun code CPV dans le champ de la mesure ({scope})")]
    value_eur, floor = ctx.coverage.get("value_eur"), measure["value_floor_eur"]
    evidence = {"measure": measure["id"], "legal_act": measure["legal_act"], "cpv": cpvs, "value_eur": value_eur,
                "value_source": ctx.coverage.get("value_source"), "floor_eur": floor, "as_of": ctx.as_of}
    if value_eur is None:
        missing = [m for m in ctx.coverage.get("missing", []) if "value" in m or "rate" in m] or ["estimated value"]
        return [make_finding(ctx, code, "insufficient-data", evidence={**evidence, "missing": missing},
                             cpv=cpvs, missing=missing)]
    if value_eur < floor:
        return [make_finding(ctx, code, "passed", evidence=evidence, value_eur=value_eur, floor_eur=floor)]
    return _in_scope(ctx, measure, evidence)


def _in_scope(ctx: Context, measure: dict[str, Any], evidence: dict[str, Any]) -> list[Finding]:
    code = measure["code"]
    targeted = [o for o in ctx.origin if o["country"] == measure["country"]]
    if targeted:
        return [make_finding(ctx, code, "flagged", lot=lot, severity="problem", variant="problem",
                             evidence={**evidence, "winners": [o for o in targeted if o["lot"] == lot]},
                             winners=[o["name"] or "?" for o in targeted if o["lot"] == lot])
                for lot in dict.fromkeys(o["lot"] for o in targeted)]
    params = {"cpv": evidence["cpv"], "value_eur": evidence["value_eur"], "floor_eur": evidence["floor_eur"],
              "start": measure["from"]}
    mention = find_clause(notice_texts(ctx.notice), measure["mention_patterns"])
    if mention:
        return [make_finding(ctx, code, "flagged", severity="info", variant="mentioned",
                             evidence={**evidence, "mentioned_in": mention[0]}, **params)]
    return [make_finding(ctx, code, "flagged", evidence=evidence, **params)]


def in_scope_cpvs(notice: Notice, measure: dict[str, Any]) -> list[str]:
    """Main and additional CPV codes (procedure and lots) inside the measure's range, 8 digits."""
    codes = [notice.procedure.cpv_main, *notice.procedure.cpv_additional]
    for lot in notice.lots:
        codes += [lot.cpv_main, *lot.cpv_additional]
    low, high = measure["cpv_from"], measure["cpv_to"]
    return list(dict.fromkeys(c[:8] for c in codes if c and low <= c[:8] <= high))
