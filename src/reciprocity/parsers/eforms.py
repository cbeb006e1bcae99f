"""UBL eForms notices, SDK 1.3 to 1.15: every notice subtype into one `Notice`.

Elements are matched by namespace URI (never by prefix), so `<urn:ContractNotice xmlns:urn=...>` roots work.
`Notice.id` is the publication number (OPP-010, "00123456-2024"), else "<notice UUID>-<version>" (BT-701,
BT-757), else "sha256-" and the first 16 hex digits of the SHA-256 of the serialised XML (a draft with neither).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from lxml import etree

from ..errors import NoticeParseError
from ..model import KINDS, Change, Lot, Notice, Organisation, Procedure
from ._eforms_lots import additional_cpvs, apply_group_terms, dps_code, lot_elements, places, read_lot
from ._eforms_orgs import Organisations
from ._eforms_results import Results
from ._eforms_strategic import read_strategic
from ._eforms_values import EXT, Reader, code, codes, every, first
from ._xml import localname

# The procurement notice roots, plus the SDK's business registration notice (X01 EEIG, X02 European company),
# recognised only to be refused with a clear error: it announces no procurement.
ROOTS = frozenset({"ContractNotice", "ContractAwardNotice", "PriorInformationNotice",
                   "BusinessRegistrationInformationNotice"})
_UBL_ROOT_NS = "urn:oasis:names:specification:ubl:schema:xsd:"
_PUBLICATION_NUMBER = re.compile(r"^(\d{1,8})-(\d{4})$")
# BT-03 form types that are not `Notice.kind` values: pre-market consultation (E1) is a planning step;
# the European business registers' notices (X01, X02) are no procurement.
_FORM_TYPE_KIND = {"consultation": "planning", "bri": "other"}
# BT-702 notice language (ISO 639-3 as eForms writes it) -> the two-letter code legacy TED uses (@LG), so that
# every format gives the same value: the 24 EU official languages plus Icelandic and Norwegian.
_LANGUAGE_ALPHA2 = {
    "BUL": "BG", "CES": "CS", "DAN": "DA", "DEU": "DE", "ELL": "EL", "ENG": "EN", "EST": "ET", "FIN": "FI",
    "FRA": "FR", "GLE": "GA", "HRV": "HR", "HUN": "HU", "ITA": "IT", "LAV": "LV", "LIT": "LT", "MLT": "MT",
    "NLD": "NL", "POL": "PL", "POR": "PT", "RON": "RO", "SLK": "SK", "SLV": "SL", "SPA": "ES", "SWE": "SV",
    "ISL": "IS", "NOR": "NO",
}
# OPP-070 subtype -> kind, used only when BT-03 (@listName of cbc:NoticeTypeCode) is missing.
_SUBTYPE_KIND = {
    **{str(n): "planning" for n in range(1, 10)},  # PIN only, buyer profile, reducing time limits
    **{str(n): "competition" for n in range(10, 25)},  # PIN as call for competition, QS, CN
    **{str(n): "dir-awa-pre" for n in range(25, 29)},  # VEAT
    **{str(n): "result" for n in range(29, 38)},  # CAN
    **{str(n): "cont-modif" for n in range(38, 41)},
    "E1": "planning", "E2": "planning", "E3": "competition", "E4": "result", "E5": "completion",
    "E6": "cont-modif", "T01": "planning", "T02": "result", "CEI": "competition", "X01": "other", "X02": "other",
}


def iter_root(root: etree._Element, source: str) -> Iterator[Notice | NoticeParseError]:
    """Yield the one notice of an eForms document."""
    namespace = etree.QName(root).namespace or ""
    if localname(root) == "BusinessRegistrationInformationNotice":
        raise NoticeParseError(source, "eForms business registration notice (X01/X02): not a procurement notice")
    if not namespace.startswith(_UBL_ROOT_NS):
        raise NoticeParseError(source, f"<{localname(root)}> is not in a UBL namespace ({namespace or 'none'})")
    yield parse_root(root, source)


def parse_root(root: etree._Element, source: str | None = None) -> Notice:
    """Read an eForms root element into a `Notice`; unreadable values are None plus a parse warning."""
    notice = Notice(id="", source_format="eforms", source=source)
    read = Reader(notice, code(root, "cbc:NoticeLanguageCode"))
    _read_header(root, notice, read)
    orgs = Organisations(root, read)
    notice.buyer, notice.other_buyers = _buyers(root, orgs, read)
    elements = lot_elements(root)
    notice.lots = [read_lot(element, read) for element in elements]
    apply_group_terms(root, notice.lots, read)
    notice.procedure = _procedure(root, elements, notice.lots, read)
    results = Results(root, orgs, read)
    notice.results = results.lot_results()
    notice.procedure.awarded_value = results.total()  # BT-161
    read_strategic(root, notice, read)  # BT-684-688 (IPI), BT-06, BT-805
    notice.id = notice.publication_number or _fallback_id(root, notice)
    return notice


def _read_header(root: etree._Element, notice: Notice, read: Reader) -> None:
    """Identity, version, type and dates of the notice (OPP-010, BT-701, BT-757, OPP-070, BT-03, BT-05)."""
    notice.schema_version = code(root, "cbc:CustomizationID")
    notice.notice_uuid = code(root, "cbc:ID")
    notice.version = code(root, "cbc:VersionID")
    notice.language = _LANGUAGE_ALPHA2.get(read.language or "", read.language)  # an unlisted code stays as given
    notice.form = code(root, f"{EXT}/efac:NoticeSubType/cbc:SubTypeCode")
    notice.changes = _changes(root)
    notice.kind = _kind(root, notice.form, notice.changes is not None)
    notice.publication_number = _publication_number(code(root, f"{EXT}/efac:Publication/efbc:NoticePublicationID"),
                                                    read)
    notice.publication_date = read.date(root, f"{EXT}/efac:Publication/efbc:PublicationDate", "OPP-012")
    notice.dispatch_date = read.date(root, "cbc:IssueDate", "BT-05")
    for field, value in (("schema_version", notice.schema_version), ("OPP-070 subtype", notice.form)):
        if value is None:
            notice.warn(f"{field}: missing")


def _kind(root: etree._Element, subtype: str | None, changes: bool) -> str:
    """BT-03 form type, else from the subtype. A notice with a change block (efac:Changes) is a "change", except a
    result notice: its award is real and stays "result" (`Notice.changes` says what it changes)."""
    kind = _form_kind(root, subtype)
    return "change" if changes and kind != "result" else kind


def _changes(root: etree._Element) -> Change | None:
    """The change block: the notice it changes (BT-758), the reason (BT-140), the changed sections (BT-13716)."""
    block = first(root, f"{EXT}/efac:Changes")
    if block is None:
        return None
    return Change(notice=code(block, "efbc:ChangedNoticeIdentifier"),
                  reason=code(block, "efac:ChangeReason/cbc:ReasonCode"),
                  sections=codes(block, "efac:Change/efbc:ChangedSectionIdentifier"))


def _form_kind(root: etree._Element, subtype: str | None) -> str:
    type_code = first(root, "cbc:NoticeTypeCode")
    form_type = None if type_code is None else type_code.get("listName")
    if form_type in KINDS:
        return form_type
    if form_type in _FORM_TYPE_KIND:
        return _FORM_TYPE_KIND[form_type]
    return _SUBTYPE_KIND.get(subtype or "", "other")


def _publication_number(value: str | None, read: Reader) -> str | None:
    """OPP-010 as 8 digits, hyphen, year: TED's 6-digit "003543-2021" becomes "00003543-2021"."""
    if value is None:
        return None
    match = _PUBLICATION_NUMBER.match(value)
    if match is None:
        read.warn("OPP-010", f"unreadable publication number {value!r}")
        return None
    return f"{match.group(1).zfill(8)}-{match.group(2)}"


def _fallback_id(root: etree._Element, notice: Notice) -> str:
    """"<notice UUID>-<version>" for a notice not (yet) published; a content hash when it has no UUID either."""
    if notice.notice_uuid:
        return f"{notice.notice_uuid}-{notice.version}" if notice.version else notice.notice_uuid
    return "sha256-" + hashlib.sha256(etree.tostring(root)).hexdigest()[:16]


def _buyers(root: etree._Element, orgs: Organisations, read: Reader) -> tuple[Organisation, list[Organisation]]:
    """The first cac:ContractingParty is the buyer, the others are joint buyers (OPT-300 -> OPT-200)."""
    buyers = []
    for party in every(root, "cac:ContractingParty"):
        org_id = code(party, "cac:Party/cac:PartyIdentification/cbc:ID")
        organisation = orgs.get(org_id)
        if organisation is None:
            read.warn("OPT-300 buyer", f"organisation {org_id!r} not found" if org_id else "no organisation id")
            organisation = Organisation()
        organisation.legal_type = code(party, "cac:ContractingPartyType/cbc:PartyTypeCode"
                                              "[@listName='buyer-legal-type']")  # BT-11
        organisation.activity = (code(party, "cac:ContractingActivity/cbc:ActivityTypeCode"
                                             "[@listName='authority-activity']")  # BT-10
                                 or code(party, "cac:ContractingActivity/cbc:ActivityTypeCode"
                                                "[@listName='entity-activity']"))  # BT-610
        buyers.append(organisation)
    if not buyers:
        read.warn("OPT-300 buyer", "missing")
        return Organisation(), []
    return buyers[0], buyers[1:]


def _procedure(root: etree._Element, elements: list[etree._Element], lots: list[Lot], read: Reader) -> Procedure:
    """Procedure-level terms, plus the facts that eForms gives per lot summarised for the procedure."""
    project = first(root, "cac:ProcurementProject")
    process = first(root, "cac:TenderingProcess")
    distribution = first(root, "cac:TenderingTerms/cac:LotDistribution")
    max_per_tenderer = read.integer(distribution, "cbc:MaximumLotsSubmittedNumeric", "BT-31")
    return Procedure(
        type=code(process, "cbc:ProcedureCode"),  # BT-105
        accelerated=read.boolean(process, "cac:ProcessJustification/cbc:ProcessReasonCode"
                                          "[@listName='accelerated-procedure']", "BT-106"),
        contract_nature=code(project, "cbc:ProcurementTypeCode"),  # BT-23
        title=read.text(project, "cbc:Name"),  # BT-21-Procedure
        description=read.text(project, "cbc:Description"),  # BT-24-Procedure
        cpv_main=read.cpv(code(project, "cac:MainCommodityClassification/cbc:ItemClassificationCode"), "BT-262"),
        cpv_additional=additional_cpvs(project, read),
        estimated_value=read.money(project, "cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount",
                                   "BT-27-Procedure"),
        legal_basis=code(root, "cbc:RegulatoryDomain"),  # BT-01
        framework=_any_all([lot.framework for lot in lots], lambda v: v != "none"),  # BT-765
        dps=_any_all([dps_code(e) for e in elements], lambda v: v != "none"),  # BT-766
        gpa_covered=_gpa([lot.gpa_covered for lot in lots]),  # BT-115
        tender_deadline=min((lot.tender_deadline for lot in lots if lot.tender_deadline), default=None),
        request_deadline=min((lot.request_deadline for lot in lots if lot.request_deadline), default=None),
        electronic_submission=_any_all([lot.electronic_submission for lot in lots], lambda v: v != "not-allowed"),
        place_of_performance=_places(project, lots, read),
        max_lots_per_tenderer=max_per_tenderer,
        max_lots_awarded=read.integer(distribution, "cbc:MaximumLotsAwardedNumeric", "BT-33"),
        all_lots_required=_all_lots_required(code(process, "cbc:PartPresentationCode"), max_per_tenderer, len(lots)),
        additional_info=read.text(project, "cbc:Note"),  # BT-300-Procedure
    )


def _any_all(values: list[str | None], positive) -> bool | None:
    """True if any lot's code is positive; False only if every lot states a negative code; else None."""
    if any(v is not None and positive(v) for v in values):
        return True
    if values and all(v is not None for v in values):
        return False
    return None


def _gpa(values: list[bool | None]) -> bool | None:
    """BT-115 for the procedure: true if any lot is covered, false if lots say so and none is covered."""
    if any(values):
        return True
    return False if any(v is False for v in values) else None


def _all_lots_required(presentation: str | None, max_per_tenderer: int | None, lot_count: int) -> bool | None:
    """BT-763 "all": tenderers must bid for every lot. BT-31 alone only caps how many lots one may bid for
    (BT-31 = number of lots means "may bid for all"), so a stated BT-31 without BT-763 "all" means no."""
    if presentation == "all":
        return True
    if lot_count < 2 or max_per_tenderer is None:
        return None
    return False


def _places(project: etree._Element | None, lots: list[Lot], read: Reader) -> list[str]:
    """Procedure place of performance, then the lots' places not already listed."""
    found = places(project, read)
    for lot in lots:
        found.extend(p for p in lot.place_of_performance if p not in found)
    return found
