"""Mutated notices for the fuzz test (test_fuzz.py) and its longer run (bench/fuzz.py): the property and its inputs.

Inputs are our own samples of the three formats (data/tenders: eForms, TED XML, DECP JSON) changed by
hypothesis: bytes flipped, cut, repeated or spliced, and values swapped for the hostile ones the attack campaign
of issue 16 found (a 5,000-digit number, deep nesting, 10^999999999, a 40-digit year, a DTD, invalid UTF-8…).
The property: reading a document either gives notices, each of which can be assessed, written as JSON and as a
report and turned into store rows, or raises an error of the `ReciprocityError` hierarchy. Nothing else.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import strategies as st

from reciprocity import assess, parse
from reciprocity.assessment_text import render
from reciprocity.audit.ingest import _storable
from reciprocity.audit.rows import assessment_rows
from reciprocity.errors import ReciprocityError

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "data" / "tenders"
FILES = [path.read_bytes() for path in sorted(SAMPLES_DIR.iterdir())
         if path.suffix in (".xml", ".json") and not path.name.endswith(".expected.json")]
# ... and the same notices in the JSON contract (what `reciprocity parse` prints: a fourth input format)
SAMPLES = FILES + [json.dumps(notice.to_dict(), ensure_ascii=False).encode() for data in FILES[:4]
                   for notice in parse(data, name="sample")[:1]]
HOSTILE = [
    b"9" * 5000, b"-" + b"1" * 4400, b"[" * 300, b"{\"a\":" * 80, b"1E+999999999", b"1E-999999999", b"-5000",
    b"NaN", b"Infinity", b"-0", b"1" * 40, b"99999999999999999999999", b"\xc0\xaf", b"\xed\xa0\x80", b"\xff\xfe",
    b"\x00", b"\\", b"\\u0000", b"\\ud800", b'"', b"<", b">", b"&", b"&lol;", b"]]>", b"<![CDATA[x]]>",
    b'<!DOCTYPE a [<!ENTITY lol "lol">]>', b"<!-- x -->", b"\xef\xbb\xbf", b"\r\n", b" " * 70_000, b"=HYPERLINK(1)",
    "é€漢𝄞".encode(), b"0000-00-00", b"2024-02-30", b"20241399", b"null", b"true", b"[]", b"{}",
]
_TEXT_VALUE = re.compile(rb">([^<>]{1,80})<")
_JSON_VALUE = re.compile(rb':\s*("(?:[^"\\]|\\.){0,80}"|-?[0-9.eE+]{1,30}|true|false|null)')


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """One of our samples, changed in one to four ways: more often values only (the document stays well formed
    and goes on to the rules), else any bytes."""
    data = draw(st.sampled_from(SAMPLES))
    mutations = [_swap_value] if draw(st.integers(0, 9)) < 6 else _MUTATIONS
    for _ in range(draw(st.integers(1, 4))):
        data = draw(st.sampled_from(mutations))(draw, data)
    return data


def _swap_value(draw: st.DrawFn, data: bytes) -> bytes:
    """Replace one element text (XML) or one value (JSON) by a hostile one."""
    pattern = _JSON_VALUE if data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"[") else _TEXT_VALUE
    matches = list(pattern.finditer(data))
    if not matches:
        return data
    match = draw(st.sampled_from(matches))
    return data[:match.start(1)] + draw(st.sampled_from(HOSTILE)) + data[match.end(1):]


def _insert(draw: st.DrawFn, data: bytes) -> bytes:
    at = draw(st.integers(0, len(data)))
    return data[:at] + draw(st.sampled_from(HOSTILE) | st.binary(max_size=16)) + data[at:]


def _delete(draw: st.DrawFn, data: bytes) -> bytes:
    start = draw(st.integers(0, len(data)))
    return data[:start] + data[start + draw(st.integers(1, 200)):]


def _flip(draw: st.DrawFn, data: bytes) -> bytes:
    if not data:
        return data
    at = draw(st.integers(0, len(data) - 1))
    return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]


def _repeat(draw: st.DrawFn, data: bytes) -> bytes:
    start = draw(st.integers(0, len(data)))
    piece = data[start:start + draw(st.integers(1, 400))]
    return data[:start] + piece * draw(st.integers(2, 50)) + data[start:]


def _truncate(draw: st.DrawFn, data: bytes) -> bytes:
    return data[:draw(st.integers(0, len(data)))]


def _splice(draw: st.DrawFn, data: bytes) -> bytes:
    other = draw(st.sampled_from(SAMPLES))
    return data[:draw(st.integers(0, len(data)))] + other[draw(st.integers(0, len(other))):]


_MUTATIONS = [_swap_value, _swap_value, _swap_value, _insert, _delete, _flip, _repeat, _truncate, _splice]


def read_everything(data: bytes) -> str:
    """Parse, assess, write out and turn into rows; only `ReciprocityError` may come out. Returns what happened:
    "notices", "no notice", or the code of the error that refused the document."""
    try:
        notices = parse(data, name="fuzzed")
    except ReciprocityError as exc:
        return exc.code
    for notice in notices:
        assessment = assess(notice)
        json.dumps(assessment.to_dict(), ensure_ascii=False)
        render(assessment, "en")
        render(assessment, "fr")
        _storable(assessment_rows(assessment, "fuzzed"))
    return "notices" if notices else "no notice"
