"""The proposed clauses in every interface: the Word annex (opened with python-docx), `reciprocity clauses`, POST
/api/v1/clauses (and the link from /check), the web report (under each finding, ready to copy), its PDF and its
Word download button."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import docx
import pytest
import schemathesis
from click.testing import CliRunner
from conftest import SAMPLES
from pypdf import PdfReader
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from test_clauses import CASES, TO_COMPLETE, plain

from reciprocity import assess
from reciprocity.clauses import clauses_for
from reciprocity.clauses.templates import load_templates
from reciprocity.cli import main
from reciprocity.parsers.contract import notice_from_dict
from reciprocity.rules.legal_links import worded

pytest_plugins = ["web_fixtures"]  # app, client, db_path

IPI = SAMPLES / "eforms-cn-medical-ipi.xml"
OFFERING = sorted(
    p
    for p in CASES.glob("*.json")
    if not p.name.endswith(".expected.json")
    and json.loads(p.with_name(p.stem + ".expected.json").read_text(encoding="utf-8")).get("offered")
)
NZIA_CASE = CASES / "net-zero-solar-2026.json"


def _docx_text(document: docx.Document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


def _assert_no_placeholder_left(texts: list[str], lang: str) -> None:
    """Every "{…}" filled; the only brackets left are the buyer's "[à compléter : …]"."""
    for text in texts:
        assert "{" not in text and "}" not in text, text
        for start in (m.start() for m in re.finditer(r"\[", text)):
            assert text.startswith(TO_COMPLETE[lang], start), text[start : start + 40]


@pytest.fixture(scope="module")
def annexes(tmp_path_factory) -> dict[str, tuple[docx.Document, str]]:
    """Per language, the Word annex of every case that offers a clause, written by the CLI, and its text output."""
    folder, runner, made = tmp_path_factory.mktemp("annex"), CliRunner(), {}
    for lang in ("fr", "en"):
        output = folder / f"clauses-{lang}.docx"
        result = runner.invoke(
            main, ["clauses", "--lang", lang, "--format", "docx", "--output", str(output), *map(str, OFFERING)]
        )
        assert result.exit_code == 0, result.output
        text = runner.invoke(main, ["clauses", "--lang", lang, *map(str, OFFERING)])
        assert text.exit_code == 0
        made[lang] = docx.Document(str(output)), text.output
    return made


@pytest.fixture(scope="module")
def annex(annexes) -> tuple[docx.Document, str]:
    return annexes["fr"]


ANNEX_WORDS = {
    "fr": ("Annexe — clauses proposées", "Référence : ", ("des modèles à adapter", "pas un conseil juridique")),
    "en": ("Annex — proposed clauses", "Reference: ", ("models to adapt", "not legal advice")),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_annex_holds_each_clause_with_its_title_and_legal_basis(annexes, lang: str):
    document, _ = annexes[lang]
    title, reference, note = ANNEX_WORDS[lang]
    paragraphs = _docx_text(document)
    assert paragraphs[0] == title and document.core_properties.title == title
    assert all(words in paragraphs[1] for words in note)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for case in OFFERING:  # each notice's reference: a draft has none of its own, a published one its id
        assert f"{reference}{json.loads(case.read_text(encoding='utf-8'))['id']}" in headings
    for clause_id, template in load_templates()["clauses"].items():
        assert any(template["title"][lang] in heading for heading in headings), clause_id
        assert any(worded(template["legal_basis"], lang) in p for p in paragraphs), clause_id
    _assert_no_placeholder_left(paragraphs, lang)
    other = "en" if lang == "fr" else "fr"
    assert not any(TO_COMPLETE[other] in p for p in paragraphs)


def test_the_annex_holds_each_clause_s_filled_text(annexes):
    """The clause text of the annex is the clause `clauses_for` fills: one Quote paragraph per paragraph."""
    document, _ = annexes["fr"]
    quoted = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    notice = json.loads(NZIA_CASE.read_text(encoding="utf-8"))
    filled = clauses_for(assess(notice_from_dict(notice)).to_dict())
    for clause in filled["clauses"]:
        for paragraph in clause["text"]["fr"].split("\n\n"):
            assert paragraph in quoted, paragraph[:80]


def test_the_annex_links_the_legal_bases_to_their_texts(annex):
    document, _ = annex
    targets = {rel.target_ref for rel in document.part.rels.values() if rel.is_external}
    assert any("legifrance.gouv.fr" in url and "L2153-1" in url for url in targets)
    assert any("eur-lex.europa.eu" in url and "32025R1197" in url for url in targets)
    assert any("curia.europa.eu" in url and "C-652/22" in url for url in targets)


def test_an_unconfirmed_clause_says_what_to_check(annex):
    document, text = annex
    paragraphs = _docx_text(document)
    assert any("Technologies « zéro net »" in p and "(à vérifier)" in p for p in paragraphs)
    assert any(p.startswith("À vérifier : la rédaction des exigences au regard de l'article 25") for p in paragraphs)
    assert "À vérifier : la rédaction des exigences" in text


def test_the_text_output_in_both_languages(annex):
    _, french = annex
    assert french.startswith("== Annexe — clauses proposées") and "Fondement juridique : CCP L2113-10" in french
    _assert_no_placeholder_left([french], "fr")
    english = CliRunner().invoke(main, ["clauses", "--lang", "en", str(NZIA_CASE)])
    assert english.exit_code == 0
    assert "== Annex — proposed clauses" in english.output and "[to complete: " in english.output
    assert "compléter" not in english.output and "To be confirmed: the wording" in english.output


def test_an_unreadable_file_is_reported_and_the_others_still_written(tmp_path: Path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<ContractNotice>", encoding="utf-8")
    output = tmp_path / "annex.docx"
    result = CliRunner().invoke(
        main, ["clauses", "--lang", "en", "--format", "docx", "--output", str(output), str(broken), str(NZIA_CASE)]
    )
    assert result.exit_code == 1 and "broken.xml" in result.output
    assert any("net-zero" in p.lower() for p in _docx_text(docx.Document(str(output))))


def test_text_goes_to_the_output_file_one_annex_per_notice(tmp_path: Path):
    output = tmp_path / "clauses.txt"
    cases = [CASES / "ipi-in-scope.json", NZIA_CASE]
    result = CliRunner().invoke(main, ["clauses", "--lang", "fr", "--output", str(output), *map(str, cases)])
    assert result.exit_code == 0 and result.output == ""
    text = output.read_text(encoding="utf-8")
    assert text.count("== Annexe — clauses proposées") == 2
    assert "-- 2. Instrument relatif aux marchés publics internationaux : dispositifs médicaux" in text
    assert "Technologies « zéro net »" in text and "Fondement juridique : Règl. (UE) 2024/1735 art. 25" in text


def test_an_unreadable_file_is_named_in_french_and_the_text_of_the_others_printed(tmp_path: Path):
    broken = tmp_path / "cassé.xml"
    broken.write_text("<ContractNotice>", encoding="utf-8")
    result = CliRunner().invoke(main, ["clauses", "--lang", "fr", str(broken), str(NZIA_CASE)])
    assert result.exit_code == 1
    assert "Erreur : « " in result.stderr and "cassé.xml » n'a pas pu être lu" in result.stderr
    assert result.stdout.startswith("== Annexe — clauses proposées") and "Technologies « zéro net »" in result.stdout


def test_a_notice_offering_no_clause_says_so():
    result = CliRunner().invoke(main, ["clauses", "--lang", "fr", str(CASES / "third-country-award-notice.json")])
    assert result.exit_code == 0 and "Aucune clause à proposer pour cet avis." in result.output


@pytest.mark.parametrize("lang, words", [("fr", "Erreur : --format docx écrit un fichier Word"), ("en", "Error: --")])
def test_docx_needs_an_output_file(lang: str, words: str):
    result = CliRunner().invoke(main, ["clauses", "--lang", lang, "--format", "docx", str(NZIA_CASE)])
    assert result.exit_code == 2 and words in result.stderr and "--output" in result.stderr


# -- the API ---------------------------------------------------------------------------------------------------
def test_clauses_endpoint_takes_the_bodies_of_check(client):
    check = client.post("/api/v1/check", data=IPI.read_bytes(), content_type="application/xml")
    assert check.headers["Link"] == '</api/v1/clauses>; rel="clauses"'
    body = client.post("/api/v1/clauses", data=IPI.read_bytes(), content_type="application/xml").get_json()
    assert body["reference"] == "00471902-2025" and body["notice_id"] == check.get_json()["notice"]["id"]
    clause = next(c for c in body["clauses"] if c["id"] == "ipi-medical-devices")
    assert clause["offered_by"] == [{"code": "IPI-MEDICAL-DEVICES", "status": "flagged", "lot": None}]
    assert "8 000 000,00 €" in plain(clause["text"]["fr"]) and "€8,000,000.00" in clause["text"]["en"]
    notice = json.loads(NZIA_CASE.read_text(encoding="utf-8"))
    as_json = client.post("/api/v1/clauses", json=notice).get_json()
    assert [c["id"] for c in as_json["clauses"]] == ["third-country", "advance-payment", "net-zero-requirements"]
    lines = "\n".join(json.dumps({**notice, "id": f"n{i}"}) for i in range(2))
    several = client.post("/api/v1/clauses", data=lines, content_type="application/x-ndjson").get_json()
    assert [s["notice_id"] for s in several] == ["n0", "n1"]


def test_clauses_endpoint_errors_are_those_of_check(client):
    for path in ("/api/v1/check", "/api/v1/clauses"):
        assert client.post(path, data=b"", content_type="application/xml").get_json()["error"] == "empty-body"
        assert client.post(path, data=b"GIF89a", content_type="image/gif").status_code == 415
        assert client.post(path, data=b"<Foo/>", content_type="application/xml").get_json()["error"] == "unknown-format"


@pytest.mark.parametrize(
    "query, headers, words",
    [
        ("", {}, "Le corps de la requête est vide"),
        ("?lang=en", {}, "The request body is empty"),
        ("", {"Accept-Language": "en-GB,en;q=0.8"}, "The request body is empty"),
    ],
)
def test_clauses_errors_speak_the_reader_s_language(client, query: str, headers: dict, words: str):
    response = client.post(f"/api/v1/clauses{query}", data=b"", content_type="application/xml", headers=headers)
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.get_json()["error"] == "empty-body" and response.get_json()["detail"].startswith(words)


def test_a_broken_notice_is_named_in_the_error(client):
    response = client.post("/api/v1/clauses", data=b"<ContractNotice", content_type="application/xml")
    body = response.get_json()
    assert response.status_code == 400 and body["error"] == "parse-error"
    assert body["detail"].startswith("« request body » n'a pas pu être lu (ligne 1)")


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    from web_fixtures import sample_notices, seed

    from webapp import create_app

    path = tmp_path_factory.mktemp("clauses-api") / "api.db"
    seed(path, sample_notices())
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "test"})
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _bodies() -> list:
    notice = json.loads(NZIA_CASE.read_text(encoding="utf-8"))
    lines = "\n".join(json.dumps({**notice, "id": f"n{i}"}) for i in range(2))
    decp = SAMPLES / "decp-2019-grenoble.json"
    return [
        pytest.param(IPI.read_bytes(), "application/xml", [4], id="xml"),  # a CHU: the advance too, to confirm
        pytest.param(NZIA_CASE.read_bytes(), "application/json", [3], id="json"),
        pytest.param(lines, "text/plain", [3, 3], id="several"),  # JSON Lines (schemathesis cannot send x-ndjson)
        pytest.param(decp.read_bytes(), "application/json", None, id="decp"),  # awarded contracts: none offered
        pytest.param((CASES / "third-country-award-notice.json").read_bytes(), "application/json", [0], id="none"),
    ]


@pytest.mark.parametrize("body, media_type, counts", _bodies())
def test_real_clause_sets_match_the_openapi_document(api_schema, body, media_type: str, counts: list | None):
    """What /clauses answers for real notices (one, several, none offered) has the documented status, type and
    shape (schemathesis's own checks against the served document)."""
    case = api_schema["/clauses"]["POST"].Case(body=body, media_type=media_type)
    response = case.call_and_validate(
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    )
    assert response.status_code == 200
    sets = response.json()
    sets = [sets] if isinstance(sets, dict) else sets
    assert [len(item["clauses"]) for item in sets] == (counts or [0] * len(sets)) and len(sets) >= 1


def test_openapi_describes_clauses_and_the_link_from_check(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/clauses"]["post"]
    assert operation["operationId"] == "clauses"
    assert operation["requestBody"] == document["paths"]["/check"]["post"]["requestBody"]
    checked = document["paths"]["/check"]["post"]["responses"]["200"]
    assert checked["links"]["clauses"]["operationId"] == "clauses" and "Link" in checked["headers"]
    assert "ClauseSet" in document["components"]["schemas"]


# -- the web report -------------------------------------------------------------------------------------------
def _upload(client, path: Path, lang: str = "fr", **extra):
    return client.post(
        f"/check?lang={lang}",
        data={"up-file": (io.BytesIO(path.read_bytes()), path.name), **extra},
        content_type="multipart/form-data",
    )


def test_each_clause_sits_under_its_finding_ready_to_copy(client):
    html = _upload(client, IPI).get_data(as_text=True)
    for code, clause_id in (
        ("SME-NO-LOTS", "lots-justification"),
        ("IPI-MEDICAL-DEVICES", "ipi-medical-devices"),
        ("RECIP-KOLIN-OPTION", "third-country"),
    ):
        start = html.index(f'data-code="{code}"')
        finding = html[start : html.index('<details class="technical">', start)]
        assert f'data-clause="{clause_id}"' in finding, code
        assert re.search(r'<textarea class="clause-text noprint" readonly[^>]*>', finding), code
    assert 'value="docx">Clauses proposées (Word)</button>' in html


def test_a_clause_no_finding_offers_has_its_own_section_and_unconfirmed_shows_a_verifier(client):
    html = _upload(client, NZIA_CASE).get_data(as_text=True)
    section = html[html.index('<section class="findings clauses">') :]
    assert 'data-clause="advance-payment"' in section[: section.index("</section>")]
    start = html.index('data-clause="net-zero-requirements"')
    assert '<span class="unconfirmed">à vérifier</span>' in html[start : start + 600]


def test_no_clause_and_no_word_button_for_an_award_notice(client):
    html = _upload(client, CASES / "third-country-award-notice.json").get_data(as_text=True)
    assert 'class="clause"' not in html and 'value="docx"' not in html


def test_the_report_re_sends_the_document_for_its_word_annex(client):
    page = _upload(client, IPI, lang="en").get_data(as_text=True)
    sent = re.search(r'name="up-document" value="([^"]+)"', page).group(1)
    response = client.post("/check?lang=en", data={"up-document": sent, "up-name": IPI.name, "up-format": "docx"})
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert response.headers["Content-Disposition"] == 'attachment; filename="clauses-00471902-2025.docx"'
    paragraphs = _docx_text(docx.Document(io.BytesIO(response.data)))
    assert paragraphs[0] == "Annex — proposed clauses" and "Reference: 00471902-2025" in paragraphs
    _assert_no_placeholder_left(paragraphs, "en")


def _download_form(page: str) -> tuple[str, dict[str, str], str]:
    """The report page's download form as a browser sends it: action, hidden fields (CSRF token and the
    document re-sent), and the name of its format button."""
    form = re.search(r'<form method="post" action="([^"]+)" class="download">(.*?)</form>', page, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    button = re.search(r'<button type="submit" name="([^"]+)" value="docx">', form.group(2)).group(1)
    return html.unescape(form.group(1)), {k: html.unescape(v) for k, v in fields.items()}, button


@pytest.mark.parametrize("kind", ["upload", "draft"])
def test_the_word_button_works_with_csrf_on(db_path, kind: str):
    """As in production (CSRF on): the report page's own form, with its token, gets the Word annex."""
    from webapp import create_app

    client = create_app({"DATABASE": str(db_path), "SECRET_KEY": "t"}).test_client()
    page = client.get("/check").get_data(as_text=True)
    if kind == "upload":
        token = re.search(r'name="up-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = {"up-csrf_token": token, "up-file": (io.BytesIO(IPI.read_bytes()), IPI.name)}
        report = client.post("/check", data=data, content_type="multipart/form-data")
    else:
        token = re.search(r'name="d-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        report = client.post("/check/draft", data={"d-csrf_token": token, **DRAFT})
    assert report.status_code == 200
    action, fields, button = _download_form(report.get_data(as_text=True))
    response = client.post(action, data={**fields, button: "docx"})
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    paragraphs = _docx_text(docx.Document(io.BytesIO(response.data)))
    assert paragraphs[0] == "Annexe — clauses proposées"
    assert any("Justification de l'absence d'allotissement" in p for p in paragraphs)
    refused = client.post(action, data={**{k: v for k, v in fields.items() if "csrf" not in k}, button: "docx"})
    assert refused.status_code == 400


DRAFT = {
    "d-buyer_name": "Ville de Lyon",
    "d-buyer_country": "FR",
    "d-buyer_legal_type": "la",
    "d-contract_nature": "services",
    "d-cpv_main": "90910000",
    "d-estimated_value": "400000",
    "d-procedure_type": "open",
    "d-dispatch_date": "2026-03-02",
    "d-tender_deadline": "2026-04-10",
    "d-title": "Nettoyage des écoles",
    "d-third_country_clause": "none",
}


def test_a_draft_gets_its_word_annex_from_the_form(client):
    response = client.post("/check/draft", data={**DRAFT, "d-format": "docx"})
    paragraphs = _docx_text(docx.Document(io.BytesIO(response.data)))
    assert "Référence : —" in paragraphs  # a draft's id is ours, not the procurement's reference
    assert any("Justification de l'absence d'allotissement" in p for p in paragraphs)
    assert any("Accès des opérateurs économiques de pays tiers" in p for p in paragraphs)
    assert any("[à compléter : référence du marché]" in p for p in paragraphs)


def test_a_stored_call_for_competition_shows_the_clauses_a_fresh_check_gives(app, client):
    """The store keeps what a clause is filled from (coverage per agreement, the findings and their to_confirm in
    the shared texts): the tender page of a stored notice offers exactly the clauses of a fresh check."""
    from web_fixtures import sample_notices

    from reciprocity.audit import queries
    from webapp.db import get_db

    notice = next(n for n in sample_notices() if n.kind == "competition")
    with app.app_context():
        stored = clauses_for(queries.get_tender(get_db(), notice.id))
    fresh = clauses_for(assess(notice).to_dict())
    assert stored == fresh and len(stored["clauses"]) >= 3
    html = client.get(f"/tenders/{notice.id}").get_data(as_text=True)
    assert sorted(re.findall(r'data-clause="([^"]+)"', html)) == sorted(c["id"] for c in fresh["clauses"])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_word_of_the_clauses_is_in_the_reader_s_language(client, lang: str):
    """The report of each case offering a clause (its clauses, conditions and what is to be confirmed) passes the
    visible-text check of the suite: a French page shows French words only, an English one English words."""
    from visible_text import page_violations

    for case in OFFERING:
        notice = json.loads(case.read_text(encoding="utf-8"))
        page = _upload(client, case, lang=lang).data
        assert b'class="clause"' in page, case.name
        data = [notice["buyer"]["name"], notice["procedure"]["title"], notice["id"]]
        assert page_violations(page, lang, [*data, *(lot.get("title") or "" for lot in notice["lots"])]) == [], case


def test_the_pdf_shows_the_clauses_open(client):
    response = _upload(client, IPI, **{"up-format": "pdf"})
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages))
    assert "Clause proposée : Justification de l'absence d'allotissement" in text
    assert "l'objet du marché ne permet pas l'identification de prestations distinctes" in text
