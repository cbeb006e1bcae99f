"""The casebook: every tests/cases/**/<case>.xml|.json with its <case>.expected.json, one parametrized test.

The expected-file format is documented in tests/cases/README.md. Adding a case means adding two files.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from reciprocity import assess, parse
from reciprocity.model import STATUSES, Assessment, Notice
from reciprocity.parsers.contract import notice_from_dict

CASES = Path(__file__).parent / "cases"
KNOWN_KEYS = {"note", "flagged", "not_flagged", "status", "severity", "lot", "origin_classes", "owner_nationalities",
              "no_problem", "today", "confidence", "to_confirm", "evidence", "coverage", "agreements", "covered",
              "message"}


def _cases() -> list:
    found = [p for p in sorted(CASES.rglob("*")) if p.suffix in (".xml", ".json")
             and not p.name.endswith(".expected.json")]
    return [pytest.param(p, id=p.stem) for p in found]


def _notice(path: Path) -> Notice:
    if path.suffix == ".json":
        return notice_from_dict(json.loads(path.read_text(encoding="utf-8")))
    notices = parse(path)
    assert len(notices) == 1, f"{path.name}: a case holds one notice"
    return notices[0]


def code_status(assessment: Assessment, code: str) -> str | None:
    """A code's status on the notice: flagged if any of its findings is flagged, else its (single) status."""
    statuses = [f.status for f in assessment.findings if f.code == code]
    if not statuses:
        return None
    return "flagged" if "flagged" in statuses else statuses[0]


def test_case_ids_are_unique():
    stems = [p.id for p in _cases()]
    assert len(stems) == len(set(stems)), "two cases share a file stem"


@pytest.mark.parametrize("path", _cases())
def test_case(path: Path):
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    assert set(expected) <= KNOWN_KEYS, f"unknown keys {set(expected) - KNOWN_KEYS}"
    today = date.fromisoformat(expected["today"]) if "today" in expected else None
    assessment = assess(_notice(path), today=today)
    for finding in assessment.findings:
        assert finding.status in STATUSES
    for code in expected.get("flagged", []):
        assert code_status(assessment, code) == "flagged", f"{code} should be flagged: {_show(assessment, code)}"
    for code in expected.get("not_flagged", []):
        status = code_status(assessment, code)
        assert status is not None, f"{code} produced no finding"
        assert status != "flagged", f"{code} should not be flagged: {_show(assessment, code)}"
    for code, status in expected.get("status", {}).items():
        assert code_status(assessment, code) == status, f"{code}: {_show(assessment, code)}"
    for code, severity in expected.get("severity", {}).items():
        flagged = {f.severity for f in assessment.findings if f.code == code and f.status == "flagged"}
        assert flagged == {severity}, f"{code}: {_show(assessment, code)}"
    for code, lots in expected.get("lot", {}).items():
        flagged = [f.lot for f in assessment.findings if f.code == code and f.status == "flagged"]
        assert flagged == lots, f"{code}: flagged on lots {flagged}"
    for code, confidence in expected.get("confidence", {}).items():
        assert {f.confidence for f in assessment.findings if f.code == code} == {confidence}, code
    if "origin_classes" in expected:
        assert [o["class"] for o in assessment.origin] == expected["origin_classes"]
    if "owner_nationalities" in expected:
        assert [o["owner_nationalities"] for o in assessment.origin] == expected["owner_nationalities"]
    if expected.get("no_problem"):
        problems = [f.code for f in assessment.findings if f.status == "flagged" and f.severity == "problem"]
        assert not problems, f"a compliant tender got problems: {problems}"
    _check_coverage_and_texts(assessment, expected)
    _check_to_confirm_items(assessment)


def _check_coverage_and_texts(assessment: Assessment, expected: dict) -> None:
    """The coverage block (keys, per-agreement answers, covered partners), evidence, messages, to_confirm."""
    for key, value in expected.get("coverage", {}).items():
        assert assessment.coverage[key] == value, f"coverage.{key}: {assessment.coverage[key]!r}"
    by_agreement = {e["agreement"]: e for e in assessment.coverage["by_agreement"]}
    for agreement, covers in expected.get("agreements", {}).items():
        assert by_agreement[agreement]["covers"] == covers, f"{agreement}: {by_agreement[agreement]}"
    covered = assessment.coverage["covered_countries"]
    assert set(expected.get("covered", {}).get("include", [])) <= set(covered), covered
    assert not set(expected.get("covered", {}).get("exclude", [])) & set(covered), covered
    for code, values in expected.get("evidence", {}).items():
        found = [f.evidence for f in assessment.findings if f.code == code]
        assert any(all(e.get(k) == v for k, v in values.items()) for e in found), f"{code}: {found}"
    for code, texts in expected.get("message", {}).items():
        messages = [f"{f.message} {f.message_fr}" for f in assessment.findings if f.code == code]
        for text in texts:
            assert any(text in m for m in messages), f"{code}: {text!r} not in {messages}"
    for code, wanted in expected.get("to_confirm", {}).items():
        items = [i for f in assessment.findings if f.code == code for i in f.to_confirm]
        assert bool(items) == wanted, f"{code}: to_confirm {items}"


def _check_to_confirm_items(assessment: Assessment) -> None:
    """Every unconfirmed finding says what to confirm, in both languages, with a source (rules-2026.md: "à
    vérifier" / "to be confirmed")."""
    for finding in assessment.findings:
        if finding.confidence == "unconfirmed":
            assert finding.to_confirm, f"{finding.code}: unconfirmed without anything to confirm"
        for item in finding.to_confirm:
            assert item["en"].strip() and item["fr"].strip() and item["source"].strip(), (finding.code, item)


def _show(assessment: Assessment, code: str) -> list:
    return [(f.status, f.severity, f.lot, f.message) for f in assessment.findings if f.code == code]
