"""BT-684 to BT-688 (IPI), BT-06 and BT-805, read by parsers/_eforms_strategic.py from eForms notices."""

from __future__ import annotations

import pytest
from conftest import CORPUS

from reciprocity import parse


def _notice(xml: str):
    return parse(xml.encode(), name="inline.xml")[0]


def _can(lot_extension: str, result_extension: str) -> str:
    """A minimal contract award notice with one lot and one result (namespaces of the SDK)."""
    return f"""<ContractAwardNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
 xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
 xmlns:efext="http://data.europa.eu/p27/eforms-ubl-extensions/1"
 xmlns:efac="http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1"
 xmlns:efbc="http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1">
 <ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent><efext:EformsExtension>
  <efac:NoticeSubType><cbc:SubTypeCode listName="notice-subtype">29</cbc:SubTypeCode></efac:NoticeSubType>
  <efac:NoticeResult><efac:LotResult><cbc:ID schemeName="result">RES-0001</cbc:ID>{result_extension}
   <efac:TenderLot><cbc:ID schemeName="Lot">LOT-0001</cbc:ID></efac:TenderLot></efac:LotResult></efac:NoticeResult>
 </efext:EformsExtension></ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>
 <cbc:CustomizationID>eforms-sdk-1.14</cbc:CustomizationID><cbc:IssueDate>2025-09-01+02:00</cbc:IssueDate>
 <cbc:NoticeTypeCode listName="result">can-standard</cbc:NoticeTypeCode>
 <cac:ProcurementProjectLot><cbc:ID schemeName="Lot">LOT-0001</cbc:ID>
  <cac:TenderingTerms><ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent><efext:EformsExtension>
   {lot_extension}</efext:EformsExtension></ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>
  </cac:TenderingTerms>
  <cac:ProcurementProject>
   <cac:ProcurementAdditionalType>
    <cbc:ProcurementTypeCode listName="strategic-procurement">env-imp</cbc:ProcurementTypeCode>
   </cac:ProcurementAdditionalType>
   <cac:ProcurementAdditionalType>
    <cbc:ProcurementTypeCode listName="gpp-criteria">eu</cbc:ProcurementTypeCode>
   </cac:ProcurementAdditionalType>
  </cac:ProcurementProject>
 </cac:ProcurementProjectLot>
</ContractAwardNotice>"""


_SCOPE = ('<efac:StrategicProcurement><efbc:ApplicableLegalBasis listName="ipi-scope">{}</efbc:ApplicableLegalBasis>'
          '</efac:StrategicProcurement>')
_MEASURE = """<efac:StrategicProcurement><efac:StrategicProcurementInformation><efac:AppliedMeasure>
 <efbc:MeasureCode listName="international-procurement-instrument-measure">32025R1197</efbc:MeasureCode>
 <efac:MeasureException>
  <efbc:ExceptionCode listName="international-procurement-instrument-application">{}</efbc:ExceptionCode>
  <efbc:ExceptionDescription languageID="FRA">Une seule offre conforme</efbc:ExceptionDescription>
 </efac:MeasureException>
 <efac:MeasureStatistics><efbc:StatisticsNumeric>2</efbc:StatisticsNumeric></efac:MeasureStatistics>
</efac:AppliedMeasure></efac:StrategicProcurementInformation></efac:StrategicProcurement>"""


def test_ipi_fields_strategic_and_green_codes_are_read():
    notice = _notice(_can(_SCOPE.format("true"), _MEASURE.format("one-tend")))
    assert notice.lots[0].strategic == {
        "ipi_applicable": True, "strategic_procurement": ["env-imp"], "green_criteria": ["eu"],
        "ipi_measures": [{"measure": "32025R1197", "tenders": 2, "exception": "one-tend",
                          "exception_reason": "Une seule offre conforme"}]}
    assert notice.to_dict()["lots"][0]["strategic"]["ipi_applicable"] is True


def test_unreadable_values_are_none_with_a_warning_never_guessed():
    notice = _notice(_can(_SCOPE.format("maybe"), _MEASURE.format("sometimes")))
    assert "ipi_applicable" not in notice.lots[0].strategic
    assert notice.lots[0].strategic["ipi_measures"][0]["exception"] is None
    assert any(w.startswith("BT-684") for w in notice.parse_warnings)
    assert any(w.startswith("BT-687") for w in notice.parse_warnings)


def test_notices_without_these_fields_keep_their_contract():
    notice = _notice(_can("", ""))
    notice.lots[0].strategic.pop("strategic_procurement")
    notice.lots[0].strategic.pop("green_criteria")
    assert notice.lots[0].strategic == {} and "strategic" not in notice.to_dict()["lots"][0]


def test_the_sdk_maximal_example():
    path = CORPUS / "eforms-sdk-examples" / "can_24_maximal.xml"
    if not path.is_file():
        pytest.skip("../shared/corpus absent")
    notice = parse(path)[0]
    assert notice.lots[0].strategic["ipi_applicable"] is True
    assert notice.lots[0].strategic["ipi_measures"][0]["exception"] == "pub-int"
