"""TED R2.0.9 forms (F01-F25 `*_2014`, `MOVE`): buyer, procedure, lots and selection criteria.

Paths follow fields.md (TED column); every element is optional and an absent one leaves the field null.
Award sections are read by `_ted_r209_awards`.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from ..model import AwardCriterion, Lot, Notice, Organisation, Procedure, SelectionCriterion
from . import _ted_r209_awards
from ._ted_codes import set_buyer_codes
from ._ted_values import (
    Children,
    attr,
    cpv,
    find,
    findall,
    findtext,
    iterfind,
    money,
    organisation,
    paragraphs,
    parse_date,
    parse_int,
    parse_weight,
    range_warning,
    text,
)
from ._xml import localname

# PROCEDURE/PT_* -> BT-105 procedure code (eForms code list "procurement-procedure-type").
PROCEDURE_TYPES = {
    "PT_OPEN": "open",
    "PT_RESTRICTED": "restricted",
    "PT_COMPETITIVE_NEGOTIATION": "neg-w-call",
    "PT_NEGOTIATED_WITH_PRIOR_CALL": "neg-w-call",
    "PT_COMPETITIVE_DIALOGUE": "comp-dial",
    "PT_INNOVATION_PARTNERSHIP": "innovation",
    "PT_AWARD_CONTRACT_WITHOUT_CALL": "neg-wo-call",
    "PT_NEGOTIATED_WITHOUT_PUBLICATION": "neg-wo-call",
    "PT_AWARD_CONTRACT_WITHOUT_PUBLICATION": "neg-wo-call",  # F15 VEAT, F25 concessions
}
# Procedures in two stages: TED's one "time limit for receipt of tenders or requests to participate" is then
# the deadline for requests (BT-1311), not for tenders (BT-131).
TWO_STAGE = frozenset({"restricted", "neg-w-call", "comp-dial", "innovation"})
# LEFTI texts -> SelectionCriterion.type (TED gives them for the whole procedure, so every lot gets them).
SELECTION_TEXTS = {
    "SUITABILITY": "suitability",
    "ECONOMIC_FINANCIAL_INFO": "economic-financial",
    "ECONOMIC_FINANCIAL_MIN_LEVEL": "economic-financial-min-level",
    "TECHNICAL_PROFESSIONAL_INFO": "technical-professional",
    "TECHNICAL_PROFESSIONAL_MIN_LEVEL": "technical-professional-min-level",
    "RULES_CRITERIA": "other",  # F05/F07 objective rules and criteria for participation
}
# BT-71 reserved procurement.
RESERVED = {
    "RESTRICTED_SHELTERED_WORKSHOP": "res-ws",
    "RESTRICTED_SHELTERED_PROGRAM": "res-ws",
    "RESERVED_ORGANISATIONS_SERVICE_MISSION": "res-pub-ser",
}


def read_form(form: etree._Element, notice: Notice) -> None:
    """Fill `notice` from an R2.0.9 form element (read by local name, whatever its namespace)."""
    notice.procedure.legal_basis = attr(find(form, "LEGAL_BASIS"), "VALUE")
    _read_buyers(find(form, "CONTRACTING_BODY"), notice)
    contract = find(form, "OBJECT_CONTRACT")
    _read_object(contract, notice)
    _read_procedure(find(form, "PROCEDURE"), notice)
    notice.lots = [_read_lot(d, i, notice) for i, d in enumerate(_lot_elements(contract), 1)] or [Lot(id="1")]
    _apply_procedure_to_lots(find(form, "LEFTI"), notice)
    notice.procedure.additional_info = paragraphs(find(form, "COMPLEMENTARY_INFO/INFO_ADD"))
    _ted_r209_awards.read_results(form, notice, divided=find(contract, "LOT_DIVISION") is not None)


def _read_buyers(body: etree._Element | None, notice: Notice) -> None:
    """CONTRACTING_BODY: the buyer, joint buyers (ADDRESS_CONTRACTING_BODY_ADDITIONAL), legal type, activity."""
    if body is None:
        notice.warn("CONTRACTING_BODY absent: no buyer")
        return
    buyer = organisation(find(body, "ADDRESS_CONTRACTING_BODY"), notice, "ADDRESS_CONTRACTING_BODY")
    notice.buyer = buyer or Organisation()
    # BT-11 legal type: CA_TYPE (F02/F03) or free text CA_TYPE_OTHER; F05/F06 have none. BT-10 / BT-610 main
    # activity: CA_ACTIVITY (classic) or CE_ACTIVITY (utilities), or their free text
    legal = (attr(find(body, "CA_TYPE"), "VALUE"), text(find(body, "CA_TYPE_OTHER")))
    prefix = "CE" if find(body, "CE_ACTIVITY") is not None or find(body, "CE_ACTIVITY_OTHER") is not None else "CA"
    activity = (attr(find(body, f"{prefix}_ACTIVITY"), "VALUE"), text(find(body, f"{prefix}_ACTIVITY_OTHER")))
    table = "entity_activity" if prefix == "CE" else "authority_activity"
    set_buyer_codes(notice.buyer, notice, legal, activity, table, "CONTRACTING_BODY")
    # URL_PARTICIPATION: "tenders must be submitted electronically via" this address (absent: not stated)
    url = text(find(body, "URL_PARTICIPATION"))
    if url is not None:
        notice.procedure.electronic_submission, notice.procedure.submission_url = True, url
    for extra in iterfind(body, "ADDRESS_CONTRACTING_BODY_ADDITIONAL"):
        other = organisation(extra, notice, "ADDRESS_CONTRACTING_BODY_ADDITIONAL")
        if other is not None:
            notice.other_buyers.append(other)


def _read_object(contract: etree._Element | None, notice: Notice) -> None:
    """OBJECT_CONTRACT: title, nature (BT-23), main CPV (BT-262), value, lot division (BT-31, BT-33)."""
    proc = notice.procedure
    if contract is None:
        return
    proc.title = text(find(contract, "TITLE"))
    proc.description = paragraphs(find(contract, "SHORT_DESCR"))
    proc.cpv_main = cpv(find(contract, "CPV_MAIN/CPV_CODE"))
    nature = attr(find(contract, "TYPE_CONTRACT"), "CTYPE")
    proc.contract_nature = nature.lower() if nature else None
    # BT-27 estimate (CN); a CAN gives the total final value (VAL_TOTAL / VAL_RANGE_TOTAL) instead, which is what
    # was awarded, not an estimate: its initial estimates are in the award sections (`_ted_r209_awards`)
    proc.estimated_value = money(find(contract, "VAL_ESTIMATED_TOTAL"), notice, "OBJECT_CONTRACT/VAL_ESTIMATED_TOTAL")
    proc.awarded_value = money(find(contract, "VAL_TOTAL"), notice, "OBJECT_CONTRACT/VAL_TOTAL")
    if proc.awarded_value is None:
        range_warning(find(contract, "VAL_RANGE_TOTAL"), notice, "OBJECT_CONTRACT/VAL_RANGE_TOTAL")
    _read_lot_division(find(contract, "LOT_DIVISION"), proc, notice)


def _read_lot_division(division: etree._Element | None, proc: Procedure, notice: Notice) -> None:
    """LOT_DIVISION: LOT_ALL, LOT_MAX_NUMBER / LOT_ONE_ONLY (BT-31), LOT_MAX_ONE_TENDERER (BT-33).

    LOT_ALL is "tenders may be submitted for all lots" (2014 forms, II.1.6): the cap equals the lot count. It is
    not a duty to bid for every lot; R2.0.9 has no field for that duty, so `all_lots_required` stays None.
    """
    if division is None:
        return
    if find(division, "LOT_ALL") is not None:
        proc.max_lots_per_tenderer = len(findall(division.getparent(), "OBJECT_DESCR"))
    elif find(division, "LOT_ONE_ONLY") is not None:
        proc.max_lots_per_tenderer = 1
    else:
        proc.max_lots_per_tenderer = parse_int(findtext(division, "LOT_MAX_NUMBER"), notice, "LOT_MAX_NUMBER")
    proc.max_lots_awarded = parse_int(findtext(division, "LOT_MAX_ONE_TENDERER"), notice, "LOT_MAX_ONE_TENDERER")


def _read_procedure(procedure: etree._Element | None, notice: Notice) -> None:
    """PROCEDURE: type (BT-105), accelerated (BT-106), framework/DPS, GPA (BT-115), tender deadline (BT-131)."""
    if procedure is None:
        return
    proc = notice.procedure
    # F15 (VEAT) nests the type one level down, under DIRECTIVE_2014_2x_EU / DIRECTIVE_2009_81_EC
    candidates = [*procedure, *(c for d in procedure if localname(d).startswith("DIRECTIVE_") for c in d)]
    for child in candidates:
        name = localname(child)
        if name.startswith("PT_"):
            proc.type = PROCEDURE_TYPES.get(name)
            if proc.type is None:
                notice.warn(f"PROCEDURE/{name}: no eForms procedure type maps to it; type left null")
            break
    proc.accelerated = True if find(procedure, "ACCELERATED_PROC") is not None else None
    proc.framework = True if find(procedure, "FRAMEWORK") is not None else None
    proc.dps = True if find(procedure, "DPS") is not None else None
    if find(procedure, "CONTRACT_COVERED_GPA") is not None:
        proc.gpa_covered = True
    elif find(procedure, "NO_CONTRACT_COVERED_GPA") is not None:
        proc.gpa_covered = False
    set_deadline(proc, parse_date(findtext(procedure, "DATE_RECEIPT_TENDERS"), notice, "DATE_RECEIPT_TENDERS"))


def set_deadline(proc: Procedure, deadline: date | None) -> None:
    """File TED's single receipt deadline as BT-1311 (two-stage procedures) or BT-131 (the others)."""
    if proc.type in TWO_STAGE:
        proc.request_deadline = deadline
    else:
        proc.tender_deadline = deadline


def _lot_elements(contract: etree._Element | None) -> list[etree._Element]:
    return [] if contract is None else findall(contract, "OBJECT_DESCR")


def _read_lot(descr: etree._Element, item: int, notice: Notice) -> Lot:
    """One OBJECT_DESCR: id (LOT_NO, else "1", else @ITEM), title, CPV, value, duration, criteria, NUTS."""
    fields = Children(descr)
    lot = Lot(id=fields.text("LOT_NO") or descr.get("ITEM") or str(item))
    lot.title = fields.text("TITLE")
    lot.description = paragraphs(fields.first("SHORT_DESCR"))
    lot.cpv_additional = [c for c in (cpv(find(e, "CPV_CODE")) for e in fields.all("CPV_ADDITIONAL")) if c]
    lot.estimated_value = money(fields.first("VAL_OBJECT"), notice, f"OBJECT_DESCR[{lot.id}]/VAL_OBJECT")
    lot.duration = _duration(fields)
    # S01 files put AC_* directly under OBJECT_DESCR, later ones inside an AC wrapper
    lot.award_criteria = _award_criteria(Children(fields.first("AC")) if fields.has("AC") else fields, notice)
    lot.eu_funds = _flag(fields, "EU_PROGR_RELATED", "NO_EU_PROGR_RELATED")  # BT-60
    lot.variants = _flag(fields, "ACCEPTED_VARIANTS", "NO_ACCEPTED_VARIANTS")  # BT-63
    lot.place_of_performance = [c for c in (attr(n, "CODE") for n in fields.all("NUTS")) if c]
    return lot


def _flag(fields: Children, yes: str, no: str) -> bool | None:
    if fields.has(yes):
        return True
    return False if fields.has(no) else None


def _duration(fields: Children) -> str | None:
    """DURATION with its @TYPE ("36 MONTH"), else DATE_START/DATE_END as an ISO interval."""
    duration = fields.first("DURATION")
    if duration is not None and text(duration):
        return f"{text(duration)} {attr(duration, 'TYPE') or ''}".strip()
    start, end = fields.text("DATE_START"), fields.text("DATE_END")
    return f"{start or '..'}/{end or '..'}" if start or end else None


def _award_criteria(box: Children, notice: Notice) -> list[AwardCriterion]:
    """AC_QUALITY / AC_COST (name + weighting, repeated) and AC_PRICE (BT-539, BT-734, BT-541)."""
    criteria = []
    for kind, tag in (("quality", "AC_QUALITY"), ("cost", "AC_COST"), ("price", "AC_PRICE")):
        for element in box.all(tag):
            weight, weight_kind = parse_weight(findtext(element, "AC_WEIGHTING"), notice, f"{tag}/AC_WEIGHTING")
            criteria.append(AwardCriterion(type=kind, name=text(find(element, "AC_CRITERION")), weight=weight,
                                           weight_kind=weight_kind))
    return criteria


def _apply_procedure_to_lots(lefti: etree._Element | None, notice: Notice) -> None:
    """Procedure-level TED facts that hold for every lot: selection criteria, reservation, guarantee, deadline, GPA."""
    criteria = _selection_criteria(lefti)
    reserved = next((code for tag, code in RESERVED.items() if lefti is not None and find(lefti, tag) is not None),
                    None)
    guarantee = True if lefti is not None and find(lefti, "DEPOSIT_GUARANTEE_REQUIRED") is not None else None
    for lot in notice.lots:
        lot.selection_criteria = [SelectionCriterion(c.type, c.description) for c in criteria]
        lot.reserved = reserved
        lot.guarantee_required = guarantee
        lot.tender_deadline = notice.procedure.tender_deadline
        lot.request_deadline = notice.procedure.request_deadline
        lot.gpa_covered = notice.procedure.gpa_covered
    cpvs = dict.fromkeys(c for lot in notice.lots for c in lot.cpv_additional if c != notice.procedure.cpv_main)
    notice.procedure.cpv_additional = list(cpvs)
    places = dict.fromkeys(p for lot in notice.lots for p in lot.place_of_performance)
    notice.procedure.place_of_performance = list(places)


def _selection_criteria(lefti: etree._Element | None) -> list[SelectionCriterion]:
    """LEFTI free texts as selection criteria (the turnover figure is found later, by text search in rules)."""
    if lefti is None:
        return []
    found = []
    for tag, kind in SELECTION_TEXTS.items():
        description = paragraphs(find(lefti, tag))
        if description:
            found.append(SelectionCriterion(type=kind, description=description))
    return found
