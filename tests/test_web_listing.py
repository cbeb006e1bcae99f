"""The list page, the API and the exports with the new sorts, search and filters (issue 14 item 3)."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from reciprocity.cli import main

pytest_plugins = ["web_fixtures"]  # app, client, db_path


def _main(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def test_list_page_offers_search_sort_ranges_and_page_size(client):
    html = _main(client.get("/tenders"))
    for name in ('name="q"', 'name="sort"', 'name="date_from"', 'name="value_max"', 'name="per_page"',
                 'name="procedure_type"', 'name="buyer_category"'):
        assert name in html, name
    assert "Valeur (la plus élevée d&#39;abord)" in html or "Valeur (la plus élevée d'abord)" in html
    assert "<code>90910000</code> Services d&#39;évacuation" in html  # the CPV division's label beside the code
    english = _main(client.get("/tenders?lang=en"))
    assert "<code>90910000</code> Sewage, refuse, cleaning and environmental services" in english


def test_list_page_sorts_searches_and_pages_by_cursor(client):
    html = _main(client.get("/tenders?sort=value&per_page=1"))
    assert "Fourniture de scanners" in html  # 6 M€, the largest value, first
    assert 'rel="next"' in html and "after=" in html
    following = html.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = _main(client.get(following))
    assert "Page 2 sur 4" in second and "Nettoyage des écoles 2024" in second and "scanners" not in second
    found = _main(client.get("/tenders?q=nettoyage+2023"))
    assert "1 marchés" in found and "Nettoyage des écoles 2023" in found
    assert "1 marchés" in _main(client.get("/tenders?q=shenzhen"))  # winners' names are searched


def test_api_list_sort_cursor_and_awarded_value(client):
    first = client.get("/api/v1/tenders?sort=date_asc&per_page=2").get_json()
    assert first["sort"] == "date_asc" and first["total"] == 4 and first["next"]
    assert [i["dispatch_date"] for i in first["items"]] == ["2023-05-02", "2024-05-02"]
    rest = client.get(f"/api/v1/tenders?sort=date_asc&per_page=2&after={first['next']}").get_json()
    assert [i["dispatch_date"] for i in rest["items"]] == ["2024-05-02", "2025-09-01"] and rest["next"] is None
    item = next(i for i in first["items"] if i["id"] == "00100001-2023")
    assert item["awarded_value_eur"] == 420000.0 and item["estimated_value_eur"] == 420000.0
    bad = client.get("/api/v1/tenders?sort=colour")
    assert bad.status_code == 400 and bad.get_json()["error"]
    assert client.get("/api/v1/tenders?after=zzz").status_code == 400


def test_api_filters_by_value_range_and_category(client):
    body = client.get("/api/v1/tenders?value_min=400000&value_max=500000").get_json()
    assert [i["id"] for i in body["items"]] == ["00100001-2023"]
    assert client.get("/api/v1/tenders?value_min=beaucoup").status_code == 400


def test_exports_follow_sort_and_new_filters(client):
    rows = list(csv.DictReader(io.StringIO(_main(client.get("/tenders.csv?sort=value_asc&q=nettoyage")))))
    assert [r["id"] for r in rows] == ["00100002-2024", "00100001-2023", "00100003-2024"]
    assert "awarded_value_eur" in rows[0]


def test_cli_report_and_export_take_the_list_filters(db_path, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["report", "--db", str(db_path), "--json", "--search", "nettoyage",
                                  "--value-min", "400000"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"]["notices"] == 2
    out = runner.invoke(main, ["export", "--db", str(db_path), "--table", "winners", "--format", "csv",
                               "--date-from", "2024-01-01", "--date-to", "2024-12-31"])
    assert out.exit_code == 0, out.output
    names = {row["name"] for row in csv.DictReader(io.StringIO(out.output))}
    assert names == {"Reinigung Nord GmbH", "Shenzhen Clean Tech Co"}
    refused = runner.invoke(main, ["export", "--db", str(db_path), "--table", "entities", "--format", "csv",
                                   "--year", "2024"])
    assert refused.exit_code == 1 and "filters apply" in refused.output
