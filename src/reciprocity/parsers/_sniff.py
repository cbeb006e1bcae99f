"""What kind of content a document holds, told from its first bytes: the one place a byte-order mark is stripped.

Detection is by content, never by file name or declared type. JSON starts with `{` or `[`; XML with `<`, or a
UTF-16 byte-order mark; a JSON object that carries the contract's `id` and `source_format` keys is a notice in
the JSON contract (what `reciprocity parse` prints), any other JSON is DECP.
"""

from __future__ import annotations

import io

import ijson

from ..errors import NoticeParseError, UnknownFormatError

BOM = b"\xef\xbb\xbf"
HEAD_BYTES = 64 * 1024  # enough to see the first tag or the first keys of any real document
_BLANKS = b" \t\r\n"
_XML_STARTS = (b"<", b"\xff\xfe", b"\xfe\xff", b"\x00<")  # UTF-8/ASCII, UTF-16 BOMs, UTF-16 without BOM
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


def sniff(data: bytes) -> str | None:
    """"json", "xml", or None for anything else (empty, text, binary); never raises."""
    head = content_start(data)
    if head[:1] in (b"{", b"["):
        return "json"
    return "xml" if head.startswith(_XML_STARTS) else None


def content_kind(data: bytes, name: str) -> str:
    """Like `sniff`, but content that is neither JSON nor XML is an error naming the file and what it starts with."""
    kind = sniff(data)
    if kind is not None:
        return kind
    head = content_start(data)
    if not head:
        raise NoticeParseError(name, "empty file")
    if b"\x00" in head[:4096]:
        raise UnknownFormatError(name, "binary content, not an XML or JSON notice")
    first_line = head[:60].split(b"\n", 1)[0].decode("utf-8", "replace")
    raise UnknownFormatError(name, f"not an XML or JSON notice (starts with {first_line!r})")


def json_format(data: bytes) -> str:
    """"contract" when the first JSON object's top-level keys include `id` and `source_format`, else "decp"."""
    keys: set[str] = set()
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(content_start(data)), multiple_values=True):
            if prefix == "" and event == "map_key":
                keys.add(value)
                if _CONTRACT_KEYS <= keys:
                    return "contract"
            elif prefix == "" and event in ("end_map", "start_array"):
                break  # the first top-level value is over, or a list (DECP)
    except (ijson.JSONError, ValueError):
        pass  # the head ends mid-document, or the JSON is malformed: the format's parser says so
    return "decp"
