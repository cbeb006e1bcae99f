"""eForms lots (cac:ProcurementProjectLot): terms, criteria, deadlines and the other lot-level business terms."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from ..model import AwardCriterion, Lot, Money, Prize, SelectionCriterion
from ._eforms_values import EXT, Reader, code, codes, every, first, scheme_is

# BT-809 turnover codes (SDK >= 1.13): general, average, specific, specific average yearly turnover.
TURNOVER_CODES = frozenset({"slc-stand-to-gen", "slc-stand-to-avg", "slc-stand-to-spec", "slc-stand-to-spec-avg"})
_EU_FUNDS = {"eu-funds": True, "no-eu-funds": False}
_VARIANTS = {"allowed": True, "required": True, "not-allowed": False}
# BT-5421 number-weight code -> AwardCriterion.weight_kind. "dec-*" is a weight written as a plain number with no
# unit (OP's TED converter writes it for a bare TED weighting): its kind is not stated.
_WEIGHT_KINDS = {"per-exa": "percentage", "per-mid": "percentage", "poi-exa": "points", "poi-mid": "points",
                 "ord-imp": "rank", "dec-exa": None, "dec-mid": None}


def lot_elements(root: etree._Element) -> list[etree._Element]:
    """The notice's lots (schemeName Lot, LOT-0000 placeholder included); a PIN's parts when it has no lots."""
    candidates = every(root, "cac:ProcurementProjectLot")
    lots = [e for e in candidates if _has_scheme(e, "lot")]
    return lots or [e for e in candidates if _has_scheme(e, "part")]


def _has_scheme(element: etree._Element, scheme: str) -> bool:
    lot_id = first(element, "cbc:ID")
    return lot_id is not None and scheme_is(lot_id, scheme)


def read_lot(element: etree._Element, read: Reader) -> Lot:
    """One lot with every Lot field of the model that eForms carries."""
    project = first(element, "cac:ProcurementProject")
    terms = first(element, "cac:TenderingTerms")
    process = first(element, "cac:TenderingProcess")
    return Lot(
        id=_lot_id(element, read),
        title=read.text(project, "cbc:Name"),  # BT-21
        description=read.text(project, "cbc:Description"),  # BT-24
        cpv_main=read.cpv(code(project, "cac:MainCommodityClassification/cbc:ItemClassificationCode"), "BT-262"),
        cpv_additional=additional_cpvs(project, read),  # BT-263
        estimated_value=read.money(project, "cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount",
                                   "BT-27-Lot"),
        duration=_duration(project, read),
        selection_criteria=_selection_criteria(terms, read),
        award_criteria=_award_criteria(terms, read),
        sme_suitable=read.boolean(project, "cbc:SMESuitableIndicator", "BT-726"),
        reserved=code(terms, "cac:TendererQualificationRequest/cac:SpecificTendererRequirement/"
                             "cbc:TendererRequirementTypeCode[@listName='reserved-procurement']"),  # BT-71
        subcontracting_obligation=code(terms, "cac:AllowedSubcontractTerms/cbc:SubcontractingConditionsCode"
                                              "[@listName='subcontracting-obligation']"),  # BT-65
        eu_funds=_mapped(read, terms, "cbc:FundingProgramCode[@listName='eu-funded']", _EU_FUNDS, "BT-60"),
        guarantee_required=read.boolean(terms, "cac:RequiredFinancialGuarantee/cbc:GuaranteeTypeCode"
                                               "[@listName='tender-guarantee-required']", "BT-751"),
        variants=_mapped(read, terms, "cbc:VariantConstraintCode", _VARIANTS, "BT-63"),
        tender_deadline=read.date(process, "cac:TenderSubmissionDeadlinePeriod/cbc:EndDate", "BT-131"),
        request_deadline=read.date(process, "cac:ParticipationRequestReceptionPeriod/cbc:EndDate", "BT-1311"),
        electronic_submission=code(process, "cbc:SubmissionMethodCode[@listName='esubmission']"),  # BT-17
        gpa_covered=read.boolean(process, "cbc:GovernmentAgreementConstraintIndicator", "BT-115"),
        framework=code(process, "cac:ContractingSystem/cbc:ContractingSystemTypeCode"
                                "[@listName='framework-agreement']"),  # BT-765
        place_of_performance=places(project, read),
        prizes=_prizes(terms, read),
    )


def lots_groups(root: etree._Element) -> dict[str, list[str]]:
    """BT-330 groups of lots: group id (GLO-xxxx) -> the ids of its lots (BT-1375)."""
    return {group_id: codes(group, "cac:ProcurementProjectLotReference/cbc:ID")
            for group in every(root, "cac:TenderingTerms/cac:LotDistribution/cac:LotsGroup")
            if (group_id := code(group, "cbc:LotsGroupID"))}


def apply_group_terms(root: etree._Element, lots: list[Lot], read: Reader) -> None:
    """Award and selection criteria stated once for a group of lots (the LotsGroup's TenderingTerms) apply to
    each lot of the group that states none of its own."""
    groups = lots_groups(root)
    for element in every(root, "cac:ProcurementProjectLot"):
        if not _has_scheme(element, "lotsgroup"):
            continue
        terms = first(element, "cac:TenderingTerms")
        award, selection = _award_criteria(terms, read), _selection_criteria(terms, read)
        members = set(groups.get(code(element, "cbc:ID") or "", []))
        for lot in (lot for lot in lots if lot.id in members):
            lot.award_criteria = lot.award_criteria or list(award)
            lot.selection_criteria = lot.selection_criteria or list(selection)


def _lot_id(element: etree._Element, read: Reader) -> str:
    """BT-137 lot id; an empty one becomes the eForms placeholder LOT-0000, with a warning."""
    lot_id = code(element, "cbc:ID")
    if lot_id is None:
        read.warn("BT-137", "lot without identifier, read as LOT-0000")
    return lot_id or "LOT-0000"


def dps_code(element: etree._Element) -> str | None:
    """BT-766 dynamic purchasing system code of a lot (none | dps-list | dps-nlist)."""
    return code(element, "cac:TenderingProcess/cac:ContractingSystem/cbc:ContractingSystemTypeCode"
                         "[@listName='dps-usage']")


def additional_cpvs(project: etree._Element | None, read: Reader) -> list[str]:
    """BT-263 additional CPV codes, 8 digits each, without duplicates."""
    if project is None:
        return []
    found: list[str] = []
    for element in every(project, "cac:AdditionalCommodityClassification/cbc:ItemClassificationCode"):
        if element.get("listName", "cpv") != "cpv" or not element.text:
            continue
        cpv = read.cpv(element.text.strip(), "BT-263")
        if cpv and cpv not in found:
            found.append(cpv)
    return found


def places(project: etree._Element | None, read: Reader) -> list[str]:
    """BT-5071 NUTS code of each place of performance, else its BT-5141 country (alpha-2)."""
    if project is None:
        return []
    found: list[str] = []
    for address in every(project, "cac:RealizedLocation/cac:Address"):
        place = code(address, "cbc:CountrySubentityCode") or read.country(
            code(address, "cac:Country/cbc:IdentificationCode"), "BT-5141")
        if place and place not in found:
            found.append(place)
    return found


def _duration(project: etree._Element | None, read: Reader) -> str | None:
    """BT-36 duration as given ("36 MONTH"), else the BT-536/BT-537 start/end dates as an ISO interval."""
    period = None if project is None else first(project, "cac:PlannedPeriod")
    if period is None:
        return None
    measure = first(period, "cbc:DurationMeasure")
    if measure is not None and measure.text and measure.text.strip():
        unit = measure.get("unitCode")
        return f"{measure.text.strip()} {unit}" if unit else measure.text.strip()
    start = read.date(period, "cbc:StartDate", "BT-536")
    end = read.date(period, "cbc:EndDate", "BT-537")
    if start is None and end is None:
        return code(period, "cbc:DescriptionCode")  # e.g. UNLIMITED (BT-538)
    return f"{start.isoformat() if start else ''}/{end.isoformat() if end else ''}"


def _mapped(read: Reader, parent: etree._Element | None, path: str, mapping: dict[str, bool],
            field: str) -> bool | None:
    """A code that stands for yes/no (BT-60, BT-63); an unknown code gives None and a warning."""
    value = code(parent, path)
    if value is None:
        return None
    if value not in mapping:
        read.warn(field, f"unknown code {value!r}")
        return None
    return mapping[value]


def _selection_criteria(terms: etree._Element | None, read: Reader) -> list[SelectionCriterion]:
    """BT-809 (SDK >= 1.13) or BT-747 (SDK <= 1.12) type, BT-750 text, BT-752 threshold."""
    if terms is None:
        return []
    criteria = []
    for element in every(terms, f"{EXT}/efac:SelectionCriteria"):
        criterion_type = (code(element, "cbc:TendererRequirementTypeCode")  # BT-809
                          or code(element, "cbc:CriterionTypeCode"))  # BT-747
        criteria.append(SelectionCriterion(
            type=criterion_type,
            description=read.text(element, "cbc:Description"),
            min_turnover=_min_turnover(element, criterion_type, read),
        ))
    return criteria


def _min_turnover(element: etree._Element, criterion_type: str | None, read: Reader) -> Money | None:
    """BT-752 threshold of a turnover criterion, only when it is written as an amount with a currency.

    eForms' ParameterNumeric is normally a bare number (a score or count, not necessarily money): then None.
    """
    if criterion_type not in TURNOVER_CODES:
        return None
    for parameter in every(element, "efac:CriterionParameter/efbc:ParameterNumeric"):
        if parameter.get("currencyID"):
            return read.money_of(parameter, "BT-752")
    return None


def _award_criteria(terms: etree._Element | None, read: Reader) -> list[AwardCriterion]:
    """BT-539 type, BT-734 name, BT-541 weight (number-weight parameter), BT-540 description."""
    if terms is None:
        return []
    criteria = []
    path = "cac:AwardingTerms/cac:AwardingCriterion/cac:SubordinateAwardingCriterion"
    for element in every(terms, path):
        weight, kind = _weight(element, read)
        criteria.append(AwardCriterion(
            type=code(element, "cbc:AwardingCriterionTypeCode"),
            name=read.text(element, "cbc:Name"),
            weight=weight,
            description=read.text(element, "cbc:Description"),
            weight_kind=kind,
        ))
    return criteria


def _weight(criterion: etree._Element, read: Reader) -> tuple[Decimal | None, str | None]:
    """BT-541 weight and its BT-5421 kind: the ParameterNumeric whose ParameterCode has listName number-weight."""
    for parameter in every(criterion, f"{EXT}/efac:AwardCriterionParameter"):
        parameter_code = first(parameter, "efbc:ParameterCode")
        if parameter_code is not None and parameter_code.get("listName") == "number-weight":
            kind_code = (parameter_code.text or "").strip()
            if kind_code not in _WEIGHT_KINDS:
                read.warn("BT-5421", f"unknown weight kind {kind_code!r}; weight kind left null")
            return read.decimal(parameter, "efbc:ParameterNumeric", "BT-541"), _WEIGHT_KINDS.get(kind_code)
    return None, None


def _prizes(terms: etree._Element | None, read: Reader) -> list[Prize]:
    """Design-contest prizes: BT-44 rank and BT-644 value."""
    return [Prize(rank=read.integer(prize, "cbc:RankCode", "BT-44"),
                  value=read.money(prize, "cbc:ValueAmount", "BT-644"))
            for prize in every(terms, "cac:AwardingTerms/cac:Prize")]
