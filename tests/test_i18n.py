"""reciprocity.i18n: amounts, dates and lists as a French or English reader writes them; codes as labels; message
parameters by the brief's convention; evidence as labelled lines; legal references linked."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SAMPLES

from reciprocity import assess, parse
from reciprocity.i18n import evidence, formats, labels, phrases, templates
from reciprocity.rules import all_codes
from reciprocity.rules.data import load_rule_data
from reciprocity.rules.legal_links import reference_parts, worded

NNBSP, NBSP = "\u202f", "\xa0"
CASES = Path(__file__).parent / "cases"
NOTICE_FILES = sorted([p for p in SAMPLES.iterdir() if p.suffix in (".xml", ".json")
                       and not p.name.endswith(".expected.json")] + list(CASES.rglob("*.xml")))


@pytest.fixture(scope="module")
def assessments() -> list[dict]:
    """Every sample and rule case, assessed (the evidence keys and parameters the rules really emit)."""
    return [assess(notice).to_dict() for path in NOTICE_FILES for notice in parse(path.read_bytes(), path.name)]


@pytest.mark.parametrize("lang, expected", [("fr", f"612{NNBSP}400,00{NBSP}€"), ("en", "€612,400.00")])
def test_money(lang, expected):
    assert formats.money(Decimal("612400"), "EUR", lang) == expected
    assert formats.money_of({"amount": "612400.00", "currency": "EUR"}, lang) == expected
    assert formats.money(None, "EUR", lang) == "—"


def test_dates_and_lists():
    assert formats.long_date(date(2025, 5, 20), "fr") == "20 mai 2025"
    assert formats.long_date("2025-05-01", "fr") == "1er mai 2025"
    assert formats.long_date("2025-05-20", "en") == "20 May 2025"
    assert formats.join(["A", "B", "C"], "fr") == "A, B et C" and formats.join(["A", "B", "C"], "en") == "A, B and C"
    assert formats.plural(0, {"one": "{count} offre", "other": "{count} offres"}, "fr") == "0 offre"
    assert formats.plural(0, {"one": "{count} tender", "other": "{count} tenders"}, "en") == "0 tenders"


def test_official_code_lists_keep_their_source_and_both_labels():
    lists = labels.code_lists()
    for name in ("buyer-legal-type", "contract-nature", "procurement-procedure-type", "legal-basis"):
        assert "eForms-SDK" in lists[name]["source"]
    assert labels.label("buyer-legal-type", "body-pl-la", "fr") == (
        "Organisme de droit public, contrôlé par une autorité locale")
    assert labels.label("procedure_type", "adapted", "fr") == "Procédure adaptée (MAPA)"  # our list extends BT-105
    assert labels.label("procedure_type", "open", "fr") == "Ouverte"
    assert labels.country("CN", "fr") == "Chine" and labels.country("UK", "en") == "United Kingdom"
    assert labels.label("buyer-legal-type", "REGIONAL_AUTHORITY", "fr") is None  # unknown: the caller shows the code


def test_every_agreement_of_the_rule_data_has_a_label():
    for agreement in load_rule_data().all_agreement_ids():
        assert labels.label("agreement", agreement, "fr", short=True), agreement


def test_every_finding_code_has_a_short_label_in_both_languages():
    data = load_rule_data()
    for code in all_codes():
        label = data.code(code)["label"]
        assert label["fr"] and label["en"] and len(label["fr"]) <= 60, code
    assert data.code("SME-NO-LOTS")["label"]["fr"] == "Marché non alloti"


def test_message_parameters_follow_the_convention():
    params = {"value_eur": Decimal("4588150.50"), "start": date(2025, 6, 30), "types": ["price", "quality"],
              "method": "not-allowed", "reason": "a reason", "reason_fr": "une raison"}
    template = "{value_eur} ≥ EUR {value_eur} ({value_eur} €) le {start} : {types}, {method}, {reason}"
    assert templates.fill(template, params, "fr") == (
        f"4{NNBSP}588{NNBSP}150,50{NBSP}€ ≥ 4{NNBSP}588{NNBSP}150,50{NBSP}€ (4{NNBSP}588{NNBSP}150,50{NBSP}€) "
        "le 30 juin 2025 : prix et qualité, non autorisée, une raison")
    assert templates.fill("{types:award-criterion-type} / {country:country}", {"types": "cost", "country": "DE"},
                          "en") == "cost / Germany"
    assert templates.fill("il manque {missing}", {"missing": ["estimated value (BT-27)"]}, "fr") == (
        "il manque valeur estimée (BT-27)")
    assert templates.fill("{reason}", {"reason": "launched on 2025-05-20"}, "en") == "launched on 20 May 2025"


def test_evidence_reads_as_labelled_lines():
    lines = evidence.evidence_lines({"value_eur": "4588150.50", "as_of": "2025-05-01", "searched": ["x"],
                                     "sme_suitable": None, "estimated_value_eur": "10", "unknown_key": 1}, "fr")
    assert [(line["label"], line["text"]) for line in lines] == [
        ("Valeur estimée", f"4{NNBSP}588{NNBSP}150,50{NBSP}€"), ("Règles en vigueur au", "1er mai 2025"),
        ("Valeur estimée", f"10,00{NBSP}€ (BT-27)")]  # no line for an empty value, a technical or unknown key
    assert evidence.evidence_lines({"sme_suitable": False}, "en")[0]["text"] == "no (BT-726)"


def test_every_evidence_key_the_rules_emit_has_a_label(assessments):
    """A new evidence key must get its label and type in i18n/data/fields.yaml (else it stays in the fold)."""
    keys = {key for a in assessments for f in a["findings"] for key in f["evidence"]}
    keys |= {key for a in assessments for key in a["coverage"]}
    unlabelled = sorted(key for key in keys if evidence.spec(key) is None and key not in ("by_agreement",))
    assert not unlabelled, f"add these keys to i18n/data/fields.yaml evidence: {unlabelled}"


def test_every_rule_wording_the_reports_show_is_translated(assessments):
    """`missing` fields and the phrase-typed evidence (where a value was read…) all have a French wording."""
    untranslated = set()
    for a in assessments:
        for source in [f["evidence"] for f in a["findings"]] + [a["coverage"]]:
            for key, value in source.items():
                spec = evidence.spec(key)
                if spec and spec["type"] in ("phrase", "missing", "field-path") and value not in (None, [], ""):
                    if evidence.render(spec["type"], value, "fr") is None:
                        untranslated.add(json.dumps(value, ensure_ascii=False))
    assert not untranslated, f"add phrases to i18n/data/fields.yaml: {sorted(untranslated)}"


def test_phrases_match_whole_texts_with_typed_codes():
    assert phrases.translate("buyer legal type la (BT-11 / CA_TYPE)", "fr") == (
        "type d'acheteur : autorité locale (BT-11)")
    assert phrases.translate("buyer legal type REGIONAL_AUTHORITY (BT-11 / CA_TYPE)", "fr") == (
        "type d'acheteur indiqué dans l'avis (BT-11)")  # an unknown code never reaches the sentence
    assert phrases.translate("something new", "fr") is None and phrases.translate("something new", "en")


def test_every_legal_reference_is_worded_and_linked():
    for code in all_codes():
        reference = load_rule_data().code(code)["legal_ref"]
        if reference and any(word in reference for word in ("CCP", "Dir.", "Reg.", "C-")):
            parts = reference_parts(reference, "fr")
            assert "".join(p["text"] for p in parts) == worded(reference, "fr")
            assert any(p["url"] for p in parts), code
    kolin = reference_parts("CJEU C-652/22 Kolin; CCP L2153-1 al. 2", "fr")
    assert [p["text"] for p in kolin if p["url"]] == ["C-652/22", "L2153-1"]
    assert kolin[0]["text"].startswith("CJUE") and "curia.europa.eu" in kolin[1]["url"]
    assert "legifrance.gouv.fr" in kolin[3]["url"] and "L2153-1" in kolin[3]["url"]
    directive = reference_parts("Dir. 2014/24 art. 46", "en")[0]
    assert directive["url"] == "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32014L0024"
    regulation = reference_parts("Impl. Reg. (EU) 2025/1197", "fr")[0]
    assert regulation["text"] == "Règl. d'exécution (UE) 2025/1197" and regulation["url"].endswith("32025R1197")
