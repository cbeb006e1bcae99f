"""`ingest`, `report` and `export`: the batch audit over a SQLite database (the audit package)."""

from __future__ import annotations

import json
import sys

import click

from ..i18n import formats
from . import dataset
from .base import db_option, lang_option, main, max_bytes

_SAID = {  # what the batch commands print, per language
    "en": {"interrupted": "Interrupted: run the same command again to resume.",
           "ingested": "{notices} notices from {documents} documents ({skipped} unchanged, skipped), {errors} errors "
                       "(table ingest_errors), {seconds} s -> {db}",
           "grouped": "{winners} winners grouped into {entities} entities",
           "exported": "{rows} rows of {table} -> {output}", "sheets": " ({sheets} sheets)"},
    "fr": {"interrupted": "Interrompu : relancez la même commande pour reprendre.",
           "ingested": "{notices} avis lus dans {documents} documents ({skipped} inchangés, ignorés), {errors} erreurs "
                       "(table ingest_errors), {seconds} s -> {db}",
           "grouped": "{winners} titulaires regroupés en {entities} entités",
           "exported": "{rows} lignes de {table} -> {output}", "sheets": " ({sheets} feuilles)"},
}

# The list's filters (audit/filters.py) as options: `report` and `export` select notices as the pages do.
FILTER_OPTIONS = (
    ("--buyer-country", "buyer_country", str, "Buyer country, ISO alpha-2 (e.g. FR)."),
    ("--year", "year", click.IntRange(1900, 2100), "Year of dispatch."),
    ("--cpv", "cpv", str, "CPV prefix (e.g. 33 for medical equipment)."),
    ("--buyer", "buyer", str, "Words in the buyer's name (full-text search)."),
    ("--search", "q", str, "Words in the title, buyer or winner names (full-text search)."),
    ("--kind", "kind", str, "Notice kind (competition, result…)."),
    ("--procedure-type", "procedure_type", str, "Procedure type code (open, restricted…)."),
    ("--buyer-category", "buyer_category", str, "Buyer category (central, sub-central, utilities, defence)."),
    ("--date-from", "date_from", str, "Dispatch (else publication) date on or after, YYYY-MM-DD."),
    ("--date-to", "date_to", str, "Dispatch (else publication) date on or before, YYYY-MM-DD."),
    ("--value-min", "value_min", float, "EUR value (awarded when known, else estimated) at least."),
    ("--value-max", "value_max", float, "EUR value (awarded when known, else estimated) at most."),
    ("--origin-class", "origin_class", str, "A winner of this origin class (FR, EU_EEA, UNCOVERED…)."),
    ("--code", "code", str, "A flagged finding of this code."),
    ("--severity", "severity", str, "A flagged finding of this severity."),
    ("--min-priority", "min_priority", float, "Benefit priority at least."),
)


def filter_options(command):
    """Add the list's filters to a command; it receives them as one `filters` dict."""
    for flag, name, kind, text in reversed(FILTER_OPTIONS):
        command = click.option(flag, name, type=kind, default=None, help=text)(command)
    return command


def _filters(options: dict) -> dict:
    return {name: options.pop(name) for _, name, _, _ in FILTER_OPTIONS if options.get(name) is not None}


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: CPU count).")
@db_option
@click.option("--no-progress", is_flag=True, help="No progress bar on stderr.")
@click.option("--no-entities", is_flag=True, help="Skip grouping winners into entities after the ingest.")
@dataset.engine_options
@lang_option
def ingest(paths: tuple[str, ...], workers: int | None, db: str, no_progress: bool, no_entities: bool,
           engine: str, scheduler: str | None, local_workers: int | None, output: str | None, lang: str) -> None:
    """Parse, assess and store every notice in PATHS (files, folders, .zip, .tar.gz); resumable."""
    if engine == "dask":
        return dataset.ingest_on_dask(paths, output, scheduler, local_workers, progress=not no_progress)
    from ..audit.ingest import ingest as run_ingest
    from ..audit.settle import settle
    from ..audit.store import open_db

    try:
        summary = run_ingest(list(paths), db, workers, progress=not no_progress, max_bytes=max_bytes())
    except KeyboardInterrupt:
        click.echo(_SAID[lang]["interrupted"], err=True)
        sys.exit(130)
    click.echo(_SAID[lang]["ingested"].format(
        notices=summary.notices, documents=summary.documents, skipped=summary.skipped, errors=summary.errors,
        seconds=formats.number(summary.seconds, lang, decimals=1), db=db))
    grouped = settle(open_db(db), group=not no_entities)
    if grouped:
        click.echo(_SAID[lang]["grouped"].format(**grouped))


@main.command()
@db_option
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@dataset.dataset_option
@lang_option
def report(db: str, as_json: bool, dataset_dir: str | None, lang: str, **options) -> None:
    """Print the audit report of a database: indicators, origin of winners, top winners, ranked tenders."""
    filters = _filters(options)
    if dataset_dir:
        return dataset.report_from_dataset(dataset_dir, filters, as_json, lang)
    from ..audit.stats import compute_report
    from ..audit.stats_text import render_text
    from ..audit.store import open_db

    figures = compute_report(open_db(db, create=False), filters)
    click.echo(json.dumps(figures, ensure_ascii=False) if as_json else render_text(figures, lang))


@main.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "parquet"]), required=True)
@click.option("--table", required=True, type=click.Choice(["notices", "lots", "results", "winners", "findings",
                                                          "entities", "ingest_runs", "ingest_errors",
                                                          "ingest_files"]))
@click.option("--output", type=click.Path(dir_okay=False), help="Output file (CSV goes to stdout without it).")
@click.option("--excel", is_flag=True, help="CSV for French Excel: a UTF-8 BOM, ';' between fields, ',' decimals.")
@lang_option
@filter_options
def export(db: str, fmt: str, table: str, output: str | None, excel: bool, lang: str, **options) -> None:
    """Export one table of the database as CSV, XLSX (split over sheets past 1,048,575 rows) or Parquet; the
    filters keep the matching notices (tables notices, lots, results, winners, findings)."""
    from ..audit.export import export_table
    from ..audit.store import open_db

    counts = export_table(open_db(db, create=False), table, fmt, output, excel=excel, filters=_filters(options))
    if output:
        said = _SAID[lang]
        click.echo(said["exported"].format(rows=counts["rows"], table=table, output=output)
                   + (said["sheets"].format(sheets=counts["sheets"]) if "sheets" in counts else ""), err=True)
