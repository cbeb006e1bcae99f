"""The same notice in TED XML and in OP's eForms conversion must tell the same story.

`../shared/corpus/eforms-converted-from-ted/<name>.xml` is OP's TED-XML -> eForms (SDK 1.10) conversion of
`../shared/corpus/ted-r209/<form>/<name>.xml`. Both parsers (via `reciprocity.parse`, which picks each by
content) must agree on the buyer's country, the main CPV, the number of lots and who won (names compared
case- and space-insensitively, with their countries).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS, corpus_params

from reciprocity import parse
from reciprocity.model import Notice


def _original(converted: Path) -> Path:
    matches = sorted((CORPUS / "ted-r209").rglob(converted.name))
    assert len(matches) == 1, f"{converted.name}: expected one TED original in ted-r209/, found {len(matches)}"
    return matches[0]


def _winners(notice: Notice) -> set[tuple[str, str | None]]:
    """Every winner of every result as (name folded for case and white space, country)."""
    return {(" ".join((w.name or "").split()).casefold(), w.country) for r in notice.results for w in r.winners}


def _summary(notice: Notice) -> dict:
    return {
        "buyer_country": notice.buyer.country,
        "cpv_main": notice.procedure.cpv_main,
        "lot_count": len(notice.lots),
        "winners": _winners(notice),
    }


@pytest.mark.parametrize("converted", corpus_params("eforms-converted-from-ted"))
def test_ted_original_and_eforms_conversion_agree(converted: Path) -> None:
    original = _original(converted)
    (ted,) = parse(original)
    (eforms,) = parse(converted)
    assert ted.source_format == "ted" and eforms.source_format == "eforms"
    assert _summary(eforms) == _summary(ted)
