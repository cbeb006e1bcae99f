"""JSON API under /api/v1/: the same library functions as the pages, rendered as JSON.

Errors are never rendered here: views raise and `errors.py` answers `{"error": code, "detail": text}`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from reciprocity.audit import queries
from reciprocity.audit.benchmark import benchmark, find_buyers
from reciprocity.audit.stats import compute_report
from reciprocity.audit.winner_totals import winner_totals
from reciprocity.clauses import clauses_for
from reciprocity.parsers import sniff

from .benchmark_openapi import MAX_QUERY
from .checking import ACCEPTED_TYPES, JSON_TYPES, check_document
from .db import cached_query, get_db
from .errors import ApiError
from .filters import filters_from_args, order_from_args, page_from_args
from .openapi import openapi_document
from .rules import rules_catalogue

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_BUYER_QUERY = MAX_QUERY


def _body_assessments() -> list[dict[str, Any]]:
    """The Assessments of the notice(s) in the request body: the body rules shared by /check and /clauses."""
    mimetype = request.mimetype or ""
    if mimetype not in ACCEPTED_TYPES:  # exactly the types the OpenAPI document lists
        raise ApiError(415, "unsupported-media-type",
                       f"Content-Type {mimetype or '(none)'} is not accepted; send {', '.join(ACCEPTED_TYPES)}")
    data = request.get_data(cache=False)
    if not data.strip():
        raise ApiError(400, "empty-body", "the request body is empty; send a notice")
    if mimetype in JSON_TYPES and sniff(data) == "xml":
        raise ApiError(415, "unsupported-media-type", "the body is XML but Content-Type says JSON")
    return [a.to_dict() for a in check_document(data, "request body")]


@bp.post("/check")
def check() -> Response:
    """Assess the notice in the body: one Assessment, or a list when it holds several (DECP file, JSON Lines).
    The `Link` header points to /clauses, which takes the same body and returns the clauses that fix it."""
    assessments = _body_assessments()
    response = jsonify(assessments[0] if len(assessments) == 1 else assessments)
    response.headers["Link"] = f'<{url_for("api.clauses")}>; rel="clauses"'
    return response


@bp.post("/clauses")
def clauses() -> Response:
    """The model clauses for the notice in the body (the same bodies as /check): one set, or a list of sets."""
    sets = [clauses_for(assessment) for assessment in _body_assessments()]
    return jsonify(sets[0] if len(sets) == 1 else sets)


@bp.get("/tenders")
def tenders() -> Response:
    """One page of tenders matching the filters, in the asked order, with the total and the next page's cursor."""
    page, per_page = page_from_args(request.args)
    sort, after = order_from_args(request.args)
    return jsonify(queries.list_tenders(get_db(), filters_from_args(request.args), page, per_page, sort=sort,
                                        after=after))


@bp.get("/tenders/<path:notice_id>")
def tender(notice_id: str) -> Response:
    """One tender: notice, lots, results, winners, findings and its assessment."""
    return jsonify(queries.get_tender(get_db(), notice_id))


@bp.get("/winners/<path:entity_id>")
def winner(entity_id: str) -> Response:
    """One grouped winner, its awards and its totals (by year, by buyer, buyers served, names merged)."""
    record = queries.get_winner(get_db(), entity_id)
    return jsonify({**record, "totals": winner_totals(record)})


@bp.get("/buyers")
def buyers() -> Response:
    """The buyers a name or id designates (candidates, never a guess)."""
    query = (request.args.get("q") or "").strip()
    if not query or len(query) > MAX_BUYER_QUERY:
        raise ApiError(400, "bad-request", f"give q, a buyer's name or id (1 to {MAX_BUYER_QUERY} characters)")
    return jsonify({"query": query, "candidates": cached_query(find_buyers, query, False)})


@bp.get("/buyers/<path:buyer_id>")
def buyer(buyer_id: str) -> Response:
    """One buyer against its peers: indicators, peer group, median and quartiles, Scoreboard references."""
    return jsonify(cached_query(benchmark, buyer_id, False))


@bp.get("/stats")
def stats() -> Response:
    """The report's figures for the filtered tenders."""
    return jsonify(cached_query(compute_report, filters_from_args(request.args)))


@bp.get("/filters")
def filter_options() -> Response:
    """The values each filter offers in this database."""
    return jsonify(cached_query(queries.filter_options))


@bp.get("/rules")
def rules() -> Response:
    """Every finding code with its reference and confidence."""
    return jsonify(rules_catalogue())


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 document describing this API."""
    document: dict[str, Any] = openapi_document()
    return jsonify(document)
