"""`parse`, `coverage`, `check` and `rules`: the commands that read notice files and print what they say."""

from __future__ import annotations

import json
import sys
from collections import Counter

import click

from .base import EXIT_POLICY, EXIT_UNREADABLE, iter_notices, lang_option, main

_COVERAGE_HEAD = {"en": "{total} notices, {failed} failed", "fr": "{total} avis, {failed} illisibles"}


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--pretty", is_flag=True, help="Indented JSON for humans instead of JSON Lines.")
@lang_option
def parse(files: tuple[str, ...], pretty: bool, lang: str) -> None:
    """Print the JSON contract of every notice in FILES (folders are searched), one per line."""
    failures: list[str] = []
    for notice in iter_notices(files, failures):
        click.echo(json.dumps(notice.to_dict(), ensure_ascii=False, indent=2 if pretty else None))
    if failures:
        sys.exit(EXIT_UNREADABLE)


def _present(value) -> bool:
    return value not in (None, "", [], {})


def _coverage_counts(notice_dict: dict, counts: Counter) -> None:
    for key, value in notice_dict.items():
        if key in ("procedure", "buyer") and isinstance(value, dict):
            for sub, sub_value in value.items():
                counts[f"{key}.{sub}"] += _present(sub_value)
        else:
            counts[key] += _present(value)
    for section in ("lots", "results"):
        items = notice_dict.get(section) or []
        keys = {k for item in items for k in item}
        for key in keys:
            counts[f"{section}[].{key}"] += any(_present(item.get(key)) for item in items)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
@lang_option
def coverage(paths: tuple[str, ...], as_json: bool, lang: str) -> None:
    """Count, for each contract field, how many notices in PATHS have it, so gaps show at once."""
    failures: list[str] = []
    counts: Counter = Counter()
    total = 0
    for notice in iter_notices(paths, failures):
        total += 1
        _coverage_counts(notice.to_dict(), counts)
    if as_json:
        click.echo(json.dumps({"notices": total, "failed": len(failures), "fields": dict(sorted(counts.items()))}))
    else:
        click.echo(_COVERAGE_HEAD[lang].format(total=total, failed=len(failures)))
        width = max((len(k) for k in counts), default=10)
        for key, n in sorted(counts.items()):
            share = 100 * n / total if total else 0
            click.echo(f"{key:<{width}}  {n:>7}  {share:5.1f} %")
    if failures:
        sys.exit(EXIT_UNREADABLE)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="One Assessment per notice, per line (the JSON contract).")
@lang_option
@click.option("--fail-on", type=click.Choice(["problem", "warning"]),
              help="Exit with status 3 when a finding of this severity or worse is flagged.")
@click.option("--summary", is_flag=True, help="Only print, per code, the share of notices by status.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Date for drafts without a dispatch date.")
@click.option("--db", "sirene_db", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Database whose SIRENE table (reciprocity enrich sirene) fills names and buyer categories.")
def check(files: tuple[str, ...], as_json: bool, lang: str, fail_on: str | None, summary: bool, today,
          sirene_db: str | None) -> None:
    """Check every notice in FILES (folders are searched) against the reciprocity, origin, SME and quality rules.

    Exit status: 0 all read and no --fail-on threshold reached; 1 a file (or record) could not be read; 3 the
    --fail-on threshold was reached (1 wins when both happen: the results are incomplete)."""
    from ..assess import assess
    from ..assessment_text import add_to_summary, render, render_summary, summary_table, worst_flagged
    from ..audit.sirene_apply import enrich_notice
    from ..audit.store import open_db
    from ..model import SEVERITY_RANK

    failures: list[str] = []
    counts: Counter = Counter()
    notices, worst = 0, -1
    registry = open_db(sirene_db, create=False).conn if sirene_db else None
    for notice in iter_notices(files, failures):
        if registry is not None:
            enrich_notice(notice, registry)
        assessment = assess(notice, today=today.date() if today else None)
        notices += 1
        worst = max(worst, worst_flagged(assessment))
        if summary:
            add_to_summary(counts, assessment)
        elif as_json:
            click.echo(json.dumps(assessment.to_dict(), ensure_ascii=False))
        else:
            click.echo(render(assessment, lang) + "\n")
    if summary:
        table = summary_table(counts, notices)
        click.echo(json.dumps({"notices": notices, "failed": len(failures), "codes": table}) if as_json
                   else render_summary(table, notices, len(failures), lang))
    if failures:
        sys.exit(EXIT_UNREADABLE)
    if fail_on and worst >= SEVERITY_RANK[fail_on]:
        sys.exit(EXIT_POLICY)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@lang_option
@click.option("--instruments", is_flag=True, help="List the EU instruments (in force, proposals) with their status.")
def rules(as_json: bool, lang: str, instruments: bool) -> None:
    """List every finding code with its label, description, area, legal reference and confidence, then the EU
    instruments with their status and date (a proposal is never a duty)."""
    from ..i18n import labels
    from ..rules.catalogue import instruments_listing, rules_listing
    from ..rules.data import load_rule_data
    from ..rules.legal_links import worded

    if instruments:
        _print_instruments(instruments_listing(load_rule_data(), lang), as_json, lang)
        return
    listing = rules_listing(load_rule_data(), lang)
    if as_json:
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    for rule in listing:
        area, severity = labels.label("area", rule["area"], lang), labels.label("severity", rule["severity"], lang)
        confidence = "" if rule["confidence"] == "established" else \
            f" [{labels.label('confidence', rule['confidence'], lang)}]"
        click.echo(f"{rule['label']} [{rule['code']}]  ({area}, {severity.lower()}){confidence}\n    {rule['title']}\n"
                   f"    {worded(rule['legal_ref'], lang) if rule['legal_ref'] else '—'}")
    click.echo("")
    _print_instruments(instruments_listing(load_rule_data(), lang), False, lang)


def _print_instruments(listing: list[dict], as_json: bool, lang: str) -> None:
    from ..i18n.formats import long_date

    if as_json:
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    for item in listing:
        click.echo(f"{item['title']}  [{item['status_text']}, {long_date(item['date'], lang)}]\n    {item['effect']}")
