"""What the legal engine leaves to confirm and its coverage per agreement, as a reader sees them (issues 9 and 11):
"À vérifier : … (source : …)" with a source a buyer can use, each agreement's decision and reasons in words, in the
web report, the PDF's HTML and the terminal; the raw items stay in the JSON."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from reciprocity import assess, parse
from reciprocity.cli import main
from reciprocity.i18n import evidence
from reciprocity.report_view import coverage_view, finding_view, source_text
from webapp import create_app

CASES = Path(__file__).parent / "cases" / "reciprocity"
WATER = CASES / "water-utility-us-and-ca-winners.xml"  # US winner: the EU's GPA offer may deny it the water sector
CONFLICT = CASES / "gpa-declared-below-threshold-us-winner.xml"  # BT-115 says GPA, the value says below threshold


def _assessment(path: Path) -> dict:
    (notice,) = parse(path)
    return assess(notice).to_dict()


@pytest.mark.parametrize(
    ("source", "fr", "en"),
    [
        ("the notice (BT-115)", "l'avis (BT-115)", "the notice (BT-115)"),
        ("TFEU art. 355(2) and Annex II; decp.md (TAHITI identifier)", "TFUE art. 355(2)", "TFEU art. 355(2)"),
        (
            "CCP R2142-7 sits in the marchés publics part; Dir. 2009/81 art. 41 sets no multiple",
            "CCP R2142-7 et Dir. 2009/81",
            "CCP R2142-7 and Dir. 2009/81",
        ),
        (
            "reciprocity-rules.md §2 (2nd / TODO: exact date)",
            "nos données de règles, détaillées dans le JSON",
            "our rule data, detailed in the JSON",
        ),
    ],
)
def test_a_source_is_shown_as_the_law_it_cites_never_our_notes(source, fr, en):
    assert source_text(source, "fr") == fr and source_text(source, "en") == en


def test_to_confirm_reads_as_a_sentence_with_its_source():
    finding = next(f for f in _assessment(WATER)["findings"] if f["code"] == "RECIP-UNCOVERED-WINNER")
    assert finding["to_confirm"] and finding["to_confirm"][0]["source"].startswith("rules-2026.md")  # raw in JSON
    (line,) = finding_view(finding, "fr")["to_confirm"]
    assert line.startswith("À vérifier : que l'offre de l'UE exclut le secteur eau pour ce partenaire, les États-Unis")
    assert line.endswith("(source : nos données de règles, détaillées dans le JSON)") and ".md" not in line
    assert finding_view(finding, "en")["to_confirm"][0].startswith("To be confirmed: that the EU's notes deny")
    assert finding_view(finding, "fr")["technical"]["to_confirm"] == finding["to_confirm"]


def test_each_agreement_says_whether_and_why_it_covers():
    view = {a["code"]: a for a in coverage_view(_assessment(WATER)["coverage"], "fr")["by_agreement"]}
    gpa = view["GPA"]
    assert gpa["covers"] == "couvert" and not gpa["unconfirmed"]
    assert "1 200 000,00 € au moins égal au seuil de 432 000,00 €" in gpa["reasons"][0].replace("\u202f", " ").replace(
        "\xa0", " "
    )
    assert "États-Unis" not in gpa["partners"] and "Japon" in gpa["partners"]  # the water sector is denied to the US
    assert view["EU-GE-DCFTA"]["covers"] == "non couvert" and view["EU-GE-DCFTA"]["to_confirm"]
    undetermined = coverage_view(_assessment(CONFLICT)["coverage"], "en")["by_agreement"][0]
    assert undetermined["covers"] == "undetermined"
    assert undetermined["reasons"][0] == "undetermined: the notice's data contradict each other"


def test_terminal_report_lists_the_agreements_and_what_to_confirm():
    output = CliRunner().invoke(main, ["check", "--lang", "fr", str(WATER)]).output
    assert (
        "     AMP, Suisse, Canada, Japon, Corée, Nouvelle-Zélande, Royaume-Uni et Chili (accord intérimaire) : couvert"
        " — 1\u202f200\u202f000,00\xa0€ au moins égal au seuil de 432\u202f000,00\xa0€"
        " (entités adjudicatrices, fournitures)\n" in output
    )
    assert (
        "       partenaires couverts : Arménie, Aruba, Canada, Suisse" in output
    )  # agreements deciding alike: one line
    assert "     Géorgie : non couvert (à vérifier) — " in output
    assert "       À vérifier : les phases ouvertes de l'accès de la Géorgie" in output
    assert "À vérifier : que l'offre de l'UE exclut le secteur eau" in output
    english = CliRunner().invoke(main, ["check", "--lang", "en", str(CONFLICT)]).output
    assert "     GPA, Switzerland, Canada" in english  # every agreement undetermined for the same reason: one line
    assert ": undetermined — undetermined: the notice's data contradict each other; " in english


def test_web_report_shows_the_table_per_agreement_and_what_to_confirm(tmp_path):
    app = create_app(
        {"TESTING": True, "DATABASE": str(tmp_path / "t.db"), "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False}
    )
    page = (
        app.test_client()
        .post(
            "/check?lang=fr",
            data={"up-file": (io.BytesIO(WATER.read_bytes()), WATER.name)},
            content_type="multipart/form-data",
        )
        .get_data(as_text=True)
    )
    assert '<table class="agreements">' in page and "<td>couvert</td>" in page and "<td>non couvert " in page
    assert "À vérifier : les phases ouvertes de l&#39;accès de la Géorgie" in page
    assert "À vérifier : que l&#39;offre de l&#39;UE exclut le secteur eau" in page


def test_the_evidence_of_a_contradiction_reads_as_lines():
    conflict = next(f for f in _assessment(CONFLICT)["findings"] if f["code"] == "DATA-CONFLICT")
    lines = {line["label"]: line["text"] for line in evidence.evidence_lines(conflict["evidence"], "fr")}
    assert lines["Couverture AMP déclarée par l'avis"] == "oui (BT-115)"
    assert lines["Couverture AMP selon le calcul"] == "non"
    assert lines["Contradiction"] == "couverture AMP déclarée par l'avis (BT-115) contraire au calcul"
    assert "sous le seuil de 216" in lines["Motifs de la couverture calculée"]
    ipi = {
        "conflicts": [{"kind": "ipi-declaration", "lot": "LOT-0001", "declared": True, "computed": False}],
        "declared_applicable": {"LOT-0001": True, "LOT-0002": None},
        "lot_values_eur": {"LOT-0001": "180000000.00", "LOT-0002": None},
    }
    shown = {line["key"]: line["text"] for line in evidence.evidence_lines(ipi, "fr")}
    assert shown["conflicts"] == (
        "application IPI indiquée par l'avis (BT-684) contraire au champ calculé "
        "(lot LOT-0001, avis : oui ; calcul : non)"
    )
    assert shown["declared_applicable"] == "lot LOT-0001 : oui (BT-684)"  # a lot saying nothing is left out
    assert shown["lot_values_eur"] == "lot LOT-0001 : 180\u202f000\u202f000,00\xa0€ et lot LOT-0002 : —"
    assert not evidence.evidence_lines({"declared_applicable": {"LOT-0001": None}}, "fr")  # nothing stated


def test_an_implausible_estimate_is_said_with_its_amount_and_why():
    (notice,) = parse(CASES / "one-euro-declares-gpa.xml")
    conflict = next(f for f in assess(notice).to_dict()["findings"] if f["code"] == "DATA-CONFLICT")
    (line,) = [x for x in evidence.evidence_lines(conflict["evidence"], "fr") if x["key"] == "implausible_values"]
    assert (
        "valeur estimée de la procédure (BT-27) : 1,00\xa0€ (inférieure à 1\u202f000,00\xa0€ : une valeur fictive)"
        in line["text"]
    )
    assert "EUR" not in conflict["message_fr"] and "placeholder" in conflict["message"]
