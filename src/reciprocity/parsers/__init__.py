"""Format detection and the one registry of notice parsers.

`parse()` picks the parser by content, never by file name: a JSON document is DECP, an XML root named
`ContractNotice`/`ContractAwardNotice`/`PriorInformationNotice` is eForms, `TED_EXPORT` is legacy TED,
`marches` is DECP XML. Anything else raises `UnknownFormatError` naming the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import NoticeParseError, UnknownFormatError
from ..model import Notice
from . import decp, eforms, ted
from ._xml import localname, parse_xml

# XML root local name -> parser of that root. The one explicit registry.
XML_PARSERS: dict[str, Callable[..., Iterator[Notice | NoticeParseError]]] = {
    **{name: eforms.iter_root for name in eforms.ROOTS},
    "TED_EXPORT": ted.iter_root,
    **{name: decp.iter_xml_root for name in ("marches", *decp.RECORD_ROOTS)},
}

__all__ = ["detect_format", "iter_parse", "parse", "read_source"]


def read_source(source: str | Path | bytes, name: str | None = None) -> tuple[bytes, str]:
    """Return (bytes, display name) for a path or raw bytes."""
    if isinstance(source, bytes):
        return source, name or "<input>"
    path = Path(source)
    try:
        return path.read_bytes(), name or str(path)
    except OSError as exc:
        raise NoticeParseError(name or str(path), f"cannot read file: {exc.strerror or exc}") from None


def _strip(data: bytes) -> bytes:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")


_XML_STARTS = (b"<", b"\xff\xfe", b"\xfe\xff", b"\x00<")  # UTF-8/ASCII, UTF-16 BOMs, UTF-16 without BOM


def _check_markup(head: bytes, name: str) -> None:
    """Content that is neither XML nor JSON gets a plain answer, not an XML syntax error on line 1."""
    if head.startswith(_XML_STARTS):
        return
    if b"\x00" in head[:4096]:
        raise UnknownFormatError(name, "binary content, not an XML or JSON notice")
    first_line = head[:60].split(b"\n", 1)[0].decode("utf-8", "replace")
    raise UnknownFormatError(name, f"not an XML or JSON notice (starts with {first_line!r})")


def detect_format(data: bytes, name: str | None = None) -> str:
    """Name the format of `data` ("eforms", "ted", "decp") by content, or raise `UnknownFormatError`."""
    head = _strip(data)
    if not head:
        raise NoticeParseError(name, "empty file")
    if head[:1] in (b"{", b"["):
        return "decp"
    _check_markup(head, name or "<input>")
    root = parse_xml(data, name)
    return _xml_format(root, name)


def _xml_format(root, name: str | None) -> str:
    local = localname(root)
    if local in eforms.ROOTS:
        return "eforms"
    if local == "TED_EXPORT":
        return "ted"
    if local == "marches" or local in decp.RECORD_ROOTS:
        return "decp"
    raise UnknownFormatError(name, f"unknown notice format (XML root <{local}>); expected eForms, TED XML or DECP")


def iter_parse(source: str | Path | bytes, name: str | None = None) -> Iterator[Notice | NoticeParseError]:
    """Yield every notice in a file; a bad record of a multi-record file is yielded as an error, not raised.

    Errors that spoil the whole file (unreadable, malformed, unknown format) are raised.
    A DECP file (JSON or XML) given by path is streamed record by record, never read whole (files reach
    hundreds of MB).
    """
    if not isinstance(source, bytes) and decp.streamable(Path(source)):
        yield from decp.iter_path(Path(source), name or str(source))
        return
    data, name = read_source(source, name)
    head = _strip(data)
    if not head:
        raise NoticeParseError(name, "empty file")
    if head[:1] in (b"{", b"["):
        yield from decp.iter_json(data, name)
        return
    _check_markup(head, name)
    root = parse_xml(data, name)
    _xml_format(root, name)
    yield from XML_PARSERS[localname(root)](root, name)


def parse(source: str | Path | bytes, name: str | None = None) -> list[Notice]:
    """Parse a file or bytes into notices (one for eForms/TED, one per contract for DECP).

    Raises `NoticeParseError` (or a subclass) naming the file if anything in it cannot be read.
    """
    notices = []
    for item in iter_parse(source, name):
        if isinstance(item, NoticeParseError):
            raise item
        notices.append(item)
    return notices
