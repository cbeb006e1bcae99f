"""eForms parser: every corpus eForms file, hand-checked file pairs, our samples, and the tricky bits."""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CORPUS, corpus_params
from lxml import etree

from reciprocity.countries import ALPHA3_TO_ALPHA2, EEA, EU27, normalise_country
from reciprocity.errors import NoticeParseError
from reciprocity.parsers import eforms, parse
from reciprocity.parsers.contract import notice_from_dict

CORPUS_DIRS = ("eforms-real", "eforms-sdk-examples", "eforms-converted-from-ted")
CORPUS_PARAMS = [param for folder in CORPUS_DIRS for param in corpus_params(folder)]


def _local(root: etree._Element, path: str) -> list:
    """Independent look-up by local names only (not the parser's namespace-aware paths)."""
    steps = "/".join(f"*[local-name()='{step}']" for step in path.split("/"))
    return root.xpath(steps)


def _text(root: etree._Element, path: str) -> str | None:
    """First non-empty text at `path` (local names), stripped."""
    return next((e.text.strip() for e in _local(root, path) if e.text and e.text.strip()), None)


def _parse_corpus(path: Path):
    """Parse a corpus file under its corpus-relative name, so `source` is the same on every machine."""
    return parse(path.read_bytes(), name=str(path.relative_to(CORPUS)))


# -- every eForms file of the corpus -------------------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS_PARAMS)
def test_corpus_file_parses_with_key_fields(path: Path) -> None:
    """No crash; an odd file gets a NoticeParseError; a notice has its key fields where the XML has them."""
    root = etree.fromstring(path.read_bytes())
    try:
        notices = _parse_corpus(path)
    except NoticeParseError:
        local = etree.QName(root).localname
        assert path.name.startswith("INVALID_") or local == "BusinessRegistrationInformationNotice" \
            or local not in eforms.ROOTS
        return
    assert len(notices) == 1
    notice = notices[0]
    _check_header(root, notice)
    _check_buyer(root, notice)
    _check_lots_and_results(root, notice)
    assert notice_from_dict(json.loads(json.dumps(notice.to_dict()))).to_dict() == notice.to_dict()


def _check_header(root: etree._Element, notice) -> None:
    ext = "UBLExtensions/UBLExtension/ExtensionContent/EformsExtension"
    publication = _local(root, f"{ext}/Publication/NoticePublicationID")
    if publication and re.fullmatch(r"\d{6,8}-\d{4}", publication[0].text.strip()):
        assert notice.publication_number == publication[0].text.strip().zfill(13)
        assert notice.id == notice.publication_number
    if _text(root, f"{ext}/NoticeSubType/SubTypeCode"):
        assert notice.form == _text(root, f"{ext}/NoticeSubType/SubTypeCode")
    if _text(root, "CustomizationID"):
        assert notice.schema_version == _text(root, "CustomizationID")
    if _text(root, "IssueDate"):
        assert notice.dispatch_date is not None
    assert notice.kind in ("planning", "competition", "dir-awa-pre", "result", "cont-modif", "change",
                           "completion", "other")
    if _text(root, "ProcurementProject/MainCommodityClassification/ItemClassificationCode"):
        assert notice.procedure.cpv_main is not None
    if _text(root, "TenderingProcess/ProcedureCode"):
        assert notice.procedure.type == _text(root, "TenderingProcess/ProcedureCode")
    if _text(root, "ProcurementProject/ProcurementTypeCode"):
        assert notice.procedure.contract_nature is not None
    if _text(root, "ProcurementProject/RequestedTenderTotal/EstimatedOverallContractAmount"):
        assert notice.procedure.estimated_value is not None
    if _local(root, f"{ext}/Changes"):  # a change; a result notice keeps its kind and says what it changes
        assert notice.changes is not None
        assert notice.kind == ("result" if (root.find("{*}NoticeTypeCode").get("listName") == "result") else "change")


def _check_buyer(root: etree._Element, notice) -> None:
    buyer_id = _text(root, "ContractingParty/Party/PartyIdentification/ID")
    if not buyer_id:
        return
    companies = root.xpath("//*[local-name()='Organization']/*[local-name()='Company']"
                           "[*[local-name()='PartyIdentification']/*[local-name()='ID'] = $id]",
                           id=buyer_id)
    if not companies:
        return
    if _text(companies[0], "PartyName/Name"):
        assert notice.buyer.name
    country = _text(companies[0], "PostalAddress/Country/IdentificationCode")
    if country:
        assert notice.buyer.country == ALPHA3_TO_ALPHA2[country]


def _check_lots_and_results(root: etree._Element, notice) -> None:
    lot_ids = _local(root, "ProcurementProjectLot/ID")
    lots = [e for e in lot_ids if (e.get("schemeName") or "").lower() == "lot"]
    parts = [e for e in lot_ids if (e.get("schemeName") or "").lower() == "part"]
    assert [lot.id for lot in notice.lots] == [(e.text or "").strip() or "LOT-0000" for e in lots or parts]
    ext = "UBLExtensions/UBLExtension/ExtensionContent/EformsExtension/NoticeResult"
    lot_results = _local(root, f"{ext}/LotResult")
    if not lot_results:  # tenders and contracts without LotResult (VEAT, modifications): one result per lot
        tender_lots = {_text(t, "TenderLot/ID") for t in _local(root, f"{ext}/LotTender")}
        assert len(notice.results) == len(tender_lots) and {r.lot_id for r in notice.results} == tender_lots
        return
    assert len(notice.results) == len(lot_results)
    for element, result in zip(lot_results, notice.results, strict=True):
        status = _text(element, "TenderResultCode")
        if status and status != "selec-w":
            assert result.winners == []
        elif _reaches_a_tenderer(root, element):
            assert result.winners, f"result {result.lot_id}: winner reachable in the XML but not parsed"
        counts = {_text(s, "StatisticsCode"): _text(s, "StatisticsNumeric")
                  for s in _local(element, "ReceivedSubmissionsStatistics")}
        if counts.get("tenders") is not None:
            assert result.received.total == int(counts["tenders"])
        if counts.get("t-no-eea") is not None:
            assert result.received.non_eea == int(counts["t-no-eea"])
        if counts.get("t-large") is not None:
            assert result.received.large == int(counts["t-large"])
        _check_own_tenders(root, result)


def _check_own_tenders(root: etree._Element, result) -> None:
    """A result's tenders (and so its winners) are those submitted for its lot, or for a group containing it."""
    groups = root.xpath("//*[local-name()='LotsGroup'][*[local-name()='ProcurementProjectLotReference']"
                        "/*[local-name()='ID'] = $lot]/*[local-name()='LotsGroupID']/text()", lot=result.lot_id or "")
    for tender in result.tenders:
        tender_lot = root.xpath("//*[local-name()='NoticeResult']/*[local-name()='LotTender'][*[local-name()='ID']"
                                " = $t]/*[local-name()='TenderLot']/*[local-name()='ID']/text()", t=tender.id)
        assert not tender_lot or tender_lot[0].strip() in {result.lot_id, *(g.strip() for g in groups)}


def _reaches_a_tenderer(root: etree._Element, lot_result: etree._Element) -> bool:
    """True when the LotResult references a LotTender whose TenderingParty names a defined organisation."""
    for tender_ref in _local(lot_result, "LotTender/ID"):
        path = ("//*[local-name()='NoticeResult']/*[local-name()='LotTender'][*[local-name()='ID'] = $t]"
                "/*[local-name()='TenderingParty']/*[local-name()='ID']")
        for party_ref in root.xpath(path, t=tender_ref.text.strip()):
            orgs = root.xpath("//*[local-name()='NoticeResult']/*[local-name()='TenderingParty']"
                              "[*[local-name()='ID'] = $p]/*[local-name()='Tenderer']/*[local-name()='ID']",
                              p=party_ref.text.strip())
            if any(root.xpath("//*[local-name()='Company']/*[local-name()='PartyIdentification']"
                              "[*[local-name()='ID'] = $o]", o=o.text.strip()) for o in orgs):
                return True
    return False


# (file pairs, corpus and samples: tests/test_file_pairs.py)


# -- tricky bits ---------------------------------------------------------------------------------------------------

_NS = ('xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" '
       'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
       'xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2" '
       'xmlns:efext="http://data.europa.eu/p27/eforms-ubl-extensions/1" '
       'xmlns:efac="http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1" '
       'xmlns:efbc="http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1"')


def _notice(body: str, extension: str = "", root: str = "ContractNotice", prefix: str = "") -> bytes:
    """A minimal eForms document around `body` (root children) and `extension` (EformsExtension children)."""
    tag = f"{prefix}:{root}" if prefix else root
    xmlns = f'xmlns{":" + prefix if prefix else ""}="urn:oasis:names:specification:ubl:schema:xsd:{root}-2"'
    return (f'<{tag} {xmlns} {_NS}><ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent>'
            f'<efext:EformsExtension>{extension}</efext:EformsExtension></ext:ExtensionContent></ext:UBLExtension>'
            f'</ext:UBLExtensions>{body}</{tag}>').encode()


def _publication(number: str) -> str:
    return f'<efac:Publication><efbc:NoticePublicationID schemeName="ojs-notice-id">{number}' \
           '</efbc:NoticePublicationID></efac:Publication>'


@pytest.mark.parametrize(("given", "expected"), [
    ("003543-2021", "00003543-2021"), ("00123456-2024", "00123456-2024"), ("1-2023", "00000001-2023")])
def test_publication_number_padded_to_eight_digits(given: str, expected: str) -> None:
    notice = parse(_notice("", _publication(given)), name="t.xml")[0]
    assert notice.publication_number == expected
    assert notice.id == expected


def test_unreadable_publication_number_is_null_with_warning() -> None:
    notice = parse(_notice('<cbc:ID schemeName="notice-id">abc</cbc:ID><cbc:VersionID>02</cbc:VersionID>',
                           _publication("2024/S 001-000123")), name="t.xml")[0]
    assert notice.publication_number is None
    assert notice.id == "abc-02"  # falls back to UUID + version
    assert any(w.startswith("OPP-010") for w in notice.parse_warnings)


def test_id_falls_back_to_content_hash() -> None:
    data = _notice("<cbc:IssueDate>2024-01-05+01:00</cbc:IssueDate>")
    first, again = parse(data, name="a.xml")[0], parse(data, name="b.xml")[0]
    assert re.fullmatch(r"sha256-[0-9a-f]{16}", first.id)
    assert first.id == again.id
    assert first.dispatch_date.isoformat() == "2024-01-05"  # time zone dropped, calendar date kept


def test_prefixed_root_reads_like_default_namespace() -> None:
    body = ("<cbc:CustomizationID>eforms-sdk-1.8</cbc:CustomizationID>"
            "<cac:ProcurementProject><cbc:ProcurementTypeCode listName='contract-nature'>works"
            "</cbc:ProcurementTypeCode></cac:ProcurementProject>")
    plain = parse(_notice(body, _publication("00000001-2024")), name="t.xml")[0].to_dict()
    prefixed = parse(_notice(body, _publication("00000001-2024"), prefix="urn"), name="t.xml")[0].to_dict()
    assert prefixed == plain
    assert prefixed["schema_version"] == "eforms-sdk-1.8"
    assert prefixed["procedure"]["contract_nature"] == "works"


def test_business_registration_notice_is_refused_clearly() -> None:
    data = (b'<BusinessRegistrationInformationNotice xmlns="http://data.europa.eu/p27/eforms-business-registration-'
            b'information-notice/1"/>')
    with pytest.raises(NoticeParseError, match="not a procurement notice"):
        parse(data, name="x01.xml")


def test_root_in_foreign_namespace_is_a_clear_error() -> None:
    with pytest.raises(NoticeParseError, match="not in a UBL namespace"):
        parse(b'<ContractNotice xmlns="urn:example:other"/>', name="odd.xml")


def _lot(inner: str, lot_id: str = "LOT-0001") -> str:
    return f'<cac:ProcurementProjectLot><cbc:ID schemeName="Lot">{lot_id}</cbc:ID>{inner}</cac:ProcurementProjectLot>'


def test_unreadable_values_are_null_with_warnings() -> None:
    lot = _lot("<cac:TenderingProcess><cac:TenderSubmissionDeadlinePeriod><cbc:EndDate>31/12/2024</cbc:EndDate>"
               "</cac:TenderSubmissionDeadlinePeriod><cbc:GovernmentAgreementConstraintIndicator>maybe"
               "</cbc:GovernmentAgreementConstraintIndicator></cac:TenderingProcess>"
               "<cac:ProcurementProject><cac:RequestedTenderTotal>"
               "<cbc:EstimatedOverallContractAmount currencyID='EUR'>1 000,50</cbc:EstimatedOverallContractAmount>"
               "</cac:RequestedTenderTotal></cac:ProcurementProject>")
    body = ("<cbc:IssueDate>yesterday</cbc:IssueDate><cac:ProcurementProject><cac:RequestedTenderTotal>"
            "<cbc:EstimatedOverallContractAmount>5000</cbc:EstimatedOverallContractAmount>"
            "</cac:RequestedTenderTotal></cac:ProcurementProject>" + lot)
    notice = parse(_notice(body), name="t.xml")[0]
    assert notice.dispatch_date is None
    assert notice.procedure.estimated_value is None
    assert notice.lots[0].tender_deadline is None
    assert notice.lots[0].gpa_covered is None
    assert notice.lots[0].estimated_value is None
    fields = {w.split(":")[0] for w in notice.parse_warnings}
    assert {"BT-05", "BT-27-Procedure", "BT-131", "BT-115", "BT-27-Lot"} <= fields


def test_absent_values_are_null_without_warnings() -> None:
    notice = parse(_notice("<cbc:CustomizationID>eforms-sdk-1.10</cbc:CustomizationID>"
                           "<cac:ContractingParty/>" + _lot(""),
                           '<efac:NoticeSubType><cbc:SubTypeCode>16</cbc:SubTypeCode></efac:NoticeSubType>'),
                   name="t.xml")[0]
    assert notice.kind == "competition" and notice.form == "16"
    assert notice.lots[0].sme_suitable is None and notice.procedure.gpa_covered is None
    assert notice.parse_warnings == ["OPT-300 buyer: no organisation id"]


def test_both_selection_criterion_fields_and_weights() -> None:
    ext_open = "<ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent><efext:EformsExtension>"
    ext_close = "</efext:EformsExtension></ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>"
    criteria = (
        "<efac:SelectionCriteria><cbc:CriterionTypeCode listName='selection-criterion'>ef-stand</cbc:CriterionTypeCode>"
        "<cbc:Description languageID='FRA'>CA minimum 1 M€</cbc:Description></efac:SelectionCriteria>"
        "<efac:SelectionCriteria><cbc:TendererRequirementTypeCode listName='selection-criterion'>slc-stand-to-gen"
        "</cbc:TendererRequirementTypeCode><efac:CriterionParameter><efbc:ParameterCode listName='number-threshold'>"
        "min-score</efbc:ParameterCode><efbc:ParameterNumeric>3</efbc:ParameterNumeric></efac:CriterionParameter>"
        "</efac:SelectionCriteria>"
        "<efac:SelectionCriteria><cbc:TendererRequirementTypeCode>slc-stand-to-avg</cbc:TendererRequirementTypeCode>"
        "<efac:CriterionParameter><efbc:ParameterNumeric currencyID='EUR'>250000</efbc:ParameterNumeric>"
        "</efac:CriterionParameter></efac:SelectionCriteria>")
    award = ("<cac:AwardingTerms><cac:AwardingCriterion><cac:SubordinateAwardingCriterion>" + ext_open
             + "<efac:AwardCriterionParameter><efbc:ParameterCode listName='number-weight'>per-exa</efbc:ParameterCode>"
             "<efbc:ParameterNumeric>40</efbc:ParameterNumeric></efac:AwardCriterionParameter>" + ext_close
             + "<cbc:AwardingCriterionTypeCode listName='award-criterion-type'>price</cbc:AwardingCriterionTypeCode>"
             "</cac:SubordinateAwardingCriterion></cac:AwardingCriterion></cac:AwardingTerms>")
    lot = _lot(f"<cac:TenderingTerms>{ext_open}{criteria}{ext_close}{award}</cac:TenderingTerms>")
    criteria_read = parse(_notice(lot), name="t.xml")[0].lots[0]
    assert [c.type for c in criteria_read.selection_criteria] == ["ef-stand", "slc-stand-to-gen", "slc-stand-to-avg"]
    assert criteria_read.selection_criteria[0].description == "CA minimum 1 M€"
    assert criteria_read.selection_criteria[1].min_turnover is None  # a bare number is no amount: not guessed
    assert criteria_read.selection_criteria[2].min_turnover.to_dict() == {"amount": "250000", "currency": "EUR"}
    assert criteria_read.award_criteria[0].type == "price"
    assert criteria_read.award_criteria[0].weight == Decimal("40")


def test_sme_count_from_size_split_when_t_sme_absent() -> None:
    stats = "".join(f"<efac:ReceivedSubmissionsStatistics><efbc:StatisticsCode>{c}</efbc:StatisticsCode>"
                    f"<efbc:StatisticsNumeric>{n}</efbc:StatisticsNumeric></efac:ReceivedSubmissionsStatistics>"
                    for c, n in (("tenders", 7), ("t-micro", 1), ("t-small", 2), ("t-med", 1), ("t-no-eea", 2)))
    result = f"<efac:NoticeResult><efac:LotResult>{stats}</efac:LotResult></efac:NoticeResult>"
    received = parse(_notice("", result, root="ContractAwardNotice"), name="t.xml")[0].results[0].received
    assert (received.total, received.sme, received.non_eea, received.other_eea) == (7, 4, 2, None)


def _result_notice(lot_results: str, tenders: str, contracts: str = "", total: str = "") -> bytes:
    """A CAN with the given LotResults, LotTenders (each "TEN-x:TPA-y[:amount]"), contracts and notice value."""
    orgs = "".join(
        f"<efac:Organization><efac:Company><cac:PartyIdentification><cbc:ID>ORG-000{n}</cbc:ID>"
        f"</cac:PartyIdentification><cac:PartyName><cbc:Name>Firm {n}</cbc:Name></cac:PartyName><cac:PostalAddress>"
        f"<cac:Country><cbc:IdentificationCode>{country}</cbc:IdentificationCode></cac:Country></cac:PostalAddress>"
        f"</efac:Company></efac:Organization>" for n, country in ((1, "FRA"), (2, "DEU"), (3, "CHN"), (4, "XYZ")))
    parties = "".join(
        f"<efac:TenderingParty><cbc:ID>TPA-000{n}</cbc:ID>"
        + "".join(f"<efac:Tenderer><cbc:ID>ORG-000{o}</cbc:ID></efac:Tenderer>" for o in members)
        + "</efac:TenderingParty>" for n, members in ((1, [1]), (2, [2, 3]), (3, [3]), (4, [4])))
    tender_xml = ""
    for spec in tenders.split():
        tender_id, party, *amount = spec.split(":")
        value = (f"<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID='EUR'>{amount[0]}</cbc:PayableAmount>"
                 "</cac:LegalMonetaryTotal>") if amount else ""
        tender_xml += (f"<efac:LotTender><cbc:ID>{tender_id}</cbc:ID>{value}<efac:TenderingParty><cbc:ID>{party}"
                       "</cbc:ID></efac:TenderingParty></efac:LotTender>")
    total_xml = f"<cbc:TotalAmount currencyID='EUR'>{total}</cbc:TotalAmount>" if total else ""
    result = f"<efac:NoticeResult>{total_xml}{lot_results}{tender_xml}{contracts}{parties}</efac:NoticeResult>"
    return _notice("", result + f"<efac:Organizations>{orgs}</efac:Organizations>", root="ContractAwardNotice")


def _lot_result(lot: str, code: str, *tender_ids: str, contract: str = "") -> str:
    refs = "".join(f"<efac:LotTender><cbc:ID>{t}</cbc:ID></efac:LotTender>" for t in tender_ids)
    status = f"<cbc:TenderResultCode listName='winner-selection-status'>{code}</cbc:TenderResultCode>" if code else ""
    signed = f"<efac:SettledContract><cbc:ID>{contract}</cbc:ID></efac:SettledContract>" if contract else ""
    lot_ref = f"<efac:TenderLot><cbc:ID>{lot}</cbc:ID></efac:TenderLot>"
    return f"<efac:LotResult>{status}{refs}{signed}{lot_ref}</efac:LotResult>"


def test_winner_is_the_tender_its_contract_was_signed_on() -> None:
    """A LotResult listing every tender received: only the one its contract names (BT-3202) won."""
    contract = ("<efac:SettledContract><cbc:ID>CON-0001</cbc:ID><cbc:IssueDate>2024-03-01+01:00</cbc:IssueDate>"
                "<efac:LotTender><cbc:ID>TEN-0003</cbc:ID></efac:LotTender></efac:SettledContract>")
    data = _result_notice(_lot_result("LOT-0001", "selec-w", "TEN-0001", "TEN-0003", contract="CON-0001"),
                          "TEN-0001:TPA-0001:100 TEN-0003:TPA-0003:90", contract)
    result = parse(data, name="t.xml")[0].results[0]
    assert [(w.name, w.country) for w in result.winners] == [("Firm 3", "CN")]
    assert result.value.to_dict() == {"amount": "90", "currency": "EUR"}
    assert [t.id for t in result.tenders] == ["TEN-0001", "TEN-0003"]
    assert result.contract_date.isoformat() == "2024-03-01" and result.awarded_to_group is False


def test_group_winner_and_unawarded_lot() -> None:
    results = _lot_result("LOT-0001", "selec-w", "TEN-0002") + _lot_result("LOT-0002", "clos-nw", "TEN-0004")
    notice = parse(_result_notice(results, "TEN-0002:TPA-0002:10 TEN-0004:TPA-0004:20"), name="t.xml")[0]
    group, closed = notice.results
    assert [w.country for w in group.winners] == ["DE", "CN"] and group.awarded_to_group is True
    assert closed.status == "no-award" and closed.winners == [] and closed.value is None
    assert not any("XYZ" in w for w in notice.parse_warnings)  # the losing tenderer's bad country is never read


def test_unknown_winner_country_is_null_with_warning() -> None:
    notice = parse(_result_notice(_lot_result("LOT-0001", "selec-w", "TEN-0004"), "TEN-0004:TPA-0004"),
                   name="t.xml")[0]
    assert notice.results[0].winners[0].country is None
    assert "BT-514: unknown country code 'XYZ'" in notice.parse_warnings


def test_notice_value_used_only_for_a_single_result_and_said_so() -> None:
    one = parse(_result_notice(_lot_result("LOT-0001", "selec-w", "TEN-0001"), "TEN-0001:TPA-0001", total="500"),
                name="t.xml")[0]
    assert one.results[0].value.to_dict() == {"amount": "500", "currency": "EUR"}
    assert any("BT-161" in w for w in one.parse_warnings)
    two = parse(_result_notice(_lot_result("LOT-0001", "selec-w", "TEN-0001")
                               + _lot_result("LOT-0002", "selec-w", "TEN-0003"),
                               "TEN-0001:TPA-0001 TEN-0003:TPA-0003", total="500"), name="t.xml")[0]
    assert [r.value for r in two.results] == [None, None]


def test_modification_without_lot_result_reads_the_contractor_from_tenders() -> None:
    """E6/38-40 and some VEAT give tenders and contracts but no LotResult: the contractor is still a winner."""
    contract = ("<efac:SettledContract><cbc:ID>CON-0001</cbc:ID><efac:ContractReference><cbc:ID>M-7</cbc:ID>"
                "</efac:ContractReference><efac:LotTender><cbc:ID>TEN-0001</cbc:ID></efac:LotTender>"
                "</efac:SettledContract>")
    notice = parse(_result_notice("", "TEN-0001:TPA-0003:750", contract), name="t.xml")[0]
    (result,) = notice.results
    assert result.status is None and result.contract_id == "M-7"
    assert [w.country for w in result.winners] == ["CN"] and result.value.amount == Decimal("750")
    assert any(w.startswith("OPT-320") for w in notice.parse_warnings)


@pytest.mark.parametrize(("list_name", "subtype", "changes", "kind"), [
    ("planning", "4", False, "planning"), ("competition", "10", False, "competition"),
    ("dir-awa-pre", "25", False, "dir-awa-pre"), ("result", "29", False, "result"),
    ("cont-modif", "38", False, "cont-modif"), ("completion", "E5", False, "completion"),
    ("consultation", "E1", False, "planning"), ("competition", "16", True, "change"),
    (None, "16", False, "competition"), (None, "33", False, "result"), (None, None, False, "other")])
def test_kind_from_form_type_subtype_and_changes(list_name, subtype, changes, kind) -> None:
    body = f"<cbc:NoticeTypeCode listName='{list_name}'>x</cbc:NoticeTypeCode>" if list_name else ""
    extension = "<efac:Changes><efac:Change/></efac:Changes>" if changes else ""
    if subtype:
        extension += f"<efac:NoticeSubType><cbc:SubTypeCode>{subtype}</cbc:SubTypeCode></efac:NoticeSubType>"
    assert parse(_notice(body, extension), name="t.xml")[0].kind == kind


# -- countries -----------------------------------------------------------------------------------------------------


def test_country_table_covers_iso_3166_and_normalises_ted_codes() -> None:
    assert len(ALPHA3_TO_ALPHA2) >= 249
    assert normalise_country("FRA") == "FR" and normalise_country("chn") == "CN"
    assert normalise_country("UK") == "GB" and normalise_country("EL") == "GR"
    assert normalise_country("DE") == "DE" and normalise_country("XX") is None and normalise_country("") is None
    assert len(EU27) == 27 and EEA - EU27 == {"IS", "LI", "NO"} and "GB" not in EEA


# -- the same notice in TED XML and converted to eForms ------------------------------------------------------------


@pytest.mark.parametrize("converted", corpus_params("eforms-converted-from-ted"))
def test_converted_notice_agrees_with_its_ted_original(converted: Path) -> None:
    """OP's TED->eForms conversion and its TED original give the same buyer country, CPV, lots and winners."""
    originals = sorted((CORPUS / "ted-r209").rglob(converted.name))
    if not originals:
        pytest.skip(f"no TED original of {converted.name}")
    ted, ef = parse(originals[0])[0], _parse_corpus(converted)[0]
    assert ef.buyer.country == ted.buyer.country
    assert ef.procedure.cpv_main == ted.procedure.cpv_main
    assert len(ef.lots) == len(ted.lots)
    assert Counter((w.name, w.country) for r in ef.results for w in r.winners) == Counter(
        (w.name, w.country) for r in ted.results for w in r.winners)
