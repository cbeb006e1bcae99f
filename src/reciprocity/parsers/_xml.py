"""The hardened XML entry point every XML parser goes through, plus small lxml helpers.

XML from outside is hostile until proven otherwise: no DTD is loaded, no entity is resolved, nothing is
fetched from the network, huge trees are refused, and a notice larger than the cap is refused before parsing.
Real notices never carry a DOCTYPE, so one is refused outright rather than parsed around: the whole document is
searched (a DTD may follow a long comment), in the encoding the parser will read it in (UTF-16 hides it from a
byte search).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from lxml import etree

from ..errors import NoticeParseError, NoticeTooLargeError, UnsafeXMLError
from ._sniff import wide_encoding

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DOCTYPE_TEXT = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_SCAN_CHUNK = 1024 * 1024
_UNSAFE = "XML declares a DOCTYPE or entities; refused (never expanded or fetched)"
# what libxml2 says when it meets entities before our checks could: still the unsafe-XML error, not "malformed"
_ENTITY_FAULTS = ("amplification", "entity reference loop")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def refuse_doctype(data: bytes, source: str | None) -> None:
    """Raise `UnsafeXMLError` when the document (or this chunk of it) declares a DTD or entities."""
    encoding = wide_encoding(data) or _ascii_incompatible(data)
    found = _DOCTYPE_TEXT.search(data.decode(encoding, "replace")) if encoding else _DOCTYPE.search(data)
    if found:
        raise UnsafeXMLError(source, _UNSAFE)


def refuse_doctype_in_file(path: Path, source: str | None) -> None:
    """`refuse_doctype` over a file read in chunks (a file streamed record by record is never held whole)."""
    with path.open("rb") as handle:
        head = handle.read(_SCAN_CHUNK)
        refuse_doctype(head, source)
        if wide_encoding(head) or _ascii_incompatible(head):
            return  # such files are never streamed: the whole-document parse scans them
        tail = head[-16:]
        while chunk := handle.read(_SCAN_CHUNK):
            refuse_doctype(tail + chunk, source)  # the overlap finds a declaration cut between two reads
            tail = chunk[-16:]


def _ascii_incompatible(data: bytes) -> str | None:
    """The declared encoding when it does not write "<!DOCTYPE" as those ASCII bytes (e.g. UTF-7), else None."""
    declared = _DECLARED.match(data[:200])
    if declared is None:
        return None
    try:
        name = codecs.lookup(declared.group(1).decode("ascii")).name
    except LookupError:  # unknown to Python: the check after parsing still applies
        return None
    return None if "<!DOCTYPE".encode(name, "ignore") == b"<!DOCTYPE" else name


def parse_xml(data: bytes, source: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse untrusted XML bytes into a root element, or raise a `NoticeParseError` naming `source`."""
    if len(data) > max_bytes:
        raise NoticeTooLargeError(source, f"notice is {len(data):,} bytes, over the {max_bytes:,}-byte cap")
    refuse_doctype(data, source)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, source) from None
    except ValueError as exc:  # e.g. unicode strings with an encoding declaration
        raise NoticeParseError(source, f"unreadable XML: {exc}") from None
    if root is None:
        raise NoticeParseError(source, "empty XML document")
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # an encoding the scan could not read
        raise UnsafeXMLError(source, _UNSAFE)
    return root


def syntax_error(exc: etree.XMLSyntaxError, source: str | None) -> NoticeParseError:
    """The error for an lxml syntax error: unsafe XML when libxml2 stopped on entities, else malformed XML."""
    message = exc.msg or str(exc)
    if any(word in message.lower() for word in _ENTITY_FAULTS):
        return UnsafeXMLError(source, f"{_UNSAFE}: {message}")
    return NoticeParseError(source, f"malformed XML: {message}", line=exc.lineno)


def localname(element: etree._Element) -> str:
    """The tag without its namespace (TED namespaces change between releases: match local names)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def clean_text(value: str | None) -> str | None:
    """Collapse white space; empty text becomes None."""
    if value is None:
        return None
    text = " ".join(value.split())
    return text or None
