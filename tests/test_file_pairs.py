"""File pairs: a notice and its hand-checked `*.expected.json` (the whole parse output, compared exactly).

Corpus notices are named by their corpus path with "/" written "__" (tests/expected/<format>/); our own samples
sit beside their expected file in data/tenders/ (DECP samples: JSON Lines, one line per contract).
Adding a pair means adding files, not code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, SAMPLES

from reciprocity import parse
from reciprocity.parsers.contract import notice_from_dict

EXPECTED = ROOT / "tests" / "expected"
MIN_CHECKED = {"eforms": 12, "ted": 10}


def _corpus_pairs() -> list:
    files = [f for fmt in MIN_CHECKED for f in sorted((EXPECTED / fmt).glob("*.expected.json"))]
    if not CORPUS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason="../shared/corpus absent"))]
    return [pytest.param(f, id=f"{f.parent.name}/{f.name.removesuffix('.expected.json')}") for f in files]


@pytest.mark.parametrize("expected_file", _corpus_pairs())
def test_corpus_notice_matches_hand_checked_expected(expected_file: Path) -> None:
    relative = expected_file.name.removesuffix(".expected.json").replace("__", "/")
    notice = parse((CORPUS / relative).read_bytes(), name=relative)[0]
    assert notice.to_dict() == json.loads(expected_file.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", sorted(MIN_CHECKED))
def test_enough_hand_checked_corpus_pairs(fmt: str) -> None:
    assert len(list((EXPECTED / fmt).glob("*.expected.json"))) >= MIN_CHECKED[fmt]


SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir()
                      if p.suffix in (".xml", ".json") and not p.name.endswith(".expected.json"))


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_sample_matches_expected(sample: Path) -> None:
    expected_file = sample.with_name(sample.stem + ".expected.json")
    lines = expected_file.read_text(encoding="utf-8").strip()
    expected = [json.loads(line) for line in lines.splitlines()] if sample.suffix == ".json" else [json.loads(lines)]
    assert [n.to_dict() for n in parse(sample.read_bytes(), name=sample.name)] == expected


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_sample_round_trips_through_the_json_contract(sample: Path) -> None:
    """Every field a sample fills (the additions of issue #10 included) reads back from `reciprocity parse` output."""
    for notice in parse(sample.read_bytes(), name=sample.name):
        assert notice_from_dict(json.loads(json.dumps(notice.to_dict()))).to_dict() == notice.to_dict()


def test_samples_cover_what_the_readme_promises() -> None:
    names = {p.name for p in SAMPLE_FILES}
    assert {"eforms-cn-lots-lyon.xml", "eforms-can-winners-fr-de-cn.xml", "eforms-cn-medical-ipi.xml",
            "ted-f02-cn-nantes-works.xml", "ted-f03-can-bordeaux.xml", "decp-2022-rennes.json"} <= names
    assert sum(len(parse(p)) for p in SAMPLE_FILES) >= 8
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    assert all(name in readme for name in names)
