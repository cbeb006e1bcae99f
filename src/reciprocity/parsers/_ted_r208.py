"""TED R2.0.7 / R2.0.8 forms (CONTRACT, CONTRACT_AWARD, defence forms, VEAT, PINs): the fields we need.

These forms nest the same facts under long, form-specific wrappers (`…_CONTRACT_AWARD_NOTICE_DEFENCE`), so
we index the form once by tag (one pass over its elements) and read each fact by tag name rather than by
a path per form. Lots are the annexes B (`F02_ANNEX_B`, `F17_ANNEX_B`…) or `LOT_PRIOR_INFORMATION`; award
sections are `AWARD_OF_CONTRACT` / `AWARD_OF_CONTRACT_DEFENCE`. Dates are split into DAY / MONTH / YEAR and
amounts carry a machine-readable `@FMTVAL` next to the formatted text ("1 420 000").
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree

from ..model import AwardCriterion, Lot, LotResult, Money, Notice, Organisation, Received, Tender
from ._ted_codes import set_buyer_codes
from ._ted_r209 import set_deadline
from ._ted_r209_awards import spread_initial_estimates
from ._ted_values import (
    attr,
    cpv,
    find,
    findtext,
    iterfind,
    organisation,
    paragraphs,
    parse_amount,
    parse_dmy,
    parse_int,
    parse_weight,
    text,
)
from ._xml import localname

FORMS = frozenset({
    "PRIOR_INFORMATION", "CONTRACT", "CONTRACT_AWARD", "PERIODIC_INDICATIVE_UTILITIES", "CONTRACT_UTILITIES",
    "CONTRACT_AWARD_UTILITIES", "SIMPLIFIED_CONTRACT", "CONTRACT_CONCESSIONAIRE", "DESIGN_CONTEST",
    "RESULT_DESIGN_CONTEST", "PRIOR_INFORMATION_DEFENCE", "CONTRACT_DEFENCE", "CONTRACT_AWARD_DEFENCE",
    "CONTRACT_CONCESSIONAIRE_DEFENCE", "SUB_CONTRACT_DEFENCE", "VOLUNTARY_EX_ANTE_TRANSPARENCY_NOTICE",
    "QUALIFICATION_SYSTEM_UTILITIES", "BUYER_PROFILE", "ADDITIONAL_INFORMATION_CORRIGENDUM",
})  # OTH_NOT and EEIG are not procurement notices: refused with a clear error
# Procedure elements -> (BT-105 code, accelerated); the first one met in document order wins.
PROCEDURE_TYPES = {
    "PT_OPEN": ("open", None),
    "PT_RESTRICTED": ("restricted", None),
    "PT_ACCELERATED_RESTRICTED": ("restricted", True),
    "PT_ACCELERATED_RESTRICTED_CHOICE": ("restricted", True),
    "PT_NEGOTIATED": ("neg-w-call", None),
    "PT_NEGOTIATED_CHOICE": ("neg-w-call", None),
    "PT_NEGOTIATED_WITH_COMPETITION": ("neg-w-call", None),
    "PT_NEGOTIATED_WITH_PUBLICATION_CONTRACT_NOTICE": ("neg-w-call", None),
    "PT_ACCELERATED_NEGOTIATED": ("neg-w-call", True),
    "F17_PT_ACCELERATED_NEGOTIATED": ("neg-w-call", True),
    "PT_COMPETITIVE_DIALOGUE": ("comp-dial", None),
    "F03_AWARD_WITHOUT_PRIOR_PUBLICATION": ("neg-wo-call", None),
    "F03_PT_NEGOTIATED_WITHOUT_COMPETITION": ("neg-wo-call", None),
    "F06_AWARD_WITHOUT_PRIOR_PUBLICATION": ("neg-wo-call", None),
    "F15_PT_NEGOTIATED_WITHOUT_COMPETITION": ("neg-wo-call", None),
    "F18_PT_NEGOTIATED_WITHOUT_PUBLICATION_CONTRACT_NOTICE": ("neg-wo-call", None),
    "PT_NEGOTIATED_WITHOUT_PUBLICATION": ("neg-wo-call", None),
}
# what the notice involves: NOTICE_INVOLVES(_DESC) wrap elements, the defence forms give an attribute value
_INVOLVES = ("NOTICE_INVOLVES", "NOTICE_INVOLVES_DESC", "NOTICE_INVOLVES_DEFENCE", "NOTICE_INVOLVES_DESC_DEFENCE")
_FRAMEWORK_VALUES = {"ESTABLISHMENT_FRAMEWORK_AGREEMENT", "CONCLUSION_FRAMEWORK_AGREEMENT"}
_LOT_TAG = re.compile(r"^(F\d+_)?ANNEX_B$|^LOT_PRIOR_INFORMATION$")
_AWARD_TAG = re.compile(r"^AWARD_OF_CONTRACT(_DEFENCE)?$")


def read_form(form: etree._Element, notice: Notice) -> None:
    """Fill `notice` from an R2.0.7/R2.0.8 form element (read by local name, whatever its namespace)."""
    body = next((c for c in form if isinstance(c.tag, str)), form)  # FD_CONTRACT_AWARD etc.
    index: dict[str, list[etree._Element]] = defaultdict(list)
    for element in body.iter():
        if isinstance(element.tag, str):
            index[localname(element)].append(element)
    _read_buyer(index, notice)
    _read_procedure(body, index, notice)
    notice.lots = [_read_lot(e, i, notice) for i, e in enumerate(_lot_elements(index), 1)] or [Lot(id="1")]
    eu_funds = True if index.get("RELATES_TO_EU_PROJECT_YES") else None
    if index.get("RELATES_TO_EU_PROJECT_NO"):
        eu_funds = False
    criteria = _award_criteria(index, notice)
    for lot in notice.lots:
        lot.eu_funds = eu_funds  # BT-60, stated once for the notice
        lot.award_criteria = list(criteria)
        lot.tender_deadline = notice.procedure.tender_deadline
        lot.request_deadline = notice.procedure.request_deadline
        lot.gpa_covered = notice.procedure.gpa_covered
    awards = [e for tag, found in index.items() if _AWARD_TAG.match(tag) for e in found]
    notice.results = [_read_award(a, notice) for a in sorted(awards, key=_document_order(body))]
    spread_initial_estimates(notice)


def _first(index: dict[str, list[etree._Element]], tag: str) -> etree._Element | None:
    found = index.get(tag)
    return found[0] if found else None


def _award_criteria(index: dict[str, list[etree._Element]], notice: Notice) -> list[AwardCriterion]:
    """LOWEST_PRICE, or CRITERIA_DEFINITION name + WEIGHTING (the form gives no price/quality type: left null)."""
    if index.get("LOWEST_PRICE"):
        return [AwardCriterion(type="price")]
    criteria = []
    for definition in index.get("CRITERIA_DEFINITION", []):
        name = text(find(definition, "CRITERIA"))
        if name:
            weight, kind = parse_weight(findtext(definition, "WEIGHTING"), notice, "CRITERIA_DEFINITION/WEIGHTING")
            criteria.append(AwardCriterion(name=name, weight=weight, weight_kind=kind))
    return criteria


def _document_order(body: etree._Element):
    order = {id(e): i for i, e in enumerate(body.iter())}
    return lambda element: order[id(element)]


def _read_buyer(index: dict[str, list[etree._Element]], notice: Notice) -> None:
    """The first CA_CE_CONCESSIONAIRE_PROFILE is the buyer; TYPE_OF_CONTRACTING_AUTHORITY its legal type."""
    buyer = organisation(_first(index, "CA_CE_CONCESSIONAIRE_PROFILE"), notice, "CA_CE_CONCESSIONAIRE_PROFILE")
    if buyer is None:
        notice.warn("CA_CE_CONCESSIONAIRE_PROFILE absent: no buyer")
    notice.buyer = buyer or Organisation()
    legal = (attr(_first(index, "TYPE_OF_CONTRACTING_AUTHORITY"), "VALUE"),
             text(_first(index, "TYPE_OF_CONTRACTING_AUTHORITY_OTHER")))
    # utilities entities (ACTIVITY_OF_CONTRACTING_ENTITY, BT-610) or authorities (TYPE_OF_ACTIVITY, BT-10)
    entity = "ACTIVITY_OF_CONTRACTING_ENTITY"
    tag = entity if index.get(entity) or index.get(f"{entity}_OTHER") else "TYPE_OF_ACTIVITY"
    activity = (attr(_first(index, tag), "VALUE"), text(_first(index, f"{tag}_OTHER")))
    table = "entity_activity" if tag == entity else "authority_activity"
    set_buyer_codes(notice.buyer, notice, legal, activity, table, "TYPE_AND_ACTIVITIES")


def _read_procedure(body: etree._Element, index: dict[str, list[etree._Element]], notice: Notice) -> None:
    """Nature, CPV, title, procedure type, GPA, deadline, value, additional information."""
    proc = notice.procedure
    nature = body.get("CTYPE") or attr(_first(index, "TYPE_CONTRACT"), "VALUE")
    proc.contract_nature = nature.lower() if nature in ("WORKS", "SUPPLIES", "SERVICES") else None
    proc.title = text(_first(index, "TITLE_CONTRACT"))
    proc.description = paragraphs(_first(index, "SHORT_CONTRACT_DESCRIPTION"))
    main = _first(index, "CPV_MAIN")
    proc.cpv_main = cpv(None if main is None else find(main, "CPV_CODE"))
    if main is not None and main.getparent() is not None:
        codes = (cpv(e) for e in iterfind(main.getparent(), "CPV_ADDITIONAL/CPV_CODE"))
        proc.cpv_additional = [c for c in codes if c]
    for element in body.iter():
        name = localname(element)
        if name in PROCEDURE_TYPES:
            proc.type, proc.accelerated = PROCEDURE_TYPES[name]
            break
    gpa = attr(_first(index, "CONTRACT_COVERED_GPA"), "VALUE")
    proc.gpa_covered = {"YES": True, "NO": False}.get(gpa or "")
    set_deadline(proc, parse_dmy(_first(index, "RECEIPT_LIMIT_DATE"), notice, "RECEIPT_LIMIT_DATE"))
    proc.framework = _framework(index)
    # TOTAL_FINAL_VALUE is what was awarded, never the estimate (the award sections give the initial estimates)
    total = _first(index, "TOTAL_FINAL_VALUE")
    if total is not None:
        proc.awarded_value = _costs(find(total, "COSTS_RANGE_AND_CURRENCY_WITH_VAT_RATE"), notice, "TOTAL_FINAL_VALUE")
    proc.estimated_value = _costs(_procedure_costs(index), notice, "procedure value")
    proc.additional_info = paragraphs(_first(index, "ADDITIONAL_INFORMATION"))


def _framework(index: dict[str, list[etree._Element]]) -> bool | None:
    """Framework agreement: an element (CONCLUSION_FRAMEWORK_AGREEMENT) in the civil forms, an attribute value in
    the defence ones (NOTICE_INVOLVES_DEFENCE / NOTICE_INVOLVES_DESC_DEFENCE), FRAMEWORK_AGREEMENT YES/NO in PINs.
    A notice stating that it involves a public contract (PUBLIC_CONTRACT) is no framework."""
    values = {attr(e, "VALUE") for tag in _INVOLVES for e in index.get(tag, [])}
    flags = {attr(e, "VALUE") for e in index.get("FRAMEWORK_AGREEMENT", [])}
    if values & _FRAMEWORK_VALUES or index.get("CONCLUSION_FRAMEWORK_AGREEMENT") or "YES" in flags:
        return True
    involves_contract = "PUBLIC_CONTRACT" in values or any(
        find(e, "PUBLIC_CONTRACT") is not None for tag in _INVOLVES for e in index.get(tag, []))
    return False if involves_contract or "NO" in flags else None


def _procedure_costs(index: dict[str, list[etree._Element]]) -> etree._Element | None:
    """The first COSTS_RANGE_AND_CURRENCY that is not inside a lot annex (the procedure's estimate)."""
    for costs in index.get("COSTS_RANGE_AND_CURRENCY", []):
        if not any(_LOT_TAG.match(localname(a)) for a in costs.iterancestors()):
            return costs
    return None


def _costs(costs: etree._Element | None, notice: Notice, where: str) -> Money | None:
    """COSTS_RANGE_AND_CURRENCY[_WITH_VAT_RATE]: VALUE_COST (@FMTVAL else its text); a range stays null."""
    if costs is None:
        return None
    value = find(costs, "VALUE_COST")
    if value is None:
        if find(costs, "RANGE_VALUE_COST") is not None:
            notice.warn(f"{where}: given as a range (RANGE_VALUE_COST), not a single value; value left null")
        return None
    amount = parse_amount(value.get("FMTVAL") or value.text, notice, f"{where}/VALUE_COST")
    currency = attr(costs, "CURRENCY")
    if amount is None or currency is None:
        if amount is not None:
            notice.warn(f"{where}: amount {amount} has no currency")
        return None
    return Money(amount, currency.upper())


def _lot_elements(index: dict[str, list[etree._Element]]) -> list[etree._Element]:
    return [e for tag, found in index.items() if _LOT_TAG.match(tag) for e in found]


def _read_lot(annex: etree._Element, item: int, notice: Notice) -> Lot:
    """An annex B / LOT_PRIOR_INFORMATION: LOT_NUMBER, LOT_TITLE, LOT_DESCRIPTION, its own CPV and value."""
    lot = Lot(id=text(find(annex, "LOT_NUMBER")) or annex.get("ITEM") or str(item))
    lot.title = text(find(annex, "LOT_TITLE"))
    lot.description = paragraphs(find(annex, "LOT_DESCRIPTION"))
    lot.cpv_main = cpv(find(annex, ".//CPV_MAIN/CPV_CODE"))
    lot.cpv_additional = [c for c in (cpv(e) for e in iterfind(annex, ".//CPV_ADDITIONAL/CPV_CODE")) if c]
    lot.estimated_value = _costs(find(annex, ".//COSTS_RANGE_AND_CURRENCY"), notice, f"lot {lot.id} value")
    return lot


def _read_award(award: etree._Element, notice: Notice) -> LotResult:
    """AWARD_OF_CONTRACT[_DEFENCE]: lot, contract number, date, offers received, winners, value, subcontracting."""
    where = f"{localname(award)}[{award.get('ITEM') or '?'}]"
    lot_no = text(find(award, "LOT_NUMBER"))
    result = LotResult(lot_id=lot_no or (notice.lots[0].id if len(notice.lots) == 1 else None),
                       contract_id=text(find(award, "CONTRACT_NUMBER")))
    result.contract_date = parse_dmy(find(award, "CONTRACT_AWARD_DATE"), notice, f"{where}/CONTRACT_AWARD_DATE")
    total = parse_int(findtext(award, "OFFERS_RECEIVED_NUMBER"), notice, f"{where}/OFFERS_RECEIVED_NUMBER")
    result.received = None if total is None else Received(total=total)
    for operator in iterfind(award, "ECONOMIC_OPERATOR_NAME_ADDRESS"):
        for contact in operator:
            winner = organisation(contact, notice, f"{where}/ECONOMIC_OPERATOR_NAME_ADDRESS")
            if winner is not None and winner.name:
                result.winners.append(winner)
    # the form has no "not awarded" flag: a section naming a contractor is an award, else the status is unknown
    result.status = "awarded" if result.winners else None
    info = find(award, "CONTRACT_VALUE_INFORMATION")
    costs = None if info is None else find(info, "COSTS_RANGE_AND_CURRENCY_WITH_VAT_RATE")
    result.value = _costs(costs, notice, f"{where} value")
    initial = None if info is None else find(info, "INITIAL_ESTIMATED_TOTAL_VALUE_CONTRACT")
    result.estimated_value = _costs(initial, notice, f"{where} initial estimate")
    likely = find(award, ".//CONTRACT_LIKELY_SUB_CONTRACTED")
    unlikely = find(award, ".//NO_CONTRACT_LIKELY_SUB_CONTRACTED")
    if likely is not None or unlikely is not None:
        result.tenders = [Tender(value=result.value, subcontracting=likely is not None)]
    return result
