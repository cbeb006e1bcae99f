"""eForms results (efac:NoticeResult): one LotResult per lot result, winners reached through their tenders.

Links (fields.md): LotResult/LotTender (OPT-320) -> LotTender/TenderingParty (OPT-310) -> TenderingParty/Tenderer
(OPT-300) -> ORG (OPT-200). Contracts (SettledContract) point at their tender (BT-3202).

Choices, each visible in the output: winners exist only for a result with winner chosen (BT-142 selec-w) or no
BT-142 at all (VEAT, modifications). A result's own tenders are those it lists whose TenderLot is its lot (or a
group of lots containing it); real notices cross references, so a result listing only other lots' tenders takes the
tenders submitted for its lot instead (with a warning). Its contracts only pick the winners among its own tenders
(a contract may cover several lots); when they name none of them, another contract of the notice signed on one of
them does, else every own tender is kept (warned when the contract points at another lot's tender).
The result value is the winning tenders' BT-720 (summed, with a warning, when there are several), else the
framework maximum BT-709, else the notice value BT-161 when the notice has a single result; the last two say so in
`parse_warnings`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from ..model import LotResult, Money, Organisation, Received, Tender
from ._eforms_lots import lots_groups
from ._eforms_orgs import Organisations
from ._eforms_values import EXT, Reader, code, codes, every, first

RESULT = f"{EXT}/efac:NoticeResult"
# BT-142 winner-selection-status -> our status.
_STATUS = {"selec-w": "awarded", "clos-nw": "no-award", "open-nw": "open"}
# BT-760 received-submission-type -> Received field.
_RECEIVED = {"tenders": "total", "t-sme": "sme", "t-oth-eea": "other_eea", "t-no-eea": "non_eea",
             "t-esubm": "electronic", "part-req": "requests", "t-large": "large"}
_SME_PARTS = ("t-micro", "t-small", "t-med")
# BT-760 counts that split the tenders received: the counts of one group never add up to more than that total
_PARTS_OF_TOTAL = (("t-sme", "t-large"), ("t-micro", "t-small", "t-med", "t-large"), ("t-oth-eea", "t-no-eea"),
                   ("t-esubm",), ("t-verif-inad",), ("t-no-verif",))
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
        self.groups_of: dict[str, set[str]] = {}
        for group_id, lot_ids in lots_groups(root).items():
            for lot_id in lot_ids:
                self.groups_of.setdefault(lot_id, set()).add(group_id)

    def total(self) -> Money | None:
        """BT-161: the total value of the contracts this notice awards."""
        return self.read.money(self.block, "cbc:TotalAmount", "BT-161")

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
        lot_id = code(element, "efac:TenderLot/cbc:ID")  # BT-13713
        tender_ids = self._own_tenders(lot_id, codes(element, "efac:LotTender/cbc:ID"))
        contracts = self._contracts(element, tender_ids)
        return self._result(lot_id, status_code, tender_ids, contracts, element, result_count)

    def _belongs(self, tender_id: str, lot_id: str | None) -> bool:
        """Whether a tender was submitted for `lot_id` (or a group of lots containing it, or names no lot)."""
        tender_lot = code(self.tenders.get(tender_id), "efac:TenderLot/cbc:ID")
        return lot_id is None or tender_lot is None or tender_lot == lot_id or tender_lot in self.groups_of.get(
            lot_id, ())

    def _own_tenders(self, lot_id: str | None, listed: list[str]) -> list[str]:
        """The listed tenders submitted for this lot; when it lists only other lots' tenders, those of its lot."""
        own = [t for t in listed if self._belongs(t, lot_id)]
        if listed and not own:
            own = [t for t, e in self.tenders.items() if code(e, "efac:TenderLot/cbc:ID") == lot_id]
            self.read.warn("OPT-320", f"lot {lot_id}: its LotResult lists only tenders of other lots "
                                      f"({', '.join(listed)}); read from the tenders for this lot "
                                      f"({', '.join(own) or 'none'}) instead")
        return own

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
        winning = self._winning(lot_id, tender_ids, contracts) if awarded else []
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
            award_date=_earliest(read.date(c, "cbc:AwardDate", "BT-1451") for c in contracts),
            lowest_tender=read.money(element, "cbc:LowerTenderAmount", "BT-710"),
            highest_tender=read.money(element, "cbc:HigherTenderAmount", "BT-711"),
        )

    def _winning(self, lot_id: str | None, tender_ids: list[str], contracts: list[etree._Element]) -> list[str]:
        """The winning tenders of an awarded result (see the module doc).

        A LotResult may list every tender it received (OPT-320), not only the winners: those its contracts were
        signed on (BT-3202) win; a result without listed tenders takes its contracts' tenders for its lot.
        """
        signed = _signed(contracts)
        candidates = tender_ids or signed
        picked = [t for t in candidates if t in signed and self._belongs(t, lot_id)]
        if picked:
            return picked
        crossed = [t for t in signed if not self._belongs(t, lot_id)]
        if crossed:
            self.read.warn("BT-3202", f"lot {lot_id}: its contract is signed on tenders of other lots "
                                      f"({', '.join(crossed)}); not taken as this lot's winners")
        # its own contracts name none of its tenders: another contract of the notice may (one covering several lots)
        elsewhere = _signed(list(self.contracts.values()))
        return [t for t in tender_ids if t in elsewhere] or tender_ids

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
        self._check_sums(counts, lot_id)
        return received

    def _check_sums(self, counts: dict[str, int], lot_id: str | None) -> None:
        """Warn on counts that cannot add up: parts over the tenders received, t-sme against its parts."""
        total = counts.get("tenders")
        for group in _PARTS_OF_TOTAL:
            present = [kind for kind in group if kind in counts]
            if total is not None and present and sum(counts[k] for k in present) > total:
                self.read.warn("BT-759", f"lot {lot_id}: {' + '.join(present)} = {sum(counts[k] for k in present)} "
                                         f"is more than the {total} tenders received")
        if "t-sme" in counts and all(part in counts for part in _SME_PARTS):
            parts = sum(counts[part] for part in _SME_PARTS)
            if parts != counts["t-sme"]:
                self.read.warn("BT-759", f"lot {lot_id}: t-micro + t-small + t-med = {parts} but t-sme = "
                                         f"{counts['t-sme']}")

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


def _signed(contracts: list[etree._Element]) -> list[str]:
    """The tenders these contracts were signed on (BT-3202), in order, once each."""
    return list(dict.fromkeys(t for c in contracts for t in codes(c, "efac:LotTender/cbc:ID")))


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
