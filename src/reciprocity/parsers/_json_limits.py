"""Limits on JSON, checked on the bytes before the streaming parser (ijson's C backend) reads them.

Two shapes of hostile JSON hurt the parser itself, so they are refused before it sees them:
- an integer of more than 4,300 digits crashes the process (Python refuses to convert it and the C backend does
  not handle the refusal: signal 11), so a run of more than MAX_DIGITS digits outside a string is refused;
- deep nesting costs memory quadratic in the depth (ijson keeps the path of every open level): a DECP record is
  less than 10 levels deep, so more than MAX_DEPTH open arrays or objects are refused.
Strings are followed across chunks (escapes included), so brackets and digits inside text never count. The work
is done with bytes methods (split, translate, replace), so checking costs a small fraction of the parse.
"""

from __future__ import annotations

import copy
from itertools import accumulate, count
from operator import sub

from ..errors import NoticeParseError

MAX_DEPTH = 64
MAX_DIGITS = 1000  # no amount, count or identifier comes near; Python itself stops at 4,300
_DIGITS_TO_ZERO = bytes(48 if b in b"0123456789" else 32 for b in range(256))  # digit -> "0", other -> " "
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = bytes(2 if b in b"[{" else 0 for b in range(256))  # opener 2, closer 0: depth change = value - 1


class JsonLimits:
    """Checks a JSON document chunk by chunk (`check(data)` with the bytes in order) against the two limits."""

    def __init__(self, source: str | None) -> None:
        self.source = source
        self.depth = 0
        self.in_string = False
        self.escape = b""  # a backslash that ended the last chunk inside a string: it escapes the next byte
        self.digits = 0  # length of the digit run the last chunk ended with (outside strings)
        self.offset = 0

    def check(self, data: bytes) -> None:
        """Raise `NoticeParseError` naming the source when these next bytes exceed a limit (the state is then
        left as it was before them)."""
        before = copy.copy(self)
        try:
            start, self.offset = self.offset, self.offset + len(data)
            outside = self._outside_strings(data)
            self._check_digits(outside, start)
            self._check_depth(outside, start)
        except NoticeParseError:
            self.__dict__.update(before.__dict__)
            raise

    def passing_prefix(self, data: bytes) -> int:
        """The length of the longest start of `data` within the limits (the state is not changed): what comes
        before a fault can still be read."""
        good, bad = 0, len(data)
        while bad - good > 1:
            middle = (good + bad) // 2
            try:
                copy.copy(self).check(data[:middle])
                good = middle
            except NoticeParseError:
                bad = middle
        return good

    def _fail(self, reason: str, start: int) -> None:
        where = f"bytes {start:,} to {self.offset:,}"
        raise NoticeParseError(self.source, f"{reason} (in {where}); refused before parsing")

    def _outside_strings(self, data: bytes) -> bytes:
        """The bytes of `data` that stand outside JSON strings, one space where a string was."""
        data = self.escape + data
        self.escape = b""
        if b"\\" in data:
            trailing = len(data) - len(data.rstrip(b"\\"))
            if trailing % 2:  # the last backslash escapes the first byte of the next chunk
                data, self.escape = data[:-1], b"\\"
            # drop escape pairs: what is left of a run of backslashes decides whether a quote is escaped
            data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
        parts = data.split(b'"')
        pieces = parts[1::2] if self.in_string else parts[0::2]
        if len(parts) % 2 == 0:  # an odd number of quotes: the chunk ends on the other side
            self.in_string = not self.in_string
        if not self.in_string:
            self.escape = b""  # a backslash outside a string is a syntax error the parser reports
        return b" ".join(pieces)

    def _check_digits(self, outside: bytes, start: int) -> None:
        runs = b"0" * self.digits + outside.translate(_DIGITS_TO_ZERO)
        if b"0" * (MAX_DIGITS + 1) in runs:
            self._fail(f"a number of more than {MAX_DIGITS:,} digits", start)
        self.digits = len(runs) - len(runs.rstrip(b"0"))

    def _check_depth(self, outside: bytes, start: int) -> None:
        brackets = outside.translate(None, _NOT_BRACKETS)
        if not brackets:
            return
        openers = brackets.count(b"[") + brackets.count(b"{")
        if self.depth + openers > MAX_DEPTH:
            # running depth after k brackets = depth + (sum of the first k steps) - k
            deepest = self.depth + max(map(sub, accumulate(brackets.translate(_STEP), initial=0), count()))
            if deepest > MAX_DEPTH:
                self._fail(f"JSON nested more than {MAX_DEPTH} levels deep", start)
        self.depth += 2 * openers - len(brackets)
