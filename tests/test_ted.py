"""Legacy TED XML (R2.0.7-R2.0.9): every corpus file, hand-checked file pairs, our samples, and the surprises.

Key fields are checked against independent XPath (`local-name()`) queries on the same file, not against the
parser's own helpers, so a parser bug cannot confirm itself.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CORPUS, SAMPLES, corpus_params
from lxml import etree

from reciprocity.countries import ALPHA2_TO_ALPHA3
from reciprocity.errors import NoticeParseError
from reciprocity.model import Notice
from reciprocity.parsers import iter_parse, parse
from reciprocity.parsers._ted_values import parse_amount, parse_weight

TED_DIRS = ("ted-r209", "ted-r209-other-forms", "ted-r208", "ted-r207")
ALL_TED = [p for d in TED_DIRS for p in corpus_params(d)]
CORE_FORMS = [p for form in ("F02_2014", "F03_2014", "F05_2014", "F06_2014") for p in corpus_params("ted-r209", form)]
TED_COUNTRY = {"UK": "GB", "EL": "GR"}  # EU codes that differ from ISO 3166-1


def _xpath(node, path: str, **variables) -> list:
    """XPath on local names: "a/b" -> "*[local-name()='a']/*[local-name()='b']"."""
    keep = ("", ".", "*")
    steps = [s if s in keep or s.startswith("@") or s.endswith("()") else f"*[local-name()='{s}']"
             for s in path.split("/")]
    return node.xpath("/".join(steps), **variables)


def _original(root):
    """The ORIGINAL form, preferring the one in the first LG_ORIG (independent of the parser's own choice)."""
    originals = _xpath(root, "FORM_SECTION/*") or []
    originals = [f for f in originals if f.get("CATEGORY") == "ORIGINAL"] or originals
    lg_orig = _xpath(root, "CODED_DATA_SECTION/NOTICE_DATA/LG_ORIG/text()")
    matching = [f for f in originals if lg_orig and f.get("LG") == lg_orig[0].strip()]
    return (matching or originals)[0]


def _only_notice(path: Path) -> Notice:
    items = list(iter_parse(path.read_bytes(), name=str(path.relative_to(CORPUS))))
    assert len(items) == 1
    return items[0]


# -- every corpus TED file --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_TED)
def test_every_corpus_file_parses_or_says_why(path: Path) -> None:
    item = _only_notice(path)
    if isinstance(item, NoticeParseError):  # allowed only for a form we do not map, with the reason
        assert "not supported" in item.reason
        return
    root = etree.fromstring(path.read_bytes())
    doc_id = root.get("DOC_ID")
    number, year = doc_id.split("-")
    assert item.publication_number == f"{int(number):08d}-{year}" == item.id
    assert item.source_format == "ted"
    assert re.fullmatch(r"R2\.0\.[789]\.S0[1-5]", item.schema_version or "")
    assert item.kind in ("planning", "competition", "dir-awa-pre", "result", "cont-modif", "change", "other")
    assert item.dispatch_date is not None and len(item.lots) >= 1
    if _xpath(root, "FORM_SECTION/*//OFFICIALNAME"):
        assert item.buyer.name
    countries = [o.country for o in (item.buyer, *item.other_buyers, *(w for r in item.results for w in r.winners))]
    assert all(c is None or c in ALPHA2_TO_ALPHA3 for c in countries), countries  # ISO only: no "UK", no "EL"
    json.dumps(item.to_dict())  # the JSON contract is serialisable


@pytest.mark.parametrize("path", CORE_FORMS)
def test_core_forms_key_fields_match_independent_xpath(path: Path) -> None:
    notice = _only_notice(path)
    root = etree.fromstring(path.read_bytes())
    form = _original(root)
    dispatch = _xpath(root, "CODED_DATA_SECTION/CODIF_DATA/DS_DATE_DISPATCH/text()")[0]
    assert notice.dispatch_date.strftime("%Y%m%d") == dispatch.strip()
    assert notice.language == form.get("LG")
    _check_buyer_country(notice, form)
    cpv = _xpath(form, "OBJECT_CONTRACT/CPV_MAIN/CPV_CODE/@CODE")
    assert notice.procedure.cpv_main == cpv[0][:8]
    assert len(notice.lots) == max(1, len(_xpath(form, "OBJECT_CONTRACT/OBJECT_DESCR")))
    assert notice.kind == ("competition" if form.get("FORM") in ("F02", "F05") else "result")
    if _xpath(form, "PROCEDURE/PT_OPEN"):
        assert notice.procedure.type == "open"
    if _xpath(form, "PROCEDURE/CONTRACT_COVERED_GPA"):
        assert notice.procedure.gpa_covered is True
    _check_awards(notice, _xpath(form, "AWARD_CONTRACT"))
    _check_rule_fields(notice, form)


def _amount(text: str) -> Decimal:
    return Decimal(text.strip().replace(" ", ""))


def _check_rule_fields(notice: Notice, form) -> None:
    """Issue #10: the final total is never the estimate; URL_PARTICIPATION is e-submission; raw buyer codes kept."""
    proc = notice.procedure
    total = _xpath(form, "OBJECT_CONTRACT/VAL_TOTAL/text()")
    if total and proc.awarded_value is not None:
        assert proc.awarded_value.amount == _amount(total[0])
    estimates = {_amount(t) for t in _xpath(form, ".//VAL_ESTIMATED_TOTAL/text()") if t.strip()}
    assert proc.estimated_value is None or proc.estimated_value.amount in estimates
    url = _xpath(form, "CONTRACTING_BODY/URL_PARTICIPATION/text()")
    assert proc.electronic_submission is (True if url and url[0].strip() else None)
    ca_type = _xpath(form, "CONTRACTING_BODY/CA_TYPE/@VALUE")
    if ca_type:
        assert notice.buyer.legal_type_raw == ca_type[0].strip()
    contractors = _xpath(form, "AWARD_CONTRACT/AWARDED_CONTRACT//CONTRACTOR")
    flags = [True if _xpath(c, "SME") else False if _xpath(c, "NO_SME") else None for c in contractors
             if _xpath(c, "ADDRESS_CONTRACTOR")]
    assert [w.sme for r in notice.results for w in r.winners] == flags


def _check_buyer_country(notice: Notice, form) -> None:
    code = _xpath(form, "CONTRACTING_BODY/ADDRESS_CONTRACTING_BODY/COUNTRY/@VALUE")[0]
    if notice.buyer.country is None:  # an invalid code in the source: null plus a warning, never a guess
        assert any("COUNTRY" in w and code in w for w in notice.parse_warnings)
    else:
        assert notice.buyer.country == TED_COUNTRY.get(code, code)


def _check_awards(notice: Notice, awards: list) -> None:
    assert len(notice.results) == len(awards)
    for award, result in zip(awards, notice.results, strict=True):
        contractors = _xpath(award, "AWARDED_CONTRACT//CONTRACTOR")
        assert len(result.winners) == len(contractors)
        for contractor, winner in zip(contractors, result.winners, strict=True):
            country = _xpath(contractor, "ADDRESS_CONTRACTOR/COUNTRY/@VALUE")
            if country and winner.country:
                assert winner.country == TED_COUNTRY.get(country[0], country[0])
        if _xpath(award, "AWARDED_CONTRACT//NB_TENDERS_RECEIVED/text()"):
            assert result.received is not None and result.received.total is not None
        if _xpath(award, "AWARDED_CONTRACT//VAL_TOTAL/text()"):
            assert result.value is not None
        assert result.status == ("awarded" if _xpath(award, "AWARDED_CONTRACT") else "no-award")


# (file pairs, corpus and samples: tests/test_file_pairs.py)


# -- the surprises, on variants of our own sample ----------------------------------------------------------------

CAN_SAMPLE = SAMPLES / "ted-f03-can-bordeaux.xml"


def _variant(*replacements: tuple[str, str]) -> dict:
    data = CAN_SAMPLE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in data
        data = data.replace(old, new)
    return parse(data.encode("utf-8"), name=CAN_SAMPLE.name)[0].to_dict()


def test_ted_country_codes_uk_and_el_become_iso() -> None:
    notice = _variant(('<COUNTRY VALUE="FR"/>\n               <CONTACT_POINT>', '<COUNTRY VALUE="UK"/><CONTACT_POINT>'),
                      ('<COUNTRY VALUE="US"/>', '<COUNTRY VALUE="EL"/>'))
    assert notice["buyer"]["country"] == "GB"
    assert notice["results"][0]["winners"][0]["country"] == "GR"


@pytest.mark.parametrize("namespace", [
    "http://formex.publications.europa.eu/ted/schema/export/R2.0.9.S01.E01",  # S01
    "ted/R2.0.9.S02/publication",  # S02 (a relative URI)
    "http://publications.europa.eu/resource/schema/ted/R2.0.8/publication",
])
def test_namespace_does_not_matter(namespace: str) -> None:
    baseline = parse(CAN_SAMPLE.read_bytes(), name=CAN_SAMPLE.name)[0].to_dict()
    ns = "http://publications.europa.eu/resource/schema/ted/R2.0.9/publication"
    assert _variant((f'xmlns="{ns}"', f'xmlns="{namespace}"')) == baseline


def test_s01_s02_award_layout_without_wrappers_reads_the_same() -> None:
    """S01/S02 put NB_TENDERS_*, CONTRACTOR and VAL_TOTAL directly under AWARDED_CONTRACT, AC_* under OBJECT_DESCR."""
    baseline = parse(CAN_SAMPLE.read_bytes(), name=CAN_SAMPLE.name)[0].to_dict()
    wrappers = ("TENDERS", "CONTRACTORS", "VALUES", "AC")
    unwrapped = _variant(*((f"<{w}>", "") for w in wrappers), *((f"</{w}>", "") for w in wrappers))
    assert unwrapped == baseline
    assert unwrapped["results"][0]["winners"][0]["name"] == "Transit Supervision Systems Inc."


def test_f06_s01_s02_value_wrapper() -> None:
    notice = _variant(("<VALUES>", "<VALUE>"), ("</VALUES>", "</VALUE>"))
    assert notice["results"][1]["value"] == {"amount": "645500.00", "currency": "EUR"}


def test_non_eu_tenders_fill_non_eea_with_a_warning() -> None:
    notice = parse(CAN_SAMPLE.read_bytes(), name=CAN_SAMPLE.name)[0]
    assert notice.results[0].received.non_eea == 2
    assert any("NB_TENDERS_RECEIVED_NON_EU" in w and "EEA-EFTA" in w for w in notice.parse_warnings)


def test_original_language_version_is_read_when_several_forms() -> None:
    form_start = '<F03_2014 CATEGORY="ORIGINAL" FORM="F03" LG="FR">'
    data = CAN_SAMPLE.read_text(encoding="utf-8")
    form = data[data.index(form_start):data.index("</F03_2014>") + len("</F03_2014>")]
    english = form.replace('LG="FR"', 'LG="EN"').replace("Bordeaux Métropole", "Bordeaux Metropolis")
    translation = form.replace('CATEGORY="ORIGINAL"', 'CATEGORY="TRANSLATION"').replace('LG="FR"', 'LG="DE"')
    for forms in (english + form, translation + form):  # two ORIGINALs (LG_ORIG decides), or a translation first
        notice = _variant((form, forms))
        assert notice["language"] == "FR"
        assert notice["buyer"]["name"] == "Bordeaux Métropole"


def test_range_value_is_null_with_a_warning() -> None:
    notice = _variant(('<VAL_TOTAL CURRENCY="EUR">1380000.00</VAL_TOTAL>',
                       '<VAL_RANGE_TOTAL CURRENCY="EUR"><LOW>1200000</LOW><HIGH>1600000</HIGH></VAL_RANGE_TOTAL>'))
    assert notice["results"][0]["value"] is None
    assert any("1200000-1600000 EUR" in w for w in notice["parse_warnings"])


def test_unreadable_amount_is_null_with_a_warning() -> None:
    notice = _variant(('<VAL_TOTAL CURRENCY="EUR">645500.00</VAL_TOTAL>', '<VAL_TOTAL CURRENCY="EUR">n/a</VAL_TOTAL>'))
    assert notice["results"][1]["value"] is None
    assert any("unreadable amount 'n/a'" in w for w in notice["parse_warnings"])


def test_single_lot_award_label_is_filed_under_the_one_lot() -> None:
    """A notice not divided into lots: the award section's LOT_NO is a contract label, kept as the contract id."""
    data = CAN_SAMPLE.read_text(encoding="utf-8")
    lots = data[data.index("<LOT_DIVISION/>"):data.index("</OBJECT_CONTRACT>")]
    second = lots[lots.index('<OBJECT_DESCR ITEM="2">'):]
    awards = data[data.index('<AWARD_CONTRACT ITEM="2">'):data.index("</F03_2014>")]
    single = data.replace(second, "").replace("<LOT_DIVISION/>", "<NO_LOT_DIVISION/>").replace(
        awards, awards[awards.index("</AWARD_CONTRACT>") + len("</AWARD_CONTRACT>"):])
    single = re.sub(r"<CONTRACT_NO>[^<]*</CONTRACT_NO>", "", single.replace("<LOT_NO>1</LOT_NO>", "", 1))
    single = single.replace("<LOT_NO>1</LOT_NO>", "<LOT_NO>Marché 01</LOT_NO>")  # the award section's label
    notice = parse(single.encode("utf-8"), name=CAN_SAMPLE.name)[0]
    assert [lot.id for lot in notice.lots] == ["1"]
    assert [(r.lot_id, r.contract_id) for r in notice.results] == [("1", "Marché 01")]
    assert notice.procedure.estimated_value == notice.lots[0].estimated_value == notice.results[0].estimated_value
    assert any("LOT_NO 'Marché 01'" in w for w in notice.parse_warnings)


@pytest.mark.parametrize(("relative", "framework"), [
    ("ted-r208/CONTRACT_DEFENCE/008473-2021.xml", True),  # NOTICE_INVOLVES_DEFENCE/@VALUE
    ("ted-r208/CONTRACT_AWARD_DEFENCE/557451-2021.xml", True),  # NOTICE_INVOLVES_DESC_DEFENCE/@VALUE
    ("ted-r208/CONTRACT_AWARD/002672-2015.xml", True),  # element CONCLUSION_FRAMEWORK_AGREEMENT
    ("ted-r208/PRIOR_INFORMATION_DEFENCE/580937-2021.xml", True),  # FRAMEWORK_AGREEMENT VALUE="YES"
    ("ted-r208/PRIOR_INFORMATION_DEFENCE/452652-2021.xml", False),  # FRAMEWORK_AGREEMENT VALUE="NO"
    ("ted-r208/CONTRACT/059309-2016.xml", False),  # NOTICE_INVOLVES/PUBLIC_CONTRACT
    ("ted-r208/CONTRACT_AWARD/085146-2017.xml", None),  # not stated
])
def test_r208_framework_agreement_in_every_form(relative: str, framework: bool | None) -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus absent")
    assert _only_notice(CORPUS / relative).procedure.framework is framework


def test_unsupported_form_is_a_clear_error() -> None:
    data = b'<TED_EXPORT DOC_ID="000001-2020"><FORM_SECTION><OTH_NOT CATEGORY="ORIGINAL"/></FORM_SECTION></TED_EXPORT>'
    (item,) = list(iter_parse(data, name="oth.xml"))
    assert isinstance(item, NoticeParseError)
    assert "OTH_NOT" in str(item) and "oth.xml" in str(item)
    with pytest.raises(NoticeParseError, match="not supported"):
        parse(data, name="oth.xml")


def test_file_without_form_is_a_clear_error() -> None:
    with pytest.raises(NoticeParseError, match="no FORM_SECTION"):
        parse(b'<TED_EXPORT DOC_ID="000001-2020"><CODED_DATA_SECTION/></TED_EXPORT>', name="empty.xml")


@pytest.mark.parametrize(("written", "amount"), [
    ("1234.56", "1234.56"), ("1 234,56", "1234.56"), ("1.234.567,89", "1234567.89"), ("1,234,567.89", "1234567.89"),
    ("280\u00a0000", "280000"), ("440 000,00", "440000.00"),
])
def test_amounts_written_in_any_grouping(written: str, amount: str) -> None:
    notice = Notice(id="x", source_format="ted")
    assert parse_amount(written, notice, "VAL") == Decimal(amount)
    assert notice.parse_warnings == []


@pytest.mark.parametrize(("written", "weight", "kind"), [
    ("40", "40", None), ("0,5", "0.5", None), ("40 %", "40", "percentage"), ("9.94 %", "9.94", "percentage"),
    ("60 Prozent", "60", "percentage"), ("20 points", "20", "points"), ("15 Punkte", "15", "points"),
    ("20 pkt.", "20", "points"), ("30 точки", "30", "points"), ("25 bodova", "25", "points"),
    ("40 punti", "40", "points"), ("35 puntos", "35", "points"), ("10 punten", "10", "points"),
    ("60 pontos", "60", "points"), ("40 poäng", "40", "points"), ("30 pistettä", "30", "points"),
    ("20 punkti", "20", "points"), ("15 bodov", "15", "points"), ("50 točk", "50", "points"),
    ("70 balai", "70", "points"), ("30 βαθμοί", "30", "points"), ("10 phointe", "10", "points"),
    ("45 pont", "45", "points"), ("25 puncte", "25", "points"), ("40 bodů", "40", "points"),
    ("40/100", None, None), ("50/50", None, None), ("Not applicable", None, None), ("1,900,000.000", None, None),
])
def test_award_weightings_carry_their_kind_in_any_eu_language(written: str, weight: str | None,
                                                              kind: str | None) -> None:
    notice = Notice(id="x", source_format="ted")
    assert parse_weight(written, notice, "AC_WEIGHTING") == (None if weight is None else Decimal(weight), kind)
    assert bool(notice.parse_warnings) is (weight is None)
