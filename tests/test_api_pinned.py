"""A pinned example: POST /api/v1/check on our IPI sample, compared field by field on the stable parts.

The notice must equal the hand-checked parse output (`*.expected.json`); the findings keep their codes, statuses,
severities, legal references and confidence. A rules change that moves any of these must update this pin.
"""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES

pytest_plugins = ["web_fixtures"]  # app, client, db_path

SAMPLE = SAMPLES / "eforms-cn-medical-ipi.xml"
# code -> (status, severity, legal_ref): the pinned verdicts on this notice
PINNED_FINDINGS = {
    "RECIP-COVERED-AGREEMENTS": ("flagged", "info", "Dir. 2014/24 art. 25; Dir. 2014/25 art. 43; CCP L2153-1 al. 1"),
    "RECIP-KOLIN-OPTION": ("flagged", "info", "CJEU C-652/22 Kolin; CCP L2153-1 al. 2"),
    "IPI-MEDICAL-DEVICES": ("flagged", "info", "Reg. (EU) 2022/1031; Impl. Reg. (EU) 2025/1197"),
    "FSR-NOTIFICATION": ("passed", "info", "Reg. (EU) 2022/2560 art. 28-29"),
    "SME-NO-LOTS": ("flagged", "warning", "CCP L2113-10, L2113-11; Dir. 2014/24 art. 46"),
    "SME-PRICE-ONLY": ("flagged", "warning", "CCP R2152-7 1°; Dir. 2014/24 art. 67"),
    "SME-NOT-FLAGGED-SUITABLE": ("flagged", "info", "eForms BT-726"),
    "SME-TURNOVER-CAP": ("passed", "info", "CCP R2142-7, R2142-8; Dir. 2014/24 art. 58(3)"),
    "SME-SHORT-DEADLINE": ("passed", "info", "CCP R2161-2 ff., R2361-2; Dir. 2014/24 art. 27-28"),
    "SME-NO-ESUBMISSION": ("passed", "info", "Dir. 2014/24 art. 22; CCP R2132-7"),
}
FINDING_KEYS = {"code", "severity", "area", "status", "lot", "message", "message_fr", "evidence", "legal_ref",
                "recommendation", "recommendation_fr", "confidence", "to_confirm"}


@pytest.fixture
def response(client):
    if not SAMPLE.exists():
        pytest.fail(f"{SAMPLE.name} is missing from data/tenders/")
    reply = client.post("/api/v1/check", data=SAMPLE.read_bytes(), content_type="application/xml")
    assert reply.status_code == 200
    return reply.get_json()


def test_notice_is_the_hand_checked_parse(response):
    expected = json.loads(SAMPLE.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert response["notice"]["source"] == "request body"  # the only field that names where it was read from
    for key, value in expected.items():
        if key != "source":
            assert response["notice"][key] == value, key


def test_findings_are_pinned(response):
    by_code = {f["code"]: f for f in response["findings"]}
    for code, (status, severity, legal_ref) in PINNED_FINDINGS.items():
        finding = by_code[code]
        assert (finding["status"], finding["severity"], finding["legal_ref"]) == (status, severity, legal_ref), code
        assert finding["confidence"] == "established" and set(finding) == FINDING_KEYS
        assert finding["to_confirm"] == [], code  # established: nothing relied on is to be confirmed
        assert finding["message"] and finding["message_fr"] and finding["message"] != finding["message_fr"]
    flagged = {f["code"] for f in response["findings"] if f["status"] == "flagged"}
    assert flagged == {code for code, pin in PINNED_FINDINGS.items() if pin[0] == "flagged"}


def test_coverage_origin_and_benefit(response):
    coverage = response["coverage"]
    assert coverage["gpa"] is True and coverage["buyer_category"] == "sub-central"
    assert coverage["nature"] == "supplies" and coverage["value_eur"] == "8000000.00"
    assert "GPA" in coverage["agreements"] and "CETA" in coverage["agreements"]
    assert response["origin"] == []  # a competition notice has no winner yet
    benefit = response["benefit"]
    assert 0 < benefit["priority"] <= 100
    assert any("IPI-MEDICAL-DEVICES" in reason for reason in benefit["reasons"])
    assert set(response) >= {"notice", "findings", "sme_score", "coverage", "origin", "benefit"}
