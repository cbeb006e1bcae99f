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


def run(*args: str, env: dict[str, str] | None = None):
    """The CLI in English unless a test says otherwise (the default follows RECIPROCITY_LANG, then the locale)."""
    return CliRunner().invoke(main, list(args), env={"RECIPROCITY_LANG": "en", **(env or {})})


def test_report_puts_what_to_do_first_with_labels_evidence_and_article():
    result = run("check", CN_WINNER)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("== ") and lines[0].endswith("(00500003-2025)")
    sections = [line.strip() for line in lines if line.startswith("  ") and not line.startswith("   ")]
    assert sections[:2] == ["For the next procedure", "For information"]  # an award notice: no "before publication"
    first_finding = next(line for line in lines if line.startswith("    ") and not line.startswith("     "))
    assert first_finding.strip() == "PROBLEM  IPI measure on Chinese medical devices [IPI-MEDICAL-DEVICES] · lot 2"
    assert "Impl. Reg. (EU) 2025/1197" in result.output
    assert "      Winners: " in result.output and "(China; Third country with no agreement)" in result.output


def test_french_report():
    result = run("check", "--lang", "fr", CN_WINNER)
    assert "est établi en Chine" in result.output and "Origine des titulaires" in result.output
    assert "Pour la prochaine procédure" in result.output and "CJUE C-652/22" in result.output


def test_json_lines_are_the_contract():
    result = run("check", "--json", CN_WINNER, COMPLIANT)
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert set(first) >= {"notice", "findings", "sme_score", "coverage", "origin", "benefit"}
    assert first["notice"]["publication_number"] == "00500003-2025"
    assert {f["code"] for f in first["findings"]} == set(all_codes())


def test_fail_on_sets_the_exit_status_3():
    assert run("check", "--fail-on", "problem", CN_WINNER).exit_code == 3
    assert run("check", "--fail-on", "problem", UNCOVERED).exit_code == 0  # warnings only
    assert run("check", "--fail-on", "warning", UNCOVERED).exit_code == 3
    assert run("check", "--fail-on", "problem", COMPLIANT).exit_code == 0
    assert run("check", CN_WINNER).exit_code == 0


def test_exit_status_tells_unreadable_input_from_a_policy_failure(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<ContractNotice><unclosed>", encoding="utf-8")
    assert run("check", COMPLIANT).exit_code == 0  # clean
    assert run("check", "--fail-on", "problem", CN_WINNER).exit_code == 3  # policy
    assert run("check", str(broken), COMPLIANT).exit_code == 1  # a file could not be read
    assert run("check", "--fail-on", "problem", str(broken), CN_WINNER).exit_code == 1  # incomplete results win
    readme = README.read_text(encoding="utf-8")
    section = readme[readme.index("### Exit status"):]
    assert all(f"| {status} |" in section[:1500] for status in (0, 1, 3))


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
    assert "Winner from a non-covered third country [RECIP-UNCOVERED-WINNER]" in text and "flagged" in text


def test_rules_lists_every_code():
    text = run("rules").output
    listing = json.loads(run("rules", "--json").output)
    assert [rule["code"] for rule in listing] == all_codes()
    for rule in listing:
        assert f"{rule['label']} [{rule['code']}]" in text
        assert rule["label"] and rule["title"] and rule["area"] and rule["confidence"]
    french = run("rules", "--lang", "fr").output
    assert "Marché non alloti [SME-NO-LOTS]" in french and "CJUE C-652/22 Kolin" in french


def test_commands_have_help_and_are_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    for command in ("check", "rules", "clauses"):
        assert run(command, "--help").exit_code == 0
        assert f"`reciprocity {command}" in readme


def test_language_comes_from_the_option_then_the_variable_then_the_locale():
    french = "Pour la prochaine procédure"
    assert french in CliRunner().invoke(main, ["check", CN_WINNER], env={"RECIPROCITY_LANG": "fr"}).output
    assert french in CliRunner().invoke(main, ["check", CN_WINNER],
                                        env={"RECIPROCITY_LANG": None, "LC_ALL": None, "LANG": "fr_FR.UTF-8"}).output
    assert french not in CliRunner().invoke(main, ["check", CN_WINNER],
                                            env={"RECIPROCITY_LANG": None, "LC_ALL": None, "LANG": "C.UTF-8"}).output
    assert french not in run("check", "--lang", "en", CN_WINNER, env={"RECIPROCITY_LANG": "fr"}).output


def test_errors_are_worded_in_the_command_language(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<ContractNotice><unclosed>", encoding="utf-8")
    result = run("check", "--lang", "fr", str(broken))
    assert result.exit_code == 1 and result.stderr.startswith("Erreur : « ")
    assert "n'a pas pu être lu" in result.stderr


def test_identical_findings_on_several_lots_are_one_line(tmp_path):
    from reciprocity import assess
    from reciprocity.assessment_text import render
    from reciprocity.draft import build_notice

    notice = build_notice({"buyer_country": "FR", "buyer_legal_type": "la", "contract_nature": "supplies",
                           "estimated_value": "900000", "lots_count": "7", "procedure_type": "open",
                           "dispatch_date": "2026-03-02", "tender_deadline": "2026-04-20",
                           "electronic_submission": "required", "sme_suitable": "yes",
                           "award_criteria": [{"type": "price", "weight": "100"}]})
    text = render(assess(notice), "fr")
    price_only = [line for line in text.splitlines() if "[SME-PRICE-ONLY]" in line]
    assert price_only == ["    AVERTISSEMENT  Prix seul critère d'attribution [SME-PRICE-ONLY] · lots 1 à 7"]
    assert "À corriger avant publication" in text
