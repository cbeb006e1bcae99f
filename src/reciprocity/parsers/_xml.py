"""The hardened XML entry point every XML parser goes through, plus small lxml helpers.

XML from outside is hostile until proven otherwise: no DTD is loaded, no entity is resolved, nothing is
fetched from the network, huge trees are refused, and a notice larger than the cap is refused before parsing.
Real notices never carry a DOCTYPE, so one is refused outright rather than parsed around.
"""

from __future__ import annotations

import re

from lxml import etree

from ..errors import NoticeParseError, NoticeTooLargeError, UnsafeXMLError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


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


def refuse_doctype(head: bytes, source: str | None) -> None:
    """Raise `UnsafeXMLError` when the first bytes of a document declare a DTD or entities."""
    if _DOCTYPE.search(head[:65536]):
        raise UnsafeXMLError(source, "XML declares a DOCTYPE or entities; refused (never expanded or fetched)")


def parse_xml(data: bytes, source: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse untrusted XML bytes into a root element, or raise a `NoticeParseError` naming `source`."""
    if len(data) > max_bytes:
        raise NoticeTooLargeError(source, f"notice is {len(data):,} bytes, over the {max_bytes:,}-byte cap")
    refuse_doctype(data, source)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise NoticeParseError(source, f"malformed XML: {exc.msg}", line=exc.lineno) from None
    except ValueError as exc:  # e.g. unicode strings with an encoding declaration
        raise NoticeParseError(source, f"unreadable XML: {exc}") from None
    if root is None:
        raise NoticeParseError(source, "empty XML document")
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # e.g. UTF-16 input the byte scan missed
        raise UnsafeXMLError(source, "XML declares a DOCTYPE or entities; refused (never expanded or fetched)")
    return root


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
