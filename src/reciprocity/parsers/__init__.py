"""Format detection and the one registry of notice parsers.

`iter_parse()` picks the parser by content, never by file name (`_sniff`): a JSON object carrying `id` and
`source_format` is a notice in the JSON contract, any other JSON is DECP; an XML root named
`ContractNotice`/`ContractAwardNotice`/`PriorInformationNotice` is eForms, `TED_EXPORT` is legacy TED, `marches`
is DECP XML. Anything else raises `UnknownFormatError` naming the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import NoticeParseError, NoticeTooLargeError, UnknownFormatError
from ..model import Notice
from . import contract, decp, eforms, ted
from ._decp_stream import Replay
from ._decp_xml import root_name
from ._sniff import HEAD_BYTES, content_kind, json_format, sniff
from ._xml import DEFAULT_MAX_BYTES, localname, parse_xml

Parser = Callable[..., Iterator[Notice | NoticeParseError]]
# The one registry. XML root local name -> (format, parser of the parsed root); JSON format -> parser of the bytes.
XML_ROOTS: dict[str, tuple[str, Parser]] = {
    **{name: ("eforms", eforms.iter_root) for name in eforms.ROOTS},
    "TED_EXPORT": ("ted", ted.iter_root),
    **{name: ("decp", decp.iter_xml_root) for name in ("marches", *decp.RECORD_ROOTS)},
}
JSON_FORMATS: dict[str, Parser] = {"contract": contract.iter_json, "decp": decp.iter_json}
FORMATS = ("eforms", "ted", "decp", "contract")

__all__ = ["DEFAULT_MAX_BYTES", "FORMATS", "detect_format", "iter_parse", "parse", "sniff"]


def detect_format(data: bytes, name: str | None = None) -> str:
    """Name the format of `data` ("eforms", "ted", "decp", "contract") by content, or raise `UnknownFormatError`."""
    name = name or "<input>"
    if content_kind(data, name) == "json":
        return json_format(data)
    return _xml_entry(parse_xml(data, name), name)[0]


def _xml_entry(root: Any, name: str) -> tuple[str, Parser]:
    entry = XML_ROOTS.get(localname(root))
    if entry is None:
        raise UnknownFormatError(name, f"unknown notice format (XML root <{localname(root)}>); expected eForms, "
                                       "TED XML or DECP")
    return entry


def iter_parse(source: str | Path | bytes | BinaryIO, name: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Notice | NoticeParseError]:
    """Yield every notice in a file; a bad record of a multi-record file is yielded as an error, not raised.

    Errors that spoil the whole file (unreadable, malformed, unknown format, over `max_bytes`) are raised.
    A DECP file (JSON or XML) given by path, and DECP JSON given as a binary stream (an archive member), is
    streamed record by record, never read whole (files reach hundreds of MB); `max_bytes` caps every document
    read whole.
    """
    if isinstance(source, bytes):
        yield from _iter_bytes(source, name or "<input>", max_bytes)
        return
    if not isinstance(source, str | Path):
        yield from _iter_stream(source, name or "<input>", max_bytes)
        return
    path = Path(source)
    name = name or str(path)
    head = _read(path, name, HEAD_BYTES)
    kind = content_kind(head, name)
    if (kind == "json" and json_format(head) == "decp") or (kind == "xml" and root_name(head) in decp.STREAMED):
        yield from decp.iter_path(path, name, is_json=kind == "json")
        return
    size = path.stat().st_size
    if size > max_bytes:
        raise NoticeTooLargeError(name, f"notice is {size:,} bytes, over the {max_bytes:,}-byte cap")
    yield from _iter_bytes(_read(path, name), name, max_bytes)


def _iter_stream(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[Notice | NoticeParseError]:
    head = stream.read(HEAD_BYTES)
    if sniff(head) == "json" and json_format(head) == "decp":
        yield from decp.iter_stream(Replay(head, stream), name)
        return
    data = head + stream.read(max_bytes + 1 - len(head))
    if len(data) > max_bytes:
        raise NoticeTooLargeError(name, f"notice is over the {max_bytes:,}-byte cap")
    yield from _iter_bytes(data, name, max_bytes)


def _read(path: Path, name: str, size: int = -1) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise NoticeParseError(name, f"cannot read file: {exc.strerror or exc}") from None


def _iter_bytes(data: bytes, name: str, max_bytes: int) -> Iterator[Notice | NoticeParseError]:
    if content_kind(data, name) == "json":
        fmt = json_format(data)
        if fmt == "contract" and len(data) > max_bytes:
            raise NoticeTooLargeError(name, f"notice is {len(data):,} bytes, over the {max_bytes:,}-byte cap")
        yield from JSON_FORMATS[fmt](data, name)
        return
    root = parse_xml(data, name, max_bytes)
    yield from _xml_entry(root, name)[1](root, name)


def parse(source: str | Path | bytes, name: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Notice]:
    """Parse a file or bytes into notices (one for eForms/TED, one per contract for DECP, one per line of JSON
    Lines in the contract shape). Raises `NoticeParseError` (or a subclass) naming the file if anything in it
    cannot be read."""
    notices = []
    for item in iter_parse(source, name, max_bytes):
        if isinstance(item, NoticeParseError):
            raise item
        notices.append(item)
    return notices
