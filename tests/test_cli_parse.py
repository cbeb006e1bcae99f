"""`reciprocity parse` and `coverage` on our samples, failing files among good ones, and help for every command."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLES

from reciprocity import parse
from reciprocity.audit.sources import iter_paths
from reciprocity.cli import main
from reciprocity.errors import NoticeParseError

RENNES = SAMPLES / "decp-2022-rennes.json"


def expected_rennes(source: str) -> list[dict]:
    lines = (SAMPLES / "decp-2022-rennes.expected.json").read_text(encoding="utf-8").splitlines()
    return [{**json.loads(line), "source": source} for line in lines]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_parse_prints_one_json_line_per_notice() -> None:
    result = run("parse", str(RENNES))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [json.loads(line) for line in lines] == expected_rennes(str(RENNES))
    assert result.stderr == ""


def test_parse_pretty_prints_indented_objects() -> None:
    result = run("parse", "--pretty", str(RENNES))
    assert result.exit_code == 0
    decoder, text, objects, position = json.JSONDecoder(), result.stdout, [], 0
    while position < len(text.rstrip()):
        obj, position = decoder.raw_decode(text, position)
        objects.append(obj)
        position += len(text[position:]) - len(text[position:].lstrip())
    assert objects == expected_rennes(str(RENNES))
    assert '\n  "id": "decp-21350238800019-2024TRX0142"' in text


def test_parse_searches_folders_and_skips_readme_and_expected_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    shutil.copy(RENNES, tmp_path / "a.json")
    shutil.copy(RENNES, tmp_path / "sub" / "b.json")
    shutil.copy(SAMPLES / "decp-2022-rennes.expected.json", tmp_path / "a.expected.json")
    (tmp_path / "README.md").write_text("# samples\n")
    result = run("parse", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    sources = [json.loads(line)["source"] for line in result.stdout.splitlines()]
    assert sources == [str(tmp_path / "a.json")] * 4 + [str(tmp_path / "sub" / "b.json")] * 4


def test_parse_of_all_our_samples_prints_every_notice() -> None:
    files = list(iter_paths([SAMPLES]))
    result = run("parse", str(SAMPLES))
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == sum(len(parse(f)) for f in files)
    assert len(files) >= 2 and not any(f.name.endswith((".md", ".expected.json")) for f in files)


def test_a_broken_file_is_reported_and_the_good_ones_still_print(tmp_path: Path) -> None:
    shutil.copy(RENNES, tmp_path / "1-good.json")
    (tmp_path / "2-broken.xml").write_bytes(b"<TED_EXPORT><FORM_SECTION>")
    (tmp_path / "3-empty.json").write_bytes(b"")
    bad_record = {"marches": ["not a contract", json.loads(RENNES.read_text())["marches"]["marche"][0]]}
    (tmp_path / "4-bad-record.json").write_text(json.dumps(bad_record))
    result = run("parse", str(tmp_path))
    assert result.exit_code == 1
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert len(ids) == 5 and ids[-1] == "decp-21350238800019-2024TRX0142"
    errors = result.stderr.splitlines()
    assert len(errors) == 3 and all(line.startswith("Error: ") for line in errors)
    assert "2-broken.xml" in errors[0] and "malformed XML" in errors[0]
    assert "3-empty.json" in errors[1] and "empty" in errors[1]
    assert "4-bad-record.json" in errors[2] and "record 1" in errors[2]


def test_coverage_counts_fields_of_our_samples() -> None:
    notices = [n.to_dict() for f in iter_paths([SAMPLES]) for n in parse(f)]
    result = run("coverage", "--json", str(SAMPLES))
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["notices"], report["failed"]) == (len(notices), 0)
    fields = report["fields"]
    assert fields["id"] == len(notices)
    assert fields["procedure.cpv_main"] == sum(1 for n in notices if n["procedure"]["cpv_main"])
    assert fields["results[].winners"] == sum(1 for n in notices if any(r["winners"] for r in n["results"]))
    text = run("coverage", str(SAMPLES)).stdout.splitlines()
    assert text[0] == f"{len(notices)} notices, 0 failed"
    assert any(line.split()[0] == "procedure.cpv_main" for line in text[1:])


def test_coverage_shows_what_decp_lacks() -> None:
    report = json.loads(run("coverage", "--json", str(RENNES)).stdout)
    assert report["notices"] == 4
    assert report["fields"]["procedure.estimated_value"] == 0  # DECP gives no estimate: the gap shows at once
    assert report["fields"]["results[].received"] == 4


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_and_is_in_the_readme(name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0 and "Usage:" in result.stdout
    assert main.commands[name].help, f"{name} has no help text"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # as code: `reciprocity NAME …` in text or a table, or a shell line (prose like "reciprocity rules" does not count)
    assert re.search(rf"(`|^\$? ?)reciprocity {name}\b", readme, re.MULTILINE), f"{name} missing from README"


def test_the_json_contract_is_a_format_of_the_registry(tmp_path):
    """`reciprocity parse` output reads back as it was, by content: one object, pretty-printed, or JSON Lines;
    the same detection serves `parse`, `check`, `ingest` and the web app."""
    from reciprocity.parsers import detect_format, iter_parse

    notices = [n.to_dict() for f in iter_paths([SAMPLES]) for n in parse(f)]
    lines = "\n".join(json.dumps(n, ensure_ascii=False) for n in notices).encode()
    assert detect_format(lines) == "contract"
    assert [n.to_dict() for n in parse(lines, "lines.jsonl")] == notices
    single = tmp_path / "draft.json"
    single.write_text(json.dumps(notices[0], indent=2), encoding="utf-8")
    assert [n.to_dict() for n in parse(single)] == notices[:1]
    assert detect_format((SAMPLES / "decp-2022-rennes.json").read_bytes()) == "decp"
    bad = b'{"id": "x", "source_format": "eforms"}\n{"id": "y"}\n'
    items = list(iter_parse(bad, "two.jsonl"))
    assert items[0].id == "x" and isinstance(items[1], NoticeParseError) and "two.jsonl line 2" in str(items[1])
    result = CliRunner().invoke(main, ["check", "--json", str(single)])
    assert result.exit_code == 0 and json.loads(result.output)["notice"]["id"] == notices[0]["id"]
