"""eForms strategic-procurement fields the reciprocity rules read: IPI (BT-684 to BT-688), BT-06, BT-805.

XPaths (eForms SDK 1.14 `fields.json`, and the SDK example `can_24_maximal.xml`):
- BT-684-Lot "IPI measures are applicable": lot `cac:TenderingTerms/EXT/efac:StrategicProcurement
  [efbc:ApplicableLegalBasis/@listName='ipi-scope']/efbc:ApplicableLegalBasis` (true | false);
- BT-685-LotResult "Specific IPI measure" (`international-procurement-instrument-measure`, e.g. 32025R1197),
  BT-686 "Number of tender applications that fall under this IPI measure", BT-687 "Exception to the application of
  the IPI measure" (`international-procurement-instrument-application`: no-exc | one-tend | pub-int), BT-688 its
  description: `efac:LotResult/efac:StrategicProcurement/efac:StrategicProcurementInformation/efac:AppliedMeasure`;
- BT-06-Lot strategic procurement and BT-805-Lot green procurement criteria: lot `cac:ProcurementProject/
  cac:ProcurementAdditionalType/cbc:ProcurementTypeCode[@listName='strategic-procurement' | 'gpp-criteria']`.
They go to `Lot.strategic` (keys `ipi_applicable`, `ipi_measures`, `strategic_procurement`, `green_criteria`, each
only when the notice states it); BT-685-688 of a LotResult go to the lot it names (BT-13713). A value present but
unreadable is left out with a parse warning, never a guess.
"""

from __future__ import annotations

from lxml import etree

from ..model import Notice
from ._eforms_values import EXT, Reader, code, codes, every, first

_IPI_SCOPE = f"cac:TenderingTerms/{EXT}/efac:StrategicProcurement/efbc:ApplicableLegalBasis[@listName='ipi-scope']"
_MEASURES = "efac:StrategicProcurement/efac:StrategicProcurementInformation/efac:AppliedMeasure"
_ADDITIONAL_TYPE = "cac:ProcurementProject/cac:ProcurementAdditionalType/cbc:ProcurementTypeCode"
_EXCEPTIONS = ("no-exc", "one-tend", "pub-int")


def read_strategic(root: etree._Element, notice: Notice, read: Reader) -> None:
    """Fill `Lot.strategic` of a parsed eForms notice: BT-684, BT-06, BT-805 of the lot, BT-685-688 of its result."""
    lots = {lot.id: lot for lot in notice.lots}
    for element in every(root, "cac:ProcurementProjectLot"):
        lot = lots.get(code(element, "cbc:ID") or "")
        if lot is None:
            continue
        found = {"ipi_applicable": read.boolean(element, _IPI_SCOPE, "BT-684"),
                 "strategic_procurement": codes(element, f"{_ADDITIONAL_TYPE}[@listName='strategic-procurement']"),
                 "green_criteria": codes(element, f"{_ADDITIONAL_TYPE}[@listName='gpp-criteria']")}
        lot.strategic.update({key: value for key, value in found.items() if value not in (None, [])})
    block = first(root, f"{EXT}/efac:NoticeResult")
    for element in every(block, "efac:LotResult"):
        measures = [_measure(m, read) for m in every(element, _MEASURES)]
        lot = lots.get(code(element, "efac:TenderLot/cbc:ID") or "")
        if measures and lot is not None:
            lot.strategic.setdefault("ipi_measures", []).extend(measures)


def _measure(element: etree._Element, read: Reader) -> dict[str, object]:
    """One applied IPI measure (BT-685 to BT-688)."""
    exception = code(element, "efac:MeasureException/efbc:ExceptionCode")
    if exception is not None and exception not in _EXCEPTIONS:
        read.warn("BT-687", f"unknown IPI exception code {exception!r}")
        exception = None
    return {"measure": code(element, "efbc:MeasureCode"),  # BT-685
            "tenders": read.integer(element, "efac:MeasureStatistics/efbc:StatisticsNumeric", "BT-686"),
            "exception": exception,  # BT-687
            "exception_reason": read.text(element, "efac:MeasureException/efbc:ExceptionDescription")}  # BT-688
