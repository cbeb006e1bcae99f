"""eForms results (efac:NoticeResult): one LotResult per lot result, winners reached through their tenders.

Links (fields.md): LotResult/LotTender (OPT-320) -> LotTender/TenderingParty (OPT-310) -> TenderingParty/Tenderer
(OPT-300) -> ORG (OPT-200). Contracts (SettledContract) point at their tender (BT-3202).

Choices, each visible in the output: winners exist only for a result with winner chosen (BT-142 selec-w) or no
BT-142 at all (VEAT, modifications); when the result's contracts name their tenders, those tenders are the winning
ones, else every tender the result lists. The result value is the winning tenders' BT-720 (summed, with a warning,
when there are several), else the framework maximum BT-709, else the notice value BT-161 when the notice has a
single result; the last two say so in `parse_warnings`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from ..model import LotResult, Money, Organisation, Received, Tender
from ._eforms_orgs import Organisations
from ._eforms_values import EXT, Reader, code, codes, every, first

RESULT = f"{EXT}/efac:NoticeResult"
# BT-142 winner-selection-status -> our status.
_STATUS = {"selec-w": "awarded", "clos-nw": "no-award", "open-nw": "open"}
# BT-760 received-submission-type -> Received field.
_RECEIVED = {"tenders": "total", "t-sme": "sme", "t-oth-eea": "other_eea", "t-no-eea": "non_eea",
             "t-esubm": "electronic", "part-req": "requests"}
_SME_PARTS = ("t-micro", "t-small", "t-med")
_SUBCONTRACTING = {"yes": True, "no": False, "unknown": None, "not-known": None}


class Results:
    """The NoticeResult block of one notice, indexed by technical ids."""

    def __init__(self, root: etree._Element, orgs: Organisations, read: Reader) -> None:
        self.read = read
        self.orgs = orgs
        self.block = first(root, RESULT)
        self.tenders = _index(self.block, "efac:LotTender")
        self.parties = _index(self.block, "efac:TenderingParty")
        self.contracts = _index(self.block, "efac:SettledContract")

    def lot_results(self) -> list[LotResult]:
        """Every efac:LotResult, in document order; without any, one result per lot read from its tenders."""
        if self.block is None:
            return []
        elements = every(self.block, "efac:LotResult")
        if not elements:
            return self._results_from_tenders()
        return [self._lot_result(element, len(elements)) for element in elements]

    def _lot_result(self, element: etree._Element, result_count: int) -> LotResult:
        status_code = code(element, "cbc:TenderResultCode")
        if status_code and status_code not in _STATUS:
            self.read.warn("BT-142", f"unknown result code {status_code!r}")
        tender_ids = codes(element, "efac:LotTender/cbc:ID")
        contracts = self._contracts(element, tender_ids)
        lot_id = code(element, "efac:TenderLot/cbc:ID")  # BT-13713
        return self._result(lot_id, status_code, tender_ids, contracts, element, result_count)

    def _results_from_tenders(self) -> list[LotResult]:
        """VEAT and modification notices may give tenders and contracts but no LotResult: group tenders by lot."""
        by_lot: dict[str | None, list[str]] = {}
        for tender_id, tender in self.tenders.items():
            by_lot.setdefault(code(tender, "efac:TenderLot/cbc:ID"), []).append(tender_id)
        results = []
        for lot_id, tender_ids in by_lot.items():
            self.read.warn("OPT-320", f"lot {lot_id}: no LotResult; result read from its tenders and contracts")
            contracts = self._contracts(None, tender_ids)
            results.append(self._result(lot_id, None, tender_ids, contracts, None, len(by_lot)))
        return results

    def _result(self, lot_id: str | None, status_code: str | None, tender_ids: list[str],
                contracts: list[etree._Element], element: etree._Element | None, result_count: int) -> LotResult:
        """One LotResult from its status, tenders and contracts (element: the efac:LotResult, if any)."""
        read = self.read
        awarded = status_code in (None, "selec-w")  # VEAT and modification notices state no BT-142
        winning = _winning(tender_ids, contracts) if awarded else []
        winners, group = self._winners(winning)
        return LotResult(
            lot_id=lot_id,
            status=_STATUS.get(status_code or ""),
            received=self._received(element, lot_id),
            winners=winners,
            value=self._value(element, winning, result_count, lot_id) if awarded else None,
            tenders=[self._tender(t) for t in tender_ids or winning if t in self.tenders],
            contract_date=_earliest(read.date(c, "cbc:IssueDate", "BT-145") for c in contracts),
            contract_id=next((cid for c in contracts if (cid := code(c, "efac:ContractReference/cbc:ID"))), None),
            awarded_to_group=group,
        )

    def _received(self, element: etree._Element | None, lot_id: str | None) -> Received:
        """BT-759 counts paired with their BT-760 type; t-sme, else t-micro + t-small + t-med when only those."""
        counts: dict[str, int] = {}
        for stats in every(element, "efac:ReceivedSubmissionsStatistics"):
            kind = code(stats, "efbc:StatisticsCode")
            number = self.read.integer(stats, "efbc:StatisticsNumeric", "BT-759")
            if kind and number is not None:
                counts[kind] = counts.get(kind, 0) + number
            elif number is not None:  # a count without its BT-760 type: which submissions it counts is unknown
                self.read.warn("BT-760", f"lot {lot_id}: received count {number} without a submission type; not used")
        received = Received(**{field: counts.get(kind) for kind, field in _RECEIVED.items()})
        if received.sme is None and all(part in counts for part in _SME_PARTS):
            received.sme = sum(counts[part] for part in _SME_PARTS)
        elif received.sme is None and any(part in counts for part in _SME_PARTS):
            self.read.warn("BT-760", f"lot {lot_id}: no t-sme count and an incomplete micro/small/medium split")
        return received

    def _winners(self, tender_ids: list[str]) -> tuple[list[Organisation], bool | None]:
        """Organisations behind the winning tenders, and whether one winning party is a group (several Tenderers)."""
        winners: list[Organisation] = []
        seen: set[str] = set()
        group = None
        for tender_id in tender_ids:
            party = self.parties.get(code(self.tenders.get(tender_id), "efac:TenderingParty/cbc:ID") or "")
            org_ids = codes(party, "efac:Tenderer/cbc:ID")
            if party is not None:
                group = bool(group) or len(org_ids) > 1
            for org_id in org_ids:
                organisation = self.orgs.get(org_id)
                if organisation is None:
                    self.read.warn("OPT-300", f"tenderer {org_id!r} is not among the organisations")
                elif org_id not in seen:
                    seen.add(org_id)
                    winners.append(organisation)
        return winners, group

    def _value(self, element: etree._Element | None, winning: list[str], result_count: int,
               lot_id: str | None) -> Money | None:
        """BT-720 of the winning tender(s); else BT-709 framework maximum; else BT-161 when one result only."""
        amounts = [m for t in winning if (m := self._tender_value(t)) is not None]
        if amounts:
            if len({m.currency for m in amounts}) > 1:
                self.read.warn("BT-720", f"lot {lot_id}: winning tenders in several currencies; value left empty")
                return None
            if len(amounts) > 1:
                self.read.warn("value", f"lot {lot_id}: the sum of {len(amounts)} winning tenders (BT-720)")
            return Money(sum((m.amount for m in amounts), Decimal(0)), amounts[0].currency)
        maximum = self.read.money(element, "efac:FrameworkAgreementValues/cbc:MaximumValueAmount", "BT-709")
        if maximum is not None:
            self.read.warn("value", f"lot {lot_id}: no tender value (BT-720); framework maximum (BT-709) used")
            return maximum
        total = self.read.money(self.block, "cbc:TotalAmount", "BT-161")
        if total is not None and result_count == 1:
            self.read.warn("value", f"lot {lot_id}: no tender value (BT-720); notice value (BT-161) used")
            return total
        return None

    def _tender_value(self, tender_id: str) -> Money | None:
        return self.read.money(self.tenders.get(tender_id), "cac:LegalMonetaryTotal/cbc:PayableAmount", "BT-720")

    def _tender(self, tender_id: str) -> Tender:
        """A tender of the result: BT-720 value, BT-191 origin, BT-773 subcontracting, BT-555 share."""
        element = self.tenders[tender_id]
        read = self.read
        term = _subcontracting_term(element)
        applicability = code(term, "efbc:TermCode")
        if applicability is not None and applicability not in _SUBCONTRACTING:
            read.warn("BT-773", f"unknown subcontracting code {applicability!r}")
        origins = [c for value in codes(element, "efac:Origin/efbc:AreaCode") if (c := read.country(value, "BT-191"))]
        return Tender(
            id=tender_id,
            value=self._tender_value(tender_id),
            origin_countries=origins,
            subcontracting=_SUBCONTRACTING.get(applicability) if applicability else None,
            subcontracting_percent=read.decimal(term, "efbc:TermPercent", "BT-555"),
        )

    def _contracts(self, element: etree._Element | None, tender_ids: list[str]) -> list[etree._Element]:
        """Contracts of this result: those it lists (OPT-315), else those signed on one of its tenders (BT-3202)."""
        listed = [self.contracts[c] for c in codes(element, "efac:SettledContract/cbc:ID") if c in self.contracts]
        if listed:
            return listed
        wanted = set(tender_ids)
        return [c for c in self.contracts.values() if wanted.intersection(codes(c, "efac:LotTender/cbc:ID"))]


def _winning(tender_ids: list[str], contracts: list[etree._Element]) -> list[str]:
    """The winning tenders of an awarded result.

    A LotResult may list every tender it received (OPT-320), not only the winners: when its contracts name the
    tender they were signed on (BT-3202), those are the winners; otherwise every listed tender is.
    """
    signed = list(dict.fromkeys(t for c in contracts for t in codes(c, "efac:LotTender/cbc:ID")))
    return [t for t in tender_ids if t in signed] or signed or tender_ids


def _index(block: etree._Element | None, path: str) -> dict[str, etree._Element]:
    """Elements at `path` by their cbc:ID (first one wins)."""
    found: dict[str, etree._Element] = {}
    if block is None:
        return found
    for element in every(block, path):
        key = code(element, "cbc:ID")
        if key and key not in found:
            found[key] = element
    return found


def _subcontracting_term(tender: etree._Element) -> etree._Element | None:
    """The SubcontractingTerm whose TermCode is the BT-773 applicability code."""
    for term in every(tender, "efac:SubcontractingTerm"):
        term_code = first(term, "efbc:TermCode")
        if term_code is not None and term_code.get("listName", "applicability") == "applicability":
            return term
    return None


def _earliest(dates) -> date | None:
    present = [d for d in dates if d is not None]
    return min(present) if present else None
