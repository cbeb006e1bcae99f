"""Server-side SVG charts (no script, no CDN): stacked shares per year, and indicators against reference values.

Charts style themselves with presentation attributes (fill, stroke), which the CSP allows; never `style=`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from .i18n import label

# origin class -> bar colour (colour-blind safe palette, Okabe-Ito)
ORIGIN_COLOURS = {
    "FR": "#0072B2", "EU_EEA": "#56B4E9", "COVERED": "#009E73", "THIRD_AGREEMENT_NOT_COVERED": "#E69F00",
    "UNCOVERED": "#D55E00", "UNKNOWN": "#999999",
}
WIDTH, BAR, GAP, LABEL = 640, 22, 8, 70


def _text(x: float, y: float, content: Any, anchor: str = "start", size: int = 12) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="#222">{escape(content)}</text>')


def _rect(x: float, y: float, width: float, height: float, colour: str, tip: str) -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}" '
            f'fill="{colour}"><title>{escape(tip)}</title></rect>')


def _svg(height: float, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def stacked_shares(title: str, rows: Mapping[str, Mapping[str, float]], colours: Mapping[str, str],
                   legend: Callable[[str], str]) -> Markup:
    """One 100 % bar per row (e.g. per year) split by key (e.g. origin class), with a legend."""
    body, y, plot = [], 4.0, WIDTH - LABEL - 10
    for row_label, parts in rows.items():
        total = sum(v or 0 for v in parts.values())
        body.append(_text(0, y + BAR * 0.7, row_label))
        x = float(LABEL)
        for key in colours:
            share = (parts.get(key) or 0) / total if total else 0
            if share:
                body.append(_rect(x, y, share * plot, BAR, colours[key], f"{row_label} {legend(key)}: {share:.0%}"))
                x += share * plot
        y += BAR + GAP
    y = _legend(body, y + 6, colours, legend)
    return _svg(y, title, body)


def _legend(body: list[str], y: float, colours: Mapping[str, str], legend: Callable[[str], str]) -> float:
    x = 0.0
    for key, colour in colours.items():
        name = legend(key)
        width = 22 + 7 * len(name)
        if x + width > WIDTH:
            x, y = 0.0, y + 18
        body.append(_rect(x, y, 12, 12, colour, name))
        body.append(_text(x + 16, y + 10, name, size=11))
        x += width
    return y + 20


def indicator_bars(title: str, rows: Sequence[tuple[str, float | None, Mapping[str, float | None]]],
                   reference_colours: Mapping[str, str], legend: Callable[[str], str], no_value: str = "—") -> Markup:
    """Horizontal bars for percentages (0–100) with a tick per reference value (e.g. Scoreboard EU, France)."""
    body, y, label_width = [], 4.0, 230
    plot = WIDTH - label_width - 50
    for name, value, references in rows:
        body.append(_text(0, y + BAR * 0.7, name, size=11))
        if value is not None:
            body.append(_rect(label_width, y, plot * min(value, 100) / 100, BAR, "#0072B2", f"{name}: {value:.0f} %"))
            body.append(_text(label_width + plot + 4, y + BAR * 0.7, f"{value:.0f} %", size=11))
        else:
            body.append(_text(label_width, y + BAR * 0.7, no_value, size=11))
        for ref_name, ref_value in references.items():
            if ref_value is not None:
                x = label_width + plot * min(ref_value, 100) / 100
                body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y - 2:.1f}" y2="{y + BAR + 2:.1f}" '
                            f'stroke="{reference_colours.get(ref_name, "#000")}" stroke-width="3">'
                            f'<title>{escape(legend(ref_name))}: {ref_value:.0f} %</title></line>')
        y += BAR + GAP
    y = _legend(body, y + 6, reference_colours, legend)
    return _svg(y, title, body)


# the report's indicators charted against the Scoreboard, and the reference values drawn as ticks
OVERVIEW_INDICATORS = ("sme_winners", "sme_bids", "divided_into_lots", "single_bidder")
REFERENCE_COLOURS = {"eu_2024": "#D55E00", "eu_2021": "#E69F00", "france_2021": "#009E73"}


def _percent(value: float | None) -> float | None:
    return None if value is None else 100 * value


def origin_by_year(by_year: Mapping[str, Any], measure: str) -> dict[str, dict[str, float]]:
    """{year: {origin class: awards or EUR value}} from the report's origin picture."""
    return {year: {name: (cls.get(measure) or 0) for name, cls in table["classes"].items()}
            for year, table in sorted(by_year.items())}


def overview_charts(figures: dict[str, Any], translate: Callable[..., str]) -> dict[str, Any]:
    """The overview's charts and ranked list, drawn from `queries.stats` (reciprocity.report) figures."""
    by_year = figures["origin"]["by_year"]
    origin_name = lambda name: label("origin_class", name)  # noqa: E731
    rows = []
    for key in OVERVIEW_INDICATORS:
        figure = figures["indicators"][key]
        reference = figure.get("reference") or {}
        rows.append((translate("indicator." + key), _percent(figure["value"]),
                     {ref: _percent(reference.get(ref)) for ref in REFERENCE_COLOURS}))
    return {
        "notices": figures["counts"]["notices"],
        "origin_count": stacked_shares(translate("overview.by_count"), origin_by_year(by_year, "awards"),
                                       ORIGIN_COLOURS, origin_name),
        "origin_value": stacked_shares(translate("overview.by_value"), origin_by_year(by_year, "value_eur"),
                                       ORIGIN_COLOURS, origin_name),
        "indicators": indicator_bars(translate("overview.sme"), rows, REFERENCE_COLOURS,
                                     lambda ref: translate("reference." + ref), translate("chart.no_value")),
        "ranked": [{"id": t["id"], "title": t["title"], "buyer": t["buyer_name"],
                    "priority": round(t["benefit_priority"] or 0), "codes": t["flagged_codes"]}
                   for t in figures["ranked_tenders"]],
    }
