"""The caches that make assess fast give the answers of the uncached code (issue 13 item 4).

Rendered texts are cached by templates and typed parameters, clause texts folded once, date lookups of the rule
data memoised per span of days: each is compared here with a fresh computation on inputs chosen to catch a
cache that mixes up two cases (1.0 and 1.00, True and 1, the day before and after a date boundary).
"""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from reciprocity import assess, parse
from reciprocity.rules import findings
from reciprocity.rules.data import RuleData, in_period, load_rule_data
from reciprocity.rules.findings import to_jsonable
from reciprocity.rules.text import find_clause, find_near, fold


def _fold_reference(text: str) -> str:
    """fold() as it was written first: a Python loop over every character."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain.replace("\u00a0", " ")).lower()


def test_fold_equals_the_character_loop_on_random_unicode():
    rng = random.Random(13)
    pool = [
        chr(c)
        for c in [
            *range(32, 0x250),
            *range(0x300, 0x370),
            *range(0x370, 0x500),
            0xA0,
            0x202F,
            0x130,
            0xFB01,
            0x212B,
            0x1E9E,
        ]
    ]
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
        assert fold(text) == _fold_reference(text), repr(text)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ({"a": "Offres de PAYS TIERS non couverts"}, ("a", "pays tiers non couverts")),
        ({"a": "des recipients", "b": "Article L. 2153-1 du code"}, ("b", "l. 2153-1")),
        ({"a": "pays tiersaire"}, None),  # whole words only
    ],
)
def test_find_clause_keeps_the_first_pattern_in_order(texts, expected):
    patterns = ["pays tiers non couverts", "l. 2153-1", "pays tiers"]
    assert find_clause(texts, patterns) == expected


def test_find_near_needs_both_words_within_the_window():
    text = "la part des produits originaires de pays tiers " + "x " * 200 + "ne doit pas dépasser 50 %"
    assert find_near({"t": text}, ["50 %"], ["originaires"], 150) is None
    assert find_near({"t": text}, ["50 %"], ["originaires"], 500) == ("t", "50 %")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"n": Decimal("1.0")}, {"n": Decimal("1.00")}),
        ({"n": True}, {"n": 1}),
        ({"n": [Decimal("2.5")]}, {"n": [Decimal("2.50")]}),
    ],
)
def test_render_cache_tells_apart_values_that_render_differently(first, second):
    texts = {"en": "value {n}", "fr": "valeur {n}"}
    fresh = [findings._message({"messages": {"text": texts}}, "text", "text", p) for p in (first, second)]
    findings._RENDERED.clear()
    cached = [findings.render_texts(texts, **p) for p in (first, second, first, second)]
    assert cached == fresh + fresh
    assert findings._cache_key(texts, first) != findings._cache_key(texts, second)


def test_render_cache_is_not_used_for_values_of_unknown_types():
    class Shown:
        def __str__(self) -> str:
            return "shown"

    assert findings._cache_key({"en": "{x}"}, {"x": Shown()}) is None
    assert findings.render_texts({"en": "{x}", "fr": "{x}"}, x=Shown())["en"] == "shown"


def _dates_around_every_boundary(data: RuleData) -> list[date]:
    dated = [
        *data.raw["thresholds"]["eu_periods"],
        *(item for partner in data.raw["countries"]["partners"].values() for item in partner["agreements"]),
    ]
    days = set()
    for entry in dated:
        for day in (entry.get("from"), entry.get("to")):
            if day:
                days.update(day + timedelta(days=shift) for shift in (-1, 0, 1))
    return sorted(days)


def test_date_lookups_memoised_per_span_equal_a_fresh_computation():
    memoised, days = load_rule_data(), _dates_around_every_boundary(load_rule_data())
    partners = memoised.raw["countries"]["partners"]
    for day in days:
        fresh_periods = [p for p in memoised.raw["thresholds"]["eu_periods"] if in_period(p, day)]
        assert memoised.threshold_period(day) == (fresh_periods[0] if fresh_periods else None)
        for agreement in memoised.all_agreement_ids():
            assert memoised.partners_in_force(agreement, day) == {
                country: item
                for country, partner in partners.items()
                for item in partner["agreements"]
                if item["id"] == agreement and in_period(item, day)
            }
        applied = {a["id"] for p in partners.values() for a in p["agreements"] if in_period(a, day)}
        assert memoised.agreements_applied(day) == [a for a in memoised.all_agreement_ids() if a in applied]


SAMPLES = sorted(
    p
    for p in (Path(__file__).resolve().parent.parent / "data" / "tenders").iterdir()
    if p.suffix in (".xml", ".json") and not p.name.endswith(".expected.json")
)


def _plain_json(value: object) -> bool:
    """Only what json gives back: dicts with text keys, lists, text, numbers, booleans, None (no tuple, no Decimal)."""
    if isinstance(value, dict):
        return all(type(k) is str and _plain_json(v) for k, v in value.items())
    if type(value) is list:
        return all(_plain_json(v) for v in value)
    return type(value) in (str, int, float, bool, type(None))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_coverage_by_agreement_kept_uncopied_is_plain_json(path):
    """assess() keeps `coverage.by_agreement` as built (not deep-copied): it must already be plain JSON values."""
    for notice in parse(path):
        coverage = assess(notice).coverage
        assert coverage["by_agreement"] and _plain_json(coverage["by_agreement"])
        assert to_jsonable(coverage) == coverage
