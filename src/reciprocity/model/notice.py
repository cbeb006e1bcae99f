"""What a notice says: the one shape every parser returns, plain dataclasses with `to_dict()` giving the JSON contract.

The JSON contract (design.md) is stable (fields added, never renamed or removed); a value not given is None: no guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

KINDS = ("planning", "competition", "dir-awa-pre", "result", "cont-modif", "change", "completion", "other")
SIZES = ("micro", "small", "medium", "sme", "large")
SME_SIZES = ("micro", "small", "medium", "sme")


@dataclass
class Money:
    """An amount with its ISO 4217 currency; amounts stay `Decimal` end to end."""

    amount: Decimal
    currency: str

    def to_dict(self) -> dict[str, str]:
        return {"amount": _decimal_str(self.amount), "currency": self.currency}


@dataclass
class Organisation:
    """A buyer, winner or tenderer. `country` is ISO 3166-1 alpha-2 (eForms alpha-3 is mapped on input)."""

    name: str | None = None
    country: str | None = None
    city: str | None = None
    postcode: str | None = None
    nuts: str | None = None
    identifiers: list[str] = field(default_factory=list)
    # e.g. "SIRET", "TVA", "HORS-UE" (DECP typeIdentifiant), parallel to `identifiers` where known
    identifier_types: list[str | None] = field(default_factory=list)
    legal_type: str | None = None  # BT-11 buyer legal type code, in every format (TED CA_TYPE mapped to it)
    activity: str | None = None  # BT-10 / BT-610 main activity code, in every format (TED codes mapped to it)
    legal_type_raw: str | None = None  # what a TED notice wrote: CA_TYPE code or CA_TYPE_OTHER free text
    activity_raw: str | None = None  # what a TED notice wrote: CA_ACTIVITY / CE_ACTIVITY code or free text
    size: str | None = None  # BT-165: micro | small | medium | sme | large
    sme: bool | None = None  # True: micro/small/medium/sme; False: eForms large or TED NO_SME; None: not said
    owner_nationalities: list[str] = field(default_factory=list)  # BT-706, alpha-2
    listed_on_regulated_market: bool | None = None  # BT-746
    registry: dict[str, Any] | None = None  # INSEE SIRENE facts, never the notice's (audit/sirene_apply.py)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "legal_type": self.legal_type,
            "identifiers": list(self.identifiers),
            "identifier_types": list(self.identifier_types),
            "activity": self.activity,
            "legal_type_raw": self.legal_type_raw, "activity_raw": self.activity_raw,
            "city": self.city, "postcode": self.postcode,
            "nuts": self.nuts, "size": self.size,
            "sme": self.sme,
            "owner_nationalities": list(self.owner_nationalities),
            "listed_on_regulated_market": self.listed_on_regulated_market,
            **({"registry": dict(self.registry)} if self.registry is not None else {}),  # only once looked up
        }


def sme_of_size(size: str | None) -> bool | None:
    """Organisation.sme from a BT-165 size: True for micro/small/medium/sme, False for large, else None."""
    if size in SME_SIZES:
        return True
    return False if size == "large" else None


@dataclass
class SelectionCriterion:
    """A selection criterion (BT-747/BT-809 code, BT-750 text, or TED LEFTI text)."""

    type: str | None = None  # e.g. "ef-stand", "slc-stand-to-gen", "economic-financial" (TED)
    description: str | None = None
    min_turnover: Money | None = None  # structured threshold where the notice gives one (BT-752)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "description": self.description,
            "min_turnover": _opt(self.min_turnover),
        }


@dataclass
class AwardCriterion:
    """An award criterion (BT-539 type, BT-734 name, BT-541 weight with its BT-5421 kind)."""

    type: str | None = None  # price | cost | quality
    name: str | None = None
    weight: Decimal | None = None
    description: str | None = None
    # what `weight` counts: percentage | points | rank (an order of importance, never a share); None: not stated
    weight_kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "name": self.name,
            "weight": _number(self.weight),
            "description": self.description,
            "weight_kind": self.weight_kind,
        }


@dataclass
class Prize:
    """A design-contest prize (BT-44 rank, BT-644 value)."""

    rank: int | None = None
    value: Money | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "value": _opt(self.value)}


@dataclass
class Lot:
    """A lot as the notice describes it; a procedure without lots has exactly one."""

    id: str
    title: str | None = None
    description: str | None = None
    cpv_main: str | None = None
    cpv_additional: list[str] = field(default_factory=list)
    estimated_value: Money | None = None
    duration: str | None = None  # as given, e.g. "12 MONTH", "P36M"
    selection_criteria: list[SelectionCriterion] = field(default_factory=list)
    award_criteria: list[AwardCriterion] = field(default_factory=list)
    sme_suitable: bool | None = None  # BT-726
    reserved: str | None = None  # BT-71: none | res-ws | res-pub-ser
    subcontracting_obligation: str | None = None  # BT-65
    eu_funds: bool | None = None  # BT-60
    guarantee_required: bool | None = None  # BT-751
    variants: bool | None = None  # BT-63
    tender_deadline: date | None = None  # BT-131
    request_deadline: date | None = None  # BT-1311
    electronic_submission: str | None = None  # BT-17: required | allowed | not-allowed
    gpa_covered: bool | None = None  # BT-115
    framework: str | None = None  # BT-765: none | fa-wo-rc | fa-w-rc | fa-mix
    place_of_performance: list[str] = field(default_factory=list)  # country / NUTS codes; DECP "FR:<kind>:<code>"
    prizes: list[Prize] = field(default_factory=list)  # BT-44 / BT-644
    strategic: dict[str, Any] = field(default_factory=dict)  # BT-684, BT-685-688 (ipi_measures), BT-06, BT-805

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "cpv_main": self.cpv_main,
            "cpv_additional": list(self.cpv_additional),
            "estimated_value": _opt(self.estimated_value),
            "duration": self.duration,
            "selection_criteria": [c.to_dict() for c in self.selection_criteria],
            "award_criteria": [c.to_dict() for c in self.award_criteria],
            "sme_suitable": self.sme_suitable,
            "reserved": self.reserved,
            "subcontracting_obligation": self.subcontracting_obligation,
            "eu_funds": self.eu_funds,
            "guarantee_required": self.guarantee_required,
            "variants": self.variants,
            "tender_deadline": _iso(self.tender_deadline),
            "request_deadline": _iso(self.request_deadline),
            "electronic_submission": self.electronic_submission,
            "gpa_covered": self.gpa_covered,
            "framework": self.framework,
            "place_of_performance": list(self.place_of_performance),
            "prizes": [p.to_dict() for p in self.prizes], **({"strategic": self.strategic} if self.strategic else {}),
        }


@dataclass
class Procedure:
    """Procedure-level facts (BT-105, BT-23, BT-262, BT-27…)."""

    type: str | None = None  # open | restricted | neg-w-call | neg-wo-call | comp-dial | innovation | …
    accelerated: bool | None = None  # BT-106
    contract_nature: str | None = None  # works | supplies | services
    title: str | None = None
    description: str | None = None
    cpv_main: str | None = None  # 8 digits, no check digit
    cpv_additional: list[str] = field(default_factory=list)
    estimated_value: Money | None = None  # BT-27; on a result notice the initial estimate, never the final total
    awarded_value: Money | None = None  # BT-161 / TED VAL_TOTAL, TOTAL_FINAL_VALUE: total value awarded
    legal_basis: str | None = None  # BT-01, e.g. "32014L0024"
    framework: bool | None = None
    dps: bool | None = None
    gpa_covered: bool | None = None  # BT-115 (any lot), TED CONTRACT_COVERED_GPA
    tender_deadline: date | None = None  # earliest lot deadline
    request_deadline: date | None = None
    electronic_submission: bool | None = None
    submission_url: str | None = None  # TED URL_PARTICIPATION: where tenders are submitted electronically
    place_of_performance: list[str] = field(default_factory=list)
    max_lots_per_tenderer: int | None = None  # BT-31
    max_lots_awarded: int | None = None  # BT-33
    all_lots_required: bool | None = None  # TED LOT_ALL; eForms BT-31 = number of lots
    additional_info: str | None = None  # BT-300 / TED INFO_ADD: searched for origin clauses
    advance_rate: Decimal | None = None  # advance announced by a draft (short form), share 0..1; not in the JSON

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "accelerated": self.accelerated,
            "contract_nature": self.contract_nature,
            "title": self.title,
            "description": self.description,
            "cpv_main": self.cpv_main,
            "cpv_additional": list(self.cpv_additional),
            "estimated_value": _opt(self.estimated_value),
            "legal_basis": self.legal_basis,
            "framework": self.framework,
            "dps": self.dps,
            "gpa_covered": self.gpa_covered,
            "tender_deadline": _iso(self.tender_deadline),
            "request_deadline": _iso(self.request_deadline),
            "electronic_submission": self.electronic_submission,
            "place_of_performance": list(self.place_of_performance),
            "max_lots_per_tenderer": self.max_lots_per_tenderer,
            "max_lots_awarded": self.max_lots_awarded,
            "all_lots_required": self.all_lots_required,
            "additional_info": self.additional_info,
            "awarded_value": _opt(self.awarded_value),
            "submission_url": self.submission_url,
        }


@dataclass
class Received:
    """Submissions received (BT-759/BT-760; TED NB_TENDERS_RECEIVED*; DECP offresRecues)."""

    total: int | None = None
    sme: int | None = None
    other_eea: int | None = None
    non_eea: int | None = None
    electronic: int | None = None
    requests: int | None = None  # part-req
    large: int | None = None  # t-large (SDK >= 1.14): tenders from large firms

    def is_empty(self) -> bool:
        return all(value is None for value in self.to_dict().values())

    def to_dict(self) -> dict[str, int | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class Tender:
    """A tender in a result (BT-720 value, BT-191 country of origin, BT-773 subcontracting)."""

    id: str | None = None
    value: Money | None = None
    origin_countries: list[str] = field(default_factory=list)
    subcontracting: bool | None = None
    subcontracting_percent: Decimal | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "value": _opt(self.value),
            "origin_countries": list(self.origin_countries),
            "subcontracting": self.subcontracting,
            "subcontracting_percent": _number(self.subcontracting_percent),
        }


@dataclass
class LotResult:
    """One award section (TED) or LotResult (eForms) or DECP contract."""

    lot_id: str | None = None
    status: str | None = None  # awarded | no-award | open (BT-142 selec-w | clos-nw | open-nw)
    received: Received | None = None
    winners: list[Organisation] = field(default_factory=list)
    value: Money | None = None
    tenders: list[Tender] = field(default_factory=list)
    contract_date: date | None = None  # BT-145 / DATE_CONCLUSION_CONTRACT / dateNotification
    contract_id: str | None = None
    awarded_to_group: bool | None = None
    advance_rate: Decimal | None = None  # DECP tauxAvance, share 0..1
    origin_france_share: Decimal | None = None  # DECP origineFrance, share 0..1
    origin_eu_share: Decimal | None = None  # DECP origineUE, share 0..1
    estimated_value: Money | None = None  # TED award section: initial estimated value of the contract / lot
    award_date: date | None = None  # BT-1451: date the winner was chosen
    lowest_tender: Money | None = None  # BT-710
    highest_tender: Money | None = None  # BT-711

    def to_dict(self) -> dict[str, Any]:
        received = self.received if self.received is not None and not self.received.is_empty() else None
        return {
            "lot_id": self.lot_id,
            "status": self.status,
            "received": _opt(received),
            "winners": [{"name": w.name, "country": w.country, "size": w.size, "identifiers": list(w.identifiers),
                         "identifier_types": list(w.identifier_types), "sme": w.sme,
                         "owner_nationalities": list(w.owner_nationalities),
                         **({"registry": w.registry} if w.registry is not None else {})} for w in self.winners],
            "value": _opt(self.value),
            "tenders": [t.to_dict() for t in self.tenders],
            "contract_date": _iso(self.contract_date),
            "contract_id": self.contract_id,
            "awarded_to_group": self.awarded_to_group,
            "advance_rate": _number(self.advance_rate),
            "origin_france_share": _number(self.origin_france_share),
            "origin_eu_share": _number(self.origin_eu_share),
            "estimated_value": _opt(self.estimated_value),
            "award_date": _iso(self.award_date),
            "lowest_tender": _opt(self.lowest_tender),
            "highest_tender": _opt(self.highest_tender),
        }


@dataclass
class Change:
    """The change block of a notice (eForms efac:Changes): which notice it changes (BT-758) and why (BT-140)."""

    notice: str | None = None  # BT-758 changed notice identifier ("<uuid>-<version>"), when stated
    reason: str | None = None  # BT-140 change-corrig-justification code
    sections: list[str] = field(default_factory=list)  # BT-13716 changed section identifiers

    def to_dict(self) -> dict[str, Any]:
        return {"notice": self.notice, "reason": self.reason, "sections": list(self.sections)}


@dataclass
class Notice:
    """One published (or draft) notice, or one DECP contract, in the shape every rule reads."""

    id: str
    source_format: str  # eforms | ted | decp | form
    schema_version: str | None = None
    form: str | None = None
    kind: str = "other"
    publication_number: str | None = None
    notice_uuid: str | None = None
    version: str | None = None
    dispatch_date: date | None = None
    publication_date: date | None = None
    language: str | None = None
    buyer: Organisation = field(default_factory=Organisation)
    other_buyers: list[Organisation] = field(default_factory=list)
    procedure: Procedure = field(default_factory=Procedure)
    lots: list[Lot] = field(default_factory=list)
    results: list[LotResult] = field(default_factory=list)
    parse_warnings: list[str] = field(default_factory=list)
    source: str | None = None  # file name (and archive member) it was read from
    # set when the notice changes an earlier one; a result notice with a change block keeps kind "result"
    changes: Change | None = None

    def warn(self, message: str) -> None:
        """Record a value we could not read (never guess it)."""
        if message not in self.parse_warnings:
            self.parse_warnings.append(message)

    def to_dict(self) -> dict[str, Any]:
        proc = self.procedure.to_dict()
        return {
            "id": self.id,
            "source_format": self.source_format,
            "schema_version": self.schema_version,
            "form": self.form,
            "kind": self.kind,
            "publication_number": self.publication_number,
            "notice_uuid": self.notice_uuid,
            "version": self.version,
            "dispatch_date": _iso(self.dispatch_date),
            "publication_date": _iso(self.publication_date),
            "language": self.language,
            "buyer": self.buyer.to_dict(),
            "other_buyers": [b.to_dict() for b in self.other_buyers],
            "procedure": proc,
            "lots": [lot.to_dict() for lot in self.lots],
            "results": [r.to_dict() for r in self.results],
            "parse_warnings": list(self.parse_warnings),
            "source": self.source,
            "changes": _opt(self.changes),
        }


def _decimal_str(value: Decimal) -> str:
    """Plain decimal notation (never "1E+6"), trailing zeros kept as given."""
    return format(value, "f")


def _number(value: Decimal | None) -> str | None:
    return None if value is None else _decimal_str(value)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _opt(value: Any) -> Any:
    return None if value is None else value.to_dict()
