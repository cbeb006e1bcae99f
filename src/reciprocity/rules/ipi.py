"""IPI-MEDICAL-DEVICES and any other International Procurement Instrument measure held in data/ipi.yaml.

Impl. Reg. (EU) 2025/1197 (under Reg. (EU) 2022/1031; rules-2026.md §5): procedures launched from 2025-06-30 (for
five years, end unconfirmed) under Dir. 2014/23, 2014/24 or 2014/25 (never 2009/81) whose MAIN object is medical
devices (main CPV 33100000-33199999, not an additional CPV of a lot) with an estimated value >= EUR 5 M must
exclude operators originating in China and cap Chinese-origin devices at 50 %, unless the buyer decides a
derogation (no alternative tender; overriding public interest) notified to the Commission, or the contract is
under a framework agreement concluded before the measure. The notice's own statements are read too: BT-684 (IPI
applicable) against the computed scope (a contradiction is a DATA-CONFLICT and leaves the scope undetermined),
BT-685-688 of the lot's result (measure applied, exception used), all read from `Lot.strategic`.
"""

from __future__ import annotations

from typing import Any

from ..model import Finding, Notice
from . import confirm
from .base import Context
from .findings import make_finding, render_texts
from .text import find_clause, notice_texts

CODES = ("IPI-MEDICAL-DEVICES",)
_EXCEPTIONS = {"one-tend": ("exception: only one tender", "exception : une seule offre"),
               "pub-int": ("exception: overriding public interest", "exception : intérêt public impérieux")}


def check(ctx: Context) -> list[Finding]:
    """One verdict per measure of this code (today one: IPI-MEDICAL-CN)."""
    measures = [m for m in ctx.data.ipi_measures if m["code"] in CODES]
    return [finding for measure in measures for finding in _check_measure(ctx, measure)]


def scope(ctx: Context, measure: dict[str, Any]) -> dict[str, Any]:
    """Whether the measure applies to this procurement: {"status": not-applicable | out | undecided | in, "reason":
    {en, fr}, "cpv", "to_confirm"}; "out" only when the notice shows the procurement is below the value floor."""
    notice = ctx.notice
    result: dict[str, Any] = {"cpv": main_cpvs(notice, measure), "to_confirm": []}
    if notice.buyer.country and not ctx.data.is_eu(notice.buyer.country, ctx.as_of):
        country = notice.buyer.country
        return {**result, "status": "not-applicable", "reason": {
            "en": f"buyer in {country}, outside the EU", "fr": f"acheteur situé hors UE ({country})"}}
    basis = (notice.procedure.legal_basis or "").upper()
    if (basis and basis not in measure["legal_bases"]) or ctx.coverage.get("buyer_category") == "defence":
        return {**result, "status": "not-applicable", "reason": {
            "en": "defence and security procurement (Dir. 2009/81) is outside IPI measures",
            "fr": "les marchés de défense et de sécurité (dir. 2009/81) sont hors des mesures IPI"}}
    start, end = measure["from"], measure.get("to")
    if ctx.as_of < start or (end and ctx.as_of > end):
        return {**result, "status": "not-applicable", "to_confirm": _end_items(measure, ctx), "reason": render_texts({
            "en": "launched on {launched}, outside the measure's period (from {start})",
            "fr": "lancé le {launched}, hors de la période d'application de la mesure (à partir du {start})"},
            launched=ctx.as_of, start=start)}
    if not result["cpv"]:
        span = f"{measure['cpv_from']}-{measure['cpv_to']}"
        return {**result, "status": "not-applicable", "reason": {
            "en": f"the main object (main CPV) is not in the measure's scope ({span})",
            "fr": f"l'objet principal (CPV principal) n'est pas dans le champ de la mesure ({span})"}}
    value_eur = ctx.coverage.get("value_eur")
    if value_eur is None:
        return {**result, "status": "undecided", "reason": None}
    return {**result, "status": "in" if value_eur >= measure["value_floor_eur"] else "out", "reason": None}


def _end_items(measure: dict[str, Any], ctx: Context) -> list[dict[str, str]]:
    """After the (unconfirmed) end date, that end date is what the verdict rests on."""
    end = measure.get("to")
    if end is None or ctx.as_of <= end:
        return []
    entry = {"confidence": measure.get("end_confidence"), "source": measure.get("end_source", measure["source"])}
    text = render_texts({"en": "the end of the measure ({end})", "fr": "la fin de la mesure ({end})"}, end=end)
    return confirm.of_entry(entry, text["en"], text["fr"])


def main_cpvs(notice: Notice, measure: dict[str, Any]) -> list[str]:
    """The main CPV of the procedure (else of its lots) when it is in the measure's range: the main object
    decides, never an additional CPV (rules-2026.md §5)."""
    codes = [notice.procedure.cpv_main] if notice.procedure.cpv_main else [lot.cpv_main for lot in notice.lots]
    low, high = measure["cpv_from"], measure["cpv_to"]
    return list(dict.fromkeys(c[:8] for c in codes if c and low <= c[:8] <= high))


def declared_conflicts(ctx: Context, measure: dict[str, Any], found: dict[str, Any]) -> list[dict[str, Any]]:
    """Lots whose BT-684 (IPI measures applicable) contradicts the computed scope."""
    if found["status"] not in ("in", "out", "not-applicable"):
        return []
    applies = found["status"] == "in"
    declared = {lot.id: lot.strategic.get("ipi_applicable") for lot in ctx.notice.lots}
    return [{"kind": "ipi-declaration", "lot": lot_id, "declared": value, "computed": applies, "measure": measure["id"]}
            for lot_id, value in declared.items() if value is not None and value != applies]


def _check_measure(ctx: Context, measure: dict[str, Any]) -> list[Finding]:
    code, found = measure["code"], scope(ctx, measure)
    evidence = {"measure": measure["id"], "legal_act": measure["legal_act"], "cpv": found["cpv"],
                "value_eur": ctx.coverage.get("value_eur"), "value_source": ctx.coverage.get("value_source"),
                "floor_eur": measure["value_floor_eur"], "as_of": ctx.as_of,
                "declared_applicable": {lot.id: lot.strategic.get("ipi_applicable") for lot in ctx.notice.lots}}
    conflicts = declared_conflicts(ctx, measure, found)
    if conflicts:
        return [make_finding(ctx, code, "insufficient-data", variant="conflict", to_confirm=found["to_confirm"],
                             evidence={**evidence, "conflicts": conflicts}, cpv=found["cpv"] or "—")]
    if found["status"] == "not-applicable":
        reason = found["reason"]
        return [make_finding(ctx, code, "not-applicable", evidence=evidence, to_confirm=found["to_confirm"],
                             reason=reason["en"], reason_fr=reason["fr"])]
    if found["status"] == "undecided":
        missing = [m for m in ctx.coverage.get("missing", []) if "value" in m or "rate" in m] or ["estimated value"]
        return [make_finding(ctx, code, "insufficient-data", evidence={**evidence, "missing": missing},
                             cpv=found["cpv"], missing=missing)]
    if found["status"] == "out":
        return [make_finding(ctx, code, "passed", evidence=evidence, value_eur=evidence["value_eur"],
                             floor_eur=measure["value_floor_eur"])]
    return _in_scope(ctx, measure, evidence)


def _in_scope(ctx: Context, measure: dict[str, Any], evidence: dict[str, Any]) -> list[Finding]:
    code = measure["code"]
    targeted = [o for o in ctx.origin if o["country"] == measure["country"]]
    if targeted:
        return [_targeted(ctx, measure, evidence, lot, [o for o in targeted if o["lot"] == lot])
                for lot in dict.fromkeys(o["lot"] for o in targeted)]
    params = {"cpv": evidence["cpv"], "value_eur": evidence["value_eur"], "floor_eur": evidence["floor_eur"],
              "start": measure["from"]}
    mention = find_clause(notice_texts(ctx.notice), measure["mention_patterns"])
    if mention:
        return [make_finding(ctx, code, "flagged", severity="info", variant="mentioned",
                             evidence={**evidence, "mentioned_in": mention[0]}, **params)]
    return [make_finding(ctx, code, "flagged", evidence=evidence, **params)]


def _targeted(ctx: Context, measure: dict[str, Any], evidence: dict[str, Any], lot: str | None,
              winners: list[dict[str, Any]]) -> Finding:
    """A winner from the targeted country: a problem, unless the notice states an exception for that lot
    (BT-687), which must then have been notified to the Commission."""
    applied = [m for entry in ctx.notice.lots if entry.id == lot for m in entry.strategic.get("ipi_measures", [])
               if m.get("measure") == measure["eforms_measure"] and m.get("exception") in _EXCEPTIONS]
    names = [o["name"] or "?" for o in winners]
    evidence = {**evidence, "winners": winners, "applied_measures": applied}
    if applied:
        exception = _EXCEPTIONS[applied[0]["exception"]]
        return make_finding(ctx, measure["code"], "flagged", lot=lot, severity="warning", variant="exception",
                            evidence=evidence, winners=names, exception=exception[0], exception_fr=exception[1],
                            reason=applied[0].get("exception_reason") or "—")
    return make_finding(ctx, measure["code"], "flagged", lot=lot, severity="problem", variant="problem",
                        evidence=evidence, winners=names)
