"""The buyer pages (a buyer against its peers; a name search) and the charts of the buyer and winner pages.

Each page calls the same library function as its API twin (`audit.benchmark`, `audit.winner_totals`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from reciprocity.audit.benchmark import CANDIDATES, MARGIN, benchmark, find_buyers
from reciprocity.audit.benchmark_profiles import buyer_key

from .charts import REFERENCES, IndicatorRow, data_table, direction, indicator_bars, value_bars
from .db import cached_query
from .i18n import amount, country, current_language, label, number, percent, translate
from .listing import cpv_label

MAX_QUERY = 200
VALUE_SHARES = ("france_value_share", "sme_winners_value")  # shares of EUR sums, not of counts


def buyer_url(buyer: dict[str, Any] | None) -> str | None:
    """The benchmark page of a notice's buyer (its first identifier, else its name and country); None without."""
    buyer = buyer or {}
    key = buyer_key(buyer.get("identifiers"), buyer.get("name"), buyer.get("country"))
    return url_for("pages.buyer", buyer_id=key) if key else None


def _days(value: Any) -> str:
    return "—" if value is None else translate("buyer.days", days=number(round(value, 1)))


def _shown(key: str, value: Any) -> str:
    return _days(value) if key == MARGIN else percent(value)


def _basis(key: str, figure: dict[str, Any]) -> str:
    if key == MARGIN:
        return f"n = {number(figure['denominator'])}"
    if key in VALUE_SHARES:
        return f"{amount(figure['numerator'])} / {amount(figure['denominator'])}"
    return f"{number(figure['numerator'])} / {number(figure['denominator'])}"


def _chart_basis(key: str, figure: dict[str, Any]) -> str:
    if key in VALUE_SHARES:
        return translate("buyer.of_value", value=amount(figure["denominator"]))
    return f"n = {number(figure['denominator'])}"


def buyer_charts(result: dict[str, Any]) -> dict[str, Markup]:
    """The buyer's indicators against its peers' quartiles and the Scoreboard references, with the data table."""
    rows, table = [], []
    for key, figure in result["indicators"].items():
        peers, reference = figure["peers"], figure["reference"] or {}
        name, way = label("indicator", key), direction(figure["lower_is_better"], translate)
        if key != MARGIN:  # days are not a share: in the table only
            band = (peers["q1"], peers["median"], peers["q3"]) if peers["n"] else None
            rows.append(IndicatorRow(name, figure["value"], _chart_basis(key, figure), way, band,
                                     {ref: reference.get(ref) for ref in REFERENCES}))
        table.append([name, _shown(key, figure["value"]), _basis(key, figure), number(peers["n"]),
                      *[_shown(key, peers[q]) for q in ("q1", "median", "q3")],
                      *[_shown(key, reference.get(ref)) for ref in REFERENCES], way or "—"])
    header = [translate(k) for k in ("chart.indicator", "buyer.this_buyer", "chart.basis", "buyer.peers_n",
                                     "buyer.q1", "reference.median", "buyer.q3")]
    header += [translate("reference." + ref) for ref in REFERENCES] + [translate("chart.direction")]
    legend = lambda key: translate("reference." + key)  # noqa: E731
    return {"indicators": indicator_bars(translate("buyer.chart"), rows, legend, translate("chart.no_value"),
                                         "buyer-data"),
            "table": data_table("buyer-data", translate("chart.data"), translate("buyer.chart"), header, table)}


def winner_charts(totals: dict[str, Any]) -> dict[str, Markup]:
    """The winner's awarded value by year: bars with the value and the count, and the data table."""
    years = [
        (b["year"] or "—", b["value_eur"], f"{amount(b['value_eur'])} · n = {number(b['awards'])}")
        for b in sorted(totals["by_year"], key=lambda b: b["year"] or "")
    ]
    header = [
        translate("tenders.year"),
        translate("chart.awards_n"),
        translate("winner.value"),
        translate("winner.without_value"),
    ]
    rows = [
        [b["year"] or "—", number(b["awards"]), amount(b["value_eur"]), number(b["awards_without_eur_value"])]
        for b in totals["by_year"]
    ]
    return {
        "by_year": value_bars(translate("winner.by_year"), years, "winner-year-data"),
        "by_year_table": data_table("winner-year-data", translate("chart.data"), translate("winner.by_year"), header,
                                        rows),
    }


def peer_dimensions(dimensions: dict[str, Any]) -> str:
    """ "catégorie d'acheteur : sous-centrale, région (NUTS 2) : FRK2…" for a peer group's dimensions."""
    parts = []
    for key, value in dimensions.items():
        shown = (
            label("buyer_category", value)
            if key == "category"
            else country(value)
            if key == "country"
            else cpv_label(value)
            if key == "division"
            else str(value)
        )
        parts.append(
            f"{label('peer_dimension', key)} : {shown}"
            if current_language() == "fr"
            else f"{label('peer_dimension', key)}: {shown}"
        )
    return ", ".join(parts) or "—"


def register(blueprint: Blueprint) -> None:
    """The buyer routes, and `buyer_url`, `peer_dimensions` for the templates (tender page, lists)."""
    blueprint.add_app_template_global(buyer_url)
    blueprint.add_app_template_global(peer_dimensions)

    @blueprint.get("/buyers")
    def buyers() -> str | Response:
        """Find a buyer by name or id: one match opens its page, several are listed (never a guess)."""
        query = (request.args.get("q") or "").strip()[:MAX_QUERY]
        candidates = cached_query(find_buyers, query, False) if query else []
        if len(candidates) == 1:
            return redirect(url_for("pages.buyer", buyer_id=candidates[0]["buyer_id"]))
        return render_template("buyers.html", query=query, candidates=candidates,
                               capped=len(candidates) >= CANDIDATES)

    @blueprint.get("/buyers/<path:buyer_id>")
    def buyer(buyer_id: str) -> str:
        """One buyer against its peers: indicators, peer group, quartiles, Scoreboard references, origin."""
        result = cached_query(benchmark, buyer_id, False)
        return render_template("buyer.html", result=result, charts=buyer_charts(result))
