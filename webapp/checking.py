"""Turn a request body (file, pasted text, JSON) into notices and assessments: the ONE path for /check and the API.

The format is detected from the content, never from the declared type or file name: a JSON object with `id`
and `source_format` is a notice in the contract shape, anything else goes to the library's `parse`.
"""

from __future__ import annotations

import json
from typing import Any

from reciprocity import assess, parse
from reciprocity.errors import NoticeParseError
from reciprocity.model import Assessment, Notice, notice_from_dict

XML_TYPES = ("application/xml", "text/xml")
JSON_TYPES = ("application/json", "application/x-ndjson")
ANY_TYPES = ("application/octet-stream", "text/plain")
ACCEPTED_TYPES = XML_TYPES + JSON_TYPES + ANY_TYPES


def is_contract_notice(document: Any) -> bool:
    """A JSON object in the contract's shape (what `reciprocity parse` prints), not a DECP file."""
    return isinstance(document, dict) and "source_format" in document and "id" in document


def notice_from_json(document: dict[str, Any], name: str) -> Notice:
    """Rebuild a contract-shaped notice; a malformed one is a parse error naming the field."""
    try:
        notice = notice_from_dict(document)
    except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
        raise NoticeParseError(name, f"not a valid notice in the JSON contract shape: {exc!r}") from None
    if not isinstance(notice.id, str) or not notice.id:
        raise NoticeParseError(name, "not a valid notice in the JSON contract shape: 'id' must be a string")
    return notice


def _json_lines(data: bytes, name: str) -> list[Notice] | None:
    """Notices of `reciprocity parse` output (JSON Lines of contract-shaped notices), else None."""
    try:
        documents = [json.loads(line) for line in data.splitlines() if line.strip()]
    except (ValueError, RecursionError):
        return None
    if len(documents) > 1 and all(is_contract_notice(d) for d in documents):
        return [notice_from_json(d, f"{name} line {n}") for n, d in enumerate(documents, 1)]
    return None


def read_notices(data: bytes, name: str) -> list[Notice]:
    """Notices in an uploaded document: eForms, TED XML, DECP (JSON or XML), or contract-shaped JSON notices
    (one object, or JSON Lines as `reciprocity parse` prints them)."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"{":
        try:
            document = json.loads(data)
        except (ValueError, RecursionError) as exc:
            notices = _json_lines(data, name)
            if notices is None:
                raise NoticeParseError(name, f"malformed JSON: {exc}") from None
            return notices
        if is_contract_notice(document):
            return [notice_from_json(document, name)]
    notices = parse(data, name)
    if not notices:
        raise NoticeParseError(name, "no notice or contract found in the document")
    return notices


def check_document(data: bytes, name: str) -> list[Assessment]:
    """Assess every notice of a document (one for XML, one per contract for DECP)."""
    return [assess(notice) for notice in read_notices(data, name)]
