"""The `reciprocity` command line: a thin layer over the library; errors rendered once, here."""

from __future__ import annotations

import json
import sys
from collections import Counter

import click

from .audit.sources import iter_paths
from .errors import NoticeParseError, ReciprocityError
from .parsers import DEFAULT_MAX_BYTES, iter_parse


class _Group(click.Group):
    """Turns every `ReciprocityError` into `Error: …` and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ReciprocityError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reciprocity")
@click.option("--max-notice-bytes", envvar="RECIPROCITY_MAX_NOTICE_BYTES", type=click.IntRange(min=1),
              default=DEFAULT_MAX_BYTES, show_default=True,
              help="Largest notice read whole (RECIPROCITY_MAX_NOTICE_BYTES); DECP files are streamed.")
@click.pass_context
def main(ctx: click.Context, max_notice_bytes: int) -> None:
    """Check public tender notices against EU and French reciprocity and SME-access rules."""
    ctx.obj = {"max_bytes": max_notice_bytes}  # the settings read from the environment, once, here


def _max_bytes() -> int:
    return click.get_current_context().find_root().obj["max_bytes"]


def iter_notices(paths: tuple[str, ...], failures: list[str]):
    """Yield every notice of every file (folders searched; README and `*.expected.json` files beside the notices
    skipped, see `sources.NOT_NOTICES`); a failing file (or record) is reported on stderr and skipped."""
    for path in iter_paths(paths):
        try:
            for item in iter_parse(path, max_bytes=_max_bytes()):
                if isinstance(item, NoticeParseError):
                    failures.append(str(item))
                    click.echo(f"Error: {item}", err=True)
                else:
                    yield item
        except ReciprocityError as exc:
            failures.append(str(exc))
            click.echo(f"Error: {exc}", err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--pretty", is_flag=True, help="Indented JSON for humans instead of JSON Lines.")
def parse(files: tuple[str, ...], pretty: bool) -> None:
    """Print the JSON contract of every notice in FILES (folders are searched), one per line."""
    failures: list[str] = []
    for notice in iter_notices(files, failures):
        click.echo(json.dumps(notice.to_dict(), ensure_ascii=False, indent=2 if pretty else None))
    if failures:
        sys.exit(1)


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
def coverage(paths: tuple[str, ...], as_json: bool) -> None:
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
        click.echo(f"{total} notices, {len(failures)} failed")
        width = max((len(k) for k in counts), default=10)
        for key, n in sorted(counts.items()):
            share = 100 * n / total if total else 0
            click.echo(f"{key:<{width}}  {n:>7}  {share:5.1f}%")
    if failures:
        sys.exit(1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--db", "db_path", envvar="RECIPROCITY_DB", default="reciprocity.db", show_default=True,
              type=click.Path(dir_okay=False), help="SQLite database the audit pages read (RECIPROCITY_DB).")
def serve(host: str, port: int, db_path: str) -> None:
    """Serve the web app and JSON API for one user (werkzeug, debug off); use gunicorn for a shared server."""
    from werkzeug.serving import run_simple

    from webapp import create_app  # imported here: the library itself never imports flask

    app = create_app({"DATABASE": db_path})
    click.echo(f"Serving {db_path} on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)


# --- batch audit: ingest, report, export (the audit package) --------------------------------------------

_db_option = click.option("--db", "db", envvar="RECIPROCITY_DB", default="reciprocity.db", show_default=True,
                          help="SQLite database (or $RECIPROCITY_DB).")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: CPU count).")
@_db_option
@click.option("--no-progress", is_flag=True, help="No progress bar on stderr.")
@click.option("--no-entities", is_flag=True, help="Skip grouping winners into entities after the ingest.")
def ingest(paths: tuple[str, ...], workers: int | None, db: str, no_progress: bool, no_entities: bool) -> None:
    """Parse, assess and store every notice in PATHS (files, folders, .zip, .tar.gz); resumable."""
    from .audit.entities import group_winners, needs_grouping
    from .audit.ingest import ingest as run_ingest
    from .audit.store import open_db

    try:
        summary = run_ingest(list(paths), db, workers, progress=not no_progress, max_bytes=_max_bytes())
    except KeyboardInterrupt:
        click.echo("Interrupted: run the same command again to resume.", err=True)
        sys.exit(130)
    click.echo(f"{summary.notices} notices from {summary.documents} documents ({summary.skipped} unchanged,"
               f" skipped), {summary.errors} errors (table ingest_errors), {summary.seconds:.1f} s -> {db}")
    database = open_db(db)
    if not no_entities and needs_grouping(database):
        grouped = group_winners(database)
        click.echo(f"{grouped['winners']} winners grouped into {grouped['entities']} entities")


@main.command()
@_db_option
@click.option("--buyer-country", help="Buyer country, ISO alpha-2 (e.g. FR).")
@click.option("--year", type=int, help="Year of dispatch.")
@click.option("--cpv", help="CPV prefix (e.g. 33 for medical equipment).")
@click.option("--buyer", help="Text in the buyer's name.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def report(db: str, buyer_country: str | None, year: int | None, cpv: str | None, buyer: str | None,
           as_json: bool) -> None:
    """Print the audit report of a database: indicators, origin of winners, top winners, ranked tenders."""
    from .audit.stats import compute_report
    from .audit.stats_text import render_text
    from .audit.store import open_db

    filters = {"buyer_country": buyer_country, "year": year, "cpv": cpv, "buyer": buyer}
    figures = compute_report(open_db(db, create=False), filters)
    click.echo(json.dumps(figures, ensure_ascii=False) if as_json else render_text(figures))


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "parquet"]), required=True)
@click.option("--table", required=True, type=click.Choice(["notices", "lots", "results", "winners", "findings",
                                                          "entities", "ingest_runs", "ingest_errors",
                                                          "ingest_files"]))
@click.option("--output", type=click.Path(dir_okay=False), help="Output file (CSV goes to stdout without it).")
def export(db: str, fmt: str, table: str, output: str | None) -> None:
    """Export one table of the database as CSV, XLSX (split over sheets past 1,048,575 rows) or Parquet."""
    from .audit.export import export_table
    from .audit.store import open_db

    counts = export_table(open_db(db, create=False), table, fmt, output)
    if output:
        click.echo(f"{counts['rows']} rows of {table} -> {output}"
                   + (f" ({counts['sheets']} sheets)" if "sheets" in counts else ""), err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="One Assessment per notice, per line (the JSON contract).")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True, help="Report language.")
@click.option("--fail-on", type=click.Choice(["problem", "warning"]),
              help="Exit 1 when a finding of this severity or worse is flagged.")
@click.option("--summary", is_flag=True, help="Only print, per code, the share of notices by status.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Date for drafts without a dispatch date.")
def check(files: tuple[str, ...], as_json: bool, lang: str, fail_on: str | None, summary: bool, today) -> None:
    """Check every notice in FILES (folders are searched) against the reciprocity, origin, SME and quality rules."""
    from .assess import assess
    from .assessment_text import add_to_summary, render, render_summary, summary_table, worst_flagged
    from .model import SEVERITY_RANK

    failures: list[str] = []
    counts: Counter = Counter()
    notices, worst = 0, -1
    for notice in iter_notices(files, failures):
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
                   else render_summary(table, notices, len(failures)))
    if failures or (fail_on and worst >= SEVERITY_RANK[fail_on]):
        sys.exit(1)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
def rules(as_json: bool, lang: str) -> None:
    """List every finding code with its description, area, legal reference and confidence."""
    from .rules.catalogue import rules_listing
    from .rules.data import load_rule_data

    listing = rules_listing(load_rule_data(), lang)
    if as_json:
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    for rule in listing:
        confidence = "" if rule["confidence"] == "established" else f" [{rule['confidence']}]"
        click.echo(f"{rule['code']}  ({rule['area']}, {rule['severity']}){confidence}\n    {rule['title']}\n"
                   f"    {rule['legal_ref'] or '—'}")
