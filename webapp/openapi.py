"""The OpenAPI 3 document of /api/v1/, built from the same constants the code validates with.

It describes exactly what the endpoints accept and return; a schemathesis test checks the app against it.
"""

from __future__ import annotations

from typing import Any

from reciprocity.audit.filters import SORTS
from reciprocity.audit.queries import MAX_PER_PAGE
from reciprocity.model import AREAS, KINDS, ORIGIN_CLASSES, SEVERITIES, STATUSES

from .benchmark_openapi import BENCHMARK_PATHS, BENCHMARK_SCHEMAS
from .checking import ACCEPTED_TYPES
from .filters import FILTER_KEYS, declared
from .filters import ORDER_PARAMS as ORDER_SCHEMAS
from .filters import PAGE_PARAMS as PAGE_SCHEMAS


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def _obj(properties: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or list(properties), **extra}


STR, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
REF = "#/components/schemas/"

ASSESSMENT_PARTS: dict[str, Any] = {
    "findings": {"type": "array", "items": {"$ref": REF + "Finding"}},
    "sme_score": _nullable(_obj({
        "value": _nullable({**NUM, "minimum": 0, "maximum": 100,
                            "description": "null when less than half of the weights could be measured"}),
        "measured": {**NUM, "minimum": 0, "maximum": 1, "description": "share of the weights measured"},
        "components": {"type": "object"}}, required=["value", "components"], additionalProperties=True)),
    "coverage": {"type": "object"},
    "origin": {"type": "array", "items": _obj(
        {"name": _nullable(STR), "country": _nullable(STR), "class": {**STR, "enum": list(ORIGIN_CLASSES)}},
        additionalProperties=True)},
    "benefit": _obj({"priority": {**NUM, "minimum": 0, "maximum": 100}, "reasons": {"type": "array"}},
                    additionalProperties=True),
}
SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": {**STR, "description": "stable machine-readable code, e.g. parse-error, unsafe-xml"},
                   "detail": {**STR, "description": "what went wrong, for people"}}, additionalProperties=False),
    "Money": _obj({"amount": {**STR, "pattern": r"^-?\d+(\.\d+)?$", "description": "decimal, plain notation"},
                   "currency": {**STR, "description": "ISO 4217"}}),
    "Organisation": _obj({"name": _nullable(STR), "country": _nullable({**STR, "description": "ISO alpha-2"}),
                          "legal_type": _nullable(STR), "identifiers": {"type": "array", "items": STR}},
                         additionalProperties=True),
    "Procedure": _obj({
        "type": _nullable(STR), "contract_nature": _nullable({**STR, "enum": ["works", "supplies", "services"]}),
        "cpv_main": _nullable(STR), "estimated_value": _nullable({"$ref": REF + "Money"}),
        "gpa_covered": _nullable(BOOL), "tender_deadline": _nullable(DATE),
        "electronic_submission": _nullable(BOOL)}, additionalProperties=True),
    "Lot": _obj({"id": STR, "title": _nullable(STR), "cpv_main": _nullable(STR),
                 "estimated_value": _nullable({"$ref": REF + "Money"}), "sme_suitable": _nullable(BOOL)},
                additionalProperties=True),
    "Received": _obj({k: _nullable(INT) for k in ("total", "sme", "other_eea", "non_eea", "electronic")},
                     additionalProperties=True),
    "Winner": _obj({"name": _nullable(STR), "country": _nullable(STR),
                    "size": _nullable({**STR, "enum": ["micro", "small", "medium", "sme", "large"]}),
                    "identifiers": {"type": "array", "items": STR}}, additionalProperties=True),
    "LotResult": _obj({"lot_id": _nullable(STR), "received": _nullable({"$ref": REF + "Received"}),
                       "winners": {"type": "array", "items": {"$ref": REF + "Winner"}},
                       "value": _nullable({"$ref": REF + "Money"})}, additionalProperties=True),
    "Notice": _obj({
        "id": STR, "source_format": STR, "schema_version": _nullable(STR), "form": _nullable(STR),
        "kind": {**STR, "enum": list(KINDS)}, "publication_number": _nullable(STR), "dispatch_date": _nullable(DATE),
        "buyer": {"$ref": REF + "Organisation"}, "procedure": {"$ref": REF + "Procedure"},
        "lots": {"type": "array", "items": {"$ref": REF + "Lot"}},
        "results": {"type": "array", "items": {"$ref": REF + "LotResult"}},
        "parse_warnings": {"type": "array", "items": STR}},
        additionalProperties=True, description="The JSON contract of a notice (design.md), as `reciprocity parse` "
        "prints it."),
    "Finding": _obj({
        "code": STR, "severity": {**STR, "enum": list(SEVERITIES)}, "area": {**STR, "enum": list(AREAS)},
        "status": {**STR, "enum": list(STATUSES)}, "lot": _nullable(STR), "message": STR, "message_fr": STR,
        "evidence": {"type": "object"}, "legal_ref": _nullable(STR), "recommendation": _nullable(STR),
        "recommendation_fr": _nullable(STR), "confidence": {**STR, "enum": ["established", "unconfirmed"]}},
        additionalProperties=True),
    "Assessment": _obj({"notice": {"$ref": REF + "Notice"}, **ASSESSMENT_PARTS}, additionalProperties=True),
    "StoredAssessment": _obj(ASSESSMENT_PARTS, additionalProperties=True, deprecated=True,
                             description="deprecated, removed in the next release: the same parts are at the top "
                             "level of the tender"),
    "TenderSummary": _obj({
        "id": STR, "publication_number": _nullable(STR), "source_format": _nullable(STR), "kind": _nullable(STR),
        "title": _nullable(STR), "buyer_name": _nullable(STR), "buyer_country": _nullable(STR),
        "dispatch_date": _nullable(STR), "year": _nullable(INT), "cpv_main": _nullable(STR),
        "estimated_value": _nullable(STR), "estimated_currency": _nullable(STR), "sme_score": _nullable(NUM),
        "benefit_priority": _nullable(NUM), "benefit_reasons": {"type": "array"},
        "flagged_codes": {"type": "array", "items": STR}, "awarded_value_eur": _nullable(NUM),
        "estimated_value_eur": _nullable(NUM), "buyer_category": _nullable(STR), "cpv_division": _nullable(STR)},
        additionalProperties=True),
    "TenderPage": _obj({"total": {**INT, "minimum": 0}, "page": {**INT, "minimum": 1},
                        "per_page": {**INT, "minimum": 1, "maximum": MAX_PER_PAGE},
                        "items": {"type": "array", "items": {"$ref": REF + "TenderSummary"}},
                        "sort": {**STR, "enum": list(SORTS)},
                        "next": _nullable({**STR, "description": "cursor of the next page (pass as `after`)"})},
                       required=["total", "page", "per_page", "items"]),
    "StoredWinner": _obj({"id": STR, "result_id": STR, "lot_id": _nullable(STR), "position": INT,
                          "name": _nullable(STR), "country": _nullable(STR),
                          "origin_class": _nullable({**STR, "enum": list(ORIGIN_CLASSES)}),
                          "value_eur": _nullable(NUM), "entity_id": _nullable(STR)}, additionalProperties=True),
    "Tender": _obj({
        "notice": {"$ref": REF + "Notice"}, **ASSESSMENT_PARTS,
        "id": STR, "summary": {"$ref": REF + "TenderSummary"},
        "winners": {"type": "array", "items": {"$ref": REF + "StoredWinner"},
                    "description": "stored only: every winner with its grouped entity, origin class and EUR value"},
        "source_file": _nullable(STR),
        "assessment": {"$ref": REF + "StoredAssessment"},
        "lots": {"type": "array", "items": {"type": "object"}, "deprecated": True,
                 "description": "deprecated, removed in the next release: read `notice.lots`"},
        "results": {"type": "array", "items": {"type": "object"}, "deprecated": True,
                    "description": "deprecated, removed in the next release: read `notice.results` and `winners`"}},
        required=["notice", *ASSESSMENT_PARTS, "id", "summary", "winners", "source_file"],
        additionalProperties=True,
        description="A stored tender in the Assessment shape of POST /check, with the stored-only fields beside it. "
        "`assessment`, `lots` and `results` are the keys of the earlier shape, kept for one release (deprecated)."),
    "Entity": _obj({"id": STR, "name": _nullable(STR), "country": _nullable(STR),
                    "awards": {"type": "array", "items": {"type": "object"}},
                    "totals": {"$ref": REF + "WinnerTotals"}}, additionalProperties=True),
    "Share": _obj({"value": _nullable({**NUM, "minimum": 0, "maximum": 1}), "numerator": {**INT, "minimum": 0},
                   "denominator": {**INT, "minimum": 0}, "reference": _nullable({"type": "object"})},
                  additionalProperties=True, description="a fraction with the counts it rests on"),
    "OriginTable": _obj({"classes": {"type": "object", "additionalProperties": {"type": "object"}},
                         "awards": {**INT, "minimum": 0}, "value_eur": NUM}, additionalProperties=True),
    "Stats": _obj({
        "filters": {"type": "object"},
        "counts": _obj({k: {**INT, "minimum": 0} for k in ("notices", "results", "winners")}),
        "indicators": {"type": "object", "additionalProperties": {"$ref": REF + "Share"}},
        "origin": _obj({"overall": {"$ref": REF + "OriginTable"},
                        **{k: {"type": "object", "additionalProperties": {"$ref": REF + "OriginTable"}}
                           for k in ("by_year", "by_buyer_country", "by_cpv", "by_buyer")}}),
        "top_winners": {"type": "object", "additionalProperties": {"type": "array"}},
        "ranked_tenders": {"type": "array", "items": _obj(
            {"id": STR, "title": _nullable(STR), "benefit_priority": _nullable(NUM)}, additionalProperties=True)},
        "scoreboard_source": STR},
        additionalProperties=True, description="The report's figures for the filtered tenders (what "
        "`reciprocity report --json` prints): shares with their counts and Scoreboard references, the origin "
        "of awards by count and EUR value overall and by year, buyer country, CPV division and buyer."),
    "Clause": _obj({
        "id": {**STR, "description": "template id, e.g. third-country, ipi-medical-devices, advance-payment"},
        "lot": _nullable({**STR, "description": "the lot of a per-lot clause (turnover)"}),
        "documents": {"type": "array", "items": {**STR, "enum": ["rc", "ccap"]},
                      "description": "where it goes: consultation rules (rc), special administrative terms (ccap)"},
        "offered_by": {"type": "array", "description": "the findings it fixes (empty for the advance, offered "
                       "where the duty binds the buyer)", "items": _obj(
                           {"code": STR, "status": {**STR, "enum": list(STATUSES)}, "lot": _nullable(STR)})},
        "title": {"$ref": REF + "Text"},
        "text": {"$ref": REF + "Text", "description": "the clause filled with this procurement's facts; the "
                 "parts to write are “[à compléter : …]” / “[to complete: …]”"},
        "legal_basis": STR, "conditions": {"$ref": REF + "Text"},
        "confidence": {**STR, "enum": ["established", "unconfirmed"]},
        "to_confirm": {"type": "array", "items": _obj({"en": STR, "fr": STR, "source": STR})},
        "source": STR}, additionalProperties=True),
    "Text": _obj({"en": STR, "fr": STR}),
    "ClauseSet": _obj({"notice_id": STR, "reference": _nullable(STR), "title": _nullable(STR),
                       "buyer": _nullable(STR), "clauses": {"type": "array", "items": {"$ref": REF + "Clause"}}},
                      additionalProperties=True, description="The model clauses proposed for one notice."),
    "Rule": _obj({"code": STR, "area": {**STR, "enum": list(AREAS)}, "legal_ref": _nullable(STR),
                  "confidence": {**STR, "enum": ["established", "unconfirmed"]}}, additionalProperties=True),
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": REF + "Error"}}}}


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    # an empty value means "not given" (the filter form sends every field): allowEmptyValue says so
    return {"name": name, "in": "query", "required": False, "allowEmptyValue": True, "schema": schema,
            "description": description}


# the very declarations the code checks each value with (filters.py)
FILTER_PARAMS = [_query(name, *declared(name)) for name in FILTER_KEYS]
PAGE_PARAMS = [_query(name, *spec) for name, spec in PAGE_SCHEMAS.items()]
ORDER_PARAMS = [_query(name, *spec) for name, spec in ORDER_SCHEMAS.items()]
# a body with something in it: an empty or blank body is the 400 "empty-body"
FILLED = {"minLength": 1, "pattern": "\\S"}
BAD = _error("bad input: unreadable notice, unsafe XML, unknown filter or invalid value")
CHECK_BODY = {
    "required": True,
    "description": "One notice: eForms or TED XML, DECP (JSON or XML), or a notice in the JSON contract shape. "
                   "The format is detected from the content.",
    "content": {
        **{t: {"schema": {**STR, **FILLED, "description": "XML notice"}} for t in ACCEPTED_TYPES if "xml" in t},
        "application/json": {"schema": {"oneOf": [{"type": "object"}, {"type": "array"}],
                                        "description": "a notice in the JSON contract shape (with `id` and "
                                        "`source_format`), or a DECP JSON file (an object, or a bare list of "
                                        "contracts)"}},
        "application/x-ndjson": {"schema": {**STR, **FILLED, "description": "JSON Lines of notices in the "
                                            "contract shape, as `reciprocity parse` prints them"}},
        "application/octet-stream": {"schema": {**STR, **FILLED, "format": "binary"}},
        "text/plain": {"schema": {**STR, **FILLED}},
    },
}
ASSESSMENTS = {"oneOf": [{"$ref": REF + "Assessment"},
                         {"type": "array", "minItems": 2, "items": {"$ref": REF + "Assessment"}}]}
CLAUSE_SETS = {"oneOf": [{"$ref": REF + "ClauseSet"},
                         {"type": "array", "minItems": 2, "items": {"$ref": REF + "ClauseSet"}}]}
BODY_ERRORS = {"400": BAD, "413": _error("body larger than the upload limit (RECIPROCITY_MAX_UPLOAD)"),
               "415": _error("Content-Type not accepted, or XML sent as JSON")}
CHECKED = {**_ok("the assessment(s)", ASSESSMENTS),
           "headers": {"Link": {"description": "</api/v1/clauses>; rel=\"clauses\": the same body there returns "
                                               "the model clauses that fix the findings", "schema": STR}},
           "links": {"clauses": {"operationId": "clauses", "requestBody": "$request.body",
                                 "description": "the model clauses for the same notice"}}}


def _paths() -> dict[str, Any]:
    return {
        "/check": {"post": {
            "operationId": "check", "summary": "Assess a notice", "requestBody": CHECK_BODY,
            "description": "Returns one Assessment; a body holding several notices (a DECP file of several "
                           "contracts, or JSON Lines of notices) returns an array of Assessments, in body order.",
            "responses": {"200": CHECKED, **BODY_ERRORS}}},
        "/clauses": {"post": {
            "operationId": "clauses", "summary": "Model clauses for the consultation documents of a notice",
            "requestBody": CHECK_BODY,
            "description": "The same bodies as /check. Returns, per notice, the clauses that fix its findings "
                           "(third-country operators, IPI, utilities origin rule, lots, turnover, advance, "
                           "net-zero technologies), filled with its facts in French and English; only on a draft "
                           "or a call for competition, and only where the law allows each clause.",
            "responses": {"200": _ok("the clause set(s)", CLAUSE_SETS), **BODY_ERRORS}}},
        "/tenders": {"get": {
            "operationId": "listTenders", "summary": "Tenders matching the filters, in the asked order (default: "
            "highest benefit priority first)",
            "parameters": FILTER_PARAMS + ORDER_PARAMS + PAGE_PARAMS,
            "responses": {"200": _ok("one page of tenders", {"$ref": REF + "TenderPage"}), "400": BAD}}},
        "/tenders/{notice_id}": {"get": {
            "operationId": "getTender", "summary": "One stored tender: its Assessment and the stored-only fields",
            "parameters": [{"name": "notice_id", "in": "path", "required": True, "schema": STR}],
            "responses": {"200": _ok("the tender", {"$ref": REF + "Tender"}), "404": _error("no such tender")}}},
        "/winners/{entity_id}": {"get": {
            "operationId": "getWinner", "summary": "One grouped winner and its awards",
            "parameters": [{"name": "entity_id", "in": "path", "required": True, "schema": STR}],
            "responses": {"200": _ok("the winner", {"$ref": REF + "Entity"}), "404": _error("no such winner")}}},
        **BENCHMARK_PATHS,
        "/stats": {"get": {
            "operationId": "stats", "summary": "The report's figures for the filtered tenders",
            "parameters": FILTER_PARAMS,
            "responses": {"200": _ok("the figures", {"$ref": REF + "Stats"}), "400": BAD}}},
        "/filters": {"get": {
            "operationId": "filterOptions", "summary": "The values each filter offers in this database",
            "responses": {"200": _ok("values per filter", {"type": "object", "additionalProperties":
                                                           {"type": "array"}})}}},
        "/rules": {"get": {
            "operationId": "rules", "summary": "Every finding code with its reference and confidence",
            "responses": {"200": _ok("the finding codes", {"type": "array", "items": {"$ref": REF + "Rule"}})}}},
        "/openapi.json": {"get": {
            "operationId": "openapi", "summary": "This document",
            "responses": {"200": _ok("the OpenAPI document", {"type": "object"})}}},
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.0 document served at /api/v1/openapi.json."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "reciprocity API", "version": "1",
                 "description": "Check tender notices against EU and French reciprocity and SME-access rules, "
                                "and read an audit database. Errors are always {\"error\": code, \"detail\": text}."},
        "servers": [{"url": "/api/v1"}],
        "paths": _paths(),
        "components": {"schemas": {**SCHEMAS, **BENCHMARK_SCHEMAS}},
    }
