"""Issue 16, parsers and CLI: no input crashes, hangs or exhausts the process; each fault is a clear error.

Each test is the reproduction of an item of the issue, on inputs generated here. Whatever could crash the
process or exhaust its memory runs in a subprocess under a 1 GB address-space limit (hostile.py).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import assert_clean_error, cli, decp, decp_with_raw_value, market, sample, with_amount, write

from reciprocity import assess, parse
from reciprocity.audit.rows import assessment_rows
from reciprocity.cli import main
from reciprocity.errors import NoticeParseError, UnknownFormatError, UnsafeXMLError
from reciprocity.model import Money
from reciprocity.parsers._json_limits import MAX_DEPTH, JsonLimits
from reciprocity.rules.data import load_rule_data

# --- item 1: a number of 4,301+ digits crashed the JSON parser's C backend (signal 11) ------------------------------

LONG_NUMBERS = {
    "top-level list": b"[" + b"9" * 5000 + b"]",
    "decp amount": decp_with_raw_value("montant", b"9" * 4301),
    "negative, nested": decp_with_raw_value("titulaires", b'[{"id": -' + b"1" * 100_000 + b"}]"),
}


@pytest.mark.parametrize("command", ["parse", "check"])
def test_a_number_of_thousands_of_digits_is_an_error_not_a_crash(tmp_path: Path, command: str):
    paths = [write(tmp_path / f"long{n}.json", data) for n, data in enumerate(LONG_NUMBERS.values())]
    run = cli(command, *paths)
    assert_clean_error(run, *(f"{path}: a number of more than 1,000 digits" for path in paths))
    with pytest.raises(NoticeParseError, match="a number of more than 1,000 digits"):
        parse(LONG_NUMBERS["top-level list"], name="body")  # bytes, as the API reads them


def test_records_before_a_long_number_are_kept(tmp_path: Path):
    data = decp_with_raw_value("montant", b"9" * 5000, before=2, after=1)
    path = write(tmp_path / "long.json", data)
    run = cli("parse", path)
    assert_clean_error(run, "refused before parsing")
    assert [json.loads(line)["id"] for line in run.stdout.splitlines()] == [
        "decp-21350238800019-G0", "decp-21350238800019-G1"]


def test_digits_inside_text_are_not_numbers():
    [notice] = parse(decp(market(objet="Lot " + "7" * 20_000)), name="text.json")
    assert notice.procedure.title.endswith("7" * 100)


# --- item 2: nesting costs memory quadratic in depth: refused past 64 levels before memory is spent -----------------

DEEP = {
    "top-level": b"[" * 100_000 + b"]" * 100_000,
    "inside a record": decp_with_raw_value("objet", b"[" * 100_000 + b"]" * 100_000),
    "objects": decp_with_raw_value("objet", b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
}


@pytest.mark.parametrize("command", ["parse", "check"])
def test_deep_nesting_is_refused_in_bounded_memory(tmp_path: Path, command: str):
    paths = [write(tmp_path / f"deep{n}.json", data) for n, data in enumerate(DEEP.values())]
    run = cli(command, *paths, timeout=60)
    assert_clean_error(run, *(f"{path}: JSON nested more than {MAX_DEPTH} levels deep" for path in paths))


def test_nesting_inside_text_does_not_count():
    [notice] = parse(decp(market(objet="[" * 500 + '\\"{' * 100)), name="text.json")
    assert notice.procedure.title.startswith("[[[")


@pytest.mark.parametrize("step", [1, 2, 3, 7, 64])
def test_json_limits_follow_strings_and_escapes_across_reads(step: int):
    """The byte scan sees what a JSON parser sees, whatever the chunk boundaries: escaped quotes and backslash
    runs do not end a string, so the brackets and digits in it are text."""
    cases = {
        b'["' + b"[" * 100 + b'", "\\"' + b"[" * 100 + b'", "\\\\\\"' + b"9" * 2000 + b'"]': None,
        b'["\\\\"' + b"[" * 100: "nested",  # the string ends after an escaped backslash
        b"[" * MAX_DEPTH + b"]" * MAX_DEPTH: None,
        b"[" * (MAX_DEPTH + 1): "nested",
        b"[" + b"9" * 1000 + b"]": None,
        b"[" + b"9" * 1001 + b"]": "digits",
    }
    for data, fault in cases.items():
        limits = JsonLimits("x.json")
        try:
            for start in range(0, len(data), step):
                limits.check(data[start:start + step])
            found = None
        except NoticeParseError as exc:
            found = str(exc)
        assert (found is None) if fault is None else (fault in found), (data[:30], found)


# --- item 5: amounts of 10^27 and more, or negative, raised InvalidOperation: a parse warning, never a crash ---------

AMOUNTS = ["1000000000000000000000000000", "1E+999999999", "-5000", "1E-999999999"]
SAMPLES_BY_FORMAT = ["eforms-cn-lots-lyon.xml", "ted-f03-can-bordeaux.xml", "decp-2022-rennes.json"]


@pytest.mark.parametrize("amount", AMOUNTS)
@pytest.mark.parametrize("name", SAMPLES_BY_FORMAT)
def test_absurd_and_negative_amounts_are_a_warning_in_every_format(name: str, amount: str):
    notices = parse(with_amount(name, amount), name=name)
    for notice in notices:
        warnings = " ".join(notice.parse_warnings)
        expected = ("negative", "unreadable", "not positive") if amount.startswith("-") else (
            "beyond any real amount", "smaller than 10^-30")
        assert any(word in warnings for word in expected), warnings
        assessment = assess(notice)
        text = json.dumps(assessment.to_dict())
        assert len(text) < 1_000_000  # no amount written out to a gigabyte of digits


@pytest.mark.parametrize("amount", ["1E+30", "-1E+30", "1E+999999999", "NaN", "1E-999999999", "999999999999999999"])
def test_eur_conversion_never_raises(amount: str):
    data = load_rule_data()
    for currency in ("EUR", "USD"):
        converted = data.to_eur(Money(Decimal(amount), currency), None if currency == "EUR" else data_date())
        assert converted is None or converted.is_finite()


def data_date():
    from datetime import date

    return date(2024, 1, 15)


def test_check_reports_an_absurd_amount_without_a_traceback(tmp_path: Path):
    path = write(tmp_path / "absurd.xml", with_amount("eforms-cn-lots-lyon.xml", "1E+999999999"))
    result = CliRunner().invoke(main, ["check", "--json", str(path)])
    assert result.exit_code == 0 and result.exception is None
    assert "beyond any real amount" in " ".join(json.loads(result.output)["notice"]["parse_warnings"])


# --- item 7: parser errors outside the hierarchy ----------------------------------------------------------------------

def _r208(year: str) -> bytes:
    """A minimal R2.0.8 contract notice whose tender deadline has the given <YEAR>."""
    return f"""<?xml version="1.0" encoding="UTF-8"?><TED_EXPORT xmlns="ted/R2.0.8.S03/publication">
<CODED_DATA_SECTION><CODIF_DATA><DS_DATE_DISPATCH>20170902</DS_DATE_DISPATCH></CODIF_DATA></CODED_DATA_SECTION>
<FORM_SECTION><CONTRACT CATEGORY="ORIGINAL" FORM="2" LG="EN" VERSION="R2.0.8.S03.E01"><FD_CONTRACT CTYPE="SUPPLIES">
<PROCEDURE_DEFINITION_CONTRACT_NOTICE><ADMINISTRATIVE_INFORMATION_CONTRACT_NOTICE><RECEIPT_LIMIT_DATE><DAY>20</DAY>
<MONTH>09</MONTH><YEAR>{year}</YEAR></RECEIPT_LIMIT_DATE></ADMINISTRATIVE_INFORMATION_CONTRACT_NOTICE>
</PROCEDURE_DEFINITION_CONTRACT_NOTICE></FD_CONTRACT></CONTRACT></FORM_SECTION></TED_EXPORT>""".encode()


def test_ted_year_of_40_digits_is_an_unreadable_date():
    [notice] = parse(_r208("9" * 40), name="r208.xml")
    assert notice.procedure.tender_deadline is None
    assert any(w.startswith("RECEIPT_LIMIT_DATE: unreadable date") for w in notice.parse_warnings)
    [good] = parse(_r208("2017"), name="r208.xml")
    assert str(good.procedure.tender_deadline) == "2017-09-20"


@pytest.mark.parametrize("bad", [b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xff"])
def test_invalid_utf8_inside_decp_json_is_a_parse_error(tmp_path: Path, bad: bytes):
    data = decp(market(id="G1"), market(id="BAD", objet="@@")).replace(b"@@", b"A" + bad)
    with pytest.raises(NoticeParseError, match="invalid (UTF-8|bytes in UTF8)"):
        parse(data, name="utf8.json")
    path = write(tmp_path / "utf8.json", data)
    result = CliRunner().invoke(main, ["parse", str(path)])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "invalid" in result.output and '"decp-21350238800019-G1"' in result.output


# --- item 10: `check` streams a DECP file like `parse`, and a deep file is an error -----------------------------------

def test_check_streams_a_large_file(tmp_path: Path):
    """60 contracts of 1 MB each: check never holds more than a few of them (peak well under the file's size)."""
    import tracemalloc

    path = tmp_path / "fat.json"
    with path.open("w", encoding="utf-8") as out:
        out.write('{"marches": [')
        out.write(",".join(json.dumps(market(id=f"F{n}", objet="x" * 1_000_000)) for n in range(60)))
        out.write("]}")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        result = CliRunner().invoke(main, ["check", "--summary", "--json", str(path)])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["notices"] == 60
    assert peak < size / 5, f"peak {peak:,} bytes for a {size:,}-byte file"


def test_check_prints_the_records_before_a_fault_then_the_error(tmp_path: Path):
    data = decp(market(id="A1"), market(id="A2"))[:-2] + b", {" + b"[" * 10_000
    path = write(tmp_path / "tail.json", data)
    result = CliRunner().invoke(main, ["check", "--json", str(path)])
    assert result.exit_code == 1 and not isinstance(result.exception, RecursionError)
    assert [json.loads(line)["notice"]["id"][-2:] for line in result.output.splitlines() if line.startswith("{")] \
        == ["A1", "A2"]


# --- item 13: a DOCTYPE after a long comment, or in UTF-16, is refused as unsafe XML ------------------------------

def _billion_laughs() -> str:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return f'<!DOCTYPE ContractNotice [<!ENTITY l0 "lol">{entities}]>'


UNSAFE = {
    "after a 70 KB comment": ('<?xml version="1.0"?>\n<!--' + "x" * 70_000 + "-->" + _billion_laughs()
                              + "<ContractNotice>&l9;</ContractNotice>").encode(),
    "UTF-16": ('<?xml version="1.0" encoding="UTF-16"?>' + _billion_laughs()
               + "<ContractNotice>&l9;</ContractNotice>").encode("utf-16"),
    "UTF-16 without BOM": ('<?xml version="1.0" encoding="UTF-16BE"?>' + _billion_laughs()
                           + "<ContractNotice>&l9;</ContractNotice>").encode("utf-16-be"),
    "UTF-32": ('<?xml version="1.0" encoding="UTF-32"?>' + _billion_laughs()
               + "<ContractNotice/>").encode("utf-32"),
}


def test_a_dtd_anywhere_is_unsafe_xml(tmp_path: Path):
    for data in UNSAFE.values():
        with pytest.raises(UnsafeXMLError):
            parse(data, name="unsafe.xml")
    paths = [write(tmp_path / f"unsafe{n}.xml", data) for n, data in enumerate(UNSAFE.values())]
    assert_clean_error(cli("parse", *paths), *(f"{path}: XML declares a DOCTYPE" for path in paths))


def test_a_dtd_late_in_a_streamed_decp_xml_file_is_unsafe(tmp_path: Path):
    records = "".join(f"<marche><id>M{n}</id><acheteur><id>21350238800019</id></acheteur></marche>" for n in range(3))
    body = '<?xml version="1.0"?>\n<!--' + "x" * 2_000_000 + "-->" + _billion_laughs() + f"<marches>{records}</marches>"
    path = write(tmp_path / "decp.xml", body.encode())
    with pytest.raises(UnsafeXMLError):
        parse(path)


def test_a_utf16_notice_without_dtd_is_read():
    text = sample("ted-f03-can-bordeaux.xml").decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    [notice] = parse(text.encode("utf-16"), name="utf16.xml")
    assert notice.id == parse(sample("ted-f03-can-bordeaux.xml"))[0].id


# --- item 16: UTF-16 JSON was reported as "malformed XML" ----------------------------------------------------------

def test_utf16_json_is_named_as_such(tmp_path: Path):
    encodings = ["utf-16", "utf-16-le", "utf-16-be", "utf-32"]
    for encoding in encodings:
        data = sample("decp-2019-grenoble.json").decode("utf-8").encode(encoding)
        with pytest.raises(UnknownFormatError, match="JSON encoded in UTF-(16|32).*save the file as UTF-8"):
            parse(data, name="u16.json")
        write(tmp_path / f"{encoding}.json", data)
    run = CliRunner().invoke(main, ["parse", str(tmp_path)])
    assert run.exit_code == 1 and run.output.count("JSON encoded in UTF-") == len(encodings)


# --- found by the fuzz run (bench/fuzz.py) ----------------------------------------------------------------------------

def test_a_number_whose_exponent_is_out_of_range_is_a_parse_error():
    for data in (b"[1e99999999999999999999]", decp_with_raw_value("montant", b"1E+99999999999999999999")):
        with pytest.raises(NoticeParseError, match="exponent is out of range"):
            parse(data, name="exponent.json")


def _contract(**changes) -> bytes:
    [notice] = parse(sample("eforms-cn-lots-lyon.xml"))
    data = notice.to_dict()
    data.update(changes)
    return json.dumps(data).encode()


@pytest.mark.parametrize("changes, field", [
    ({"form": 1.5}, "notice.form"), ({"buyer": {"name": ["a"]}}, "notice.buyer.name"),
    ({"id": "\ud800x"}, "notice.id"), ({"results": [{"received": {"total": 10**20}}]}, "results[0].received.total"),
])
def test_a_contract_notice_with_a_value_of_the_wrong_type_is_refused(changes: dict, field: str):
    with pytest.raises(NoticeParseError, match=re.escape(field)):
        parse(_contract(**changes), name="contract.json")


def test_digits_without_end_in_ids_and_versions_are_read():
    """A lot id of 5,000 digits and a version "²" made int() fail in the rules and in the store's version key."""
    text = sample("eforms-cn-lots-lyon.xml").decode("utf-8")
    text = text.replace(">LOT-0001<", f">LOT-{'9' * 5000}<").replace(">01</cbc:VersionID>", ">²</cbc:VersionID>")
    [notice] = parse(text.encode("utf-8"), name="ids.xml")
    assert any(lot.id.endswith("9" * 100) for lot in notice.lots)
    assessment_rows(assess(notice), "ids.xml")
