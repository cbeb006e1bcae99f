"""Every list filter in every sort order is answered through an index: no plan scans `notices` or `findings`.

The plans are read with EXPLAIN QUERY PLAN on a store big enough for the planner's statistics (ANALYZE) to
matter, built from notices made in code. A plan may walk a sort index in order (`SCAN n USING INDEX ...`,
stopped by LIMIT): that is the page itself, not a scan of the table.
"""

from __future__ import annotations

import pytest
from test_store import make_assessment, store

from reciprocity.audit import filters, listing
from reciprocity.audit.store import open_db
from reciprocity.model import Finding

FILTERS = {
    "buyer_country": "FR", "buyer": "rennes", "q": "marché", "year": 2023, "cpv": "45", "kind": "result",
    "procedure_type": "open", "buyer_category": "sub-central", "min_priority": 20, "date_from": "2023-01-01",
    "date_to": "2023-06-30", "value_min": 100000, "value_max": 500000, "origin_class": "UNCOVERED",
    "code": "COMP-SINGLE-BID", "severity": "warning",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = open_db(tmp_path_factory.mktemp("plans") / "plans.db")
    notices = [make_assessment(f"{i:08d}-{2018 + i % 7}", year=2018 + i % 7, buyer=f"Ville {i % 50}",
                               country=("FR", "DE", "IT")[i % 3], cpv=("45233140", "33141000", "90910000")[i % 3],
                               priority=i % 100, codes=("COMP-SINGLE-BID",) if i % 9 == 0 else (),
                               winners=[(f"Firm {i % 300}", "FR", ("FR", "UNCOVERED")[i % 2], [])])
               for i in range(600)]
    for i, assessment in enumerate(notices):  # realistic spreads, so the planner's statistics are too
        assessment.notice.kind = ("result", "competition", "planning", "result")[i % 4]
        assessment.notice.procedure.type = ("open", "restricted", "neg-wo-call", "open", "open")[i % 5]
        assessment.coverage = {"buyer_category": ("sub-central", "central", "utilities", None)[i % 4]}
        assessment.findings += [Finding(code, "info", "sme", status, "checked", "vérifié")  # most are not flagged
                                for code in ("SME-NO-LOTS", "SME-PRICE-ONLY", "FSR-NOTIFICATION")
                                for status in ("passed", "not-applicable", "insufficient-data")]
    store(database, *notices)
    database.execute("ANALYZE")
    return database


def _plans(db, monkeypatch, filters_: dict, sort: str) -> list[str]:
    """The plans of every page query list_tenders runs (count included)."""
    seen = []
    execute = db.execute

    def spy(sql, params=None):
        if sql.lstrip().upper().startswith("SELECT") and "FROM notices n" in sql:
            seen.append(" | ".join(row[3] for row in execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()))
        return execute(sql, params)

    monkeypatch.setattr(db, "execute", spy)
    listing._TOTALS.clear()
    listing.list_tenders(db, filters_, sort=sort, per_page=25)
    listing.list_tenders(db, filters_, sort=sort, per_page=25, page=3)
    monkeypatch.setattr(db, "execute", execute)
    return seen


@pytest.mark.parametrize("share", [0.0, 2.0], ids=["probed-page", "indexed-set"])
@pytest.mark.parametrize("sort", list(filters.SORTS))
@pytest.mark.parametrize("key", list(FILTERS))
def test_every_filter_and_sort_uses_an_index(db, monkeypatch, key, sort, share):
    """Both ways a page is read: walking the sort index and checking each row (a filter keeping many notices),
    or collecting the matches through the filter's own index (a selective one)."""
    monkeypatch.setattr(listing, "DENSE_SHARE", share)
    plans = _plans(db, monkeypatch, {key: FILTERS[key]}, sort)
    assert plans, "no query was planned"
    for plan in plans:
        steps = plan.split(" | ")
        assert not any(step in ("SCAN n", "SCAN notices", "SCAN findings", "SCAN f", "SCAN winners")
                       for step in steps), plan
        assert "USING" in plan or "VIRTUAL TABLE" in plan, plan


def test_equality_filters_serve_the_sort_from_their_own_index(db, monkeypatch):
    """buyer country, year, CPV division, kind, procedure type, buyer category: filter + order in one index."""
    for key in ("buyer_country", "year", "cpv", "kind", "procedure_type", "buyer_category"):
        for sort in filters.SORTS:
            first = _plans(db, monkeypatch, {key: FILTERS[key]}, sort)[1]  # [0] is the count
            assert "TEMP B-TREE" not in first, (key, sort, first)
