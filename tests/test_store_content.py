"""The narrow store gives back what the one-JSON-per-notice store gave, for every sample (issue 13).

The earlier store kept `assessment.to_dict()` as JSON text and returned it parsed: the "before" of each
sample is therefore `json.loads(to_json(assess(notice).to_dict()))`. After ingest into the narrow tables, the
API's tender, the exported notices (with their JSON columns) and the exported findings and winners must hold
exactly that content. Workers must not import pandas, pyarrow or sqlite-utils.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing as mp

import pytest
import worker_probe
from conftest import SAMPLES

from reciprocity.assess import assess
from reciprocity.audit import queries
from reciprocity.audit.export import export_table
from reciprocity.audit.ingest import ingest
from reciprocity.audit.rows import to_json
from reciprocity.audit.sources import iter_paths
from reciprocity.audit.store import open_db
from reciprocity.parsers import iter_parse

SAMPLE = "eforms-cn-medical-ipi.xml"
STORED_ONLY = {"id", "notice_id", "position"}  # keys a stored finding has beside the contract's


def _before() -> dict[str, dict]:
    """Every sample notice's assessment as the earlier store returned it (newest version per id)."""
    found = {}
    for path in iter_paths([SAMPLES]):
        for notice in iter_parse(path, str(path)):
            found[notice.id] = json.loads(to_json(assess(notice).to_dict()))
    return found


def _shown(expected: dict) -> dict:
    """What the API shows of a stored notice: its source file by name only (never where it sits on the server)."""
    notice = {**expected["notice"], "source": queries.file_name(expected["notice"]["source"])}
    return {**expected, "notice": notice}


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    path = tmp_path_factory.mktemp("content") / "samples.db"
    ingest([SAMPLES], path, workers=1)
    return open_db(path, create=False)


@pytest.fixture(scope="module")
def before() -> dict[str, dict]:
    return _before()


def test_every_sample_tender_has_the_same_json(stored, before):
    assert len(before) >= 10
    for notice_id, expected in before.items():
        tender = queries.get_tender(stored, notice_id)
        got = {key: tender[key] for key in expected}
        got["findings"] = [{k: v for k, v in f.items() if k not in STORED_ONLY} for f in got["findings"]]
        assert got == _shown(expected), notice_id
        assert tender["assessment"] == {k: v for k, v in expected.items() if k != "notice"}  # deprecated copy


def _csv(db, table: str) -> list[dict]:
    out = io.StringIO()
    export_table(db, table, "csv", stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_exported_notices_carry_the_notice_and_assessment_json(stored, before):
    rows = {row["id"]: row for row in _csv(stored, "notices")}
    assert set(rows) == set(before)
    for notice_id, expected in before.items():
        assert json.loads(rows[notice_id]["notice_json"]) == expected["notice"]
        assert json.loads(rows[notice_id]["assessment_json"]) == {k: v for k, v in expected.items() if k != "notice"}


def test_exported_findings_and_winners_have_the_earlier_columns(stored, before):
    findings = _csv(stored, "findings")
    assert list(findings[0])[:13] == ["id", "notice_id", "position", "code", "severity", "area", "status", "lot",
                                      "message", "message_fr", "legal_ref", "confidence", "evidence"]
    by_id = {row["id"]: row for row in findings}
    for notice_id, expected in before.items():
        for position, finding in enumerate(expected["findings"]):
            row = by_id[f"{notice_id}#F{position}"]
            assert (row["code"], row["status"], row["message_fr"]) == (finding["code"], finding["status"],
                                                                       finding["message_fr"])
            assert json.loads(row["evidence"]) == finding["evidence"]
    winners = _csv(stored, "winners")
    assert list(winners[0])[:16] == ["id", "notice_id", "result_id", "lot_id", "position", "name", "country",
                                     "postcode", "city", "identifiers", "identifier_types", "size", "origin_class",
                                     "value", "currency", "value_eur"]
    expected_ids = {f"{n}#R{r}W{w}" for n, a in before.items() for r, result in enumerate(a["notice"]["results"])
                    for w, _ in enumerate(result["winners"])}
    assert {row["id"] for row in winners} == expected_ids


def test_ingest_workers_import_neither_pandas_nor_pyarrow():
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=worker_probe.worker_modules, args=(queue, str(SAMPLES / SAMPLE)))
    process.start()
    sent, heavy = queue.get(timeout=120)
    process.join(timeout=30)
    assert sent == 1 and heavy == []
