"""What kind of content a document holds, told from its first bytes: the one place a byte-order mark is stripped.

Detection is by content, never by file name or declared type. JSON starts with `{` or `[`; XML with `<`, in
UTF-8 (or another ASCII-compatible encoding), UTF-16 or UTF-32; a JSON object that carries the contract's `id`
and `source_format` keys is a notice in the JSON contract (what `reciprocity parse` prints), any other JSON is
DECP. JSON is read in UTF-8 only (RFC 8259): JSON in UTF-16 or UTF-32 is refused with an error saying so.
"""

from __future__ import annotations

import io

import ijson

from ..errors import NoticeParseError, UnknownFormatError
from ._json_limits import JsonLimits

BOM = b"\xef\xbb\xbf"
HEAD_BYTES = 64 * 1024  # enough to see the first tag or the first keys of any real document
_BLANKS = b" \t\r\n"
# byte-order marks of the wide encodings, longest first (the UTF-32 LE mark begins with the UTF-16 LE one)
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
              (b"\xfe\xff", "utf-16-be"))
_CONTRACT_KEYS = frozenset({"id", "source_format"})


def strip_bom(data: bytes) -> bytes:
    """The bytes without a leading UTF-8 byte-order mark (written by Windows tools and Excel exports)."""
    return data.removeprefix(BOM)


def content_start(data: bytes) -> bytes:
    """The first bytes of real content: after a UTF-8 byte-order mark and leading white space."""
    head = strip_bom(data[:HEAD_BYTES]).lstrip(_BLANKS)
    if not head and len(data) > HEAD_BYTES:  # a document that opens with more white space than the head holds
        head = strip_bom(data).lstrip(_BLANKS)[:HEAD_BYTES]
    return head


def wide_encoding(data: bytes) -> str | None:
    """"utf-16-le", "utf-16-be", "utf-32-le" or "utf-32-be" when the text is in one (told from its byte-order mark,
    or the zero bytes ASCII characters carry in it), None for UTF-8 and the other ASCII-compatible encodings."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            return encoding
    head = data[:4]
    if len(head) < 4 or b"\x00" not in head:
        return None
    if head[:3] == b"\x00\x00\x00":
        return "utf-32-be"
    if head[1:] == b"\x00\x00\x00":
        return "utf-32-le"
    return "utf-16-be" if head[0] == 0 else "utf-16-le" if head[1] == 0 else None


def _wide_start(data: bytes, encoding: str) -> str:
    return data[:64].decode(encoding, "ignore").lstrip("\ufeff \t\r\n")[:1]


def sniff(data: bytes) -> str | None:
    """"json", "xml", or None for anything else (empty, text, binary, JSON not in UTF-8); never raises."""
    encoding = wide_encoding(data)
    if encoding:
        return "xml" if _wide_start(data, encoding) == "<" else None
    head = content_start(data)
    if head[:1] in (b"{", b"["):
        return "json"
    return "xml" if head[:1] == b"<" else None


def content_kind(data: bytes, name: str) -> str:
    """Like `sniff`, but content that is neither JSON nor XML is an error naming the file and what it starts with."""
    kind = sniff(data)
    if kind is not None:
        return kind
    encoding = wide_encoding(data)
    if encoding and _wide_start(data, encoding) in ("{", "["):
        raise UnknownFormatError(name, f"JSON encoded in {encoding.upper()}: JSON is read in UTF-8 only; "
                                       "save the file as UTF-8")
    head = content_start(data)
    if not head:
        raise NoticeParseError(name, "empty file")
    if b"\x00" in head[:4096]:
        raise UnknownFormatError(name, "binary content, not an XML or JSON notice")
    first_line = head[:60].split(b"\n", 1)[0].decode("utf-8", "replace")
    raise UnknownFormatError(name, f"not an XML or JSON notice (starts with {first_line!r})")


def json_format(data: bytes) -> str:
    """"contract" when the first JSON object's top-level keys include `id` and `source_format`, else "decp".

    A head past the JSON limits is not parsed here ("decp"): the DECP reader checks the same limits and refuses
    the document naming it."""
    keys: set[str] = set()
    head = content_start(data)
    try:
        JsonLimits(None).check(head)
    except NoticeParseError:
        return "decp"
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(head), multiple_values=True):
            if prefix == "" and event == "map_key":
                keys.add(value)
                if _CONTRACT_KEYS <= keys:
                    return "contract"
            elif prefix == "" and event in ("end_map", "start_array"):
                break  # the first top-level value is over, or a list (DECP)
    except (ijson.JSONError, ValueError, ArithmeticError):
        pass  # the head ends mid-document, or the JSON is malformed: the format's parser says so
    return "decp"
