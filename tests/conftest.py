"""Shared fixtures: the real corpus beside the repo (skipped when absent) and our own samples."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "tenders"
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_files(*parts: str, pattern: str = "*.xml") -> list[Path]:
    """Files of ../shared/corpus/<parts> (recursive), or [] when the corpus is absent."""
    base = CORPUS.joinpath(*parts)
    if not base.is_dir():
        return []
    return sorted(p for p in base.rglob(pattern) if p.is_file())


def corpus_params(*parts: str, pattern: str = "*.xml") -> list:
    """pytest params over corpus files with readable ids; one skipped param when the corpus is absent."""
    files = corpus_files(*parts, pattern=pattern)
    if not files:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"../shared/corpus/{'/'.join(parts)} absent"))]
    return [pytest.param(p, id=str(p.relative_to(CORPUS))) for p in files]


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    return CORPUS
