"""DECP XML: elements to the dicts the JSON gives, and a streaming reader for large `<marches>` files.

A consolidated DECP XML file holds thousands of contracts (hundreds of MB): it is read with `iterparse`, one
`<marche>` / `<contrat-concession>` at a time, each cleared once converted. The same hardening as every XML
input (`_xml.parse_xml`): no DTD, no entities, no network, no huge text nodes, and a DOCTYPE is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import NoticeParseError
from ._sniff import strip_bom
from ._xml import clean_text, localname, refuse_doctype_in_file

RECORD_ROOTS = ("marche", "contrat-concession")
# the first element of a document, after the XML declaration, comments and processing instructions
_FIRST_TAG = re.compile(rb"^(?:\s|<\?.*?\?>|<!--.*?-->)*<(?:[\w.-]+:)?([\w.-]+)", re.DOTALL)


def root_name(head: bytes) -> str | None:
    """Local name of the root element, read from the first bytes of a file (UTF-8 BOM allowed)."""
    match = _FIRST_TAG.match(strip_bom(head))
    return match.group(1).decode("ascii", "replace") if match else None


def element_value(element: etree._Element) -> Any:
    """An XML element as the JSON DECP would give it: text for a leaf, a dict (repeated children -> list)."""
    children = [child for child in element if isinstance(child.tag, str)]
    if not children:
        return clean_text(element.text)
    value: dict[str, Any] = {}
    repeated: set[str] = set()
    for child in children:
        name, child_value = localname(child), element_value(child)
        if name in repeated:
            value[name].append(child_value)
        elif name in value:
            value[name] = [value[name], child_value]
            repeated.add(name)
        else:
            value[name] = child_value
    return value


def iter_xml_records(path: Path, source: str) -> Iterator[tuple[str, Any]]:
    """Yield (record element name, record as dict) for each contract of a DECP XML file, one at a time."""
    refuse_doctype_in_file(path, source)
    events = etree.iterparse(str(path), events=("start", "end"), resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
    root = None
    try:
        for event, element in events:
            if root is None:
                root = element
            elif event == "end" and element.getparent() is root and localname(element) in RECORD_ROOTS:
                yield localname(element), element_value(element)
                element.clear()
                while element.getprevious() is not None:
                    del root[0]
        if root is not None and localname(root) in RECORD_ROOTS:  # a file holding a single contract
            yield localname(root), element_value(root)
    except etree.XMLSyntaxError as exc:
        raise NoticeParseError(source, f"malformed XML: {exc.msg}", line=exc.lineno) from None
