"""DECP parser: every corpus file, hand-checked records, our sample, the variants of decp.md, and streaming."""

from __future__ import annotations

import io
import json
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CORPUS, SAMPLES, corpus_files
from lxml import etree

from reciprocity import Notice, parse
from reciprocity.errors import NoticeParseError, NoticeTooLargeError, UnknownFormatError, UnsafeXMLError
from reciprocity.parsers import decp, iter_parse
from reciprocity.parsers._decp_stream import CleanReader

EXPECTED = Path(__file__).parent / "expected" / "decp"
DECP = CORPUS / "decp"


def _decp_params() -> list:
    """Every JSON and XML data file of ../shared/corpus/decp (fixtures and real; not schemas, not the CSV)."""
    files = [path for part in ("fixtures", "real") for ext in ("*.json", "*.xml")
             for path in corpus_files("decp", part, pattern=ext)]
    if not files:
        return [pytest.param(None, marks=pytest.mark.skip(reason="../shared/corpus/decp absent"))]
    return [pytest.param(p, id=str(p.relative_to(DECP))) for p in sorted(files)]


def count_contracts(path: Path) -> int:
    """Contracts in a DECP file, counted independently of our parser (json / lxml)."""
    if path.suffix == ".xml":
        root = etree.parse(str(path)).getroot()
        if etree.QName(root).localname in ("marche", "contrat-concession"):
            return 1
        return sum(1 for child in root if etree.QName(child).localname in ("marche", "contrat-concession"))
    marches = json.loads(path.read_bytes().decode("utf-8-sig"))["marches"]  # json accepts the NaN tokens
    if isinstance(marches, list):
        return len(marches)
    return sum(len(marches.get(key) or []) for key in ("marche", "contrat-concession"))


@pytest.mark.parametrize("path", _decp_params())
def test_corpus_file_gives_one_notice_per_contract(path: Path) -> None:
    items = list(iter_parse(path))
    errors = [item for item in items if isinstance(item, NoticeParseError)]
    assert errors == []
    assert len(items) == count_contracts(path)
    assert len({n.id for n in items}) == len(items), "notice ids are unique within a file"
    for notice in items:
        assert notice.source_format == "decp" and notice.kind == "result"
        assert notice.schema_version in ("decp-2019", "decp-2022")
        assert notice.form in ("marche", "contrat-concession")
        assert notice.id.startswith("decp-") and notice.buyer.country == "FR"
        assert len(notice.lots) == 1 and len(notice.results) == 1
        assert notice.results[0].status == "awarded"


def _expected_params() -> list:
    return [pytest.param(p, id=p.name.removesuffix(".expected.json")) for p in sorted(EXPECTED.glob("*.json"))]


@pytest.mark.parametrize("case", _expected_params())
def test_hand_checked_corpus_record(case: Path) -> None:
    expected = json.loads(case.read_text(encoding="utf-8"))
    path = DECP / expected["file"]
    if not path.is_file():
        pytest.skip(f"{path} absent")
    notices = parse(path, name=expected["file"])
    assert notices[expected["record"]].to_dict() == expected["notice"]


def test_rennes_sample_winner_origins() -> None:
    sample = SAMPLES / "decp-2022-rennes.json"
    winners = [(w.country, w.identifier_types[0]) for n in parse(sample) for w in n.results[0].winners]
    assert winners == [("FR", "SIRET"), ("DE", "TVA"), ("US", "HORS-UE"), ("FR", "SIRET"), ("FR", "SIRET")]


# --- variants and data faults (decp.md §3-5), on small records built here -----------------------------------------

def market(**fields) -> dict:
    """A valid 2019-schema market; keyword arguments replace or add fields (None removes one)."""
    record = {
        "id": "2019A0001", "acheteur": {"id": "21350238800019", "nom": "Ville de Rennes"}, "nature": "Marché",
        "objet": "Travaux", "codeCPV": "45000000-7", "procedure": "Appel d'offres ouvert", "dureeMois": 12,
        "dateNotification": "2019-01-15", "datePublicationDonnees": "2019-02-01", "montant": 100000,
        "titulaires": [{"typeIdentifiant": "SIRET", "id": "81745263400014", "denominationSociale": "ACME"}],
    }
    record.update(fields)
    return {k: v for k, v in record.items() if v is not None}


def one(record: dict) -> Notice:
    """The notice of a one-contract 2019 document."""
    [notice] = parse(json.dumps({"marches": [record]}).encode(), name="test.json")
    return notice


def test_bom_and_nan_tokens_are_read(tmp_path: Path) -> None:
    data = b'\xef\xbb\xbf{"marches": [{"id": "X1", "acheteur": {"id": "21350238800019"}, "montant": NaN,' \
           b' "origineUE": NaN, "objet": "NaN, ou pas", "titulaires": []}]}'
    (tmp_path / "bom.json").write_bytes(data)
    for source in (data, tmp_path / "bom.json"):  # bytes in memory, and a file on disk (streamed)
        [notice] = parse(source, name="bom.json")
        assert notice.results[0].value is None and notice.results[0].origin_eu_share is None
        assert notice.procedure.title == "NaN, ou pas"  # text inside strings is left alone


class Trickle:
    """A raw file that returns at most `step` bytes per read, to split tokens across chunk boundaries."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data, self._step, self._pos = data, step, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._data[self._pos:self._pos + min(self._step, size if size > 0 else self._step)]
        self._pos += len(chunk)
        return chunk


@pytest.mark.parametrize("step", [1, 3, 7, 20])
def test_nan_and_bad_escapes_split_across_reads_are_still_fixed(step: int) -> None:
    data = b'{"a": [1, NaN , -Infinity],\n "b":NaN, "c": "C:\\ dossier \\\\ \\"ok\\" \\u00e9\\\\\\x"}'
    reader = CleanReader(Trickle(data, step))
    out = b"".join(iter(lambda: reader.read(8), b""))
    assert json.loads(out) == {"a": [1, None, None], "b": None, "c": 'C:\\ dossier \\ "ok" \u00e9\\\\x'}


def test_top_level_list_layout() -> None:
    [notice] = parse(json.dumps([market()]).encode(), name="list.json")
    assert notice.id == "decp-21350238800019-2019A0001" and notice.schema_version == "decp-2019"


def test_2022_layout_with_wrappers_and_concessions() -> None:
    doc = {"marches": {"marche": [{**market(), "titulaires": [{"titulaire": {"typeIdentifiant": "TVA",
                                                                             "id": "EL094014201"}}]}],
                       "contrat-concession": [{"id": "C1", "autoriteConcedante": {"id": "21350238800019"},
                                               "nature": "Concession de travaux", "valeurGlobale": 5000000,
                                               "concessionnaires": [{"concessionnaire": {
                                                   "typeIdentifiant": "SIRET", "id": "81745263400014"}}]}]}}
    market_notice, concession = parse(json.dumps(doc).encode(), name="t.json")
    assert (market_notice.schema_version, market_notice.form) == ("decp-2022", "marche")
    assert market_notice.results[0].winners[0].country == "GR"  # VAT prefix EL is Greece
    assert (concession.form, concession.procedure.contract_nature) == ("contrat-concession", "works")
    assert concession.results[0].value.amount == 5000000 and concession.results[0].winners[0].country == "FR"


@pytest.mark.parametrize("kind, ident, country, warned", [
    ("SIRET", "81745263400014", "FR", False),
    ("TVA", "DE312456782", "DE", False),
    ("TVA_INTRACOMMUNAUTAIRE", "BE0428821954", "BE", False),
    ("TVA", "33074169500044", None, True),
    ("HORS-UE", "USCOLUMBIAARTISTSM", "US", False),
    ("HORS_UE", "CHCIESTTDORIANROSS", "CH", False),
    ("HORS-UE", "123456", None, True),
    ("UE", "BE0404484484", "BE", False),
    ("UE", "US123", None, True),
    ("TAHITI", "587857001", "PF", False),
    ("RIDET", "1234567890", "NC", False),
    ("FRWF", "FRWFDURANDCHAUFFAG", "WF", False),
    ("FRW", "FRWFDURANDCHAUFFAG", "WF", False),
    ("IREP", "W751067032", None, True),
])
def test_identifier_type_gives_country(kind: str, ident: str, country: str | None, warned: bool) -> None:
    notice = one(market(titulaires=[{"typeIdentifiant": kind, "id": ident}]))
    [winner] = notice.results[0].winners
    assert (winner.country, winner.identifiers) == (country, [ident])
    assert any("titulaires[1]" in w for w in notice.parse_warnings) is warned


@pytest.mark.parametrize("label, code", [
    ("Appel d'offres ouvert", "open"),
    ("Appel d'offres restreint", "restricted"),
    ("Procédure avec négociation", "neg-w-call"),
    ("Procédure concurrentielle avec négociation", "neg-w-call"),
    ("Marché passé sans publicité ni mise en concurrence préalable", "neg-wo-call"),
    ("Marché public négocié sans publicité ni mise en concurrence préalable", "neg-wo-call"),
    ("Dialogue compétitif", "comp-dial"),
    ("Procédure adaptée", "adapted"),
    ("PROCEDURE ADAPTEE", "adapted"),
    ("Tirage au sort", None),
])
def test_procedure_vocabulary(label: str, code: str | None) -> None:
    notice = one(market(procedure=label))
    assert notice.procedure.type == code
    assert any(w.startswith("procedure:") for w in notice.parse_warnings) is (code is None)


def test_dates_with_offset_and_invalid_years() -> None:
    notice = one(market(dateNotification="2019-01-15+01:00", datePublicationDonnees="0222-02-01"))
    assert notice.results[0].contract_date.isoformat() == "2019-01-15"
    assert notice.publication_date is None
    assert any(w.startswith("datePublicationDonnees: invalid date") for w in notice.parse_warnings)


@pytest.mark.parametrize("offers", [0, "NC"])
def test_offers_zero_or_nc_are_not_a_count(offers) -> None:
    notice = one(market(offresRecues=offers, dureeMois="NC"))
    assert notice.results[0].received is None and notice.lots[0].duration is None
    assert any(w.startswith("offresRecues") for w in notice.parse_warnings)
    assert any(w.startswith("dureeMois") for w in notice.parse_warnings)


@pytest.mark.parametrize("montant, warned", [(0, True), (1.0e17, True), (123456.78, False)])
def test_absurd_amounts_are_kept_and_flagged(montant: float, warned: bool) -> None:
    notice = one(market(montant=montant))
    assert notice.results[0].value.amount == Decimal(str(montant))
    assert any(w.startswith("montant: amount") for w in notice.parse_warnings) is warned


def test_origin_shares_percentages_and_inversion_are_flagged_not_rescaled() -> None:
    notice = one(market(origineUE=60, origineFrance=0.7, tauxAvance=0.1))
    result = notice.results[0]
    assert (str(result.origin_eu_share), str(result.origin_france_share), str(result.advance_rate)) == \
        ("60", "0.7", "0.1")
    assert any("probably a percentage" in w for w in notice.parse_warnings)
    inverted = one(market(origineUE=0.3, origineFrance=0.7))
    assert any("below origineFrance" in w for w in inverted.parse_warnings)


def test_modifications_apply_in_id_order_and_keep_initial_values_in_warnings() -> None:
    mods = [
        {"modification": {"id": 2, "montant": 150000, "dateNotificationModification": "2020-03-01"}},
        {"modification": {"id": 1, "montant": 120000, "dureeMois": 18, "dateNotificationModification": "2019-06-01",
                          "titulaires": [[{"typeIdentifiant": "TVA", "id": "IT00802230151"}]]}},
    ]
    notice = one(market(modifications=mods))
    assert notice.results[0].value.amount == 150000 and notice.lots[0].duration == "18 MONTH"
    assert [w.country for w in notice.results[0].winners] == ["IT"]
    assert "montant: current value 150000 from modification 2 (notified 2020-03-01); initial value 100000" in \
        notice.parse_warnings


def test_modifications_without_id_apply_in_date_order_not_file_order() -> None:
    mods = [  # file order: the later amendment first, as in real 2019 files
        {"montant": 150000, "dateNotificationModification": "2020-03-01",
         "datePublicationDonneesModification": "2020-03-05"},
        {"montant": 120000, "dureeMois": 18, "dateNotificationModification": "2019-06-01"},
        {"montant": 130000, "datePublicationDonneesModification": "2019-09-10"},  # no notification date: publication
        {"montant": 110000, "dateNotificationModification": "2020-03-01",  # same day: the earlier publication first
         "datePublicationDonneesModification": "2020-01-02"},
        {"montant": 999999},  # undated: applied last, and said so
    ]
    notice = one(market(modifications=mods))
    amounts = [w.split(" from ")[0] for w in notice.parse_warnings if w.startswith("montant")]
    assert amounts == ["montant: current value 120000", "montant: current value 130000",
                       "montant: current value 110000", "montant: current value 150000",
                       "montant: current value 999999"]
    assert notice.results[0].value.amount == 999999
    assert "modifications[5]: no date; applied after the dated ones" in notice.parse_warnings


@pytest.mark.parametrize(("place", "expected"), [
    ({"code": "35238", "typeCode": "Code commune", "nom": "Rennes"}, ["FR:commune:35238"]),
    ({"code": "35000", "typeCode": "CODE POSTAL"}, ["FR:postcode:35000"]),
    ({"code": "2A", "typeCode": "Code département"}, ["FR:departement:2A"]),
    ({"code": "974", "typeCode": "Code département"}, ["FR:departement:974"]),
    ({"code": "53", "typeCode": "Code région"}, ["FR:region:53"]),
    ({"code": "FRK26", "typeCode": "Code département"}, ["FRK26"]),  # a NUTS code, whatever the type says
    ({"code": "FR", "typeCode": "Code pays"}, ["FR"]),
    ({"code": "DEP", "typeCode": "Code commune"}, []),  # real placeholders: no place, and a warning
    ({"code": "75", "typeCode": "Code postal"}, []),
    ({"code": "820", "typeCode": "Code région"}, []),
])
def test_place_of_execution_fills_place_of_performance(place: dict, expected: list) -> None:
    notice = one(market(lieuExecution=place))
    assert notice.procedure.place_of_performance == expected == notice.lots[0].place_of_performance
    assert any(w.startswith("lieuExecution:") for w in notice.parse_warnings) is (not expected)


def test_cpv_without_check_digit_short_or_prefixed() -> None:
    assert one(market(codeCPV="3451000")).procedure.cpv_main == "34510000"
    assert one(market(codeCPV="INX 28213700-5")).procedure.cpv_main == "28213700"
    notice = one(market(codeCPV="72000000"))
    assert notice.procedure.contract_nature == "services"
    assert any("inferred from CPV division 72" in w for w in notice.parse_warnings)


def test_ids_use_uid_and_repeats_get_a_suffix() -> None:
    data = json.dumps({"marches": [market(), market(), market(id=None, uid="213502388000192019B0002")]}).encode()
    first, repeat, from_uid = parse(data, name="t.json")
    assert first.id == "decp-21350238800019-2019A0001"
    assert repeat.id == "decp-21350238800019-2019A0001-dup2"
    assert from_uid.id == "decp-21350238800019-2019B0002"


def test_a_bad_record_is_reported_and_the_others_continue() -> None:
    data = json.dumps({"marches": [market(), "not a contract", market(id="2019A0002")]}).encode()
    items = list(iter_parse(data, name="mixed.json"))
    assert [type(i).__name__ for i in items] == ["Notice", "NoticeParseError", "Notice"]
    assert "mixed.json" in str(items[1]) and "record 2" in str(items[1])


def test_malformed_and_foreign_json_raise_naming_the_file() -> None:
    with pytest.raises(NoticeParseError, match="broken.json.*malformed"):
        parse(b'{"marches": [{"id": "A"}, {"id": ', name="broken.json")
    with pytest.raises(UnknownFormatError, match="other.json.*no DECP 'marches'"):
        parse(b'{"releases": []}', name="other.json")
    with pytest.raises(NoticeParseError, match="truncated.json.*malformed JSON"):
        parse(b'{"marches": ', name="truncated.json")


def test_xml_2022_marches_root() -> None:
    xml = b"""<marches><marche><id>X1</id><acheteur><id>21350238800019</id></acheteur>
      <codeCPV>45000000-7</codeCPV><procedure>Proc\xc3\xa9dure adapt\xc3\xa9e</procedure><offresRecues>4</offresRecues>
      <montant>575000</montant><dureeMois>48</dureeMois><dateNotification>2024-05-15</dateNotification>
      <techniques><technique>Accord-cadre</technique></techniques>
      <titulaires><titulaire><id>55204599900869</id><typeIdentifiant>SIRET</typeIdentifiant></titulaire>
      <titulaire><id>DE312456782</id><typeIdentifiant>TVA</typeIdentifiant></titulaire></titulaires>
      </marche></marches>"""
    [notice] = parse(xml, name="m.xml")
    assert (notice.schema_version, notice.procedure.type, notice.procedure.framework) == ("decp-2022", "adapted", True)
    assert [w.country for w in notice.results[0].winners] == ["FR", "DE"]
    assert (notice.results[0].received.total, str(notice.results[0].value.amount)) == (4, "575000")


# --- streaming: a large file is never read whole ---------------------------------------------------------------------

class CountingReader:
    """Wraps a binary file: records the largest single read and the bytes read so far."""

    def __init__(self, raw) -> None:
        self._raw, self.largest, self.total = raw, 0, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        self.largest, self.total = max(self.largest, len(chunk)), self.total + len(chunk)
        return chunk


def _big_decp(path: Path, records: int) -> None:
    """A 2022-layout DECP file of `records` contracts, written record by record."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{"marches": {"marche": [\n')
        for n in range(records):
            record = {**market(id=f"2024G{n:07d}", offresRecues=3),
                      "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "81745263400014"}}]}
            out.write(("," if n else "") + json.dumps(record, ensure_ascii=False) + "\n")
        out.write("]}}\n")


def test_iter_stream_reads_a_large_file_in_small_chunks(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    _big_decp(path, 50_000)
    size = path.stat().st_size
    with path.open("rb") as raw:
        reader = CountingReader(raw)
        stream = decp.iter_stream(reader, str(path))
        first = next(stream)
        read_before_first = reader.total
        tracemalloc.start()
        count = 1 + sum(1 for _ in stream)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert first.id == "decp-21350238800019-2024G0000000" and count == 50_000
    assert size > 15_000_000
    assert reader.largest <= 64 * 1024 and read_before_first <= 2 * 64 * 1024
    assert peak < size / 5, f"peak {peak:,} bytes for a {size:,}-byte file"


def _decp_xml(records: int) -> bytes:
    contract = ("<marche><id>M{n}</id><acheteur><id>21350238800019</id></acheteur><codeCPV>45000000</codeCPV>"
                "<montant>1000</montant><titulaires><titulaire><typeIdentifiant>SIRET</typeIdentifiant>"
                "<id>81745263400014</id></titulaire></titulaires></marche>\n")
    body = "".join(contract.format(n=n) for n in range(records))
    return f"<?xml version='1.0' encoding='UTF-8'?>\n<marches>\n{body}</marches>\n".encode()


def test_decp_xml_files_are_streamed_so_the_notice_cap_applies_per_contract(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(_decp_xml(300))
    assert path.stat().st_size > 20000
    notices = parse(path, max_bytes=20000)
    assert [n.id for n in notices[:2]] == ["decp-21350238800019-M0", "decp-21350238800019-M1"] and len(notices) == 300
    with pytest.raises(NoticeTooLargeError):
        parse(path.read_bytes(), name="big.xml", max_bytes=20000)  # bytes in memory go through the capped entry


def test_decp_xml_stream_refuses_doctype_and_reports_truncation(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.xml"
    hostile.write_bytes(b'<?xml version="1.0"?><!DOCTYPE marches [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                        b"<marches><marche><id>&x;</id></marche></marches>")
    with pytest.raises(UnsafeXMLError):
        parse(hostile)
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(_decp_xml(3)[:-40])
    items = []
    with pytest.raises(NoticeParseError, match="truncated.xml.*malformed XML"):
        items.extend(iter_parse(truncated))
    assert len(items) == 2


def test_iter_json_is_the_stream_over_bytes() -> None:
    data = (SAMPLES / "decp-2022-rennes.json").read_bytes()
    from_bytes = [n.to_dict() for n in decp.iter_json(data, "r.json")]
    from_stream = [n.to_dict() for n in decp.iter_stream(io.BytesIO(data), "r.json")]
    assert from_bytes == from_stream and len(from_bytes) == 4
