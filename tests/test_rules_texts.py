"""What the rule texts may say: no advice inviting unlawful discrimination, no proposal presented as a duty, and the
"to be confirmed" machinery (rules-2026.md §7, §10, and the brief's `to_confirm` interface)."""

from __future__ import annotations

import html
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from reciprocity.errors import RuleDataError
from reciprocity.rules import all_codes
from reciprocity.rules.catalogue import instruments_listing
from reciprocity.rules.data import DATA_DIR, RuleData, load_rule_data
from reciprocity.rules.text import find_clause, find_near

pytest_plugins = ["web_fixtures"]  # client, for the rules page

# Proximity, local or national origin as an award criterion is unlawful discrimination (rules-2026.md §7):
# no recommendation or message may suggest it, in English or French.
FORBIDDEN = [
    r"proximit", r"\blocal (?:origin|supplier|firm|business|compan|product|preference|content)",
    r"\bnational (?:origin|preference|supplier|firm|product)", r"\bmade in (?:france|europe)\b",
    r"\bshort supply chain", r"\bbuy (?:french|local)\b", r"\borigine (?:locale|nationale|française|francaise)",
    r"\b(?:fournisseurs?|entreprises?|produits?|opérateurs?) (?:locaux|locales?|nationa(?:l|ux|les?))\b",
    r"\bpréférence (?:locale|nationale)", r"\bcircuits? courts?", r"\bfabriqué en france",
    r"\bancrage (?:local|territorial)",
    r"\bentreprises? (?:du territoire|implantées? localement)",
]


def _texts(data: RuleData) -> list[tuple[str, str]]:
    found = []
    for code in all_codes():
        entry = data.code(code)
        for status, message in entry["messages"].items():
            found += [(f"{code}.messages.{status}.{lang}", text) for lang, text in message.items()]
        if entry["recommendation"]:
            found += [(f"{code}.recommendation.{lang}", text) for lang, text in entry["recommendation"].items()]
    return found


def test_no_recommendation_or_message_suggests_proximity_or_local_or_national_origin():
    data = load_rule_data()
    texts = _texts(data)
    assert len(texts) > 150  # every code, both languages
    for where, text in texts:
        for pattern in FORBIDDEN:
            assert not re.search(pattern, text, re.IGNORECASE), f"{where}: {text!r} matches {pattern!r}"


@pytest.mark.parametrize("text", [
    "Ajouter des critères de proximité géographique du fournisseur.",
    "Favour local suppliers to keep the money in the region.",
    "Privilégier les entreprises locales et les circuits courts.",
    "Give points for national origin of the products.",
])
def test_the_check_catches_such_advice(text):
    assert any(re.search(pattern, text, re.IGNORECASE) for pattern in FORBIDDEN)


def test_no_finding_presents_a_proposal_as_a_duty():
    """Instruments that are not in force (rules-2026.md §10) are never named by a finding's text."""
    data = load_rule_data()
    not_law = [i for i in data.instruments if i["status"] != "in-force"]
    assert {i["id"] for i in not_law} >= {"IAA", "PROCUREMENT-ACT", "CRITICAL-MEDICINES-ACT"}
    for where, text in _texts(data):
        for instrument in not_law:
            for name in instrument["names"]:
                assert name.lower() not in text.lower(), f"{where} names {instrument['id']}, which is not law"


def test_instruments_are_listed_with_status_and_date():
    english = {i["id"]: i for i in instruments_listing(load_rule_data(), "en")}
    french = {i["id"]: i for i in instruments_listing(load_rule_data(), "fr")}
    assert english["IAA"]["status"] == "proposal" and english["IAA"]["date"] == "2026-03-04"
    assert french["IAA"]["status_text"] == "proposition"
    assert english["CRITICAL-MEDICINES-ACT"]["status_text"] == "provisional agreement"
    assert french["NZIA-ART25"]["status_text"] == "en vigueur" and french["NZIA-ART25"]["date"] == "2025-12-30"


def test_cli_rules_lists_the_instruments():
    from click.testing import CliRunner

    from reciprocity.cli import main

    text = CliRunner().invoke(main, ["rules", "--lang", "fr"]).output
    assert "(proposition)  [proposition, 4 mars 2026]" in text and "DATA-CONFLICT" in text and "NZIA-RESILIENCE" in text
    listed = CliRunner().invoke(main, ["rules", "--instruments", "--json"]).output
    assert '"status": "provisional-agreement"' in listed


@pytest.mark.parametrize(("text", "found"), [
    ("Fourniture de récipients stériles", False),  # "ipi" inside a word is no mention of the IPI
    ("Recipients of the notice", False),
    ("Mississippi Medical Inc.", False),
    ("La mesure IPI s'applique.", True),
    ("Règlement (UE) 2025/1197", True),
])
def test_ipi_mentions_are_whole_words(text, found):
    patterns = load_rule_data().ipi_measures[0]["mention_patterns"]
    assert (find_clause({"t": text}, patterns) is not None) is found


def test_origin_rule_announcement_needs_an_origin_word_near_the_share():
    data = load_rule_data()
    share, words = data.clause("utilities_origin_share"), data.patterns("origin_words")
    near = "Les offres dont plus de 50 % des produits sont originaires de pays tiers pourront être rejetées."
    originales = "Pièces originales exigées. Une avance de 50 % est prévue."
    far = "Avance de 50 %. " + "x " * 200 + "Le pays d'origine des produits est demandé."
    assert find_near({"t": near}, share["patterns"], words, share["window"]) is not None
    assert find_near({"t": originales}, share["patterns"], words, share["window"]) is None
    assert find_near({"t": far}, share["patterns"], words, share["window"]) is None


def test_an_unconfirmed_code_must_say_what_to_confirm(tmp_path: Path):
    for path in DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    codes = tmp_path / "codes.yaml"
    text = codes.read_text(encoding="utf-8")
    codes.write_text(text.replace("  confidence: established\n  source: \"rules-2026.md §9", "  confidence: "
                                  "unconfirmed\n  source: \"rules-2026.md §9", 1), encoding="utf-8")
    with pytest.raises(RuleDataError, match="NZIA-RESILIENCE.to_confirm"):
        RuleData(tmp_path)


def test_plausible_estimates():
    from decimal import Decimal

    from reciprocity.model import Money
    from reciprocity.rules.values import implausibility

    data = load_rule_data()

    def why(amount: str, awarded: str | None = None):
        money = Money(Decimal(amount), "EUR")
        return implausibility(data, money, data.to_eur(money, date(2026, 1, 5)),
                              Decimal(awarded) if awarded else None)

    assert why("1")["en"].endswith("a placeholder") and why("0")["en"] == "zero or negative"
    assert why("999.99") and not why("1000")
    assert why("5000", awarded="600000") and not why("6000", awarded="600000")  # below 1 % of the awarded total
    assert why("1e12") and not why("5e9")


def test_rules_page_shows_the_instruments_with_their_status(client):
    french = html.unescape(client.get("/rules").get_data(as_text=True))
    assert "Règlement sur l'accélérateur industriel (proposition)" in french and "proposition" in french
    assert "n'est pas une obligation" in french and "NZIA-RESILIENCE" in french
    english = html.unescape(client.get("/rules?lang=en").get_data(as_text=True))
    assert "Industrial Accelerator Act (proposal)" in english and "provisional agreement" in english
