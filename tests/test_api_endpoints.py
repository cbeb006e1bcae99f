"""The JSON API through the Flask test client: every endpoint, and the one error shape with the right status."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES
from flask import Flask

from webapp import create_app

pytest_plugins = ["web_fixtures"]  # app, client, db_path

BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><ContractNotice>&lol2;</ContractNotice>')
EXTERNAL_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                   b'<TED_EXPORT>&xxe;</TED_EXPORT>')


def _assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "detail"} and isinstance(body["detail"], str) and body["detail"]
    if code is not None:
        assert body["error"] == code
    assert "Traceback" not in body["detail"]
    return body


def test_check_decp_file_returns_one_assessment_per_contract(client):
    data = (SAMPLES / "decp-2022-rennes.json").read_bytes()
    response = client.post("/api/v1/check", data=data, content_type="application/json")
    body = response.get_json()
    assert response.status_code == 200 and isinstance(body, list) and len(body) == 4
    assert {a["notice"]["source_format"] for a in body} == {"decp"}
    assert all(set(a) >= {"notice", "findings", "sme_score", "coverage", "origin", "benefit"} for a in body)


def test_check_contract_json_notice_round_trips(client):
    notice = client.get("/api/v1/tenders/00100003-2024").get_json()["notice"]
    response = client.post("/api/v1/check", data=json.dumps(notice), content_type="application/json")
    body = response.get_json()
    assert response.status_code == 200 and isinstance(body, dict)
    assert body["notice"] == notice


def test_check_and_store_give_the_same_findings(client):
    """The API's POST /check and the stored assessment come from the same assess()."""
    stored = client.get("/api/v1/tenders/00100003-2024").get_json()
    fresh = client.post("/api/v1/check", json=stored["notice"]).get_json()
    assert fresh["findings"] == stored["assessment"]["findings"]
    assert fresh["origin"] == stored["assessment"]["origin"]


def test_stored_tender_has_the_assessment_shape_of_check(client):
    """GET /tenders/<id> and POST /check describe an assessed notice in one shape; stored-only fields sit beside it
    and the earlier shape's keys stay for one release."""
    stored = client.get("/api/v1/tenders/00100003-2024").get_json()
    fresh = client.post("/api/v1/check", json=stored["notice"]).get_json()
    assert set(fresh) <= set(stored)
    for key in ("notice", "sme_score", "coverage", "origin", "benefit"):
        assert stored[key] == fresh[key], key
    stored_only = {"id", "notice_id", "position"}
    assert [{k: v for k, v in f.items() if k not in stored_only} for f in stored["findings"]] == fresh["findings"]
    assert [f["id"] for f in stored["findings"]][:2] == ["00100003-2024#F0", "00100003-2024#F1"]
    assert {"summary", "winners", "source_file"} <= set(stored)
    assert stored["assessment"]["findings"] == fresh["findings"]  # deprecated copy, for one release
    assert [lot["lot_id"] for lot in stored["lots"]] == [lot["id"] for lot in stored["notice"]["lots"]]
    assert len(stored["results"]) == len(stored["notice"]["results"])


def test_check_rejects_unsafe_xml(client):
    for payload in (BILLION_LAUGHS, EXTERNAL_ENTITY):
        _assert_error(client.post("/api/v1/check", data=payload, content_type="application/xml"), 400, "unsafe-xml")


def test_check_bad_input_is_400(client):
    _assert_error(client.post("/api/v1/check", data=b"<Foo/>", content_type="application/xml"), 400, "unknown-format")
    _assert_error(client.post("/api/v1/check", data=b"<ContractNotice>", content_type="text/xml"), 400)
    _assert_error(client.post("/api/v1/check", data=b"{not json", content_type="application/json"), 400)
    _assert_error(client.post("/api/v1/check", data=b"", content_type="application/xml"), 400, "empty-body")
    bad_notice = json.dumps({"id": "x", "source_format": "eforms", "dispatch_date": "not a date"})
    _assert_error(client.post("/api/v1/check", data=bad_notice, content_type="application/json"), 400)


def test_check_wrong_type_is_415(client):
    _assert_error(client.post("/api/v1/check", data=b"GIF89a", content_type="image/gif"), 415,
                  "unsupported-media-type")
    _assert_error(client.post("/api/v1/check", data=b"<ContractNotice/>", content_type="application/json"), 415)
    _assert_error(client.post("/api/v1/check", data=b"x=1", content_type="application/x-www-form-urlencoded"), 415)


def test_check_too_large_is_413(db_path):
    small = create_app({"TESTING": True, "DATABASE": str(db_path), "SECRET_KEY": "t", "MAX_CONTENT_LENGTH": 1024})
    response = small.test_client().post("/api/v1/check", data=b"<a>" + b"x" * 4096 + b"</a>",
                                        content_type="application/xml")
    _assert_error(response, 413, "too-large")


def test_unknown_route_and_tender_are_404(client):
    _assert_error(client.get("/api/v1/nothing-here"), 404, "not-found")
    _assert_error(client.get("/api/v1/tenders/00000000-1999"), 404, "not-found")
    _assert_error(client.get("/api/v1/winners/nobody"), 404, "not-found")


def test_wrong_method_is_405_with_allow(client):
    response = client.get("/api/v1/check")
    _assert_error(response, 405, "method-not-allowed")
    assert "POST" in response.headers["Allow"]


def test_unexpected_error_is_500_without_trace(db_path, caplog):
    app: Flask = create_app({"DATABASE": str(db_path), "SECRET_KEY": "t"})

    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    body = _assert_error(app.test_client().get("/api/v1/boom"), 500, "internal-error")
    assert "secret internals" not in body["detail"]


def test_tenders_are_filtered_and_paginated(client):
    body = client.get("/api/v1/tenders?buyer_country=FR&year=2024").get_json()
    assert body["total"] == 2 and {item["year"] for item in body["items"]} == {2024}
    page = client.get("/api/v1/tenders?per_page=3&page=2").get_json()
    assert page["total"] == 4 and page["page"] == 2 and len(page["items"]) == 1
    assert client.get("/api/v1/tenders?cpv=331").get_json()["total"] == 1
    assert client.get("/api/v1/tenders?buyer=nantes").get_json()["total"] == 3


def test_tenders_bad_filter_values_are_400(client):
    _assert_error(client.get("/api/v1/tenders?year=twenty"), 400)
    _assert_error(client.get("/api/v1/tenders?page=0"), 400)
    _assert_error(client.get("/api/v1/tenders?per_page=100000"), 400)


def test_tender_detail(client):
    body = client.get("/api/v1/tenders/00512345-2025").get_json()
    assert body["id"] == "00512345-2025"
    assert body["notice"]["buyer"]["name"] == "CHU de Bordeaux"
    assert [lot["lot_id"] for lot in body["lots"]] == ["LOT-0001"]
    assert "findings" in body["assessment"]


def test_stats_counts_follow_filters(client):
    assert client.get("/api/v1/stats").get_json()["counts"]["notices"] == 4
    body = client.get("/api/v1/stats?year=2024").get_json()
    assert body["counts"]["notices"] == 2
    classes = body["origin"]["overall"]["classes"]
    assert sum(c["awards"] for c in classes.values()) == 2


def test_rules_lists_every_code_with_reference_and_confidence(client):
    from reciprocity.rules import all_codes

    body = client.get("/api/v1/rules").get_json()
    assert [rule["code"] for rule in body] == all_codes()
    assert all(rule["confidence"] in ("established", "unconfirmed") and "legal_ref" in rule for rule in body)


def test_openapi_document_lists_every_api_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    served = {rule.rule.removeprefix("/api/v1").replace("<path:", "{").replace(">", "}")
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    assert served == set(document["paths"])


@pytest.mark.parametrize("path", ["/api/v1/tenders", "/api/v1/stats", "/api/v1/rules", "/api/v1/openapi.json"])
def test_api_is_not_csrf_protected_nor_cookie_bound(db_path, path):
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": "t"})  # CSRF on, as in production
    client = app.test_client()
    assert client.get(path).status_code == 200
    response = client.post("/api/v1/check", data=b"<Foo/>", content_type="application/xml")
    assert response.status_code == 400 and response.get_json()["error"] == "unknown-format"


def test_cached_figures_follow_a_new_ingest(client, db_path):
    from web_fixtures import _result, seed

    from reciprocity.model import Organisation

    assert client.get("/api/v1/stats").get_json()["counts"]["notices"] == 4
    assert "2022" not in client.get("/api/v1/filters").get_json()["year"]
    seed(db_path, [_result(100009, 2022, Organisation(name="Nettoyage Loire SARL", country="FR"), "90000")])
    assert client.get("/api/v1/stats").get_json()["counts"]["notices"] == 5
    assert 2022 in client.get("/api/v1/filters").get_json()["year"]


def test_check_json_lines_of_contract_notices(client):
    """`reciprocity parse` output (JSON Lines) can be posted back as is: one Assessment per line."""
    lines = (SAMPLES / "decp-2022-rennes.expected.json").read_bytes()
    body = client.post("/api/v1/check", data=lines, content_type="application/x-ndjson").get_json()
    expected_ids = [json.loads(line)["id"] for line in lines.splitlines() if line.strip()]
    assert [a["notice"]["id"] for a in body] == expected_ids and len(expected_ids) == 4
    _assert_error(client.post("/api/v1/check", data=b'{"id": "a", "source_format": "x"}\n{"nope": 1}\n',
                              content_type="application/x-ndjson"), 400)
