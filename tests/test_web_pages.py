"""Every HTML page through the Flask test client: check (upload, paste, draft form), audit pages, exports."""

from __future__ import annotations

import io
import re

import pytest
from conftest import SAMPLES
from openpyxl import load_workbook

pytest_plugins = ["web_fixtures"]  # app, client, db_path

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<ContractNotice>&lol3;</ContractNotice>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<TED_EXPORT>&xxe;</TED_EXPORT>"""


def _main(response) -> str:
    return response.get_data(as_text=True)


def test_check_page_offers_upload_paste_and_draft_form(client):
    html = _main(client.get("/check"))
    assert 'name="up-file"' in html and 'name="up-text"' in html
    for field in ("buyer_country", "buyer_legal_type", "contract_nature", "cpv_main", "estimated_value", "currency",
                  "procedure_type", "dispatch_date", "tender_deadline", "lots_count", "all_lots_required",
                  "min_turnover", "electronic_submission", "award_criteria-0-type", "award_criteria-3-weight"):
        assert f'name="d-{field}"' in html, field


def test_upload_decp_file_shows_one_report_per_contract(client):
    data = (SAMPLES / "decp-2022-rennes.json").read_bytes()
    response = client.post("/check", data={"up-file": (io.BytesIO(data), "decp.json")},
                           content_type="multipart/form-data")
    html = _main(response)
    assert response.status_code == 200
    assert html.count('class="assessment"') == 4
    assert "Réfection de la toiture" in html


def test_pasted_contract_json_is_assessed(client):
    response = client.get("/api/v1/tenders/00512345-2025")
    notice_json = response.get_json()["notice"]
    import json

    html = _main(client.post("/check", data={"up-text": json.dumps(notice_json)}))
    assert "CHU de Bordeaux" in html and "00512345-2025" in html


def test_hostile_uploads_show_a_clear_error_not_a_trace(client):
    for payload in (BILLION_LAUGHS, EXTERNAL_ENTITY):
        response = client.post("/check", data={"up-file": (io.BytesIO(payload), "evil.xml")},
                               content_type="multipart/form-data")
        html = _main(response)
        assert response.status_code == 400
        assert 'id="check-error"' in html and "DOCTYPE" in html
        assert "Traceback" not in html and "root:" not in html


def test_malformed_and_empty_uploads_are_explained(client):
    html = _main(client.post("/check", data={"up-text": "<ContractNotice><unclosed>"}))
    assert 'id="check-error"' in html and "Traceback" not in html
    response = client.post("/check", data={"up-text": "   "})
    assert response.status_code == 400 and "Aucun avis reçu" in _main(response)


def test_draft_form_builds_a_notice_and_reports(client):
    response = client.post("/check/draft", data={
        "d-buyer_name": "Ville de Lyon", "d-buyer_country": "fr", "d-buyer_legal_type": "la",
        "d-contract_nature": "works", "d-cpv_main": "45233140-2", "d-estimated_value": "7 500 000",
        "d-currency": "EUR", "d-procedure_type": "open", "d-dispatch_date": "2026-03-02",
        "d-tender_deadline": "2026-03-20", "d-lots_count": "1", "d-all_lots_required": "no",
        "d-electronic_submission": "required", "d-award_criteria-0-type": "price",
        "d-award_criteria-0-weight": "100"})
    html = _main(response)
    assert response.status_code == 200
    assert "Ville de Lyon" in html and "45233140" in html and "7\u202f500\u202f000,00\xa0€" in html
    assert "2 mars 2026" in html and "20 mars 2026" in html


def test_draft_form_names_the_wrong_field(client):
    response = client.post("/check/draft", data={"d-cpv_main": "3310", "d-lots_count": "2"})
    assert response.status_code == 400
    assert "Code CPV principal" in _main(response) and "3310" in _main(response)


def test_overview_renders_svg_charts_without_inline_style(client):
    html = _main(client.get("/"))
    assert "<svg" in html
    assert "style=" not in html


def test_tender_list_filters_and_paginates(client):
    html = _main(client.get("/tenders?year=2024"))
    assert "Nettoyage des écoles 2024" in html and "Nettoyage des écoles 2023" not in html
    assert "2 marchés" in html
    page_one = _main(client.get("/tenders?per_page=1"))
    assert "Page 1 sur 4" in page_one and 'rel="next"' in page_one
    last = _main(client.get("/tenders?per_page=1&page=4"))
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_tender_list_origin_filter(client):
    html = _main(client.get("/tenders?origin_class=UNCOVERED"))
    assert ("Shenzhen" in html) or ("1 marchés" in html or "0 marchés" in html)


def test_tender_page_links_to_ted_and_escapes_the_title(client):
    html = _main(client.get("/tenders/00512345-2025"))
    assert "https://ted.europa.eu/fr/notice/-/detail/00512345-2025" in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_tender_page_lists_results_and_winners(client):
    html = _main(client.get("/tenders/00100003-2024"))
    assert "Shenzhen Clean Tech Co" in html and "510\u202f000,00\xa0€" in html and "Chine" in html


def test_missing_tender_is_a_404_page(client):
    response = client.get("/tenders/nope-0000")
    assert response.status_code == 404 and "Erreur 404" in _main(response)


def test_exports_follow_the_filters(client):
    csv_text = _main(client.get("/tenders.csv?year=2024"))
    rows = csv_text.strip().splitlines()
    assert rows[0].startswith("id,publication_number")
    assert len(rows) == 3 and all("2024" in row for row in rows[1:])
    response = client.get("/tenders.xlsx?buyer_country=FR")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert response.headers["Content-Disposition"] == "attachment; filename=tenders.xlsx"
    assert sheet.max_row == 5


def test_list_links_carry_filters_to_exports(client):
    html = _main(client.get("/tenders?year=2024"))
    assert re.search(r'href="/tenders\.csv\?year=2024"', html)


def test_winner_page_groups_awards(client, app):
    from reciprocity.audit.entities import group_winners
    from reciprocity.audit.store import open_db

    db = open_db(app.config["DATABASE"])
    group_winners(db)
    entity = db.execute("SELECT entity_id FROM winners WHERE name LIKE 'Propreté%'").fetchone()[0]
    db.conn.close()
    html = _main(client.get(f"/winners/{entity}"))
    assert "Propreté Atlantique SAS" in html and "Nettoyage des écoles 2023" in html


def test_rules_page_lists_every_registered_code(client):
    from reciprocity.rules import all_codes

    html = _main(client.get("/rules"))
    assert "IPI-MEDICAL-DEVICES" in html
    assert all(f"<code>{code}</code>" in html for code in all_codes())


def test_overview_follows_its_filters(client):
    everything = _main(client.get("/"))
    only_2023 = _main(client.get("/?year=2023"))
    assert "4 avis" in everything and "1 avis" in only_2023
    assert '<option value="2023" selected>' in only_2023


def test_pasted_notice_larger_than_flasks_form_default_is_read(client):
    xml = (SAMPLES / "eforms-cn-medical-ipi.xml").read_text(encoding="utf-8")
    padded = xml.replace("<ContractNotice", "<!-- " + "x" * 700_000 + " -->\n<ContractNotice", 1)
    response = client.post("/check", data={"up-text": padded})
    assert response.status_code == 200 and 'data-code="IPI-MEDICAL-DEVICES"' in _main(response)


SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".xml", ".json")
                      and not p.name.endswith(".expected.json"))


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_page_and_api_show_the_same_assessment(client, sample):
    """The check page and POST /api/v1/check run the same function: every flagged code appears on the page."""
    body = client.post("/api/v1/check", data=sample.read_bytes(), content_type="application/octet-stream").get_json()
    assessments = body if isinstance(body, list) else [body]
    html = _main(client.post("/check", data={"up-file": (io.BytesIO(sample.read_bytes()), sample.name)},
                             content_type="multipart/form-data"))
    assert html.count('class="assessment"') == len(assessments)
    for assessment in assessments:
        for finding in assessment["findings"]:
            if finding["status"] == "flagged":
                assert f'data-code="{finding["code"]}"' in html


def test_overview_lists_top_winners_with_links_to_their_page(client, app):
    from reciprocity.audit.entities import group_winners
    from reciprocity.audit.store import open_db

    db = open_db(app.config["DATABASE"])
    group_winners(db)
    db.conn.close()
    html = _main(client.get("/"))
    assert "Shenzhen Clean Tech Co" in html and "510\u202f000,00\xa0€" in html
    assert re.search(r'href="/winners/[^"]+"[^>]*>Propreté Atlantique SAS</a>', html)


def test_tender_csv_for_french_excel_with_awards(client):
    import pandas as pd

    response = client.get("/tenders.csv?dialect=excel-fr&year=2024")
    assert response.data.startswith(b"\xef\xbb\xbf") and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    frame = pd.read_csv(io.BytesIO(response.data), sep=";", encoding="utf-8-sig", decimal=",")
    assert len(frame) == 2
    rows = frame.set_index("id")
    assert rows.loc["00100003-2024", "winners"] == "Shenzhen Clean Tech Co"
    assert rows.loc["00100003-2024", "winner_countries"] == "CN"
    assert rows.loc["00100003-2024", "winner_origins"] == "UNCOVERED"
    assert rows.loc["00100003-2024", "awarded_value_eur"] == 510000.0
    assert client.get("/tenders.csv?dialect=klingon").status_code == 400
    plain = _main(client.get("/tenders.csv?year=2024")).splitlines()[0]
    assert plain.startswith("id,publication_number") and plain.endswith("winners,winner_countries,winner_origins")
