"""The proposed clauses (issue 12): file-pair cases for each clause in both directions, the covered countries of the
third-country clause against the coverage decision, the strict template data, and what every clause must be.

A case is `tests/clauses/<case>.json` (a notice in the JSON contract shape, invented) with `<case>.expected.json`:
`offered` / `not_offered` (clause ids), `count` (number of clauses), `lots` (lots of a per-lot clause), `confidence`,
`text` / `absent` / `conditions` ({id: {lang: [texts]}} found in, or absent from, the clause), `covered_equals_coverage`
(the countries the clause names per agreement are exactly those of `coverage.by_agreement`), `today`, `note`.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from reciprocity import assess
from reciprocity.clauses import clauses_for
from reciprocity.clauses.templates import load_templates
from reciprocity.errors import RuleDataError
from reciprocity.i18n import labels
from reciprocity.parsers.contract import notice_from_dict
from reciprocity.rules.data import DATA_DIR, load_rule_data
from reciprocity.rules.partners import partner_coverage

CASES = Path(__file__).parent / "clauses"
KNOWN_KEYS = {
    "note",
    "offered",
    "not_offered",
    "count",
    "lots",
    "confidence",
    "text",
    "absent",
    "conditions",
    "covered_equals_coverage",
    "today",
}
TO_COMPLETE = {"fr": "[à compléter : ", "en": "[to complete: "}


def _cases() -> list:
    return [pytest.param(p, id=p.stem) for p in sorted(CASES.glob("*.json")) if not p.name.endswith(".expected.json")]


def _clauses(notice: dict, today: date | None = None) -> tuple[dict, dict]:
    assessment = assess(notice_from_dict(notice), today=today).to_dict()
    return assessment, clauses_for(assessment)


def plain(text: str) -> str:
    """Babel's narrow and non-breaking spaces ("612 400,00 €") as plain spaces, to compare with expected texts."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def assert_well_formed(clause: dict) -> None:
    """No placeholder left unfilled but the buyer's "[à compléter : …]"; unconfirmed means something to confirm."""
    for lang in ("fr", "en"):
        for text in (clause["title"][lang], clause["text"][lang], clause["conditions"][lang]):
            assert "{" not in text and "}" not in text, (clause["id"], text)
            for start in (m.start() for m in re.finditer(r"\[", text)):
                assert text.startswith(TO_COMPLETE[lang], start), (clause["id"], text[start : start + 40])
    assert (clause["confidence"] == "unconfirmed") == bool(clause["to_confirm"]), clause["id"]
    for item in clause["to_confirm"]:
        assert item["en"].strip() and item["fr"].strip() and item["source"].strip(), item


def _codes(shown: str) -> set[str]:
    """ "A, B (à vérifier) et C" -> their ISO codes (French names of the partner countries)."""
    names = {labels.country(code, "fr"): code for code in load_rule_data().raw["countries"]["partners"]}
    return {names[part.replace(" (à vérifier)", "")] for part in re.split(r", | et (?=[^,]*$)", shown)}


def listed_by_agreement(text: str) -> dict[str, set[str]]:
    """The countries each agreement line of the French third-country clause names ("– Accord … : A, B et C")."""
    listed = {}
    for line in text.splitlines():
        if line.startswith("– "):
            title, _, shown = line[2:].rpartition(" : ")
            listed[title.replace(" (à vérifier)", "")] = _codes(shown)
    return listed


def assert_covered_equals_coverage(clause: dict, coverage: dict) -> None:
    """The clause names, per agreement, exactly the partners `coverage.by_agreement` says it covers: one decision."""
    expected = {
        entry["title"]["fr"]: set(entry["partners"])
        for entry in coverage["by_agreement"]
        if entry["covers"] and entry["partners"]
    }
    listed = listed_by_agreement(clause["text"]["fr"])
    assert listed == expected
    assert set().union(*listed.values()) == set(coverage["covered_countries"])


def test_case_ids_are_unique_and_every_case_has_its_expectation():
    for case in _cases():
        assert case.values[0].with_name(case.values[0].stem + ".expected.json").exists(), case.id


@pytest.mark.parametrize("path", _cases())
def test_case(path: Path):
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    assert set(expected) <= KNOWN_KEYS, f"unknown keys {set(expected) - KNOWN_KEYS}"
    today = date.fromisoformat(expected["today"]) if "today" in expected else None
    assessment, offered = _clauses(json.loads(path.read_text(encoding="utf-8")), today)
    by_id: dict[str, list[dict]] = {}
    for clause in offered["clauses"]:
        assert_well_formed(clause)
        by_id.setdefault(clause["id"], []).append(clause)
    for clause_id in expected.get("offered", []):
        assert clause_id in by_id, f"{clause_id} not offered: {sorted(by_id)}"
    for clause_id in expected.get("not_offered", []):
        assert clause_id not in by_id, f"{clause_id} offered: {by_id[clause_id][0]['text']['en'][:300]}"
    if "count" in expected:
        assert len(offered["clauses"]) == expected["count"], sorted(by_id)
    for clause_id, lots in expected.get("lots", {}).items():
        assert [c["lot"] for c in by_id[clause_id]] == lots
    for clause_id, confidence in expected.get("confidence", {}).items():
        assert {c["confidence"] for c in by_id[clause_id]} == {confidence}
    for key, field in (("text", "text"), ("conditions", "conditions")):
        for clause_id, per_lang in expected.get(key, {}).items():
            for lang, texts in per_lang.items():
                shown = plain(" ".join(c[field][lang] for c in by_id[clause_id]))
                assert [t for t in texts if t not in shown] == [], shown
    for clause_id, per_lang in expected.get("absent", {}).items():
        for lang, texts in per_lang.items():
            shown = plain(" ".join(c["text"][lang] for c in by_id[clause_id]))
            assert [t for t in texts if t in shown] == [], shown
    if expected.get("covered_equals_coverage"):
        for clause in by_id.get("third-country", []):
            assert_covered_equals_coverage(clause, assessment["coverage"])
        for clause in by_id.get("utilities-origin", []):  # "… ni ceux des pays suivants : A, B et C."
            shown = re.search(r"des pays suivants : (.*)\.", clause["text"]["fr"]).group(1)
            assert _codes(shown) == set(assessment["coverage"]["covered_countries"])


# -- the covered countries of clause 1: the coverage decision, per buyer category and launch date ------------------
BUYERS = {
    "central": {"name": "Ministère des Armées", "country": "FR", "legal_type": "cga", "identifiers": []},
    "sub-central": {"name": "Département du Val", "country": "FR", "legal_type": "la", "identifiers": []},
    "utilities": {
        "name": "Régie des eaux du Val",
        "country": "FR",
        "legal_type": "pub-undert-la",
        "activity": "water",
        "identifiers": [],
    },
}


def _notice(category: str, dispatch: str, amount: str = "2000000") -> dict:
    """A silent call for competition for supplies (no third-country clause), by a buyer of `category`."""
    value = {"amount": amount, "currency": "EUR"}
    return {
        "id": f"clause-{category}-{dispatch}",
        "source_format": "eforms",
        "kind": "competition",
        "dispatch_date": dispatch,
        "buyer": BUYERS[category],
        "procedure": {
            "type": "open",
            "contract_nature": "supplies",
            "cpv_main": "34144900",
            "title": "Véhicules électriques",
            "estimated_value": value,
            "legal_basis": "32014L0025" if category == "utilities" else "32014L0024",
        },
        "lots": [{"id": "LOT-0001", "title": "Véhicules électriques", "estimated_value": value}],
        "results": [],
    }


@pytest.mark.parametrize("category", sorted(BUYERS))
@pytest.mark.parametrize("dispatch", ["2026-04-30", "2026-05-04"])
def test_covered_countries_are_the_coverage_decision(category: str, dispatch: str):
    assessment, offered = _clauses(_notice(category, dispatch))
    clause = next(c for c in offered["clauses"] if c["id"] == "third-country")
    assert_covered_equals_coverage(clause, assessment["coverage"])
    assert assessment["coverage"]["buyer_category"] == category


@pytest.mark.parametrize("category", ["central", "sub-central"])
def test_mercosur_partners_are_listed_only_from_its_start(category: str):
    """EU-Mercosur interim agreement applied from 2026-05-01 (rules-2026.md §2): Brazil before, never; after, with
    the agreement behind it (and "à vérifier" where its coverage of sub-central buyers is unconfirmed)."""
    before = next(c for c in _clauses(_notice(category, "2026-04-30"))[1]["clauses"] if c["id"] == "third-country")
    after = next(c for c in _clauses(_notice(category, "2026-05-04"))[1]["clauses"] if c["id"] == "third-country")
    assert "Brésil" not in before["text"]["fr"] and "Brazil" not in before["text"]["en"]
    mercosur = next(line for line in after["text"]["fr"].splitlines() if "Mercosur" in line)
    assert {"AR", "BR", "UY"} <= listed_by_agreement(mercosur)[
        mercosur[2:].rpartition(" : ")[0].replace(" (à vérifier)", "")
    ]
    title = mercosur.rpartition(" : ")[0]
    assert title.endswith("(à vérifier)") == (category == "sub-central"), title
    assert "Paraguay (à vérifier)" in mercosur  # its notification is unconfirmed (rules-2026.md §2)


def test_below_every_threshold_no_country_is_listed():
    """A sub-central buyer's 100 000 EUR supplies: no agreement covers it, so the clause names no third country
    and says so; the options then concern every operator outside the EU and the EEA."""
    assessment, offered = _clauses(_notice("sub-central", "2026-05-04", "100000"))
    clause = next(c for c in offered["clauses"] if c["id"] == "third-country")
    assert assessment["coverage"]["covered_countries"] == []
    assert "n'est couvert par aucun accord international" in clause["text"]["fr"]
    assert "nommés ci-dessus participent" not in clause["text"]["fr"]
    assert listed_by_agreement(clause["text"]["fr"]) == {}


def test_undetermined_coverage_is_for_the_buyer_to_complete():
    """No estimated value: whether the agreements cover the contract is undecided, so the clause lists them in a
    "[à compléter : …]" part, and never as "not covered"."""
    notice = _notice("sub-central", "2026-05-04")
    notice["procedure"]["estimated_value"] = None
    notice["lots"][0]["estimated_value"] = None
    _, offered = _clauses(notice)
    clause = next(c for c in offered["clauses"] if c["id"] == "third-country")
    assert "[à compléter : la couverture du marché par les accords suivants n'a pu être établie" in clause["text"]["fr"]
    assert "n'est couvert par aucun" not in clause["text"]["fr"]
    assert_well_formed(clause)


def to_check(text: str) -> set[str]:
    """The countries the French clause names for the buyer to check ("… comme ceux des pays couverts : Accord (A et
    B) ; Autre (C)]"): those no agreement covers only on unconfirmed grounds."""
    found = re.search(r"traiter les opérateurs de ces pays comme ceux des pays couverts : (.*)\]", text)
    if not found:
        return set()
    return set().union(*(_codes(re.search(r"\(([^()]*)\)$", part).group(1)) for part in found.group(1).split(" ; ")))


@pytest.mark.parametrize(
    "category, sector",
    [
        ("central", None),
        ("sub-central", None),
        ("utilities", "water"),
        ("utilities", "gas-heat"),
        ("utilities", "urttb"),
        ("utilities", "airport"),
    ],
)
def test_no_partner_is_left_to_exclude_on_unconfirmed_grounds(category: str, sector: str | None):
    """A partner that may have treaty access for this procurement (covered, undecided, or excluded only on
    unconfirmed data, e.g. the EU's GPA notes denying a utilities sector to some parties, rules-2026.md §2) is
    named by the clause, as covered or as to be checked: never left among "the others" option 2 excludes. A
    partner whose exclusion is established is named nowhere."""
    notice = _notice(category, "2026-05-04")
    if sector:
        notice["buyer"]["activity"] = sector
    assessment, offered = _clauses(notice)
    clause = next(c for c in offered["clauses"] if c["id"] == "third-country")
    coverage, data, as_of = assessment["coverage"], load_rule_data(), date(2026, 5, 4)
    listed = set().union(set(), *listed_by_agreement(clause["text"]["fr"]).values())
    checked = to_check(clause["text"]["fr"])
    assert not listed & checked
    partners = {c for e in coverage["by_agreement"] for c in data.partners_in_force(e["agreement"], as_of)}
    for country in sorted(partners):
        if data.is_eu_eea(country, as_of):
            continue
        decision = partner_coverage(country, coverage, data, as_of)
        established_out = decision["covers"] is False and not decision["to_confirm"]
        assert (country in listed | checked) != established_out, (country, decision)
    if checked:
        assert clause["confidence"] == "unconfirmed"
        assert "comme ceux des pays couverts" not in clause["text"]["en"]
        assert "as operators of covered countries" in clause["text"]["en"]


def test_a_sector_the_gpa_may_leave_out_names_its_parties_to_check():
    """Gas and heat: outside the EU's GPA utilities offer on unconfirmed data; the GPA-only parties (the United
    States, Israel…) are named to check, with what to check, and the EEA States never (they take part anyway)."""
    notice = _notice("utilities", "2026-05-04")
    notice["buyer"]["activity"] = "gas-heat"
    _, offered = _clauses(notice)
    clause = next(c for c in offered["clauses"] if c["id"] == "third-country")
    assert {"US", "IL", "AU"} <= to_check(clause["text"]["fr"])
    assert not {"NO", "IS", "LI"} & to_check(clause["text"]["fr"])
    assert any("gaz et chaleur est hors de cet accord" in item["fr"] for item in clause["to_confirm"])


def test_the_notice_s_own_words_are_shown_as_written():
    """A reference, title or buyer is the notice's text: a date inside a reference is not reworded as a date."""
    _, offered = _clauses(_notice("sub-central", "2026-05-04"))
    clause = next(c for c in offered["clauses"] if c["id"] == "third-country")
    assert "(Véhicules électriques, référence clause-sub-central-2026-05-04)" in clause["text"]["fr"]
    assert "(Véhicules électriques, reference clause-sub-central-2026-05-04)" in clause["text"]["en"]


# -- the templates: strict data, lawful wording ---------------------------------------------------------------------
def test_every_template_is_offered_by_a_case():
    offered = set()
    for case in _cases():
        expected = json.loads(case.values[0].with_name(case.id + ".expected.json").read_text(encoding="utf-8"))
        offered |= set(expected.get("offered", []))
    assert offered == set(load_templates()["clauses"])


def test_no_template_suggests_proximity_or_local_origin():
    """Proximity or local origin as a criterion is unlawful discrimination (rules-2026.md §7)."""
    forbidden = re.compile(
        r"proximit|origine locale|local origin|circuits? courts?|locally|entreprises? locales?|"
        r"produits? locaux|local (?:firm|supplier|product|business)|made in france|"
        r"fabriqu\w* en france|implantée?s? (?:en france|localement)",
        re.IGNORECASE,
    )
    for clause_id, template in load_templates()["clauses"].items():
        for part in [template["title"], template["conditions"], *template["paragraphs"]]:
            for lang in ("en", "fr"):
                assert not forbidden.search(part[lang]), (clause_id, part[lang])


def test_every_legal_basis_links_to_its_text():
    from reciprocity.rules.legal_links import reference_parts

    for clause_id, template in load_templates()["clauses"].items():
        assert any(part["url"] for part in reference_parts(template["legal_basis"], "fr")), clause_id


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    path = folder / "clause_templates.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("{reference})", "{reference_number})", r"'reference_number' is not a fact"),
        ("référence {reference})", "référence {reference} {buyer})", r"different placeholders \(\['buyer'\]\)"),
        ("{code: RECIP-KOLIN-OPTION,", "{code: RECIP-KOLIN-OPTIONS,", r"unknown finding code 'RECIP-KOLIN-OPTIONS'"),
        ("statuses: [flagged]}", "statuses: [fired]}", r"'fired' is not one of"),
        ("when: [advance_rate_sme]", "when: [advance_rate_pme]", r"'advance_rate_pme' is not a fact"),
        ("offered_when: advance_due", "offered_when: advance_owed", r"'advance_owed' is not a fact"),
        (
            "    confidence: unconfirmed\n    to_confirm:",
            "    confidence: unconfirmed\n    note_to_confirm:",
            r"unknown key",
        ),
        ("{launch_date}), this contract", "{launch_date:%d}), this contract", r"must be a plain fact name"),
    ],
)
def test_a_bad_template_is_refused_at_load_time(tmp_path: Path, old: str, new: str, message: str):
    folder = _broken(tmp_path, old, new)
    with pytest.raises(RuleDataError, match=r"clause_templates\.yaml: .*" + message):
        load_templates(folder)


def test_an_unconfirmed_template_must_say_what_to_confirm(tmp_path: Path):
    folder = _broken(tmp_path, "confidence: unconfirmed\n", "confidence: unconfirmed\n")
    path = folder / "clause_templates.yaml"
    text = re.sub(
        r"(confidence: unconfirmed\n)    to_confirm:\n      en: .*\n      fr: .*\n",
        r"\1",
        path.read_text(encoding="utf-8"),
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"net-zero-requirements\.to_confirm: an unconfirmed clause must say"):
        load_templates(folder)
