"""Hostile XML is refused with a clear NoticeParseError naming the file: never expanded, never fetched."""

from __future__ import annotations

import pytest

from reciprocity import parse
from reciprocity.errors import NoticeParseError, NoticeTooLargeError, UnknownFormatError, UnsafeXMLError
from reciprocity.parsers._xml import parse_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<TED_EXPORT>&lol9;</TED_EXPORT>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2">&x;</ContractNotice>"""

NETWORK_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE TED_EXPORT SYSTEM "http://127.0.0.1:9/evil.dtd">
<TED_EXPORT/>"""

UTF16_DOCTYPE = EXTERNAL_ENTITY.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")


@pytest.mark.parametrize(
    "payload",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, NETWORK_DTD, UTF16_DOCTYPE],
    ids=["billion-laughs", "external-entity", "network-dtd", "utf16-doctype"],
)
def test_hostile_xml_is_refused_naming_the_file(payload: bytes) -> None:
    with pytest.raises(UnsafeXMLError) as caught:
        parse(payload, name="evil.xml")
    assert "evil.xml" in str(caught.value)
    assert "passwd" not in str(caught.value)


def test_entities_are_never_expanded_even_below_the_prolog_scan() -> None:
    # Push the DOCTYPE past the 64 KiB byte scan with a long comment: the post-parse check still refuses it.
    padded = b'<?xml version="1.0"?>\n<!--' + b"x" * 70000 + b"-->\n" + EXTERNAL_ENTITY.split(b"?>", 1)[1]
    with pytest.raises(UnsafeXMLError):
        parse_xml(padded, "padded.xml")


def test_size_cap_is_enforced_before_parsing() -> None:
    with pytest.raises(NoticeTooLargeError) as caught:
        parse_xml(b"<a>" + b" " * 2000 + b"</a>", "big.xml", max_bytes=1000)
    assert "big.xml" in str(caught.value) and "1,000" in str(caught.value)


def test_size_cap_is_an_argument_and_the_cli_reads_it_from_the_environment(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from reciprocity.cli import main

    with pytest.raises(NoticeTooLargeError):
        parse(b"<TED_EXPORT>" + b" " * 200 + b"</TED_EXPORT>", name="env.xml", max_bytes=100)
    big = tmp_path / "env.xml"
    big.write_bytes(b"<TED_EXPORT>" + b" " * 200 + b"</TED_EXPORT>")
    monkeypatch.setenv("RECIPROCITY_MAX_NOTICE_BYTES", "100")
    result = CliRunner().invoke(main, ["parse", str(big)])
    assert result.exit_code == 1 and "over the 100-byte cap" in result.output


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"", "empty file"),
        (b"<TED_EXPORT><unclosed></TED_EXPORT>", "malformed XML"),
        (b"\x00\x01\x02binary junk", "binary content"),
        (b"id;objet;montant\n1;Travaux;1000\n", "not an XML or JSON notice (starts with 'id;objet;montant')"),
    ],
    ids=["empty", "truncated", "binary", "csv"],
)
def test_broken_input_names_file_and_problem(payload: bytes, expected: str) -> None:
    with pytest.raises(NoticeParseError) as caught:
        parse(payload, name="broken.xml")
    assert "broken.xml" in str(caught.value) and expected in str(caught.value)


def test_unknown_xml_root_is_unknown_format() -> None:
    with pytest.raises(UnknownFormatError) as caught:
        parse(b"<html><body/></html>", name="page.html")
    assert "page.html" in str(caught.value) and "<html>" in str(caught.value)
