"""Server-side SVG charts (no script, no CDN) that can be read: every bar carries its count (n) and its value as
text, every chart has its data table (in a <details>, read by screen readers), and meanings differ by pattern or
dash as well as by colour (Okabe-Ito, colour-blind safe).

Charts style themselves with presentation attributes (fill, stroke), which the CSP allows; never `style=`.
Numbers are written by the page's formatter ("612 400,00 €", "42 %").
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from .i18n import amount, label, number, percent

# origin class -> bar colour (colour-blind safe palette, Okabe-Ito), and a pattern drawn over it (not colour alone)
ORIGIN_COLOURS = {
    "FR": "#0072B2", "EU_EEA": "#56B4E9", "COVERED": "#009E73", "THIRD_AGREEMENT_NOT_COVERED": "#E69F00",
    "UNCOVERED": "#D55E00", "UNKNOWN": "#999999",
}
ORIGIN_PATTERNS = {"EU_EEA": "dots", "COVERED": "vertical", "THIRD_AGREEMENT_NOT_COVERED": "diagonal",
                   "UNCOVERED": "cross", "UNKNOWN": "dots"}
_PATTERN_PATHS = {"diagonal": "M0,8 L8,0", "cross": "M0,8 L8,0 M0,0 L8,8", "vertical": "M4,0 L4,8"}
WIDTH, BAR, GAP, LABEL, RIGHT = 640, 22, 10, 70, 170


def _text(x: float, y: float, content: Any, anchor: str = "start", size: int = 12, colour: str = "#222") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{colour}">{escape(content)}</text>')


def _rect(x: float, y: float, width: float, height: float, colour: str, tip: str) -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}" '
            f'fill="{colour}"><title>{escape(tip)}</title></rect>')


def _patterns(prefix: str) -> str:
    """The <defs> of the origin patterns: a colour with white marks over it."""
    defs = []
    for key, kind in ORIGIN_PATTERNS.items():
        marks = ('<circle cx="4" cy="4" r="1.3" fill="#fff"/>' if kind == "dots" else
                 f'<path d="{_PATTERN_PATHS[kind]}" stroke="#fff" stroke-width="1.4"/>')
        defs.append(f'<pattern id="{prefix}-{key}" patternUnits="userSpaceOnUse" width="8" height="8">'
                    f'<rect width="8" height="8" fill="{ORIGIN_COLOURS[key]}"/>{marks}</pattern>')
    return f"<defs>{''.join(defs)}</defs>"


def _fill(prefix: str, key: str) -> str:
    return f"url(#{prefix}-{key})" if key in ORIGIN_PATTERNS else ORIGIN_COLOURS.get(key, "#777")


def _svg(height: float, title: str, body: list[str], described_by: str | None = None) -> Markup:
    described = f' aria-describedby="{escape(described_by)}"' if described_by else ""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-label="{escape(title)}"{described} class="chart"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def data_table(chart_id: str, summary: str, caption: str, header: Sequence[str],
               rows: Sequence[Sequence[Any]]) -> Markup:
    """The figures behind a chart, as a table in a <details> (closed on screen, read by screen readers)."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join((f'<th scope="row">{escape(cell)}</th>' if i == 0 else
                                      f'<td class="num">{escape(cell)}</td>') for i, cell in enumerate(row))
                   + "</tr>" for row in rows)
    return Markup(f'<details class="chart-data" id="{escape(chart_id)}"><summary>{escape(summary)}</summary>'
                  f'<table class="list"><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
                  f"<tbody>{body}</tbody></table></details>")


def stacked_shares(title: str, rows: Mapping[str, Mapping[str, float]], legend: Callable[[str], str],
                   totals: Mapping[str, str], prefix: str, described_by: str | None = None) -> Markup:
    """One 100 % bar per row (a year) split by origin class, each part's share written on it when it fits,
    the row's count and total written after the bar (`totals`), and a legend."""
    body, y, plot = [_patterns(prefix)], 4.0, WIDTH - LABEL - RIGHT
    for row_label, parts in rows.items():
        total = sum(v or 0 for v in parts.values())
        body.append(_text(0, y + BAR * 0.7, row_label))
        x = float(LABEL)
        for key in ORIGIN_COLOURS:
            share = (parts.get(key) or 0) / total if total else 0
            if share:
                body.append(_rect(x, y, share * plot, BAR, _fill(prefix, key),
                                  f"{row_label} · {legend(key)} : {percent(share)}"))
                if share * plot >= 34:
                    body.append(_text(x + 3, y + BAR * 0.7, percent(share), size=10,
                                      colour="#fff" if key in ("FR", "UNCOVERED") else "#000"))
                x += share * plot
        body.append(_text(LABEL + plot + 6, y + BAR * 0.7, totals.get(row_label, ""), size=11))
        y += BAR + GAP
    y = _legend(body, y + 6, {key: _fill(prefix, key) for key in ORIGIN_COLOURS}, legend)
    return _svg(y, title, body, described_by)


def _legend(body: list[str], y: float, fills: Mapping[str, str], legend: Callable[[str], str]) -> float:
    x = 0.0
    for key, fill in fills.items():
        name = legend(key)
        width = 22 + 6.5 * len(name)
        if x + width > WIDTH:
            x, y = 0.0, y + 18
        body.append(_rect(x, y, 12, 12, fill, name))
        body.append(_text(x + 16, y + 10, name, size=11))
        x += width
    return y + 20


@dataclass
class IndicatorRow:
    """One bar of an indicator chart: a share (0..1) with what it rests on, optional peer quartiles, references."""

    name: str
    value: float | None
    basis: str  # e.g. "n = 120" (the records the share rests on)
    direction: str = ""  # "plus bas = mieux" / "lower is better", or nothing
    band: tuple[float, float, float] | None = None  # peers' first quartile, median, third quartile
    references: dict[str, float | None] = field(default_factory=dict)


# reference values: a colour and a dash each (told apart without colour); peers' median and quartiles
REFERENCE_STYLES = {"eu_2024": ("#D55E00", ""), "eu_2021": ("#E69F00", "6 3"), "france_2021": ("#009E73", "2 2"),
                    "median": ("#000000", "")}
_LABEL_WIDTH = 230


def _tick(x: float, y: float, key: str, tip: str) -> str:
    colour, dash = REFERENCE_STYLES[key]
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y - 3:.1f}" y2="{y + BAR + 3:.1f}" stroke="{colour}" '
            f'stroke-width="3"{dashes}><title>{escape(tip)}</title></line>')


def indicator_bars(title: str, rows: Sequence[IndicatorRow], legend: Callable[[str], str], no_value: str,
                   described_by: str | None = None) -> Markup:
    """Horizontal bars for shares (0–100 %), the share and its basis written after each; peers' quartiles as a grey
    band with the median as a black tick; reference values as coloured, dashed ticks."""
    body, y = [], 4.0
    plot = WIDTH - _LABEL_WIDTH - RIGHT
    used: dict[str, str] = {}
    for row in rows:
        lines = textwrap.wrap(row.name, 40) or [""]  # a long name on two lines, never cut
        for number_, line in enumerate(lines):
            body.append(_text(0, y + 10 + 11 * number_, line, size=10 if len(lines) > 1 else 11))
        if row.direction:
            body.append(_text(0, y + 10 + 11 * len(lines), row.direction, size=9, colour="#555"))
        if row.band is not None:
            q1, median, q3 = row.band
            body.append(_rect(_LABEL_WIDTH + plot * q1, y - 2, plot * max(q3 - q1, 0.004), BAR + 4, "#dddddd",
                              f"{legend('quartiles')} : {percent(q1)} – {percent(q3)}"))
            body.append(_tick(_LABEL_WIDTH + plot * median, y, "median", f"{legend('median')} : {percent(median)}"))
            used["median"] = legend("median")
        if row.value is not None:
            body.append(_rect(_LABEL_WIDTH, y + 5, plot * min(max(row.value, 0), 1), BAR - 10, "#0072B2",
                              f"{row.name} : {percent(row.value)} ({row.basis})"))
            shown = f"{percent(row.value)} ({row.basis})"
        else:
            shown = f"{no_value} ({row.basis})"
        body.append(_text(_LABEL_WIDTH + plot + 6, y + BAR * 0.7, shown, size=11))
        for key, value in row.references.items():
            if value is not None:
                body.append(_tick(_LABEL_WIDTH + plot * min(value, 1), y, key, f"{legend(key)} : {percent(value)}"))
                used[key] = legend(key)
        y += max(BAR + GAP + 4, 11 * (len(lines) + bool(row.direction)) + 8)
    return _svg(_line_legend(body, y + 6, used), title, body, described_by)


def _line_legend(body: list[str], y: float, used: Mapping[str, str]) -> float:
    x = 0.0
    for key, name in used.items():
        colour, dash = REFERENCE_STYLES[key]
        width = 30 + 6.5 * len(name)
        if x + width > WIDTH:
            x, y = 0.0, y + 18
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<line x1="{x:.1f}" x2="{x + 18:.1f}" y1="{y + 6:.1f}" y2="{y + 6:.1f}" stroke="{colour}" '
                    f'stroke-width="3"{dashes}/>')
        body.append(_text(x + 22, y + 10, name, size=11))
        x += width
    return y + 20


# the report's indicators charted against the Scoreboard
OVERVIEW_INDICATORS = ("sme_winners", "sme_bids", "divided_into_lots", "single_bidder")
REFERENCES = ("eu_2024", "eu_2021", "france_2021")


def direction(lower_is_better: bool | None, translate: Callable[..., str]) -> str:
    """"plus bas = mieux" / "lower is better" (or higher), nothing when the indicator has no good direction."""
    if lower_is_better is None:
        return ""
    return translate("chart.lower_better" if lower_is_better else "chart.higher_better")


def _origin_rows(by_year: Mapping[str, Any], measure: str) -> dict[str, dict[str, float]]:
    """{year: {origin class: awards or EUR value}} from the report's origin picture."""
    return {year: {name: (cls.get(measure) or 0) for name, cls in table["classes"].items()}
            for year, table in sorted(by_year.items())}


def _origin_table(chart_id: str, by_year: Mapping[str, Any], measure: str, translate: Callable[..., str]) -> Markup:
    by_value = measure == "value_eur"
    header = [translate("tenders.year"), translate("chart.awards_n")]
    header += [translate("chart.with_value_n"), translate("chart.total")] if by_value else []
    header += [label("origin_class", name) for name in ORIGIN_COLOURS]
    rows = []
    for year, table in sorted(by_year.items()):
        cells: list[Any] = [year, number(table["awards"])]
        if by_value:
            cells += [number(table["awards"] - table["awards_without_eur_value"]), amount(table["value_eur"])]
        for name in ORIGIN_COLOURS:
            part = table["classes"].get(name, {})
            share = part.get("value_share" if by_value else "share")
            shown = amount(part.get("value_eur")) if by_value else number(part.get("awards", 0))
            cells.append(f"{shown} ({percent(share)})")
        rows.append(cells)
    title = translate("overview.by_value" if by_value else "overview.by_count")
    return data_table(chart_id, translate("chart.data"), title, header, rows)


def origin_charts(by_year: Mapping[str, Any], translate: Callable[..., str], prefix: str) -> dict[str, Markup]:
    """The origin of awards by year, by count and by EUR value: two charts and their data tables."""
    origin_name = lambda name: label("origin_class", name)  # noqa: E731
    counts = {year: f"n = {number(t['awards'])}" for year, t in by_year.items()}
    values = {year: f"{amount(t['value_eur'])} · n = {number(t['awards'] - t['awards_without_eur_value'])}"
              for year, t in by_year.items()}
    return {
        "origin_count": stacked_shares(translate("overview.by_count"), _origin_rows(by_year, "awards"), origin_name,
                                       counts, f"{prefix}-n", f"{prefix}-count-data"),
        "origin_count_table": _origin_table(f"{prefix}-count-data", by_year, "awards", translate),
        "origin_value": stacked_shares(translate("overview.by_value"), _origin_rows(by_year, "value_eur"),
                                       origin_name, values, f"{prefix}-v", f"{prefix}-value-data"),
        "origin_value_table": _origin_table(f"{prefix}-value-data", by_year, "value_eur", translate),
    }


def _reference_legend(translate: Callable[..., str]) -> Callable[[str], str]:
    return lambda key: translate("reference." + key)


def overview_charts(figures: dict[str, Any], translate: Callable[..., str]) -> dict[str, Any]:
    """The overview's charts, their data tables and ranked list, drawn from the report's figures."""
    references = {key: (figures["indicators"][key].get("reference") or {}) for key in OVERVIEW_INDICATORS}
    rows = [IndicatorRow(translate("indicator." + key), figures["indicators"][key]["value"],
                         f"n = {number(figures['indicators'][key]['denominator'])}",
                         direction(references[key].get("lower_is_better"), translate),
                         references={ref: references[key].get(ref) for ref in REFERENCES})
            for key in OVERVIEW_INDICATORS]
    header = [translate("chart.indicator"), translate("chart.value"), translate("chart.basis")]
    header += [translate("reference." + ref) for ref in REFERENCES] + [translate("chart.direction")]
    table = [[row.name, percent(row.value), f"{number(figures['indicators'][key]['numerator'])} / "
              f"{number(figures['indicators'][key]['denominator'])}",
              *[percent(row.references[ref]) for ref in REFERENCES], row.direction or "—"]
             for key, row in zip(OVERVIEW_INDICATORS, rows, strict=True)]
    return {
        "notices": figures["counts"]["notices"],
        **origin_charts(figures["origin"]["by_year"], translate, "ov"),
        "indicators": indicator_bars(translate("overview.sme"), rows, _reference_legend(translate),
                                     translate("chart.no_value"), "ov-indicator-data"),
        "indicators_table": data_table("ov-indicator-data", translate("chart.data"), translate("overview.sme"), header,
                                       table),
        "ranked": [{"id": t["id"], "title": t["title"], "buyer": t["buyer_name"],
                    "priority": round(t["benefit_priority"] or 0), "codes": t["flagged_codes"]}
                   for t in figures["ranked_tenders"]],
    }


def value_bars(title: str, rows: Sequence[tuple[str, float, str]], described_by: str | None = None) -> Markup:
    """One horizontal bar per row (a year, a buyer), its length the EUR value, its value and count written after."""
    body, y = [], 4.0
    plot = WIDTH - _LABEL_WIDTH - RIGHT
    top = max((value for _, value, _ in rows), default=0) or 1
    for name, value, shown in rows:
        body.append(_text(0, y + BAR * 0.7, name[:38], size=11))
        body.append(_rect(_LABEL_WIDTH, y, plot * max(value, 0) / top, BAR, "#0072B2", f"{name} : {shown}"))
        body.append(_text(_LABEL_WIDTH + plot * max(value, 0) / top + 6, y + BAR * 0.7, shown, size=11))
        y += BAR + GAP
    return _svg(y + 4, title, body, described_by)
