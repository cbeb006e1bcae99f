"""The rule data: every legal fact has a source, validation is strict and names file and key, lookups by date."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from reciprocity.errors import RuleDataError
from reciprocity.model import Money
from reciprocity.rules import all_codes
from reciprocity.rules.data import DATA_DIR, RuleData, load_rule_data, load_yaml


@pytest.fixture(scope="module")
def data() -> RuleData:
    return load_rule_data()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the data folder, to break one file at a time."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_every_entry_has_a_source(data):
    entries = list(data.iter_entries())
    assert len(entries) > 150
    for file, key, entry in entries:
        assert entry["source"].strip(), f"{file}: {key}: empty source"


def test_top_level_collections_are_entries_with_sources(data):
    """Every partner agreement, EU period, rate, IPI measure and code carries `source` (none slipped through)."""
    countries = data.raw["countries"]
    items = [a for p in countries["partners"].values() for a in p["agreements"]]
    items += list(countries["agreements"].values()) + list(countries["eu_members"].values())
    items += data.raw["thresholds"]["eu_periods"] + data.raw["thresholds"]["french"] + data.ipi_measures
    items += [r for rates in data.raw["exchange_rates"]["rates"].values() for r in rates]
    items += list(data.codes.values()) + list(data.benefit_reasons.values())
    assert all(item.get("source") for item in items)


def test_weak_sources_are_marked_unconfirmed(data):
    """Weak or TODO facts say so (EEA dates, Paraguay's Mercosur notification, the SAA dates other than Serbia's,
    the GPA sector notes); rules-2026.md §2-3 confirmed the CH bilateral, the KR FTA and every threshold period."""
    countries = data.raw["countries"]
    assert countries["eea_members"]["NO"]["confidence"] == "unconfirmed"

    def partner(country: str, agreement: str) -> dict:
        return next(a for a in countries["partners"][country]["agreements"] if a["id"] == agreement)

    assert partner("PY", "EU-MERCOSUR-ITA")["confidence"] == "unconfirmed"
    assert partner("ME", "EU-WB-SAA")["confidence"] == "unconfirmed"
    assert countries["agreements"]["GPA"]["excluded_sectors_by_party"]["water"]["confidence"] == "unconfirmed"
    for established in (partner("KR", "EU-KR-FTA"), partner("CH", "EU-CH"), partner("RS", "EU-WB-SAA"),
                        partner("BR", "EU-MERCOSUR-ITA"), countries["agreements"]["EU-CH"],
                        *data.raw["thresholds"]["eu_periods"]):
        assert established.get("confidence", "established") == "established"


def test_every_registered_code_has_texts(data):
    for code in all_codes():
        entry = data.code(code)
        assert {"flagged", "passed", "not-applicable", "insufficient-data"} <= set(entry["messages"]), code


@pytest.mark.parametrize(("day", "category", "nature", "expected"), [
    (date(2025, 12, 31), "sub-central", "supplies", "221000"),
    (date(2026, 1, 1), "sub-central", "supplies", "216000"),
    (date(2026, 1, 1), "central", "services", "140000"),
    (date(2025, 6, 1), "central", "services", "143000"),
    (date(2026, 1, 1), "utilities", "supplies", "432000"),
    (date(2024, 1, 1), "sub-central", "works", "5538000"),
    (date(2026, 1, 1), "defence", "works", "5404000"),
    (date(2026, 3, 1), "sub-central", "social-services", "750000"),
    (date(2026, 3, 1), "utilities", "social-services", "1000000"),
    (date(2021, 7, 1), "sub-central", "services", "214000"),
    (date(2023, 7, 1), "utilities", "services", "431000"),
])
def test_eu_threshold_by_date(data, day, category, nature, expected):
    assert data.eu_threshold(category, nature, day) == Decimal(expected)


def test_no_threshold_before_the_first_period_or_without_category(data):
    assert data.eu_threshold("central", "works", date(2005, 1, 1)) is None
    assert data.eu_threshold(None, "works", date(2025, 1, 1)) is None
    assert data.eu_threshold("defence", "social-services", date(2025, 1, 1)) is None


def test_conversion_uses_the_dated_rate_and_never_guesses(data):
    assert data.to_eur(Money(Decimal("4637100"), "PLN"), date(2024, 5, 1)) == Decimal("1000000.00")
    assert data.to_eur(Money(Decimal("1000"), "EUR"), date(2024, 5, 1)) == Decimal("1000.00")
    assert data.to_eur(Money(Decimal("1000"), "CHF"), date(2024, 5, 1)) is None
    assert data.to_eur(Money(Decimal("1000"), "PLN"), date(2026, 5, 1)) is None  # no 2026-2027 PLN rate held


def test_countries_by_date(data):
    assert data.is_eu_eea("GB", date(2020, 12, 31))
    assert not data.is_eu_eea("GB", date(2021, 1, 1))
    assert [a["id"] for a in data.agreements_in_force("GB", date(2021, 1, 1))] == ["GPA", "EU-UK-TCA"]
    assert not data.is_eu_eea("HR", date(2013, 6, 30)) and data.is_eu_eea("HR", date(2013, 7, 1))
    assert data.agreements_in_force("CN", date(2025, 1, 1)) == []
    # Mercosur applies provisionally from 2026-05-01 (rules-2026.md §2); before that Brazil has no agreement
    assert data.agreements_in_force("BR", date(2026, 4, 30)) == []
    assert [a["id"] for a in data.agreements_in_force("BR", date(2026, 5, 1))] == ["EU-MERCOSUR-ITA"]
    # North Macedonia: its SAA (from 2004-04-01) before the GPA (from 2023-10-30)
    assert data.agreements_in_force("MK", date(2004, 3, 31)) == []
    assert [a["id"] for a in data.agreements_in_force("MK", date(2023, 10, 29))] == ["EU-WB-SAA"]
    assert [a["id"] for a in data.agreements_in_force("MK", date(2023, 10, 30))] == ["EU-WB-SAA", "GPA"]
    assert [a["id"] for a in data.agreements_in_force("RS", date(2013, 9, 1))] == ["EU-WB-SAA"]


def _rewrite(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("file", "old", "new", "where"), [
    ("thresholds", "    to: 2025-12-31\n", "    to: 2025-13-31\n", "thresholds.yaml: eu_periods[7].to"),
    ("thresholds", "      central: {works: 5404000,", "      centrale: {works: 5404000,",
     "thresholds.yaml: eu_periods[8].values.centrale"),
    ("ipi", "    country: CN\n", "    country: CN\n    countri: CN\n", "ipi.yaml: measures[0].countri"),
    ("fsr", "  source: \"Reg. (EU) 2022/2560", "  sources: \"Reg. (EU) 2022/2560", "fsr.yaml: notification.source"),
    ("countries", "{id: GPA, from: 2011-09-15,", "{id: GPA, from: 15/09/2011,",
     "countries.yaml: partners.AM.agreements[0].from"),
    ("countries", "{id: GPA, from: 2011-09-15,", "{id: GPX, from: 2011-09-15,",
     "countries.yaml: partners.AM.agreements[0].id"),
    ("codes", "  severity: warning\n", "  severity: severe\n", "codes.yaml: RECIP-UNCOVERED-WINNER.severity"),
    ("exchange_rates", "    - per_eur: 4.6371\n", "    - per_eur: four\n", "exchange_rates.yaml: rates.PLN[2].per_eur"),
])
def test_invalid_data_names_file_and_key(data_copy, file, old, new, where):
    _rewrite(data_copy, file, old, new)
    with pytest.raises(RuleDataError) as error:
        RuleData(data_copy)
    assert where in str(error.value)


def test_changing_a_threshold_needs_no_code_change(data_copy):
    _rewrite(data_copy, "thresholds", "      sub-central: {works: 5404000, supplies: 216000,",
             "      sub-central: {works: 5404000, supplies: 250000,")
    assert RuleData(data_copy).eu_threshold("sub-central", "supplies", date(2026, 2, 1)) == Decimal("250000")


def test_adding_an_ipi_measure_needs_no_code_change(data_copy):
    path = data_copy / "ipi.yaml"
    path.write_text(path.read_text(encoding="utf-8") + """
  - id: IPI-TEST-XX
    code: IPI-MEDICAL-DEVICES
    legal_act: "invented measure for the test"
    country: TR
    cpv_from: "33600000"
    cpv_to: "33699999"
    value_floor_eur: 1000000
    from: 2026-01-01
    input_cap: 0.5
    legal_bases: ["32014L0024"]
    eforms_measure: "32099R0000"
    mention_patterns: ["IPI"]
    source: "test"
""", encoding="utf-8")
    assert [m["id"] for m in RuleData(data_copy).ipi_measures] == ["IPI-MEDICAL-CN", "IPI-TEST-XX"]


def test_duplicate_key_is_an_error(data_copy):
    _rewrite(data_copy, "fsr", "  threshold_eur: 250000000\n", "  threshold_eur: 250000000\n  threshold_eur: 1\n")
    with pytest.raises(RuleDataError, match="fsr.yaml: invalid YAML: .*duplicate key 'threshold_eur'"):
        RuleData(data_copy)


def test_impossible_date_is_an_error_naming_the_file(tmp_path):
    from reciprocity.rules.data import load_yaml
    from reciprocity.rules.schema import Fields

    (tmp_path / "mine.yaml").write_text("from: 2026-13-01\n", encoding="utf-8")
    with pytest.raises(RuleDataError, match="mine.yaml: from: expected a date YYYY-MM-DD"):
        load_yaml("mine", Fields({"from": date}), tmp_path)


def test_load_yaml_validates_any_schema(tmp_path):
    """The generic strict loader other rule families use for their own files."""
    from reciprocity.rules.data import load_yaml
    from reciprocity.rules.schema import Fields, ListOf

    (tmp_path / "mine.yaml").write_text("caps:\n  - {value: 1.5, from: 2026-01-01, source: décret 2025-1383}\n",
                                        encoding="utf-8")
    schema = Fields({"caps": ListOf(Fields({"value": Decimal, "from": date, "source": str}))})
    assert load_yaml("mine", schema, tmp_path) == {"caps": [{"value": Decimal("1.5"), "from": date(2026, 1, 1),
                                                              "source": "décret 2025-1383"}]}
    (tmp_path / "mine.yaml").write_text("caps:\n  - {value: 1.5, from: 2026-01-01}\n", encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"mine.yaml: caps\[0\].source: missing key"):
        load_yaml("mine", schema, tmp_path)


def test_benefit_weights_are_data(data_copy):
    from reciprocity import assess
    from reciprocity.model import LotResult, Notice, Organisation, Procedure

    notice = Notice(id="b", source_format="eforms", kind="result", dispatch_date=date(2025, 3, 1),
                    buyer=Organisation(country="FR", legal_type="la"),
                    procedure=Procedure(contract_nature="services", estimated_value=Money(Decimal("100000"), "EUR")),
                    results=[LotResult(lot_id="LOT-0001", winners=[Organisation(name="X", country="CN")])])
    before = assess(notice, data=RuleData(data_copy)).benefit["priority"]
    _rewrite(data_copy, "benefit", "    weight: 40\n", "    weight: 5\n")
    after = assess(notice, data=RuleData(data_copy)).benefit["priority"]
    assert before - after == 35


def test_one_conversion_to_eur_rounds_to_the_cent_and_never_guesses():
    """RuleData.to_eur is the one conversion (rules, store, reports): EUR as is, others at the dated rate."""
    from datetime import date
    from decimal import Decimal

    data = load_rule_data()
    assert data.to_eur(Money(Decimal("1234.565"), "EUR"), None) == Decimal("1234.56")
    assert data.to_eur(Money(Decimal("100"), "eur"), date(2024, 1, 1)) == Decimal("100.00")
    assert data.to_eur(Money(Decimal("195583"), "BGN"), date(2024, 1, 1)) == Decimal("100000.00")
    assert data.to_eur(Money(Decimal("195583"), "BGN"), None) is None  # no date, no rate
    assert data.to_eur(Money(Decimal("100"), "XYZ"), date(2024, 1, 1)) is None
    assert data.to_eur(None, date(2024, 1, 1)) is None
    assert data.to_eur(Money(Decimal("1e30"), "EUR"), None) == Decimal("1e30")  # no InvalidOperation


def test_buyer_vocabulary_is_eforms_only(data):
    """Since the parsers map TED CA_TYPE / CE_ACTIVITY to eForms codes (raw values in `legal_type_raw` /
    `activity_raw`), the rule data reads BT-11 and BT-10/BT-610 codes only: no TED code is left as an alias."""
    from reciprocity.i18n import labels
    from reciprocity.rules.sme_common import SME_SCHEMA

    legal_types = set(labels.codes("buyer-legal-type"))
    categories = data.buyer_categories
    advance = load_yaml("sme", SME_SCHEMA, DATA_DIR)["advance"]
    read = (set(categories["legal_type"]) | set(categories["uncertain_legal_types"])
            | set(categories["utilities_only_with_activity"]) | set(advance["bound_legal_types"])
            | set(advance["unconfirmed_legal_types"])
            | {t for rate in advance["minimum_rates"] for t in rate.get("legal_types", [])})
    assert read <= legal_types, sorted(read - legal_types)
    activities = set(categories["utilities_activities"]) | set(categories["defence_field"]["activities"])
    assert all(code == code.lower() and "_" not in code for code in activities), sorted(activities)
    assert set(categories["defence_field"]["activities"]) <= set(labels.codes("main-activity"))
