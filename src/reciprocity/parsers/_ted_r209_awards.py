"""TED R2.0.9 award sections: every AWARD_CONTRACT (and F13 RESULTS) becomes one `LotResult`.

S03+ files wrap the figures in TENDERS / CONTRACTORS / VALUES; S01/S02 files (and F06 S01/S02 `VALUE`) put
them directly under AWARDED_CONTRACT. Both layouts are read, whichever is present.

Winner size: TED only says SME (yes) or NO_SME. SME -> "sme"; NO_SME -> null. "Not an SME" would mean
"large" under the EU definition, but NO_SME is also the form's unticked default and OP's own TED-to-eForms
converter maps NO_SME to no size at all, so we do the same rather than claim "large".
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


def read_results(form: etree._Element, notice: Notice) -> None:
    """Every AWARD_CONTRACT of the form, plus F13 design-contest RESULTS."""
    for award in iterfind(form, "AWARD_CONTRACT"):
        notice.results.append(_read_award(award, notice))
    for result in iterfind(form, "RESULTS"):
        notice.results.append(_read_prize(result, notice))


def _lot_id(section: Children, notice: Notice) -> str | None:
    """LOT_NO of the award section, else the id of the notice's only lot."""
    lot_no = section.text("LOT_NO")
    if lot_no is None and len(notice.lots) == 1:
        return notice.lots[0].id
    return lot_no


def _read_award(award: etree._Element, notice: Notice) -> LotResult:
    """One AWARD_CONTRACT: status (BT-142), received (BT-759/760), winners, value (BT-720), date (BT-145)."""
    section = Children(award)
    result = LotResult(lot_id=_lot_id(section, notice), contract_id=section.text("CONTRACT_NO"))
    awarded = section.first("AWARDED_CONTRACT")
    if section.has("NO_AWARDED_CONTRACT"):
        result.status = "no-award"
    if awarded is None:
        return result
    result.status = "awarded"
    where = f"AWARD_CONTRACT[{award.get('ITEM') or result.lot_id}]"
    fields = Children(awarded)
    result.contract_date = parse_date(fields.text("DATE_CONCLUSION_CONTRACT"), notice, where)
    # S03+ wrap the figures in TENDERS / CONTRACTORS / VALUES (F06 S01/S02: VALUE); S01/S02 F03 do not
    result.received = _received(_wrapped(fields, "TENDERS"), notice, where)
    contractors = _wrapped(fields, "CONTRACTORS")
    result.winners = _winners(contractors.all("CONTRACTOR") or fields.all("CONTRACTOR"), notice, where)
    result.awarded_to_group = _flag(contractors, "AWARDED_TO_GROUP", "NO_AWARDED_TO_GROUP")
    wrapper = next((f"/{w}" for w in ("VALUES", "VALUE") if fields.has(w)), "")
    result.value = _value(_wrapped(fields, "VALUES", "VALUE"), notice, where + wrapper)
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
    """Each CONTRACTOR's ADDRESS_CONTRACTOR, with SME -> size "sme" (BT-165; NO_SME: see the module doc)."""
    winners = []
    for contractor in contractors:
        winner = organisation(find(contractor, "ADDRESS_CONTRACTOR"), notice, f"{where}/CONTRACTOR")
        if winner is not None:
            winner.size = "sme" if find(contractor, "SME") is not None else None
            winners.append(winner)
    return winners


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


def _read_prize(results: etree._Element, notice: Notice) -> LotResult:
    """F13 RESULTS: AWARDED_PRIZE/WINNER (design contest), else NO_AWARDED_PRIZE."""
    result = LotResult(lot_id=_lot_id(Children(results), notice))
    prize = find(results, "AWARDED_PRIZE")
    if prize is None:
        result.status = "no-award" if find(results, "NO_AWARDED_PRIZE") is not None else None
        return result
    result.status = "awarded"
    result.contract_date = parse_date(findtext(prize, "DATE_DECISION_JURY"), notice, "DATE_DECISION_JURY")
    for element in iterfind(prize, "WINNER"):
        winner = organisation(find(element, "ADDRESS_WINNER"), notice, "RESULTS/WINNER")
        if winner is not None:
            winner.size = "sme" if find(element, "SME") is not None else None
            result.winners.append(winner)
    result.value = money(find(prize, "VAL_PRIZE"), notice, "RESULTS/VAL_PRIZE")
    return result
