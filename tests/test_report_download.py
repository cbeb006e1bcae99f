"""The check report as PDF (WeasyPrint, server-side) and JSON, asked from the check form or again from the report;
a multi-contract file opens on a summary table; a draft has no TED link."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import unicodedata

from conftest import SAMPLES
from pypdf import PdfReader

from reciprocity.report_view import code_label
from reciprocity.rules.data import data_version

pytest_plugins = ["web_fixtures"]  # app, client, db_path

IPI = SAMPLES / "eforms-cn-medical-ipi.xml"
RENNES = SAMPLES / "decp-2022-rennes.json"


def _upload(client, path, **extra):
    return client.post("/check", data={"up-file": (io.BytesIO(path.read_bytes()), path.name), **extra},
                       content_type="multipart/form-data")


def _pdf_text(data: bytes) -> str:
    """The PDF's text, ligatures ("ﬁ") back to letters and white space collapsed."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


def test_pdf_from_the_check_form_has_the_findings_and_where_they_come_from(client):
    api = client.post("/api/v1/check", data=IPI.read_bytes(), content_type="application/xml").get_json()
    response = _upload(client, IPI, **{"up-format": "pdf"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="rapport-00471902-2025.pdf"'
    text = _pdf_text(response.data)
    assert "Rapport de vérification" in text and "À corriger avant publication" in text
    for finding in api["findings"]:
        if finding["status"] == "flagged":
            assert code_label(finding["code"], "fr") in text, finding["code"]
    assert hashlib.sha256(IPI.read_bytes()).hexdigest() in text.replace(" ", "")
    assert data_version() in text and re.search(r"Établi le \d{1,2}(er)? \w+ 20\d\d", text)
    assert "8 000 000,00 €" in text
    assert "Détails techniques" not in text  # the raw data stays out of the printed report


def test_the_report_offers_its_pdf_and_json_without_keeping_anything_on_the_server(client):
    page = _upload(client, IPI).get_data(as_text=True)
    sent = re.search(r'name="up-document" value="([^"]+)"', page).group(1)
    assert base64.b64decode(sent) == IPI.read_bytes()
    again = client.post("/check", data={"up-document": sent, "up-name": IPI.name, "up-format": "json"})
    assert again.status_code == 200 and again.mimetype == "application/json"
    assert again.headers["Content-Disposition"].endswith('.json"')
    api = client.post("/api/v1/check", data=IPI.read_bytes(), content_type="application/xml").get_json()
    assert [f["code"] for f in again.get_json()["findings"]] == [f["code"] for f in api["findings"]]
    pdf = client.post("/check", data={"up-document": sent, "up-name": IPI.name, "up-format": "pdf"})
    assert pdf.mimetype == "application/pdf" and "Rapport de vérification" in _pdf_text(pdf.data)
    bad = client.post("/check", data={"up-document": "not base64!", "up-name": "x.xml"})
    assert bad.status_code == 400


def test_english_pdf(client):
    response = client.post("/check?lang=en", data={"up-file": (io.BytesIO(IPI.read_bytes()), IPI.name),
                                                   "up-format": "pdf"}, content_type="multipart/form-data")
    text = _pdf_text(response.data)
    assert "Check report" in text and "To correct before publication" in text and "Marché non alloti" not in text


def test_a_multi_contract_file_opens_on_a_summary_with_anchors(client):
    html = _upload(client, RENNES).get_data(as_text=True)
    summary = html[html.index('<section class="summary">'):html.index("</section>")]
    assert summary.count('href="#avis-') == 8  # number and title of each of the 4 contracts
    assert all(f'id="avis-{n}"' in html for n in range(1, 5))
    assert html.index('<section class="summary">') < html.index('class="assessment"')


def test_a_draft_has_no_ted_link_and_its_pdf_is_made_from_the_form(client):
    form = {"d-buyer_name": "Ville de Lyon", "d-buyer_country": "FR", "d-contract_nature": "supplies",
            "d-estimated_value": "900000", "d-procedure_type": "open", "d-dispatch_date": "2026-03-02",
            "d-tender_deadline": "2026-03-10"}
    html = client.post("/check/draft", data=form).get_data(as_text=True)
    assert "ted.europa.eu" not in html and 'name="d-estimated_value" value="900000"' in html
    pdf = client.post("/check/draft", data={**form, "d-format": "pdf"})
    assert pdf.mimetype == "application/pdf"
    text = _pdf_text(pdf.data)
    assert "Délai de réponse trop court" in text and "Ville de Lyon" in text


def test_print_stylesheet_hides_the_interface_and_opens_the_folds():
    css = (SAMPLES.parent.parent / "webapp" / "static" / "app.css").read_text(encoding="utf-8")
    printed = css[css.index("@media print"):]
    assert "header.top" in printed and "display: none" in printed
    assert "details::details-content" in printed and "break-before: page" in printed
