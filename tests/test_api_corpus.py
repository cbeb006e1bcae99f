"""Every real notice of ../shared/corpus through POST /api/v1/check: an assessment or a 4xx error, never a 5xx.

Skips cleanly when the corpus is absent.
"""

from __future__ import annotations

import pytest
from conftest import corpus_files

pytest_plugins = ["web_fixtures"]  # app, client, db_path

FILES = [p for pattern in ("*.xml", "*.json") for p in corpus_files(pattern=pattern)]


@pytest.mark.skipif(not FILES, reason="../shared/corpus is absent")
def test_every_corpus_file_gets_an_answer_in_the_contract_or_error_shape(client):
    answered, rejected, failures = 0, {}, []
    for path in FILES:
        response = client.post("/api/v1/check", data=path.read_bytes(), content_type="application/octet-stream")
        body = response.get_json()
        if response.status_code == 200:
            assessments = body if isinstance(body, list) else [body]
            answered += all("findings" in a and "notice" in a for a in assessments)
        elif 400 <= response.status_code < 500 and set(body) == {"error", "detail"}:
            rejected[body["error"]] = rejected.get(body["error"], 0) + 1
        else:
            failures.append(f"{path.name}: {response.status_code} {str(body)[:200]}")
    assert not failures, failures[:5]
    assert answered >= 0.9 * len(FILES), (answered, rejected)
