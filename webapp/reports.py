"""A check's answer in the format asked: the HTML report, its PDF (WeasyPrint, server-side) or its JSON.

The report page carries what is needed to ask for the same report again as PDF or JSON (the document itself, or
the draft's fields, in a form with CSRF): nothing is kept on the server between requests, whichever worker answers.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Response, render_template, url_for

from reciprocity.clauses import clauses_for
from reciprocity.clauses.word import MIMETYPE as DOCX_MIMETYPE
from reciprocity.clauses.word import docx_bytes
from reciprocity.i18n import formats
from reciprocity.rules.data import data_version

from .i18n import current_language, translate
from .present import prepare_assessment

STATIC = Path(__file__).parent / "static"
MAX_REPOST_BYTES = 2 * 1024 * 1024  # larger documents: the PDF button of the check form, not a re-post


@dataclass
class Source:
    """What was checked: the bytes (or a draft's fields), its name, and how to send it again."""

    data: bytes
    name: str | None
    action: str
    format_field: str
    fields: list[tuple[str, str]] = field(default_factory=list)


def upload_source(data: bytes, name: str) -> Source:
    fields = [("up-document", base64.b64encode(data).decode("ascii")), ("up-name", name)]
    return Source(data, name, url_for("pages.check_upload"), "up-format",
                  fields if len(data) <= MAX_REPOST_BYTES else [])


def draft_source(values: dict[str, Any], hidden: list[tuple[str, str]]) -> Source:
    canonical = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8")
    return Source(canonical, None, url_for("pages.check_draft"), "d-format", hidden)


def decode_document(text: str) -> bytes | None:
    """A re-sent document (base64), or None when it is not valid base64."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None


def provenance(source: Source) -> dict[str, Any]:
    """When, under which rules and on which file the report was made (printed on the report and its PDF)."""
    return {"date": formats.timestamp(datetime.now().astimezone(), current_language()),
            "rules_version": data_version(), "checksum": hashlib.sha256(source.data).hexdigest(),
            "name": source.name}


def _page(assessments: list[dict[str, Any]], source: Source, pdf: bool = False) -> str:
    download = {"action": source.action, "fields": source.fields, "format_field": source.format_field}
    return render_template("report.html", assessments=[prepare_assessment(a) for a in assessments], pdf=pdf,
                           provenance=provenance(source), download=download if source.fields else None,
                           too_large_to_repost=not source.fields)


def _file_name(assessments: list[dict[str, Any]], extension: str, stem_key: str = "report.file_name") -> str:
    stem = translate(stem_key)
    first = (assessments[0].get("notice") or {}).get("id") if len(assessments) == 1 else None
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in (first or ""))[:60]
    return f"{stem}-{safe}.{extension}" if safe else f"{stem}.{extension}"


def pdf_bytes(html: str) -> bytes:
    """The report page as PDF, with the app's stylesheet (print rules included); no URL is ever fetched."""
    from weasyprint import CSS, HTML

    def refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"no external resource in a report: {url}")

    return HTML(string=html, url_fetcher=refuse).write_pdf(stylesheets=[CSS(filename=str(STATIC / "app.css"))])


def respond(assessments: list[dict[str, Any]], fmt: str, source: Source) -> Response:
    """The report as HTML, PDF or JSON (one Assessment, or a list when the document holds several), or its proposed
    clauses as a Word annex (docx)."""
    if fmt == "json":
        body = json.dumps(assessments[0] if len(assessments) == 1 else assessments, ensure_ascii=False, indent=1)
        response = Response(body, mimetype="application/json")
    elif fmt == "pdf":
        response = Response(pdf_bytes(_page(assessments, source, pdf=True)), mimetype="application/pdf")
    elif fmt == "docx":  # the proposed clauses as a Word annex
        clause_sets = [clauses_for(assessment) for assessment in assessments]
        response = Response(docx_bytes(clause_sets, current_language()), mimetype=DOCX_MIMETYPE)
    else:
        return Response(_page(assessments, source))
    name = _file_name(assessments, fmt, "clause.file_name" if fmt == "docx" else "report.file_name")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
