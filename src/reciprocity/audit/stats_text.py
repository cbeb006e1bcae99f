"""The audit report (`stats.compute_report`) as text for a terminal: `reciprocity report` without `--json`."""

from __future__ import annotations

from typing import Any


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{100 * value:5.1f}%"


def _indicator_lines(figures: dict[str, dict[str, Any]]) -> list[str]:
    lines = ["Indicators (Single Market Scoreboard style)",
             f"  {'indicator':<44} {'value':>6} {'basis':>13}  {'FR 2021':>7} {'EU 2024':>7}"]
    for key, figure in figures.items():
        reference = figure.get("reference") or {}
        label = reference.get("label") or key.replace("_", " ")
        basis = f"{figure['numerator']}/{figure['denominator']}"
        lines.append(f"  {label:<44} {_pct(figure['value'])} {basis:>13}  {_pct(reference.get('france_2021'))}"
                     f" {_pct(reference.get('eu_2024'))}")
    return lines


def _origin_lines(title: str, table: dict[str, Any]) -> list[str]:
    lines = [f"{title}: {table['awards']} awards, EUR {table['value_eur']:,.0f} with a EUR value"
             f" ({table['awards_without_eur_value']} awards without one, left out of value shares)"]
    for name, row in table["classes"].items():
        lines.append(f"  {name:<28} {row['awards']:>7} {_pct(row['share'])}   EUR {row['value_eur']:>16,.0f}"
                     f" {_pct(row['value_share'])}")
    return lines


def render_text(report: dict[str, Any]) -> str:
    """The report for a terminal: indicators, origin overall and by year, top winners, ranked tenders."""
    counts = report["counts"]
    lines = [f"{counts['notices']} notices, {counts['results']} results, {counts['winners']} winners"
             + (f" (filters: {report['filters']})" if report["filters"] else ""), ""]
    lines += _indicator_lines(report["indicators"]) + [""]
    lines += _origin_lines("Origin of winners", report["origin"]["overall"]) + [""]
    for year, table in report["origin"]["by_year"].items():
        classes = ", ".join(f"{k} {v['awards']}" for k, v in table["classes"].items() if v["awards"])
        lines.append(f"  {year}: {table['awards']} awards ({classes})")
    lines += ["", "Top winners by origin class"]
    for name, winners in report["top_winners"].items():
        shown = (f"{w['name'] or 'no name, ' + ' '.join(w['identifiers'])} ({w['country'] or '?'}, {w['awards']})"
                 for w in winners[:5])
        lines.append(f"  {name}: " + "; ".join(shown))
    lines += ["", "Tenders that could better benefit firms established in France"]
    for item in report["ranked_tenders"]:
        lines.append(f"  {item['benefit_priority']:>5.0f}  {item['id']}  {(item['title'] or '')[:60]}"
                     f"  [{item['buyer_country'] or '?'}] " + "; ".join(map(str, item["benefit_reasons"]))[:160])
    if not report["ranked_tenders"]:
        lines.append("  (none with a benefit priority above 0)")
    lines.append(f"\nReference values: {report['scoreboard_source']}")
    return "\n".join(lines)
