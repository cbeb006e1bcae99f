"""Data quality: DATA-MISSING (fields the rules need) and DATA-INVALID-ID (French identifiers' check digits)."""

from __future__ import annotations

from typing import Any

from ..identifiers import check_organisation
from ..model import Finding, Notice
from .base import Context
from .findings import make_finding

CODES = ("DATA-MISSING", "DATA-INVALID-ID")
PUBLISHED_FORMATS = ("eforms", "ted")
# Fields a source format does not carry at all: not a gap a buyer could fill, so not reported as missing
# (DECP has no buyer legal type and no estimated value, only the contract amount; DECP 2019 has no offer counts).
ABSENT_FROM_FORMAT = {"decp": ("buyer category", "estimated value"), "decp-2019": ("received submissions",)}


def check(ctx: Context) -> list[Finding]:
    return [missing_fields(ctx), invalid_ids(ctx)]


def missing_fields(ctx: Context) -> Finding:
    """DATA-MISSING: evidence lists each missing field with the codes that needed it."""
    missing = _needed(ctx)
    evidence = {"missing": [{"field": field, "needed_by": codes} for field, codes in missing.items()]}
    if missing:
        return make_finding(ctx, "DATA-MISSING", "flagged", evidence=evidence, missing=list(missing))
    return make_finding(ctx, "DATA-MISSING", "passed", evidence=evidence)


def _needed(ctx: Context) -> dict[str, list[str]]:
    notice, cov = ctx.notice, ctx.coverage
    checks = [
        (notice.dispatch_date is None and notice.source_format in PUBLISHED_FORMATS,
         "dispatch date (BT-05)", ["all rules (date decides the rule version)"]),
        (notice.buyer.country is None, "buyer country (BT-514)", ["RECIP-KOLIN-OPTION", "IPI-MEDICAL-DEVICES"]),
        (cov.get("buyer_category") is None, "buyer category (BT-01 legal basis / BT-11 legal type)",
         ["RECIP-COVERED-AGREEMENTS", "RECIP-UTILITIES-ORIGIN-RULE", "SME-NO-LOTS"]),
        (cov.get("nature") is None, "contract nature (BT-23)", ["RECIP-COVERED-AGREEMENTS", "SME-NO-LOTS"]),
        (not _cpv(notice), "main CPV (BT-262)", ["IPI-MEDICAL-DEVICES"]),
        (cov.get("value") is None, "estimated value (BT-27)",
         ["RECIP-COVERED-AGREEMENTS", "IPI-MEDICAL-DEVICES", "FSR-NOTIFICATION", "SME-TURNOVER-CAP"]),
        (cov.get("value") is not None and cov.get("value_eur") is None,
         f"EUR rate for {(cov.get('value') or {}).get('currency')}", ["RECIP-COVERED-AGREEMENTS"]),
    ]
    checks += _competition_checks(notice) + _result_checks(ctx)
    absent = ABSENT_FROM_FORMAT.get(notice.source_format, ()) + ABSENT_FROM_FORMAT.get(notice.schema_version or "", ())
    return {field: codes for condition, field, codes in checks
            if condition and not field.startswith(absent)}


def _cpv(notice: Notice) -> bool:
    return bool(notice.procedure.cpv_main or any(lot.cpv_main for lot in notice.lots))


def _competition_checks(notice: Notice) -> list[tuple[bool, str, list[str]]]:
    if notice.kind != "competition":
        return []
    deadline = notice.procedure.tender_deadline or notice.procedure.request_deadline or any(
        lot.tender_deadline or lot.request_deadline for lot in notice.lots)
    return [(not deadline, "tender or request deadline (BT-131/BT-1311)", ["SME-SHORT-DEADLINE"])]


def _result_checks(ctx: Context) -> list[tuple[bool, str, list[str]]]:
    results = ctx.notice.results
    if not results:
        return []
    no_received = all(r.received is None or r.received.is_empty() for r in results)
    no_country = [o["name"] or "?" for o in ctx.origin if o["country"] is None]
    return [
        (no_received, "received submissions (BT-759/BT-760)", ["RECIP-NON-EEA-TENDERS", "COMP-SINGLE-BID"]),
        (bool(no_country), f"winner country (BT-514) for {', '.join(no_country)}", ["RECIP-UNCOVERED-WINNER"]),
    ]


def invalid_ids(ctx: Context) -> Finding:
    """DATA-INVALID-ID: SIREN/SIRET (Luhn, La Poste rule) and FR VAT keys of the buyers and winners."""
    checked = []
    for role, org in _organisations(ctx.notice):
        for result in check_organisation(org.identifiers, org.identifier_types, org.country):
            if result.kind in ("siren", "siret", "fr-vat"):
                checked.append({"role": role, "name": org.name, **result.to_dict()})
    invalid = [c for c in checked if not c["valid"]]
    evidence = {"checked": checked}
    if invalid:
        shown = [f"{c['value']} ({c['kind']}, {c['role']} {c['name'] or '?'})" for c in invalid]
        return make_finding(ctx, "DATA-INVALID-ID", "flagged", evidence=evidence, invalid=shown,
                            values=[c["value"] for c in invalid])
    if checked:
        return make_finding(ctx, "DATA-INVALID-ID", "passed", evidence=evidence, count=len(checked))
    return make_finding(ctx, "DATA-INVALID-ID", "not-applicable", evidence=evidence)


def _organisations(notice: Notice) -> list[tuple[str, Any]]:
    orgs = [("buyer", notice.buyer)] + [("buyer", b) for b in notice.other_buyers]
    return orgs + [("winner", w) for r in notice.results for w in r.winners]
