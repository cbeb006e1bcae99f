"""How large (or how small) a number read from outside may be: the one bound every reader shares.

A value past it cannot be a real amount, count or share, and carrying it on breaks what follows: writing
`Decimal("1E+999999999")` in plain notation is a gigabyte of text, `int()` of it takes minutes, decimal arithmetic
at the default precision raises past 28 digits, SQLite refuses an integer past 2^63. So the parsers report such a
value missing, with a warning naming it (and `to_eur` never raises, whatever it is given); every path goes on.
Plausibility (is 2 bn EUR believable for this notice?) is another matter, decided by the rules' data.
"""

from __future__ import annotations

from decimal import Decimal

LARGEST_DIGITS = 18  # 10^18, a billion billion: beyond any amount, count or share in any currency; under 2^63
MAX_DECIMALS = 30  # 10^-30: no real value is that small, and "0.000…" would be as long as its exponent
_LIMIT = 10**LARGEST_DIGITS
_TOO_LARGE = f"beyond any real amount or count (10^{LARGEST_DIGITS} or more)"


def number_fault(number: Decimal | int) -> str | None:
    """Why a number read from a notice cannot be kept (not finite, too large, too many decimals), or None."""
    if isinstance(number, int):  # the common case (ijson gives whole amounts as int): no Decimal needed
        return None if -_LIMIT < number < _LIMIT else _TOO_LARGE
    if not number.is_finite():
        return "not a finite number"
    if number and number.adjusted() >= LARGEST_DIGITS:  # no arithmetic: 1E+999999999 overflows any context
        return _TOO_LARGE
    if number.adjusted() < -MAX_DECIMALS:  # 1E-999999999 (a long run of written digits is the input's own size)
        return f"smaller than 10^-{MAX_DECIMALS}"
    return None


def amount_warning(amount: Decimal) -> str | None:
    """The parse warning an amount that is kept still deserves (a negative amount), or None."""
    return f"negative amount {shown(amount)} (kept as published)" if amount < 0 else None


def shown(number: Decimal | int) -> str:
    """A number for a message: plain when short, in scientific notation when it would be long."""
    if isinstance(number, int):
        number = Decimal(number)
    if number_fault(number) is None:
        return format(number, "f")
    return format(number, ".6g")
