"""HTML pages: check a draft (upload, paste or short form) and browse the audit database.

Each page calls the same library function as its API twin and only renders the result.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from reciprocity import assess
from reciprocity.audit import queries
from reciprocity.audit.stats import compute_report
from reciprocity.draft import build_notice
from reciprocity.errors import DraftError, ReciprocityError

from . import exports
from .charts import overview_charts
from .checking import check_document
from .db import cached_query, get_db
from .errors import status_of
from .filters import FILTER_KEYS, filters_from_args, page_from_args
from .forms import CHOICES, DraftForm, UploadForm
from .i18n import term, translate
from .present import prepare_assessment
from .rules import instruments_catalogue, rules_catalogue

bp = Blueprint("pages", __name__)


def _check_page(upload: UploadForm, draft: DraftForm, error: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("check.html", upload=upload, draft=draft, error=error, choices=CHOICES), status


def _report(assessments: list[dict[str, Any]]) -> str:
    return render_template("report.html", assessments=[prepare_assessment(a) for a in assessments])


@bp.get("/check")
def check_form() -> tuple[str, int]:
    """The check page: upload or paste a notice, or fill the short form."""
    return _check_page(UploadForm(prefix="up"), DraftForm(prefix="d"))


@bp.post("/check")
def check_upload() -> Any:
    """Assess an uploaded or pasted notice; a bad or hostile document is explained on the page."""
    upload, draft = UploadForm(prefix="up"), DraftForm(prefix="d", formdata=None)
    if not upload.validate_on_submit():
        return _check_page(upload, draft, translate("error.form"), 400)
    storage = upload.file.data
    if storage is not None and getattr(storage, "filename", ""):
        data, name = storage.read(), storage.filename
    else:
        data, name = (upload.text.data or "").encode("utf-8"), translate("check.pasted")
    if not data.strip():
        return _check_page(upload, draft, translate("error.empty"), 400)
    try:
        assessments = check_document(data, name)
    except ReciprocityError as exc:
        return _check_page(upload, draft, f"{translate('error.unreadable')} {exc}", status_of(exc))
    return _report([a.to_dict() for a in assessments])


@bp.post("/check/draft")
def check_draft() -> Any:
    """Assess a draft described by the short form: the same Notice shape, the same assess()."""
    upload, draft = UploadForm(prefix="up", formdata=None), DraftForm(prefix="d")
    if not draft.validate_on_submit():
        return _check_page(upload, draft, translate("error.form"), 400)
    try:
        notice = build_notice(draft.draft_fields())
    except DraftError as exc:
        field = term("draft", exc.field.split("[")[0])  # the field's label as the form shows it
        return _check_page(upload, draft, translate("error.draft", field=field, reason=exc.reason), 400)
    return _report([assess(notice).to_dict()])


@bp.get("/")
def overview() -> str:
    """The audit overview: origin of awards over the years, SME indicators, tenders to act on."""
    filters = filters_from_args(request.args)
    figures = cached_query(compute_report, filters)
    return render_template("overview.html", stats=figures, charts=overview_charts(figures, translate),
                           filters=filters, options=cached_query(queries.filter_options))


@bp.get("/tenders")
def tenders() -> str:
    """The filterable, paginated list of tenders, with export links."""
    filters = filters_from_args(request.args)
    page, per_page = page_from_args(request.args)
    listing = queries.list_tenders(get_db(), filters, page, per_page)
    return render_template("tenders.html", listing=listing, filters=filters, filter_keys=FILTER_KEYS,
                           options=cached_query(queries.filter_options), pages=_pages(listing))


def _pages(listing: dict[str, Any]) -> dict[str, int | None]:
    last = max(1, -(-listing["total"] // listing["per_page"]))
    page = listing["page"]
    return {"last": last, "previous": page - 1 if page > 1 else None, "next": page + 1 if page < last else None}


@bp.get("/tenders.<any(csv, xlsx):fmt>")
def tenders_export(fmt: str) -> Response:
    """The filtered tender list as CSV or XLSX (the same query as the page)."""
    return exports.tenders_response(get_db(), current_app.config["DATABASE"], filters_from_args(request.args), fmt)


@bp.get("/tenders/<path:notice_id>")
def tender(notice_id: str) -> str:
    """One tender: lots, results, winners, findings, and a link to TED when it has a publication number."""
    record = queries.get_tender(get_db(), notice_id)  # an Assessment, with the stored-only fields beside it
    return render_template("tender.html", tender=record, assessment=prepare_assessment(record))


@bp.get("/winners/<path:entity_id>")
def winner(entity_id: str) -> str:
    """One grouped winner and every award it received."""
    return render_template("winner.html", winner=queries.get_winner(get_db(), entity_id))


@bp.get("/rules")
def rules() -> str:
    """Every finding code with its reference and confidence."""
    return render_template("rules.html", rules=rules_catalogue(), instruments=instruments_catalogue())
