"""Read a required minimum yearly turnover out of selection-criteria text (French or English).

Legacy TED notices (LEFTI/ECONOMIC_FINANCIAL_*) and most eForms notices (BT-750) state the turnover demanded
only as free text; CCP R2142-7 caps it, so SME-TURNOVER-CAP needs the amount. We return an amount only when
a clause really states a minimum turnover with its currency: a turnover mentioned without a minimum, a ratio,
a number of years, an insurance or asset amount, a cumulative multi-year total, or an amount without a stated
currency all give `None` (never a guess).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ..model import Money
from ..model.bounds import number_fault

__all__ = ["TurnoverRequirement", "extract_min_turnover", "find_min_turnover", "lots_named", "mentions_turnover"]


@dataclass(frozen=True)
class TurnoverRequirement:
    """A minimum turnover found in a text, with the clause it was read from (kept as evidence) and, when the clause
    states it for several named lots together, those lots (a group of lots: CCP R2142-8)."""

    money: Money
    clause: str
    lots: frozenset[int] | None = None


# Words that name a turnover (chiffre d'affaires, CA as a word, turnover, revenue, sales).
_TURNOVER = re.compile(
    r"chiffres?\s+d['’\u2019]\s*affaires?|(?-i:\bCA\b)|\bturn[\s-]?over\b|\brevenues?\b|\bannual\s+sales\b",
    re.IGNORECASE,
)
# Words saying the amount is a floor the candidate must reach.
_MINIMUM = re.compile(
    r"\bminim\w*|\bmin\b\.?|\bau\s+moins\b|\bat\s+least\b|sup[ée]rieur|\bno[nt]?\s+(?:less|lower)\s+than\b"
    r"|\bexceed\w*|\bover\s+(?=[€£$\d]|EUR|GBP)|\bin\s+excess\s+of\b|\bnot\s+below\b|\batteindre\b|\bégal\w*\s+ou\s+sup|[≥>]"
    r"|\bplancher\b|\bseuil\b|\bà\s+hauteur\s+d[e']|\bd['’]\s*au\s+moins\b|\brequired\b|\bexig\w*",
    re.IGNORECASE,
)
# A multi-year total is not a yearly turnover (R2142-7 caps the yearly one): we do not divide, we decline.
_CUMULATIVE = re.compile(r"\bcumul\w*|\bcumulative\w*|\bcombined\b|\baggregate\b|\bin\s+total\b|\bau\s+total\b",
                         re.IGNORECASE)
# Other financial figures whose amount must not be read as the turnover (insurance, assets, contract value…).
_OTHER_FIGURE = re.compile(
    r"assurance|insurance|\bbilan\b|balance\s+sheet|fonds\s+propres|equity|capital|net\s+asset|\bactif|"
    r"\bEBIT\w*|\bratio\b|\bmarge\b|\bmargin\b|\bestim\w*|\bmontant\s+du\s+march[ée]|contract\s+value|"
    r"valeur\s+(?:du|de\s+l)|garantie|guarantee|caution|liquidit\w*|\bdette|\bdebt|r[ée]sultat\s+net|"
    r"net\s+(?:profit|income)|r[ée]f[ée]rences?",
    re.IGNORECASE,
)

_NUMBER = r"(?<![\d.,])(?:\d{1,3}(?:[ \u00a0\u202f.,’']\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
_SCALE = (r"milliards?|billions?|bn|mds?|mrd|millions?|mio|mln|m|k|mille|thousands?")
_CURRENCY_BEFORE = r"(?P<cur_b>€|£|\$|EUR|GBP|USD|CHF|DKK|SEK|NOK|PLN|CZK|HUF|RON|BGN)"
_CURRENCY_AFTER = (r"(?P<cur_a>€|£|\$|EUR\b|GBP\b|USD\b|CHF\b|DKK\b|SEK\b|NOK\b|PLN\b|CZK\b|HUF\b|RON\b|BGN\b"
                   r"|euros?\b|pounds?\s+sterling\b|pounds?\b|dollars?\b)")
_AMOUNT = re.compile(
    rf"(?:{_CURRENCY_BEFORE}\s?(?P<num_b>{_NUMBER})(?:\s?(?P<scale_b>{_SCALE})\b)?)"
    rf"|(?:(?P<num_a>{_NUMBER})\s?(?:(?P<scale_a>{_SCALE})\.?\s?(?:d['’]\s?|of\s+)?)?{_CURRENCY_AFTER})",
    re.IGNORECASE,
)
_SCALES = {"k": 3, "mille": 3, "thousand": 3, "m": 6, "mio": 6, "mln": 6, "million": 6,
           "md": 9, "mrd": 9, "milliard": 9, "billion": 9, "bn": 9}
_CURRENCIES = {"€": "EUR", "£": "GBP", "$": "USD", "euro": "EUR", "pound": "GBP", "pound sterling": "GBP",
               "dollar": "USD"}
# Clause boundaries: sentence ends, semicolons, line breaks, list dashes. A clause ending in ":" continues.
_CLAUSE_SPLIT = re.compile(r"(?<!\bmin\.)(?<!\bca\.)(?<!\bart\.)(?<=[.;!?])\s+(?=[A-ZÀ-Ý—–\-•(])|;|\n+|\s(?=[—–•]\s)")
_LIST_ITEM = re.compile(r"^(?:[—–•\-*]|\d{1,2}[).°]|[a-z]\))\s*")


def extract_min_turnover(text: str | None) -> Money | None:
    """The minimum yearly turnover a selection-criteria text demands, or None when it states none."""
    found = find_min_turnover(text)
    return None if found is None else found.money


@lru_cache(maxsize=4096)  # TED copies the procedure's criteria text to every lot: read it once
def find_min_turnover(text: str | None, lot_number: int | None = None) -> TurnoverRequirement | None:
    """Like `extract_min_turnover`, keeping the clause read. With `lot_number`, amounts stated for other named
    lots ("— pour le lot nº 2 : 500 000 EUR") are ignored. The lowest amount is kept when several remain, so
    that a choice between them can never be what makes a rule flag."""
    if not text:
        return None
    found = [req for clause in _clauses(text) if (req := _clause_requirement(clause, lot_number))]
    if not found:
        return None
    currencies = {req.money.currency for req in found}
    if len(currencies) > 1:
        return None  # amounts in different currencies: no honest single figure
    return min(found, key=lambda req: req.money.amount)


_LOT_NUMBER = r"(?:n\s?[°ºo]s?\.?\s*)?\d{1,3}(?![\w])"
_LOT_LIST = re.compile(rf"\blots?\s*({_LOT_NUMBER}(?:\s*(?:,|et|and|&|à|to|-|–)\s*(?:lots?\s*)?{_LOT_NUMBER})*)",
                       re.IGNORECASE)
_RANGE = re.compile(r"(\d{1,3})\s*(?:à|to|-|–)\s*(?:n\s?[°ºo]s?\.?\s*)?(\d{1,3})")
_LIST_MARK = re.compile(r"(?:^|\s)[—–•]\s|,\s+(?=pour\s+l)|;")
# A group of lots (R2142-8) only when the clause says so: several lots merely named may each need the amount.
_GROUP = re.compile(r"\bgroupes?\s+de\s+lots\b|\bensemble\s+des\s+lots\b|\bplusieurs\s+lots\b"
                    r"|\bgroups?\s+of\s+lots\b|\bcombination\s+of\s+lots\b|\bseveral\s+lots\b|\btogether\b",
                    re.IGNORECASE)
# "for each lot": an amount stated for several lots that still applies lot by lot, not to the group
_PER_LOT = re.compile(r"\bpar\s+lot\b|\bchaque\s+lot\b|\bper\s+lot\b|\beach\s+lot\b|\bpour\s+chacun\b",
                      re.IGNORECASE)


def lots_named(clause: str) -> set[int] | None:
    """The lot numbers a clause names ("lot 1", "lots 2 à 6", "lots 1 et 2"), or None when it names none.

    TED gives selection criteria for the whole procedure, so a turnover stated "pour le lot 1" must not be
    applied to lot 3."""
    numbers: set[int] = set()
    for match in _LOT_LIST.finditer(clause):
        listed = match.group(1)
        for start, end in _RANGE.findall(listed):
            numbers.update(range(int(start), int(end) + 1))
        numbers.update(int(n) for n in re.findall(r"\d{1,3}", _RANGE.sub(" ", listed)))
    return numbers or None


def mentions_turnover(text: str | None) -> bool:
    """True when a text names a turnover at all (then a missing amount is unknown, not absent)."""
    return bool(text) and _mentions(text)


@lru_cache(maxsize=512)
def _mentions(text: str) -> bool:
    """The search, once per text: a TED notice gives its criteria once for every lot (a str caches its hash)."""
    return _TURNOVER.search(text) is not None


def _clauses(text: str) -> list[str]:
    """Split a text into clauses; a clause ending with ':' keeps the list items that follow it."""
    parts = [p.strip() for p in _CLAUSE_SPLIT.split(text.replace("\r", "\n")) if p and p.strip()]
    clauses: list[str] = []
    in_list = False  # inside the items of a list introduced by "…minimum de :"
    for part in parts:
        if clauses and (clauses[-1].endswith(":") or (in_list and _LIST_ITEM.match(part))):
            clauses[-1] = f"{clauses[-1]} {part}"
            in_list = True
        else:
            clauses.append(part)
            in_list = False
    return clauses


def _clause_requirement(clause: str, lot_number: int | None = None) -> TurnoverRequirement | None:
    """The minimum turnover one clause states, if it names a turnover, a minimum and an amount in a currency."""
    keyword = _TURNOVER.search(clause)
    if keyword is None or _MINIMUM.search(clause) is None or _CUMULATIVE.search(clause):
        return None
    amounts = [m for m in _AMOUNT.finditer(clause)
               if not _other_figure_between(clause, keyword, m) and _for_lot(clause, m, lot_number)]
    after = [m for m in amounts if m.start() >= keyword.start()]
    chosen = after or amounts[-1:]  # amounts after the turnover word, else the one just before it
    found = [(money, m) for m in chosen if (money := _money(m)) is not None]
    if not found or len({money.currency for money, _ in found}) > 1:
        return None
    money, match = min(found, key=lambda pair: pair[0].amount)
    named = _segment_lots(clause, match) if lot_number is not None else None
    group = named and len(named) > 1 and _GROUP.search(clause) and not _PER_LOT.search(clause)
    return TurnoverRequirement(money, clause, frozenset(named) if group else None)


def _segment_lots(clause: str, amount: re.Match[str]) -> set[int] | None:
    """The lots named in the list item (or the whole clause) holding the amount."""
    starts = [m.end() for m in _LIST_MARK.finditer(clause, 0, amount.start())]
    end = _LIST_MARK.search(clause, amount.end())
    return lots_named(clause[starts[-1] if starts else 0:end.start() if end else len(clause)])


def _for_lot(clause: str, amount: re.Match[str], lot_number: int | None) -> bool:
    """False when the list item (or the whole clause) holding the amount names other lots only."""
    if lot_number is None:
        return True
    named = _segment_lots(clause, amount)
    return named is None or lot_number in named


def _other_figure_between(clause: str, keyword: re.Match[str], amount: re.Match[str]) -> bool:
    """True when another financial figure (insurance, assets…) is named between the turnover word and the amount."""
    start, end = sorted((keyword.end(), amount.start()))
    if amount.start() < keyword.start():
        start, end = amount.end(), keyword.start()
    return _OTHER_FIGURE.search(clause, start, end) is not None


def _money(match: re.Match[str]) -> Money | None:
    """Turn one amount match into Money, applying its scale word (M€, million, k…)."""
    number = match.group("num_b") or match.group("num_a")
    scale = (match.group("scale_b") or match.group("scale_a") or "").lower().rstrip("s")
    currency_text = (match.group("cur_b") or match.group("cur_a")).lower().rstrip("s")
    currency = _CURRENCIES.get(currency_text, currency_text.upper())
    value = parse_number(number)
    if value is None or number_fault(value):  # past 10^18: no turnover, and too long to compute with
        return None
    exponent = _SCALES.get(scale, _SCALES.get(scale[:2], 0)) if scale else 0
    if exponent:
        value = value.scaleb(exponent)
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    return Money(value, currency) if value > 0 else None


def parse_number(text: str) -> Decimal | None:
    """Read '2 500 000', '1.200.000', '1,200,000.00', '2,5', '1.2': a separator followed by exactly three
    digits groups thousands; otherwise it is the decimal mark (French ',' or English '.')."""
    digits = re.sub(r"[\s\u00a0\u202f’']", " ", text.strip())
    groups = re.split(r"([ .,])", digits)
    numbers, seps = groups[0::2], groups[1::2]
    if not seps:
        return Decimal(numbers[0])
    last_sep, last_group = seps[-1], numbers[-1]
    if last_sep != " " and len(last_group) != 3:
        return Decimal("".join(numbers[:-1]) + "." + last_group)
    if last_sep == " " and len(last_group) != 3:
        return None
    return Decimal("".join(numbers))
