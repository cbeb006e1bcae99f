"""French by default, English by a switch; both catalogues complete and every key used exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from webapp.messages import MESSAGES

pytest_plugins = ["web_fixtures"]  # app, client, db_path

WEBAPP = Path(__file__).resolve().parent.parent / "webapp"


def test_every_message_has_french_and_english():
    for key, (french, english) in MESSAGES.items():
        assert french.strip() and english.strip(), key


def test_every_key_used_in_templates_and_code_exists():
    used = set()
    for path in list((WEBAPP / "templates").glob("*.html")) + list(WEBAPP.glob("*.py")):
        used |= set(re.findall(r"""(?:\b_|translate)\(\s*["']([a-z0-9_.-]+)["']""", path.read_text()))
    missing = {key for key in used if key not in MESSAGES and not key.endswith(".")}
    assert not missing


@pytest.mark.parametrize("list_name, model_values", [
    ("kind", "KINDS"), ("severity", "SEVERITIES"), ("status", "STATUSES"), ("origin_class", "ORIGIN_CLASSES"),
    ("area", "AREAS"),
])
def test_every_model_value_has_a_label_in_both_languages(list_name, model_values):
    from reciprocity import model
    from reciprocity.i18n import labels

    for value in getattr(model, model_values):
        assert labels.label(list_name, value, "fr") and labels.label(list_name, value, "en"), value


def test_french_by_default_english_by_switch_remembered_in_cookie(client):
    assert '<html lang="fr">' in client.get("/check").get_data(as_text=True)
    english = client.get("/check?lang=en")
    assert '<html lang="en">' in english.get_data(as_text=True) and "lang=en" in english.headers["Set-Cookie"]
    assert "Check a notice before publication" in client.get("/check").get_data(as_text=True)
    assert "Vérifier un avis avant publication" in client.get("/check?lang=fr").get_data(as_text=True)


def test_unknown_language_falls_back_to_french(client):
    assert '<html lang="fr">' in client.get("/check?lang=xx").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/check", "/tenders", "/tenders/00100003-2024", "/rules", "/nope"])
def test_english_pages_show_no_french_interface_text(client, path):
    html = client.get(path + ("&" if "?" in path else "?") + "lang=en").get_data(as_text=True)
    for french, english in MESSAGES.values():
        if french != english and len(french) > 12 and "{" not in french:
            assert french not in html, french


def test_findings_are_shown_in_the_page_language(client):
    import json

    stored = client.get("/api/v1/tenders/00100003-2024").get_json()
    flagged = [f for f in stored["assessment"]["findings"] if f["status"] == "flagged"]
    assert flagged, "the fixture should raise at least one finding"
    body = json.dumps(stored["notice"])
    french = client.post("/check?lang=fr", data={"up-text": body}).get_data(as_text=True)
    english = client.post("/check?lang=en", data={"up-text": body}).get_data(as_text=True)
    from markupsafe import escape

    assert str(escape(flagged[0]["message_fr"])) in french
    assert str(escape(flagged[0]["message"])) in english


def test_api_error_detail_follows_the_reader_language(client):
    french = client.get("/api/v1/tenders/nope-0").get_json()
    english = client.get("/api/v1/tenders/nope-0", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_json()
    assert french["error"] == english["error"] == "not-found"
    assert french["detail"].startswith("Aucun marché ni titulaire") and english["detail"].startswith("No tender")
    bad = client.post("/api/v1/check", data=b"<x>", content_type="application/xml").get_json()
    assert bad["detail"].startswith("« request body »") and "Détail technique :" in bad["detail"]
    assert client.get("/api/v1/tenders/nope-0?lang=en").get_json()["detail"].startswith("No tender")


def test_rules_page_shows_labels_areas_and_links_to_the_law(client):
    html = client.get("/rules").get_data(as_text=True)
    assert "<strong>Marché non alloti</strong><br><code>SME-NO-LOTS</code>" in html
    assert "Accès des PME" in html
    assert 'href="https://curia.europa.eu/juris/liste.jsf?num=C-652/22&amp;language=fr"' in html
    assert "CJUE" in html and "CJEU" not in html
