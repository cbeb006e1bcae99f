"""Small readers for legacy TED XML values: text, dates, amounts, counts, countries.

Every reader takes an element that may be None and returns None when the value is absent. A value that is
present but unreadable also gives None, and a `parse_warnings` entry naming the element (never a guess).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from lxml import etree

from ..countries import normalise_country
from ..model import Money, Notice, Organisation
from ..model.bounds import number_fault
from ._xml import clean_text

_AMOUNT_BLANKS = re.compile(r"[\s\u00a0\u202f']")
# Units a TED AC_WEIGHTING / WEIGHTING may follow its number with, in the 24 EU languages (singular, plural and
# the case forms a number takes, common abbreviations): points, or a percentage.
_POINT_UNITS = (
    "point", "points", "pt", "pts",  # EN, FR, DA
    "punkt", "punkte", "pkt",  # DE, PL, ET
    "punt", "punten", "punto", "punti",  # NL, IT, MT
    "puntos", "ptos", "ponto", "pontos",  # ES, PT
    "punkty", "punktów", "punktow",  # PL
    "bod", "body", "bodů", "bodov", "boda", "bodova", "bodovi",  # CS, SK, HR
    "točka", "točke", "točk", "točki",  # SL
    "точка", "точки",  # BG
    "punct", "puncte", "puncta",  # RO
    "pont", "pontot", "pontszám",  # HU
    "piste", "pistettä", "pisteet",  # FI
    "poäng",  # SV
    "punkti", "punktid", "punktu", "punkts",  # ET, LV
    "balas", "balai", "balų", "balu",  # LT
    "βαθμός", "βαθμοί", "βαθμούς", "βαθμών", "μονάδες", "μόρια",  # EL
    "pointe", "phointe", "pointí",  # GA
)
_PERCENT_UNITS = ("%", "percent", "per cent", "pour cent", "prozent", "procent", "procento", "procenta", "procentů",
                  "prosent", "prosenttia", "por ciento", "per cento", "por cento", "százalék", "procentai", "procenti")
_UNIT_KINDS = {"": None, **dict.fromkeys(_POINT_UNITS, "points"), **dict.fromkeys(_PERCENT_UNITS, "percentage")}
_WEIGHT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(.*?)\.?$")  # a number, then its unit (a closing period dropped)


@lru_cache(maxsize=512)
def _wild(path: str) -> str:
    """"A/B" -> "{*}A/{*}B": every step matches its local name in any namespace (TED changes them)."""
    return "/".join(s if s in ("", ".", "..") or s.startswith("{") else "{*}" + s for s in path.split("/"))


@lru_cache(maxsize=512)
def _steps(path: str) -> tuple[str, ...] | None:
    """Child steps of a plain "A/B" path as "{*}A", "{*}B"; None for paths that need ElementPath ("//", ".")."""
    parts = path.split("/")
    if any(p in ("", ".", "..") or p.startswith("{") for p in parts):
        return None
    return tuple("{*}" + p for p in parts)


def _children(elements: list[etree._Element], steps: tuple[str, ...]) -> list[etree._Element]:
    for step in steps:  # iterchildren(tag) matches in C, much cheaper than ElementPath for these short paths
        elements = [child for element in elements for child in element.iterchildren(step)]
    return elements


def find(element: etree._Element | None, path: str) -> etree._Element | None:
    """`element.find(path)` on local names; None when `element` is None."""
    if element is None:
        return None
    steps = _steps(path)
    if steps is None:
        return element.find(_wild(path))
    for step in steps:  # the first match at each step: TED never repeats the containers we walk through
        element = next(element.iterchildren(step), None)
        if element is None:
            return None
    return element


def findall(element: etree._Element, path: str) -> list[etree._Element]:
    """`element.findall(path)` on local names."""
    steps = _steps(path)
    return element.findall(_wild(path)) if steps is None else _children([element], steps)


def iterfind(element: etree._Element, path: str):
    """`element.iterfind(path)` on local names."""
    return iter(findall(element, path))


def findtext(element: etree._Element | None, path: str) -> str | None:
    """`element.findtext(path)` on local names: None when absent, "" when present but empty."""
    found = find(element, path)
    return None if found is None else found.text or ""


class Children:
    """The children of one element by local name, gathered in one pass: cheaper than one search per field."""

    __slots__ = ("_by_name",)

    def __init__(self, element: etree._Element | None) -> None:
        by_name: dict[str, list[etree._Element]] = {}
        for child in () if element is None else element:
            tag = child.tag
            if tag.__class__ is str:  # not an entity reference
                name = tag[tag.find("}") + 1:]
                found = by_name.get(name)
                if found is None:
                    by_name[name] = [child]
                else:
                    found.append(child)
        self._by_name = by_name

    def first(self, name: str) -> etree._Element | None:
        found = self._by_name.get(name)
        return found[0] if found else None

    def all(self, name: str) -> list[etree._Element]:
        return self._by_name.get(name, [])

    def has(self, name: str) -> bool:
        return name in self._by_name

    def text(self, name: str) -> str | None:
        return text(self.first(name))


def _inline(element: etree._Element) -> str:
    """The text of one paragraph, inline markup (<FT TYPE="SUP">er</FT>) joined without added spaces."""
    return element.text or "" if not len(element) else "".join(element.itertext())


def _paragraphs(element: etree._Element) -> list[etree._Element]:
    """The <P> children (a plain loop: cheaper than a tag matcher for the few children TED elements have)."""
    return [c for c in element if c.tag.__class__ is str and (c.tag == "P" or c.tag.endswith("}P"))]


def text(element: etree._Element | None) -> str | None:
    """All text inside an element (its <P> paragraphs joined by a space), white space collapsed; None when empty."""
    if element is None:
        return None
    if not len(element):
        return clean_text(element.text)
    paras = [_inline(p) for p in _paragraphs(element)]
    return clean_text(" ".join(paras) if paras else _inline(element))


def paragraphs(element: etree._Element | None) -> str | None:
    """Text of an element with <P> paragraphs kept as separate lines (for long descriptions)."""
    if element is None:
        return None
    parts = [clean_text(_inline(p)) for p in _paragraphs(element)] or [text(element)]
    return "\n".join(p for p in parts if p) or None


def attr(element: etree._Element | None, name: str) -> str | None:
    """An attribute value, stripped; None when the element or attribute is absent or blank."""
    if element is None:
        return None
    value = element.get(name)
    return value.strip() or None if value is not None else None


def parse_date(value: str | None, notice: Notice, where: str) -> date | None:
    """Read "YYYY-MM-DD" or "YYYYMMDD" (TED writes both); unreadable -> None + warning."""
    if not value:
        return None
    digits = value.strip().replace("-", "")[:8]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        notice.warn(f"{where}: unreadable date {value!r}")
        return None


def parse_dmy(element: etree._Element | None, notice: Notice, where: str) -> date | None:
    """Read an R2.0.8 date split into DAY / MONTH / YEAR children."""
    if element is None:
        return None
    parts = [findtext(element, name) for name in ("YEAR", "MONTH", "DAY")]
    try:
        return date(*(int(p) for p in parts))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):  # OverflowError: a YEAR of 40 digits
        notice.warn(f"{where}: unreadable date {'/'.join(p or '?' for p in reversed(parts))}")
        return None


def parse_amount(value: str | None, notice: Notice, where: str) -> Decimal | None:
    """Read an amount written "1234.56", "1 234,56" or "1.234.567,89"; unreadable -> None + warning."""
    if value is None or not value.strip():
        return None
    raw = _AMOUNT_BLANKS.sub("", value)
    if "," in raw:
        # a comma is the decimal mark when it comes last; dots before it group thousands
        raw = raw.replace(".", "").replace(",", ".") if raw.rfind(",") > raw.rfind(".") else raw.replace(",", "")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        notice.warn(f"{where}: unreadable amount {value.strip()!r}")
        return None
    if fault := number_fault(amount):
        notice.warn(f"{where}: unreadable amount {value.strip()[:40]!r} ({fault})")
        return None
    if amount < 0:
        notice.warn(f"{where}: unreadable amount {value.strip()!r}")
        return None
    return amount


def money(element: etree._Element | None, notice: Notice, where: str) -> Money | None:
    """An amount element with a CURRENCY attribute (R2.0.9 VAL_*); no currency -> None + warning."""
    if element is None:
        return None
    amount = parse_amount(element.text, notice, where)
    if amount is None:
        return None
    currency = attr(element, "CURRENCY")
    if currency is None:
        notice.warn(f"{where}: amount {amount} has no currency")
        return None
    return Money(amount, currency.upper())


def range_warning(element: etree._Element | None, notice: Notice, where: str) -> None:
    """VAL_RANGE_TOTAL gives the lowest and highest tenders, not one value: say so, keep the value null."""
    if element is None:
        return
    low, high = findtext(element, "LOW"), findtext(element, "HIGH")
    currency = attr(element, "CURRENCY") or "?"
    notice.warn(f"{where}: value given as a range {clean_text(low)}-{clean_text(high)} {currency} "
                "(lowest/highest tender), not a single value; value left null")


def parse_int(value: str | None, notice: Notice, where: str) -> int | None:
    """A count such as NB_TENDERS_RECEIVED; unreadable -> None + warning."""
    if value is None or not value.strip():
        return None
    try:
        number = int(value.strip())
    except ValueError:
        number = None
    if number is None or number_fault(number):
        notice.warn(f"{where}: unreadable number {value.strip()[:40]!r}")
        return None
    return number


def parse_weight(value: str | None, notice: Notice, where: str) -> tuple[Decimal | None, str | None]:
    """An award criterion weighting and its kind: "40 %" percentage, "20 Punkte" / "30 точки" points, a bare "40"
    of unstated kind (None). Anything else ("40/100", "50/50", "as per documents") -> (None, None) + warning."""
    if value is None or not value.strip():
        return None, None
    match = _WEIGHT.match(" ".join(value.split()))
    unit = match.group(2).casefold() if match else None
    if match is None or unit not in _UNIT_KINDS:
        notice.warn(f"{where}: weighting {value.strip()!r} is not a number with a known unit; weight left null")
        return None, None
    return Decimal(match.group(1).replace(",", ".")), _UNIT_KINDS[unit]


def country(element: etree._Element | None, notice: Notice, where: str) -> str | None:
    """COUNTRY/@VALUE as ISO alpha-2 (TED "UK" -> "GB", "EL" -> "GR"); unknown code -> None + warning."""
    code = attr(element, "VALUE")
    if code is None:
        return None
    alpha2 = normalise_country(code)
    if alpha2 is None:
        notice.warn(f"{where}: unknown country code {code!r}")
    return alpha2


def cpv(element: etree._Element | None) -> str | None:
    """CPV_CODE/@CODE, 8 digits without the check digit."""
    code = attr(element, "CODE")
    return code.split("-")[0][:8] if code else None


def publication_number(doc_id: str | None) -> str | None:
    """TED DOC_ID "123456-2019" -> "00123456-2019" (8 digits, hyphen, year)."""
    if not doc_id or "-" not in doc_id:
        return None
    number, year = doc_id.strip().split("-", 1)
    return f"{number.zfill(8)}-{year}" if number.isdigit() and year.isdigit() else None


def organisation(address: etree._Element | None, notice: Notice, where: str) -> Organisation | None:
    """An address block (ADDRESS_CONTRACTING_BODY, ADDRESS_CONTRACTOR, R2.0.8 CA_CE_CONCESSIONAIRE_PROFILE…)."""
    if address is None:
        return None
    fields = Children(address)
    org = fields.first("ORGANISATION")  # R2.0.8 nests OFFICIALNAME / NATIONALID one level down
    names = fields if org is None else Children(org)
    national_id = names.text("NATIONALID")
    name = names.text("OFFICIALNAME")
    if name is None and org is not None:  # R2.0.7 writes the name as the text of ORGANISATION itself
        name = clean_text(org.text)
    return Organisation(
        name=name,
        country=country(fields.first("COUNTRY"), notice, f"{where}/COUNTRY"),
        city=fields.text("TOWN"),
        postcode=fields.text("POSTAL_CODE"),
        nuts=attr(fields.first("NUTS"), "CODE"),
        identifiers=[national_id] if national_id else [],
        identifier_types=[None] if national_id else [],
    )
