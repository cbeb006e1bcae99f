"""Charts that can be read (issue 14): counts and values written on them, a data table behind each, meanings told
apart by more than colour, "lower is better" where it is, and an overview on French buyers by default.

The database: the award notice sample (three lots: a French SME, a German and a Chinese winner) dated 2024 and
2025 for a French buyer, and once for a German buyer in 2025.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import SAMPLES

from reciprocity import assess, parse
from reciprocity.audit.entities import group_winners
from reciprocity.audit.rows import assessment_rows
from reciprocity.audit.store import open_db, write_notice
from webapp import create_app
from webapp.charts import ORIGIN_COLOURS, ORIGIN_PATTERNS, REFERENCE_STYLES

AWARD = SAMPLES / "eforms-can-winners-fr-de-cn.xml"


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    base = parse(AWARD.read_bytes(), AWARD.name)[0]
    path: Path = tmp_path_factory.mktemp("charts") / "charts.db"
    db = open_db(path)
    with db.conn:
        for number, (year, country) in enumerate(((2024, "FR"), (2025, "FR"), (2025, "DE"))):
            notice = copy.deepcopy(base)
            notice.id = notice.publication_number = f"{number:08d}-{year}"
            notice.notice_uuid = None
            notice.dispatch_date = date(year, 5, 20)
            notice.buyer.country, notice.buyer.identifiers = country, [f"{country}{number}"]
            write_notice(db, assessment_rows(assess(notice)))
    group_winners(db)
    db.conn.close()
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False})
    return app.test_client()


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", html, re.S)


def test_overview_defaults_to_french_buyers_and_says_so(client):
    html = _plain(client.get("/?lang=fr").get_data(as_text=True))
    assert "Par défaut, acheteurs établis en France" in html and "Voir tous les pays" in html
    assert "2 avis dans la base" in html  # the German buyer's notice left out
    every = _plain(client.get("/?buyer_country=&lang=fr").get_data(as_text=True))
    assert "3 avis dans la base" in every and "Par défaut" not in every
    german = _plain(client.get("/?buyer_country=DE&lang=en").get_data(as_text=True))
    assert "1 notices in the database" in german and "By default" not in german


def test_every_year_bar_has_its_count_and_value_written(client):
    html = _plain(client.get("/?lang=fr").get_data(as_text=True))
    count_chart, value_chart, indicators = _svgs(html)
    for year in ("2024", "2025"):
        assert f">{year}</text>" in count_chart and f">{year}</text>" in value_chart
    assert count_chart.count(">n = 3</text>") == 2  # three awards a year
    assert value_chart.count(">4 588 150,50 € · n = 3</text>") == 2
    assert ">33 %</text>" in count_chart  # each part's share written on it
    assert "plus bas = mieux" in indicators and "plus haut = mieux" in indicators
    assert re.search(r">\d+ % \(n = \d+\)</text>", indicators)


def test_every_chart_has_its_data_table(client):
    html = _plain(client.get("/?lang=fr").get_data(as_text=True))
    tables = re.findall(r'<details class="chart-data" id="([^"]+)">(.*?)</details>', html, re.S)
    assert [t[0] for t in tables] == ["ov-count-data", "ov-value-data", "ov-indicator-data"]
    for chart_id, _ in tables:
        assert f'aria-describedby="{chart_id}"' in html
    count_rows = re.findall(r"<tr><th scope=\"row\">(\d{4})</th>(.*?)</tr>", tables[0][1])
    assert [year for year, _ in count_rows] == ["2024", "2025"]
    assert '<td class="num">1 (33 %)</td>' in count_rows[0][1]  # one French award of three
    assert "612 400,00 € (13 %)" in tables[1][1]
    assert "Offre unique" in tables[2][1] and "plus bas = mieux" in tables[2][1]


def test_meanings_differ_by_more_than_colour():
    assert len(set(ORIGIN_COLOURS.values())) == len(ORIGIN_COLOURS)
    assert set(ORIGIN_PATTERNS) == set(ORIGIN_COLOURS) - {"FR"}  # France plain, every other class patterned
    assert len({style for style in REFERENCE_STYLES.values()}) == len(REFERENCE_STYLES)
    assert len({dash for _, dash in REFERENCE_STYLES.values() if dash}) == 2


def test_winner_chart_and_english_page(client):
    entity = client.get("/api/v1/tenders/00000000-2024").get_json()["winners"][0]["entity_id"]
    html = _plain(client.get(f"/winners/{entity}?lang=en").get_data(as_text=True))
    chart = _svgs(html)[0]
    assert chart.count(" · n = 1</text>") == 1 and " · n = 2</text>" in chart  # 2024: one award, 2025: two
    assert "Value awarded by year" in html and "Buyers served" in html and 'id="winner-year-data"' in html
