"""HTML pages: check a draft (upload, paste or short form) and browse the audit database.

Each page calls the same library function as its API twin and only renders the result.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from reciprocity import assess
from reciprocity.audit import queries
from reciprocity.audit.stats import compute_report
from reciprocity.audit.winner_totals import winner_totals
from reciprocity.draft import build_notice
from reciprocity.errors import DraftError, ReciprocityError
from reciprocity.i18n.error_text import draft_reason, error_text

from . import exports
from .buyer_pages import register as register_buyers
from .buyer_pages import winner_charts
from .charts import overview_charts
from .checking import check_document
from .db import cached_query, get_db
from .errors import status_of
from .filters import FILTER_KEYS, PAGE_SIZES, filters_from_args, order_from_args, page_from_args
from .forms import DraftForm, UploadForm, asked_format, choices
from .i18n import current_language, translate
from .listing import pager
from .listing import register as register_listing
from .present import prepare_assessment
from .reports import decode_document, draft_source, respond, upload_source
from .rules import instruments_catalogue, rules_catalogue

bp = Blueprint("pages", __name__)
register_listing(bp)
register_buyers(bp)  # the buyer pages (issue 14)


def _check_page(upload: UploadForm, draft: DraftForm, error: str | None = None, status: int = 200,
                field_errors: dict[str, list[str]] | None = None, error_detail: str | None = None) -> tuple[str, int]:
    return render_template("check.html", upload=upload, draft=draft, error=error, error_detail=error_detail,
                           field_errors=field_errors or {},
                           choices=lambda field: choices(field, current_language())), status


@bp.get("/check")
def check_form() -> tuple[str, int]:
    """The check page: upload or paste a notice, or fill the short form."""
    return _check_page(UploadForm(prefix="up"), DraftForm(prefix="d"))


def _uploaded(upload: UploadForm) -> tuple[bytes | None, str]:
    """The document sent: a file, a document re-sent from a report (base64), or pasted text."""
    storage = upload.file.data
    if storage is not None and getattr(storage, "filename", ""):
        return storage.read(), storage.filename
    if upload.document.data:
        return decode_document(upload.document.data), upload.name.data or translate("check.pasted")
    return (upload.text.data or "").encode("utf-8"), translate("check.pasted")


@bp.post("/check")
def check_upload() -> Any:
    """Assess an uploaded or pasted notice; a bad or hostile document is explained on the page."""
    upload, draft = UploadForm(prefix="up"), DraftForm(prefix="d", formdata=None)
    if not upload.validate_on_submit():
        return _check_page(upload, draft, translate("error.form"), 400)
    data, name = _uploaded(upload)
    if data is None or not data.strip():
        return _check_page(upload, draft, translate("error.empty"), 400)
    try:
        assessments = check_document(data, name)
    except ReciprocityError as exc:
        return _check_page(upload, draft, error_text(exc, current_language()), status_of(exc), error_detail=str(exc))
    return respond([a.to_dict() for a in assessments], asked_format(request.form, "up"), upload_source(data, name))


@bp.post("/check/draft")
def check_draft() -> Any:
    """Assess a draft described by the short form: the same Notice shape, the same assess()."""
    upload, draft = UploadForm(prefix="up", formdata=None), DraftForm(prefix="d")
    if not draft.validate_on_submit():
        return _check_page(upload, draft, translate("error.form"), 400)
    values = draft.draft_fields()
    try:
        notice = build_notice(values)
    except DraftError as exc:
        field_errors: dict[str, list[str]] = {}
        for error in exc.errors:
            field_errors.setdefault(error.field, []).append(draft_reason(error.key, error.params, current_language()))
        return _check_page(upload, draft, None, 400, field_errors=field_errors)
    source = draft_source(values, draft.hidden_values())
    return respond([assess(notice).to_dict()], asked_format(request.form, "d"), source)


@bp.get("/")
def overview() -> str:
    """The audit overview: origin of awards over the years, SME indicators, tenders to act on."""
    filters = filters_from_args(request.args)
    options = cached_query(queries.filter_options)
    # the question is what benefits firms established in France: French buyers unless the filter says otherwise
    french_default = "buyer_country" not in request.args and "FR" in options["buyer_country"]
    if french_default:
        filters["buyer_country"] = "FR"
    figures = cached_query(compute_report, filters)
    return render_template("overview.html", stats=figures, charts=overview_charts(figures, translate),
                           filters=filters, options=options, french_default=french_default)


@bp.get("/tenders")
def tenders() -> str:
    """The searchable, sortable, paginated list of tenders, with export links."""
    filters = filters_from_args(request.args)
    page, per_page = page_from_args(request.args)
    sort, after = order_from_args(request.args)
    listing = queries.list_tenders(get_db(), filters, page, per_page, sort=sort, after=after)
    return render_template("tenders.html", listing=listing, filters=filters, filter_keys=FILTER_KEYS,
                           options=cached_query(queries.filter_options), pages=pager(listing),
                           page_sizes=PAGE_SIZES, sort=sort)


@bp.get("/tenders.<any(csv, xlsx):fmt>")
def tenders_export(fmt: str) -> Response:
    """The filtered tender list as CSV or XLSX (the same query and order as the page)."""
    sort, _ = order_from_args(request.args)
    return exports.tenders_response(get_db(), current_app.config["DATABASE"], filters_from_args(request.args), fmt,
                                    request.args.get("dialect"), sort)


@bp.get("/tenders/<path:notice_id>")
def tender(notice_id: str) -> str:
    """One tender: lots, results, winners, findings, and a link to TED when it has a publication number."""
    record = queries.get_tender(get_db(), notice_id)  # an Assessment, with the stored-only fields beside it
    return render_template("tender.html", tender=record, a=prepare_assessment(record))


@bp.get("/winners/<path:entity_id>")
def winner(entity_id: str) -> str:
    """One grouped winner: its totals by year and buyer, the names merged into it, and every award it received."""
    record = queries.get_winner(get_db(), entity_id)
    totals = winner_totals(record)
    return render_template("winner.html", winner=record, totals=totals, charts=winner_charts(totals))


@bp.get("/rules")
def rules() -> str:
    """Every finding code with its reference and confidence."""
    return render_template("rules.html", rules=rules_catalogue(), instruments=instruments_catalogue())
