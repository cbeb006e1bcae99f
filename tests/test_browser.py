"""A real browser (Debian's Chromium driven by Playwright; never a downloaded browser) on the running app.

The app serves a temporary database ingested from data/tenders/ on 127.0.0.1 (free port, a thread); the browser
uploads a sample on /check, finds the expected finding on the report, switches to English, opens the overview
and keeps screenshots under artifacts/. Skips only when no Chromium binary exists.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES
from werkzeug.serving import make_server

from reciprocity.audit.ingest import ingest
from webapp import create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = ROOT / "artifacts"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary found (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db_path = tmp_path_factory.mktemp("browser") / "samples.db"
    summary = ingest([SAMPLES], db_path, workers=1)
    assert summary.notices >= 5
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": "browser-test"})  # CSRF on, as deployed
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(base_url: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(java_script_enabled=False)  # the app must work without JavaScript
        tab = context.new_page()
        tab.console_messages = []  # type: ignore[attr-defined]
        tab.on("console", lambda message: tab.console_messages.append(message.text))  # CSP violations land here
        yield tab
        context.close()
        browser.close()


def test_upload_shows_the_expected_finding(page, base_url: str):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{base_url}/check")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.set_input_files("#up-file", str(SAMPLES / "eforms-cn-medical-ipi.xml"))
    page.locator("#upload button[type=submit]:not([name])").click()
    page.wait_for_selector(".assessment")
    finding = page.locator('.finding[data-code="IPI-MEDICAL-DEVICES"]')
    assert finding.count() == 1 and finding.is_visible()
    assert "2022/1031" in finding.inner_text()
    shown = page.locator(".findings .finding")
    severities = [shown.nth(i).get_attribute("class") for i in range(shown.count())]
    order = ["sev-problem", "sev-warning", "sev-info"]
    ranks = [min(order.index(c) for c in cls.split() if c in order) for cls in severities]
    assert ranks == sorted(ranks)  # problems first
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)


def test_printing_the_report_gives_a_pdf_with_the_findings_titles(page, base_url: str):
    """Chromium prints the report with the print stylesheet: no navigation, folds open, the findings by title."""
    import io
    import re
    import unicodedata

    from pypdf import PdfReader

    from reciprocity.report_view import code_label

    page.goto(f"{base_url}/check")
    page.set_input_files("#up-file", str(SAMPLES / "eforms-cn-medical-ipi.xml"))
    page.locator("#upload button[type=submit]:not([name])").click()
    page.wait_for_selector(".assessment")
    codes = [page.locator(".findings .finding").nth(i).get_attribute("data-code")
             for i in range(page.locator(".findings .finding").count())]
    pdf = page.pdf(format="A4")
    (ARTIFACTS / "report-printed.pdf").write_bytes(pdf)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))  # "ﬁ" ligatures back to letters
    assert codes and all(code_label(code, "fr") in text for code in codes)
    assert "Autres vérifications" in text and "Vérifier un avis" not in text  # folds open, navigation hidden
    assert "Télécharger ce rapport" not in text


def test_hostile_upload_shows_an_error_on_the_page(page, base_url: str, tmp_path: Path):
    evil = tmp_path / "evil.xml"
    evil.write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
    page.goto(f"{base_url}/check")
    page.set_input_files("#up-file", str(evil))
    page.locator("#upload button[type=submit]:not([name])").click()
    error = page.locator("#check-error")
    assert error.is_visible() and "DOCTYPE" in error.inner_text()
    assert "Traceback" not in page.content()


def test_draft_form_in_english(page, base_url: str):
    page.goto(f"{base_url}/check?lang=en")
    page.fill("#d-buyer_name", "Ville de Lille")
    page.select_option("#d-buyer_legal_type", "la")
    page.select_option("#d-contract_nature", "works")
    page.fill("#d-cpv_main", "45233140")
    page.fill("#d-estimated_value", "9000000")
    page.select_option("#d-procedure_type", "open")
    page.fill("#d-dispatch_date", "2026-04-01")
    page.fill("#d-tender_deadline", "2026-04-15")
    page.fill("#d-lots_count", "1")
    page.select_option("#d-electronic_submission", "required")
    page.select_option("#d-award_criteria-0-type", "price")
    page.locator("#draft button[type=submit]:not([name])").click()
    page.wait_for_selector(".assessment")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('.finding[data-code="SME-SHORT-DEADLINE"]').count() == 1
    assert "Check report" in page.inner_text("h1")


def test_overview_and_screenshot(page, base_url: str):
    page.goto(f"{base_url}/")
    assert page.locator("svg.chart").count() == 3
    assert page.locator("svg.chart rect").count() > 3
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    assert (ARTIFACTS / "overview.png").stat().st_size > 10_000
    page.goto(f"{base_url}/tenders?origin_class=UNCOVERED")
    assert page.locator("table.list tbody tr a").count() >= 1
    assert not [m for m in page.console_messages if "Content Security Policy" in m]
