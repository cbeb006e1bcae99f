"""One assessed notice -> the rows of the store's tables (schema.py), built in the ingest workers.

The notice is serialised to JSON once: that text is hashed for the version key and compressed into
`notice_documents`. A finding becomes a short row (code, severity, status, lot, evidence) and a reference to its
texts, whose row (`finding_texts`) is keyed by a digest of its content, so identical texts of any two findings
are the same row. This module imports neither sqlite-utils nor pandas: ingest workers load only what they use.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from datetime import date
from typing import Any

from ..model import FINDING_KEYS, Assessment, LotResult, Money, sme_of_size
from ..rules.data import load_rule_data
from .schema import COLUMNS

Rows = dict[str, list[dict[str, Any]]]
# finding keys kept on the finding's own row; every other key is text shared between findings
FINDING_ROW_KEYS = ("code", "severity", "status", "lot", "evidence")
TEXT_COLUMNS = ("area", "confidence", "message", "message_fr", "legal_ref", "recommendation", "recommendation_fr")
# contract keys of a finding kept as JSON in its text's `extra` column (rare, list-valued)
EXTRA_KEYS = ("to_confirm",)
COMPRESSION = 6
# BT-758, the notice a change notice changes: "<notice UUID>-<version>"
_CHANGE_REF = re.compile(r"([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})-([0-9]{1,8})")


def to_json(value: Any) -> str:
    """The store's JSON text in columns: sorted keys, UTF-8, dates and Decimals as strings (as exports show it)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def pack(value: Any) -> bytes:
    """A JSON document as stored in `notice_documents` (zlib-compressed compact UTF-8 JSON)."""
    return zlib.compress(_compact(value).encode(), COMPRESSION)


def change_key(uuid: str | None, version: str | None) -> str | None:
    """The family of a notice that changes the notice (uuid, version): "changes:<uuid>-<version>" (BT-758)."""
    if not uuid or not version:
        return None
    version = str(version).strip()
    return f"changes:{str(uuid).strip().lower()}-{int(version) if version.isascii() and version.isdigit() else version}"


def notice_family(notice: dict) -> str:
    """The key two versions of one notice share: for a change notice, the notice it changes (BT-758: its own
    UUID is sometimes new, so `store` links the two through `change_key`); else its id, or the eForms notice UUID
    (BT-701) when unpublished."""
    ref = _CHANGE_REF.fullmatch(str((notice.get("changes") or {}).get("notice") or "").strip().lower())
    if ref:
        return change_key(*ref.groups())
    if not notice.get("publication_number") and notice.get("notice_uuid"):
        return f"uuid:{notice['notice_uuid']}"
    return str(notice["id"])


def version_key(notice: dict, notice_json: str | None = None) -> str:
    """A sortable key: the higher one is the newer version (BT-757 version, dispatch date, content hash)."""
    version = str(notice.get("version") or "")
    number = int(version) if version.isascii() and version.isdigit() and len(version) <= 8 else 0  # not "²"
    digest = hashlib.sha1((notice_json or to_json(notice)).encode()).hexdigest()
    return f"{number:08d}|{notice.get('dispatch_date') or ''}|{digest}"


def to_eur(money: Money | None, as_of: date | None) -> float | None:
    """EUR value of an amount for the store's REAL columns (`RuleData.to_eur`: EUR as is, else the dated rate)."""
    converted = load_rule_data().to_eur(money, as_of)
    return None if converted is None else float(converted)


def assessment_rows(assessment: Assessment, source_file: str | None = None) -> Rows:
    """All rows for one assessed notice, keyed by table name (columns as in schema.COLUMNS)."""
    notice = assessment.notice
    data = assessment.to_dict()
    notice_dict = data["notice"]
    notice_json = to_json(notice_dict)  # serialised once: hashed for the version key, then compressed
    classes = _origin_classes(assessment)
    day = notice.dispatch_date or notice.publication_date  # year of dispatch; publication date when dispatch absent
    results, winners = [], []
    for position, result in enumerate(notice.results):
        results.append(_result_row(notice.id, position, result, day))
        mine = classes[len(winners):len(winners) + len(result.winners)]
        winners.extend(_winner_rows(notice.id, position, result, mine))
    findings, texts = _finding_rows(notice.id, data["findings"])
    extras = {k: v for k, v in data.items() if k not in ("notice", "findings")}
    return {
        "notices": [_notice_row(assessment, notice_dict, notice_json, results, len(winners), source_file)],
        "notice_documents": [{"notice_id": notice.id, "notice": zlib.compress(notice_json.encode(), COMPRESSION),
                              "assessment": pack(extras)}],
        "lots": [_lot_row(notice.id, position, lot) for position, lot in enumerate(notice_dict["lots"])],
        "results": results,
        "winners": winners,
        "findings": findings,
        "finding_texts": texts,
    }


def as_tuples(rows: Rows) -> dict[str, list[tuple]]:
    """The rows as tuples in schema column order: what a worker sends to the writer (smaller to pickle)."""
    return {table: [tuple(row[c] for c in COLUMNS[table]) for row in table_rows]
            for table, table_rows in rows.items() if table_rows}


def _amount(money: Money | None) -> tuple[str | None, str | None]:
    return (None, None) if money is None else (format(money.amount, "f"), money.currency)


def _awarded_eur(results: list[dict]) -> float | None:
    """Sum of the results' EUR values; unknown (None) when a result with winners has none, or none has one."""
    if any(r["value_eur"] is None and r["winners_count"] for r in results):
        return None
    values = [r["value_eur"] for r in results if r["value_eur"] is not None]
    return sum(values) if values else None


def _notice_row(assessment: Assessment, notice_dict: dict, notice_json: str, results: list[dict], winners: int,
                source_file: str | None) -> dict:
    notice, proc = assessment.notice, assessment.notice.procedure
    amount, currency = _amount(proc.estimated_value)
    day = notice.dispatch_date or notice.publication_date
    benefit = assessment.benefit or {}
    flagged = sorted({f.code for f in assessment.findings if f.status == "flagged"})
    return {
        "id": notice.id, "family": notice_family(notice_dict), "version_key": version_key(notice_dict, notice_json),
        **{k: notice_dict.get(k) for k in ("source_format", "schema_version", "form", "kind", "publication_number",
                                             "notice_uuid", "version", "dispatch_date", "publication_date")},
        "year": day.year if day else None,
        "buyer_name": notice.buyer.name, "buyer_country": notice.buyer.country,
        "buyer_identifiers": to_json(notice.buyer.identifiers), "buyer_legal_type": notice.buyer.legal_type,
        "buyer_category": (assessment.coverage or {}).get("buyer_category"),
        "cpv_main": proc.cpv_main, "cpv_division": proc.cpv_main[:2] if proc.cpv_main else None,
        "contract_nature": proc.contract_nature, "procedure_type": proc.type,
        "estimated_value": amount, "estimated_currency": currency,
        "estimated_value_eur": to_eur(proc.estimated_value, day),
        # the total the notice states (BT-161, TED VAL_TOTAL) when it has one, else the sum of its results' values
        "awarded_value_eur": to_eur(proc.awarded_value, day) if proc.awarded_value else _awarded_eur(results),
        "title": proc.title, "lots_count": len(notice.lots), "results_count": len(notice.results),
        "winners_count": winners, "sme_score": (assessment.sme_score or {}).get("value"),
        "benefit_priority": benefit.get("priority") or 0, "benefit_reasons": to_json(benefit.get("reasons") or []),
        "flagged_codes": " ".join(flagged), "parse_warnings_count": len(notice.parse_warnings),
        "source_file": source_file or notice.source, "buyer_nuts": notice.buyer.nuts,
    }


def _lot_row(notice_id: str, position: int, lot: dict) -> dict:
    value = lot.get("estimated_value") or {}
    return {
        "notice_id": notice_id, "position": position, "lot_id": lot["id"], "title": lot.get("title"),
        "cpv_main": lot.get("cpv_main"), "estimated_value": value.get("amount"),
        "estimated_currency": value.get("currency"), "sme_suitable": lot.get("sme_suitable"),
    }


def _result_row(notice_id: str, position: int, result: LotResult, as_of: date | None) -> dict:
    received = result.received
    amount, currency = _amount(result.value)
    return {
        "notice_id": notice_id, "position": position, "lot_id": result.lot_id, "status": result.status,
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


def _winner_rows(notice_id: str, result_position: int, result: LotResult, classes: list[str | None]) -> list[dict]:
    """Winner rows of one result; `classes` holds this result's winners' origin classes, in order."""
    return [{
        "notice_id": notice_id, "result": result_position, "position": position,
        "name": winner.name, "country": winner.country, "postcode": winner.postcode, "city": winner.city,
        "identifiers": json.dumps(winner.identifiers, ensure_ascii=False),
        "identifier_types": json.dumps(winner.identifier_types, ensure_ascii=False), "size": winner.size,
        "sme": winner.sme if winner.sme is not None else sme_of_size(winner.size),
        "origin_class": classes[position],
    } for position, winner in enumerate(result.winners)]


def _finding_rows(notice_id: str, findings: list[dict]) -> tuple[list[dict], list[dict]]:
    """Each finding's own row, and the rows of the texts it shares with other findings (keyed by content)."""
    rows, texts = [], {}
    for position, finding in enumerate(findings):
        text = {k: finding.get(k) for k in TEXT_COLUMNS}
        extra = {k: v for k, v in finding.items() if k not in FINDING_ROW_KEYS and k not in TEXT_COLUMNS and v}
        text["extra"] = to_json(extra) if extra else None
        text_id = hashlib.sha1(_compact(text).encode()).digest()[:12]
        texts[text_id] = {"id": text_id, **text}
        rows.append({"notice_id": notice_id, "position": position, "code": finding["code"],
                     "severity": finding.get("severity"), "status": finding.get("status"), "lot": finding.get("lot"),
                     "text_id": text_id, "evidence": to_json(finding.get("evidence"))})
    return rows, list(texts.values())


assert set(FINDING_ROW_KEYS) | set(TEXT_COLUMNS) | set(EXTRA_KEYS) == set(FINDING_KEYS), \
    "every contract key of a finding is stored"
