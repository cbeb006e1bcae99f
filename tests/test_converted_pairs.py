"""The same notice in TED XML and in OP's eForms conversion must tell the same story.

`../shared/corpus/eforms-converted-from-ted/<name>.xml` is OP's TED-XML -> eForms (SDK 1.10) conversion of
`../shared/corpus/ted-r209/<form>/<name>.xml`. Both parsers (via `reciprocity.parse`, which picks each by
content) must agree on the buyer's country, the main CPV, the number of lots and who won (names compared
case- and space-insensitively, with their countries), and on the fields the rules rely on: buyer legal type and
activity (TED codes mapped to the eForms code lists), estimated value, electronic submission and framework flag.

Where they differ, the difference is the converter's, and stated here:
- an estimate of a TED award notice is in its award sections (VAL_ESTIMATED_TOTAL), which the converter does not
  carry: the conversion has no BT-27, while TED gives the procedure the estimate of its one lot;
- TED states electronic submission only by giving URL_PARTICIPATION (we then read true, else null); the converter
  writes BT-17 "not-allowed" whenever that address is absent, award notices included (F03/F06 have none);
- TED states a framework agreement only by PROCEDURE/FRAMEWORK (we read true, else null); the converter writes
  BT-765 "none" when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS, corpus_params

from reciprocity import parse
from reciprocity.model import Notice
from reciprocity.rules.agreements import buyer_category
from reciprocity.rules.data import load_rule_data


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


def _rule_fields(notice: Notice) -> dict:
    proc = notice.procedure
    return {"legal_type": notice.buyer.legal_type, "activity": notice.buyer.activity,
            "estimated_value": proc.estimated_value and (proc.estimated_value.amount, proc.estimated_value.currency),
            "electronic_submission": proc.electronic_submission, "framework": proc.framework}


def _as_converted(ted: Notice) -> dict:
    """What the converter makes of the TED fields (see the module doc), to compare with the eForms reading."""
    fields = _rule_fields(ted)
    if ted.kind == "result":
        fields["estimated_value"] = None  # award-section estimates are not converted
    fields["electronic_submission"] = bool(fields["electronic_submission"])  # absent URL -> "not-allowed"
    fields["framework"] = bool(fields["framework"])  # absent FRAMEWORK -> "none"
    return fields


@pytest.mark.parametrize("converted", corpus_params("eforms-converted-from-ted"))
def test_twins_agree_on_the_fields_the_rules_rely_on(converted: Path) -> None:
    (ted,) = parse(_original(converted))
    (eforms,) = parse(converted)
    assert _rule_fields(eforms) == _as_converted(ted)
    assert ted.buyer.legal_type_raw is not None or ted.buyer.activity_raw is not None
    if ted.kind == "result" and ted.procedure.estimated_value is not None:  # only ever its one lot's initial estimate
        assert len(ted.lots) == 1 and ted.procedure.estimated_value == ted.lots[0].estimated_value
        assert ted.procedure.estimated_value in [r.estimated_value for r in ted.results]


@pytest.mark.parametrize("converted", corpus_params("eforms-converted-from-ted"))
def test_twins_put_the_buyer_in_the_same_category(converted: Path) -> None:
    """One vocabulary: the same buyer is never two categories in reports, whichever format it was read from."""
    data = load_rule_data()
    (ted,) = parse(_original(converted))
    (eforms,) = parse(converted)
    assert buyer_category(ted, data)[0] == buyer_category(eforms, data)[0]
