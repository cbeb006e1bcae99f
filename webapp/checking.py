"""Turn a request body (file, pasted text, JSON) into assessments: the ONE path for the check page and the API.

The format is detected by the library from the content, never from the declared type or file name (an eForms or
TED notice, a DECP file, a notice in the JSON contract or JSON Lines of them: `reciprocity.parsers`).
"""

from __future__ import annotations

from flask import current_app

from reciprocity import assess, parse
from reciprocity.audit.sirene_apply import enrich_notice
from reciprocity.errors import NoticeParseError
from reciprocity.model import Assessment, Notice

from .db import get_db

XML_TYPES = ("application/xml", "text/xml")
JSON_TYPES = ("application/json", "application/x-ndjson")
ANY_TYPES = ("application/octet-stream", "text/plain")
ACCEPTED_TYPES = XML_TYPES + JSON_TYPES + ANY_TYPES


def read_notices(data: bytes, name: str) -> list[Notice]:
    """Notices in an uploaded document; a document holding none is an error naming it."""
    notices = parse(data, name, max_bytes=current_app.config["MAX_NOTICE_BYTES"])
    if not notices:
        raise NoticeParseError(name, "no notice or contract found in the document")
    return notices


def check_document(data: bytes, name: str) -> list[Assessment]:
    """Assess every notice of a document (one for XML, one per contract for DECP), with the names and categories
    of the database's SIRENE table when it has one (`reciprocity enrich sirene`)."""
    notices = read_notices(data, name)
    for notice in notices:
        enrich_notice(notice, get_db().conn)
    return [assess(notice) for notice in notices]
