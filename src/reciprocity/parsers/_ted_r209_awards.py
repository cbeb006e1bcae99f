"""TED R2.0.9 award sections: every AWARD_CONTRACT (and F13 RESULTS) becomes one `LotResult`.

S03+ files wrap the figures in TENDERS / CONTRACTORS / VALUES; S01/S02 files (and F06 S01/S02 `VALUE`) put
them directly under AWARDED_CONTRACT. Both layouts are read, whichever is present.

Winner size: TED only says SME (yes) or NO_SME. SME -> size "sme", `sme` true; NO_SME -> `sme` false (the
winner is not an SME), size left null: TED gives no size class, and "large" is eForms' word, not the notice's.

An award notice states no estimate for the procedure: its OBJECT_CONTRACT/VAL_TOTAL is the total final value
(`procedure.awarded_value`). Each award section may give the initial estimate of its contract / lot
(VALUES/VAL_ESTIMATED_TOTAL; S01/S02 directly under AWARDED_CONTRACT, F06 under VALUE): it becomes the result's
`estimated_value`, its lot's estimate when the lot's sections agree, and the procedure's when the procedure is not
divided into lots.
"""

from __future__ import annotations

from lxml import etree

from ..model import LotResult, Money, Notice, Organisation, Received, Tender
from ._ted_values import (
    Children,
    find,
    findtext,
    iterfind,
    money,
    organisation,
    parse_amount,
    parse_date,
    parse_int,
    range_warning,
)

NON_EU_WARNING = ("received.non_eea is TED NB_TENDERS_RECEIVED_NON_EU: tenders from outside the EU, which "
                  "includes EEA-EFTA states (IS, LI, NO); other_eea is NB_TENDERS_RECEIVED_OTHER_EU")


def read_results(form: etree._Element, notice: Notice, divided: bool = False) -> None:
    """Every AWARD_CONTRACT of the form, plus F13 design-contest RESULTS; `divided`: LOT_DIVISION is present."""
    for award in iterfind(form, "AWARD_CONTRACT"):
        notice.results.append(_read_award(award, notice, divided))
    for result in iterfind(form, "RESULTS"):
        lot_id, _ = _lot_and_contract(Children(result), notice, divided, "RESULTS")
        notice.results.append(_read_prize(result, lot_id, notice))
    spread_initial_estimates(notice, divided)


def _lot_and_contract(section: Children, notice: Notice, divided: bool, where: str) -> tuple[str | None, str | None]:
    """(lot id, contract id) of an award section.

    A notice not divided into lots has one lot, and every award belongs to it: its LOT_NO is then often a
    contract label ("01", "0", a title), kept as the contract id when CONTRACT_NO is absent.
    """
    lot_no, contract_no = section.text("LOT_NO"), section.text("CONTRACT_NO")
    if len(notice.lots) != 1 or (divided and lot_no is not None):
        return lot_no, contract_no
    lot_id = notice.lots[0].id
    if lot_no is not None and lot_no != lot_id:
        notice.warn(f"{where}/LOT_NO {lot_no!r}: the notice has a single lot, so the award is filed under lot "
                    f"{lot_id}" + ("" if contract_no else "; the label is kept as the contract id"))
        return lot_id, contract_no or lot_no
    return lot_id, contract_no


def spread_initial_estimates(notice: Notice, divided: bool = False) -> None:
    """Each lot gets the initial estimate its award sections agree on; so does the procedure of a notice with a
    single lot that is not divided into lots (one lot of a divided procedure is not the whole procedure)."""
    by_lot: dict[str | None, list[Money]] = {}
    for result in notice.results:
        if result.estimated_value is not None:
            by_lot.setdefault(result.lot_id, []).append(result.estimated_value)
    for lot in notice.lots:
        estimates = by_lot.get(lot.id, [])
        distinct = {(m.amount, m.currency) for m in estimates}
        if len(distinct) > 1:
            notice.warn(f"lot {lot.id}: its award sections state {len(distinct)} different initial estimates; "
                        "lot estimate left null")
        elif estimates and lot.estimated_value is None:
            lot.estimated_value = estimates[0]
            if len(notice.lots) == 1 and not divided and notice.procedure.estimated_value is None:
                notice.procedure.estimated_value = estimates[0]


def _read_award(award: etree._Element, notice: Notice, divided: bool) -> LotResult:
    """One AWARD_CONTRACT: status (BT-142), received (BT-759/760), winners, value (BT-720), date (BT-145)."""
    section = Children(award)
    where = f"AWARD_CONTRACT[{award.get('ITEM') or '?'}]"
    lot_id, contract_id = _lot_and_contract(section, notice, divided, where)
    result = LotResult(lot_id=lot_id, contract_id=contract_id)
    awarded = section.first("AWARDED_CONTRACT")
    if section.has("NO_AWARDED_CONTRACT"):
        result.status = "no-award"
    if awarded is None:
        return result
    result.status = "awarded"
    fields = Children(awarded)
    result.contract_date = parse_date(fields.text("DATE_CONCLUSION_CONTRACT"), notice, where)
    # S03+ wrap the figures in TENDERS / CONTRACTORS / VALUES (F06 S01/S02: VALUE); S01/S02 F03 do not
    result.received = _received(_wrapped(fields, "TENDERS"), notice, where)
    contractors = _wrapped(fields, "CONTRACTORS")
    result.winners = _winners(contractors.all("CONTRACTOR") or fields.all("CONTRACTOR"), notice, where)
    result.awarded_to_group = _flag(contractors, "AWARDED_TO_GROUP", "NO_AWARDED_TO_GROUP")
    wrapper = next((f"/{w}" for w in ("VALUES", "VALUE") if fields.has(w)), "")
    values = _wrapped(fields, "VALUES", "VALUE")
    result.value = _value(values, notice, where + wrapper)
    result.estimated_value = money(values.first("VAL_ESTIMATED_TOTAL"), notice, f"{where}{wrapper}/VAL_ESTIMATED_TOTAL")
    result.tenders = _subcontracting(fields, result, notice, where)
    return result


def _wrapped(fields: Children, *wrappers: str) -> Children:
    """The children of the first wrapper present, else the unwrapped fields themselves (S01/S02 layout)."""
    for wrapper in wrappers:
        if fields.has(wrapper):
            return Children(fields.first(wrapper))
    return fields


def _flag(fields: Children, yes: str, no: str) -> bool | None:
    if fields.has(yes):
        return True
    return False if fields.has(no) else None


def _received(box: Children, notice: Notice, where: str) -> Received | None:
    """NB_TENDERS_RECEIVED and its split; _NON_EU fills non_eea with the warning design.md requires."""
    def count(tag: str) -> int | None:
        element = box.first(tag)
        return None if element is None else parse_int(element.text, notice, f"{where}/{tag}")

    received = Received(
        total=count("NB_TENDERS_RECEIVED"),
        sme=count("NB_TENDERS_RECEIVED_SME"),
        other_eea=count("NB_TENDERS_RECEIVED_OTHER_EU"),
        non_eea=count("NB_TENDERS_RECEIVED_NON_EU"),
        electronic=count("NB_TENDERS_RECEIVED_EMEANS"),
    )
    if received.non_eea is not None or received.other_eea is not None:
        notice.warn(NON_EU_WARNING)
    return None if received.is_empty() else received


def _winners(contractors: list[etree._Element], notice: Notice, where: str) -> list[Organisation]:
    """Each CONTRACTOR's ADDRESS_CONTRACTOR, with its SME / NO_SME flag (BT-165; see the module doc)."""
    winners = []
    for contractor in contractors:
        winner = organisation(find(contractor, "ADDRESS_CONTRACTOR"), notice, f"{where}/CONTRACTOR")
        if winner is not None:
            _set_sme(winner, contractor)
            winners.append(winner)
    return winners


def _set_sme(winner: Organisation, element: etree._Element) -> None:
    """SME -> size "sme" and sme true; NO_SME -> sme false (size unknown); neither -> both null."""
    if find(element, "SME") is not None:
        winner.size, winner.sme = "sme", True
    elif find(element, "NO_SME") is not None:
        winner.sme = False


def _value(values: Children, notice: Notice, where: str) -> Money | None:
    """VAL_TOTAL with its currency; VAL_RANGE_TOTAL (lowest/highest tender) stays null with a warning."""
    value = money(values.first("VAL_TOTAL"), notice, f"{where}/VAL_TOTAL")
    if value is None:
        range_warning(values.first("VAL_RANGE_TOTAL"), notice, f"{where}/VAL_RANGE_TOTAL")
    return value


def _subcontracting(fields: Children, result: LotResult, notice: Notice, where: str) -> list[Tender]:
    """LIKELY_SUBCONTRACTED + PCT_SUBCONTRACTING (BT-773, BT-555) as the winning tender's terms."""
    if not fields.has("LIKELY_SUBCONTRACTED"):
        return []
    percent = parse_amount(fields.text("PCT_SUBCONTRACTING"), notice, f"{where}/PCT_SUBCONTRACTING")
    return [Tender(value=result.value, subcontracting=True, subcontracting_percent=percent)]


def _read_prize(results: etree._Element, lot_id: str | None, notice: Notice) -> LotResult:
    """F13 RESULTS: AWARDED_PRIZE/WINNER (design contest), else NO_AWARDED_PRIZE."""
    result = LotResult(lot_id=lot_id)
    prize = find(results, "AWARDED_PRIZE")
    if prize is None:
        result.status = "no-award" if find(results, "NO_AWARDED_PRIZE") is not None else None
        return result
    result.status = "awarded"
    result.contract_date = parse_date(findtext(prize, "DATE_DECISION_JURY"), notice, "DATE_DECISION_JURY")
    for element in iterfind(prize, "WINNER"):
        winner = organisation(find(element, "ADDRESS_WINNER"), notice, "RESULTS/WINNER")
        if winner is not None:
            _set_sme(winner, element)
            result.winners.append(winner)
    result.value = money(find(prize, "VAL_PRIZE"), notice, "RESULTS/VAL_PRIZE")
    return result
