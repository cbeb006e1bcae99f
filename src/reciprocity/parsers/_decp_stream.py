"""Read DECP JSON record by record from a binary file object, never the whole file (files reach hundreds of MB).

Three layouts (decp.md §2-3): 2019 and the flat 2022 variant `{"marches": [...]}`, the 2022 schema
`{"marches": {"marche": [...], "contrat-concession": [...]}}`, and a bare top-level list. The layout is told from
the first bytes, then ijson yields one record at a time. Three faults of real files are fixed on the fly: a
UTF-8 BOM, bare `NaN`/`Infinity` tokens (invalid JSON written by pandas exports), which become `null`, and lone
backslashes that start no JSON escape (`"C:\\ dossier"`, decp.md §5), which are doubled so the text keeps them.
The NaN token is recognised by its place (after `:`, `,` or `[`, before `,`, `]` or `}`), not by a full
tokenizer, so a text value that itself contains ": NaN," would be rewritten too (never seen in the data).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

from ..errors import NoticeParseError, UnknownFormatError
from ._json_limits import JsonLimits
from ._sniff import strip_bom

CHUNK = 64 * 1024
_HEAD_LIMIT = 4 * 1024 * 1024  # read at most this much to find where the records are
# NaN/Infinity words; they are tokens only in value position: after `:`, `,` or `[`, before `,`, `]` or `}`
_NAN_WORD = re.compile(rb"NaN|Infinity")
_BLANKS = b" \t\r\n"
# a backslash pair (replaced by itself) or a backslash that starts no valid escape (doubled); both patterns
# begin with a literal so the regex engine skips ahead fast
_BAD_ESCAPE = re.compile(rb"\\(?:\\|(?![\\\"/bfnrtu]))")
_LETTERS = bytes(range(ord("A"), ord("Z") + 1)) + bytes(range(ord("a"), ord("z") + 1))
_TOKEN_CHARS = frozenset(b" \t\r\n:,[-\\" + _LETTERS)  # never split a read just after one of these
_NESTED_KEYS = {"marches.marche": "marche", "marches.contrat-concession": "contrat-concession"}


class CleanReader:
    """A read()-able view of a binary file that drops a leading BOM, turns NaN/Infinity into null, doubles lone
    backslashes. A few bytes are held back at each chunk end so that a token split across reads is seen whole.
    What it hands out is checked against the JSON limits (`_json_limits`) first.
    """

    def __init__(self, raw: BinaryIO, source: str | None = None) -> None:
        self._raw = raw
        self._pending = b""
        self._started = False
        self._eof = False
        self._limits = JsonLimits(source)
        self._fault: NoticeParseError | None = None

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the type of the stream with read(0): consume nothing
            return b""
        size = CHUNK if size is None or size < 0 else size
        while not self._eof:
            chunk = self._raw.read(size)
            if not self._started:
                chunk, self._started = strip_bom(chunk), True
            if not chunk:
                self._eof = True
                break
            data, cut = self._pending + chunk, self._cut(self._pending + chunk)
            self._pending = data[cut:]
            if cut:
                return self._checked(_fix(data[:cut]))
        out, self._pending = _fix(self._pending), b""
        return self._checked(out)

    def _checked(self, data: bytes) -> bytes:
        """`data` within the JSON limits; past a limit, the bytes before the fault, then the fault itself."""
        if self._fault is not None:
            raise self._fault
        try:
            self._limits.check(data)
        except NoticeParseError as fault:
            self._fault, data = fault, data[:self._limits.passing_prefix(data)]
            if not data:
                raise
        return data

    @staticmethod
    def _cut(data: bytes) -> int:
        """Where to split so that no `: NaN ,` sequence straddles the split (at most 256 bytes held back)."""
        cut = max(len(data) - 16, 0)
        floor = max(cut - 256, 0)
        while cut > floor and data[cut - 1] in _TOKEN_CHARS:
            cut -= 1
        return cut


def _fix(data: bytes) -> bytes:
    if b"\\" in data:
        data = _BAD_ESCAPE.sub(rb"\\\\", data)
    if b"NaN" not in data and b"Infinity" not in data:
        return data
    parts, last = [], 0
    for match in _NAN_WORD.finditer(data):
        start = match.start() - (data[match.start() - 1:match.start()] == b"-")
        if _is_value_position(data, start, match.end()):
            parts += [data[last:start], b"null"]
            last = match.end()
    return b"".join(parts) + data[last:]


def _is_value_position(data: bytes, start: int, end: int) -> bool:
    """True when data[start:end] stands where a JSON value does: after `:`, `,` or `[`, before `,`, `]`, `}`."""
    before = start - 1
    while before >= 0 and data[before] in _BLANKS:
        before -= 1
    after = end
    while after < len(data) and data[after] in _BLANKS:
        after += 1
    return before >= 0 and data[before] in b":,[" and after < len(data) and data[after] in b",]}"


class Replay:
    """A reader that first gives back the bytes already read (to find the layout, the format), then the rest."""

    def __init__(self, head: bytes, rest: CleanReader | BinaryIO) -> None:
        self._head = io.BytesIO(head)
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        return self._head.read(size) or self._rest.read(size)


def iter_records(fileobj: BinaryIO, source: str) -> Iterator[tuple[str | None, Any]]:
    """Yield (container, record) for every DECP record; container is "marche", "contrat-concession" or None.

    Raises `NoticeParseError` for a document that is not DECP JSON or is malformed (with the records read so far).
    """
    reader = CleanReader(fileobj, source)
    head, layout = _find_layout(reader, source)
    stream = Replay(head, reader)
    done = 0
    try:
        if layout == "nested":
            for container, record in _nested_records(stream):
                done += 1
                yield container, record
        else:
            for record in ijson.items(stream, layout):
                done += 1
                yield None, record
    except (ijson.JSONError, ValueError, ArithmeticError) as exc:  # invalid UTF-8 in a string, 1e99999999999999999999
        raise NoticeParseError(source, f"malformed DECP JSON after {done} records: {_reason(exc)}") from None


def _reason(exc: Exception) -> str:
    """The parser's message on one line, short, saying what was wrong rather than where in C it was found."""
    if isinstance(exc, UnicodeDecodeError):
        return f"invalid UTF-8 ({exc.reason}) in a text value"
    if isinstance(exc, ArithmeticError):
        return "a number whose exponent is out of range"
    message = exc.args[0] if exc.args else exc
    if isinstance(message, bytes):  # yajl's own messages come as bytes, quoting the bytes at fault
        message = message.decode("utf-8", "replace")
    return " ".join(str(message).split())[:200]


def _find_layout(reader: CleanReader, source: str) -> tuple[bytes, str]:
    """Read just enough of the document to tell where its records are: an ijson prefix, or "nested"."""
    head = b""
    while True:
        chunk = reader.read(CHUNK)
        head += chunk
        layout = _layout_of(head, complete=not chunk, source=source)
        if layout is not None:
            return head, layout
        if not chunk or len(head) > _HEAD_LIMIT:
            raise UnknownFormatError(source, "unknown JSON format: no DECP 'marches' list or object found")


def _layout_of(head: bytes, complete: bool, source: str) -> str | None:
    try:
        for prefix, event, _value in ijson.parse(io.BytesIO(head), buf_size=1024):  # stop early, not after 64 KB
            if prefix == "" and event == "start_array":
                return "item"
            if prefix == "marches" and event == "start_array":
                return "marches.item"
            if prefix == "marches" and event == "start_map":
                return "nested"
    except (ijson.JSONError, ValueError, ArithmeticError) as exc:
        if complete or isinstance(exc, UnicodeDecodeError | ArithmeticError):
            raise NoticeParseError(source, f"malformed JSON: {_reason(exc)}") from None
    return None


def _nested_records(stream: Replay) -> Iterator[tuple[str, Any]]:
    """One pass over the 2022 layout, building each `marche` / `contrat-concession` item from ijson events."""
    builder, container, depth = None, None, 0
    for prefix, event, value in ijson.parse(stream):
        if builder is None:
            item_of = prefix[:-5] if prefix.endswith(".item") else prefix
            if event == "start_map" and item_of in _NESTED_KEYS:
                builder, container, depth = ijson.ObjectBuilder(), _NESTED_KEYS[item_of], 0
            else:
                continue
        builder.event(event, value)
        depth += event in ("start_map", "start_array")
        depth -= event in ("end_map", "end_array")
        if depth == 0:
            yield container, builder.value
            builder = None
