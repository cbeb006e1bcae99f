"""The JSON contract itself as an input format: notices printed by `reciprocity parse`, or a draft written by hand.

A contract notice is a JSON object with `id` and `source_format` (design.md, "The JSON contract"); several of them
one per line (JSON Lines) are read one by one. `notice_from_dict` is the inverse of `Notice.to_dict` (a round
trip changes nothing, `source` included). A malformed
object is a `NoticeParseError` naming the line and the fault, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from ..errors import NoticeParseError
from ..model import (
    AwardCriterion,
    Change,
    Lot,
    LotResult,
    Money,
    Notice,
    Organisation,
    Prize,
    Procedure,
    Received,
    SelectionCriterion,
    Tender,
)
from ..model.bounds import number_fault, shown
from ._contract_types import check_types

__all__ = ["is_contract", "iter_json", "notice_from_dict"]
_FAULTS = (KeyError, TypeError, ValueError, ArithmeticError, AttributeError)


def is_contract(document: Any) -> bool:
    """A JSON object in the contract's shape (what `reciprocity parse` prints), not a DECP file."""
    return isinstance(document, dict) and "id" in document and "source_format" in document


def iter_json(data: bytes, source: str) -> Iterator[Notice | NoticeParseError]:
    """The notices of a contract document: one JSON object, or JSON Lines (one object per line).

    A line that is not a valid notice is yielded as a `NoticeParseError` naming it; the other lines go on."""
    try:
        documents = [(None, json.loads(data))]
    except (ValueError, RecursionError):
        documents = _json_lines(data, source)
    for line, document in documents:
        name = source if line is None else f"{source} line {line}"
        if not is_contract(document):
            yield NoticeParseError(name, "not a notice in the JSON contract shape (needs 'id' and 'source_format')")
            continue
        try:
            yield _notice(document, name)
        except NoticeParseError as exc:
            yield exc


def _json_lines(data: bytes, source: str) -> list[tuple[int, Any]]:
    documents = []
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            documents.append((number, json.loads(line)))
        except (ValueError, RecursionError) as exc:
            raise NoticeParseError(f"{source} line {number}", f"malformed JSON: {exc}") from None
    return documents


def _notice(document: dict[str, Any], name: str) -> Notice:
    try:
        notice = notice_from_dict(document)
        check_types(notice)  # "form": 1.5 would fail the rules half way
    except _FAULTS as exc:
        raise NoticeParseError(name, f"not a valid notice in the JSON contract shape: {exc!r}") from None
    if not isinstance(notice.id, str) or not notice.id:
        raise NoticeParseError(name, "not a valid notice in the JSON contract shape: 'id' must be a string")
    return notice


def notice_from_dict(data: dict[str, Any]) -> Notice:
    """Rebuild a `Notice` from its JSON contract (the inverse of `Notice.to_dict`)."""
    proc = dict(data.get("procedure") or {})
    return Notice(
        id=data["id"],
        source_format=data.get("source_format") or "json",
        schema_version=data.get("schema_version"),
        form=data.get("form"),
        kind=data.get("kind") or "other",
        publication_number=data.get("publication_number"),
        notice_uuid=data.get("notice_uuid"),
        version=data.get("version"),
        dispatch_date=_date(data.get("dispatch_date")),
        publication_date=_date(data.get("publication_date")),
        language=data.get("language"),
        buyer=_organisation(data.get("buyer") or {}),
        other_buyers=[_organisation(b) for b in data.get("other_buyers") or []],
        procedure=Procedure(
            **{k: v for k, v in proc.items() if k in _PLAIN_PROCEDURE_FIELDS},
            cpv_additional=list(proc.get("cpv_additional") or []),
            estimated_value=_money(proc.get("estimated_value")),
            awarded_value=_money(proc.get("awarded_value")),
            tender_deadline=_date(proc.get("tender_deadline")),
            request_deadline=_date(proc.get("request_deadline")),
            place_of_performance=list(proc.get("place_of_performance") or []),
        ),
        lots=[_lot(lot) for lot in data.get("lots") or []],
        results=[_result(r) for r in data.get("results") or []],
        parse_warnings=list(data.get("parse_warnings") or []),
        source=data.get("source"),
        changes=_change(data.get("changes")),
    )


_PLAIN_PROCEDURE_FIELDS = {
    "type", "accelerated", "contract_nature", "title", "description", "cpv_main", "legal_basis", "framework",
    "dps", "gpa_covered", "electronic_submission", "max_lots_per_tenderer", "max_lots_awarded",
    "all_lots_required", "additional_info", "submission_url",
}
_PLAIN_LOT_FIELDS = {
    "title", "description", "cpv_main", "duration", "sme_suitable", "reserved", "subcontracting_obligation",
    "eu_funds", "guarantee_required", "variants", "electronic_submission", "gpa_covered", "framework",
}
_PLAIN_ORG_FIELDS = {"name", "country", "city", "postcode", "nuts", "legal_type", "activity", "size",
                     "listed_on_regulated_market", "legal_type_raw", "activity_raw", "sme",
                     "registry"}


def _date(value: str | None) -> date | None:
    return None if not value else date.fromisoformat(value[:10])


def _dec(value: str | float | int | None) -> Decimal | None:
    return None if value is None else _bounded(Decimal(str(value)))


def _bounded(number: Decimal) -> Decimal:
    if fault := number_fault(number):
        raise ValueError(f"number {shown(number)}: {fault}")
    return number


def _money(value: dict[str, Any] | None) -> Money | None:
    if not value:
        return None
    return Money(_bounded(Decimal(str(value["amount"]))), value.get("currency") or "EUR")


def _organisation(data: dict[str, Any]) -> Organisation:
    ids = list(data.get("identifiers") or [])
    types = list(data.get("identifier_types") or [None] * len(ids))
    return Organisation(
        **{k: data.get(k) for k in _PLAIN_ORG_FIELDS},
        identifiers=ids,
        identifier_types=types,
        owner_nationalities=list(data.get("owner_nationalities") or []),
    )


def _lot(data: dict[str, Any]) -> Lot:
    return Lot(
        id=str(data.get("id") or "LOT-0000"),
        **{k: data.get(k) for k in _PLAIN_LOT_FIELDS},
        cpv_additional=list(data.get("cpv_additional") or []),
        estimated_value=_money(data.get("estimated_value")),
        selection_criteria=[
            SelectionCriterion(c.get("type"), c.get("description"), _money(c.get("min_turnover")))
            for c in data.get("selection_criteria") or []
        ],
        award_criteria=[
            AwardCriterion(c.get("type"), c.get("name"), _dec(c.get("weight")), c.get("description"),
                           c.get("weight_kind"))
            for c in data.get("award_criteria") or []
        ],
        tender_deadline=_date(data.get("tender_deadline")),
        request_deadline=_date(data.get("request_deadline")),
        place_of_performance=list(data.get("place_of_performance") or []),
        prizes=[Prize(p.get("rank"), _money(p.get("value"))) for p in data.get("prizes") or []],
        strategic=dict(data.get("strategic") or {}),
    )


def _change(data: dict[str, Any] | None) -> Change | None:
    if data is None:
        return None
    return Change(data.get("notice"), data.get("reason"), list(data.get("sections") or []))


def _result(data: dict[str, Any]) -> LotResult:
    received = data.get("received")
    return LotResult(
        lot_id=data.get("lot_id"),
        status=data.get("status"),
        received=None if received is None else Received(**received),
        winners=[_organisation(w) for w in data.get("winners") or []],
        value=_money(data.get("value")),
        tenders=[
            Tender(t.get("id"), _money(t.get("value")), list(t.get("origin_countries") or []),
                   t.get("subcontracting"), _dec(t.get("subcontracting_percent")))
            for t in data.get("tenders") or []
        ],
        contract_date=_date(data.get("contract_date")),
        contract_id=data.get("contract_id"),
        awarded_to_group=data.get("awarded_to_group"),
        advance_rate=_dec(data.get("advance_rate")),
        origin_france_share=_dec(data.get("origin_france_share")),
        origin_eu_share=_dec(data.get("origin_eu_share")),
        estimated_value=_money(data.get("estimated_value")),
        award_date=_date(data.get("award_date")),
        lowest_tender=_money(data.get("lowest_tender")),
        highest_tender=_money(data.get("highest_tender")),
    )
