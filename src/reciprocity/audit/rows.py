"""One assessed notice -> the rows of the store's tables (notices, lots, results, winners, findings).

Built in the ingest workers, so the single writer only inserts. Child keys are `<notice id>#L<n>`,
`#R<n>`, `#R<n>W<m>`, `#F<n>`: positions in the notice, hence stable across runs.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ..model import Assessment, LotResult, Money
from ..rules.data import load_rule_data
from .store import _json, notice_family, version_key

Rows = dict[str, list[dict[str, Any]]]


def to_eur(money: Money | None, as_of: date | None) -> float | None:
    """EUR value of an amount for the store's REAL columns (`RuleData.to_eur`: EUR as is, else the dated rate)."""
    converted = load_rule_data().to_eur(money, as_of)
    return None if converted is None else float(converted)


def assessment_rows(assessment: Assessment, source_file: str | None = None) -> Rows:
    """All rows for one assessed notice, keyed by table name."""
    notice = assessment.notice
    data = assessment.to_dict()
    notice_dict = data["notice"]
    classes = _origin_classes(assessment)
    results, winners = [], []
    for position, result in enumerate(notice.results):
        result_row = _result_row(notice.id, position, result, notice.dispatch_date or notice.publication_date)
        results.append(result_row)
        winners.extend(_winner_rows(result_row, result, classes[len(winners):len(winners) + len(result.winners)]))
    return {
        "notices": [_notice_row(assessment, data, notice_dict, len(winners), source_file)],
        "lots": [_lot_row(notice.id, position, lot) for position, lot in enumerate(notice_dict["lots"])],
        "results": results,
        "winners": winners,
        "findings": [_finding_row(notice.id, position, f) for position, f in enumerate(data["findings"])],
    }


def _amount(money: Money | None) -> tuple[str | None, str | None]:
    return (None, None) if money is None else (format(money.amount, "f"), money.currency)


def _notice_row(assessment: Assessment, data: dict, notice_dict: dict, winners: int, source_file: str | None) -> dict:
    notice, proc = assessment.notice, assessment.notice.procedure
    amount, currency = _amount(proc.estimated_value)
    day = notice.dispatch_date or notice.publication_date  # year of dispatch; publication date when dispatch absent
    benefit = assessment.benefit or {}
    flagged = sorted({f.code for f in assessment.findings if f.status == "flagged"})
    return {
        "id": notice.id, "family": notice_family(notice_dict), "version_key": version_key(notice_dict),
        **{k: notice_dict.get(k) for k in ("source_format", "schema_version", "form", "kind", "publication_number",
                                             "notice_uuid", "version", "dispatch_date", "publication_date")},
        "year": day.year if day else None,
        "buyer_name": notice.buyer.name, "buyer_country": notice.buyer.country,
        "buyer_identifiers": _json(notice.buyer.identifiers), "buyer_legal_type": notice.buyer.legal_type,
        "cpv_main": proc.cpv_main, "cpv_division": proc.cpv_main[:2] if proc.cpv_main else None,
        "contract_nature": proc.contract_nature, "procedure_type": proc.type,
        "estimated_value": amount, "estimated_currency": currency,
        "estimated_value_eur": to_eur(proc.estimated_value, day),
        "title": proc.title, "lots_count": len(notice.lots), "results_count": len(notice.results),
        "winners_count": winners, "sme_score": (assessment.sme_score or {}).get("value"),
        "benefit_priority": benefit.get("priority"), "benefit_reasons": _json(benefit.get("reasons") or []),
        "flagged_codes": " ".join(flagged), "parse_warnings_count": len(notice.parse_warnings),
        "notice_json": _json(notice_dict), "assessment_json": _json({k: v for k, v in data.items() if k != "notice"}),
        "source_file": source_file or notice.source,
    }


def _lot_row(notice_id: str, position: int, lot: dict) -> dict:
    value = lot.get("estimated_value") or {}
    return {
        "id": f"{notice_id}#L{position}", "notice_id": notice_id, "position": position, "lot_id": lot["id"],
        "title": lot.get("title"), "cpv_main": lot.get("cpv_main"), "estimated_value": value.get("amount"),
        "estimated_currency": value.get("currency"), "sme_suitable": lot.get("sme_suitable"),
    }


def _result_row(notice_id: str, position: int, result: LotResult, as_of: date | None) -> dict:
    received = result.received
    amount, currency = _amount(result.value)
    return {
        "id": f"{notice_id}#R{position}", "notice_id": notice_id, "position": position, "lot_id": result.lot_id,
        "status": result.status,
        **{f"received_{k}": getattr(received, k) if received else None
           for k in ("total", "sme", "other_eea", "non_eea")},
        "value": amount, "currency": currency, "value_eur": to_eur(result.value, result.contract_date or as_of),
        "winners_count": len(result.winners),
        "contract_date": result.contract_date.isoformat() if result.contract_date else None,
    }


def _origin_classes(assessment: Assessment) -> list[str | None]:
    """Origin class of every winner, in notice order: by position when the assessment lists one entry per
    winner, else matched by (name, country); None when the assessment does not classify that winner."""
    origins = assessment.origin or []
    winners = [w for r in assessment.notice.results for w in r.winners]
    if len(origins) == len(winners):
        return [o.get("class") for o in origins]
    by_name = {(o.get("name"), o.get("country")): o.get("class") for o in origins}
    return [by_name.get((w.name, w.country)) for w in winners]


def _winner_rows(result_row: dict, result: LotResult, classes: list[str | None]) -> list[dict]:
    """Winner rows of one result; `classes` holds this result's winners' origin classes, in order."""
    rows = []
    count = len(result.winners)
    # The result's value is shared evenly among the members of a winning group, for value shares in EUR.
    share = None if result_row["value_eur"] is None or not count else result_row["value_eur"] / count
    for position, winner in enumerate(result.winners):
        rows.append({
            "id": f"{result_row['id']}W{position}", "notice_id": result_row["notice_id"],
            "result_id": result_row["id"], "lot_id": result.lot_id, "position": position,
            "name": winner.name, "country": winner.country, "postcode": winner.postcode, "city": winner.city,
            "identifiers": json.dumps(winner.identifiers, ensure_ascii=False),
            "identifier_types": json.dumps(winner.identifier_types, ensure_ascii=False), "size": winner.size,
            "origin_class": classes[position],
            "value": result_row["value"], "currency": result_row["currency"], "value_eur": share,
            "entity_id": None, "entity_method": None, "entity_score": None, "entity_matched": None,
        })
    return rows


def _finding_row(notice_id: str, position: int, finding: dict) -> dict:
    return {
        "id": f"{notice_id}#F{position}", "notice_id": notice_id, "position": position,
        **{k: finding.get(k) for k in ("code", "severity", "area", "status", "lot", "message", "message_fr",
                                       "legal_ref", "confidence")},
        "evidence": _json(finding.get("evidence") or {}),
    }
