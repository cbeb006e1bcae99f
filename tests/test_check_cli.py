"""`reciprocity check` and `reciprocity rules`: report, JSON lines, language, exit status, summary."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from reciprocity.cli import main
from reciprocity.rules import all_codes

CASES = Path(__file__).parent / "cases"
CN_WINNER = str(CASES / "reciprocity" / "ipi-medical-cn-winner.xml")
COMPLIANT = str(CASES / "reciprocity" / "covered-services-fr-winner.xml")
UNCOVERED = str(CASES / "reciprocity" / "uncovered-winner-cn-works.xml")
README = Path(__file__).parent.parent / "README.md"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_report_groups_by_area_problems_first_with_evidence_and_article():
    result = run("check", CN_WINNER)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("== 00500003-2025")
    first_finding = next(line for line in lines if line.startswith("    ") and not line.startswith("      "))
    assert first_finding.strip().startswith("PROBLEM IPI-MEDICAL-DEVICES (lot LOT-0002)")
    assert "Impl. Reg. (EU) 2025/1197" in result.output and "evidence:" in result.output
    assert lines.index("  [reciprocity]") < lines.index("  [quality]")


def test_french_report():
    result = run("check", "--lang", "fr", CN_WINNER)
    assert "est établi en Chine" in result.output and "Origine des attributaires" in result.output


def test_json_lines_are_the_contract():
    result = run("check", "--json", CN_WINNER, COMPLIANT)
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert set(first) >= {"notice", "findings", "sme_score", "coverage", "origin", "benefit"}
    assert first["notice"]["publication_number"] == "00500003-2025"
    assert {f["code"] for f in first["findings"]} == set(all_codes())


def test_fail_on_sets_the_exit_status():
    assert run("check", "--fail-on", "problem", CN_WINNER).exit_code == 1
    assert run("check", "--fail-on", "problem", UNCOVERED).exit_code == 0  # warnings only
    assert run("check", "--fail-on", "warning", UNCOVERED).exit_code == 1
    assert run("check", "--fail-on", "problem", COMPLIANT).exit_code == 0
    assert run("check", CN_WINNER).exit_code == 0


def test_parse_failure_is_reported_and_the_others_continue(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<ContractNotice><unclosed></ContractNotice>", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--json", str(broken), COMPLIANT])
    assert result.exit_code == 1
    assert "broken.xml" in result.stderr
    assert len(result.stdout.strip().splitlines()) == 1


def test_draft_json_notice_uses_today(tmp_path):
    draft = {"id": "draft-1", "source_format": "form", "kind": "competition", "dispatch_date": None,
             "buyer": {"name": "Ville de Test", "country": "FR", "legal_type": "la"},
             "procedure": {"contract_nature": "supplies", "legal_basis": "32014L0024",
                           "estimated_value": {"amount": "216000", "currency": "EUR"}}}
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(draft), encoding="utf-8")
    before = json.loads(run("check", "--json", "--today", "2025-12-31", str(path)).output)
    after = json.loads(run("check", "--json", "--today", "2026-01-01", str(path)).output)
    assert before["coverage"]["agreements"] == [] and after["coverage"]["agreements"]


def test_summary_counts_each_code_once_per_notice():
    result = run("check", "--summary", "--json", str(CASES / "reciprocity"))
    summary = json.loads(result.output)
    assert summary["notices"] == len(list((CASES / "reciprocity").glob("*.xml")))
    for code, row in summary["codes"].items():
        if code in all_codes():
            assert row["notices"] == summary["notices"], code
            assert abs(sum(row[s] for s in ("flagged", "passed", "not-applicable", "insufficient-data")) - 100) < 0.5
    text = run("check", "--summary", str(CASES / "reciprocity")).output
    assert "RECIP-UNCOVERED-WINNER" in text and "flagged" in text


def test_rules_lists_every_code():
    text = run("rules").output
    listing = json.loads(run("rules", "--json").output)
    assert [rule["code"] for rule in listing] == all_codes()
    for rule in listing:
        assert rule["code"] in text
        assert rule["title"] and rule["area"] and rule["confidence"]
    assert "Kolin" in run("rules", "--lang", "fr").output


def test_commands_have_help_and_are_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    for command in ("check", "rules"):
        assert run(command, "--help").exit_code == 0
        assert f"`reciprocity {command}" in readme
