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
    from ..audit.entities import group_winners, needs_grouping
    from ..audit.ingest import ingest as run_ingest
    from ..audit.store import open_db

    try:
        summary = run_ingest(list(paths), db, workers, progress=not no_progress, max_bytes=max_bytes())
    except KeyboardInterrupt:
        click.echo(_SAID[lang]["interrupted"], err=True)
        sys.exit(130)
    click.echo(_SAID[lang]["ingested"].format(
        notices=summary.notices, documents=summary.documents, skipped=summary.skipped, errors=summary.errors,
        seconds=formats.number(summary.seconds, lang, decimals=1), db=db))
    database = open_db(db)
    if not no_entities and needs_grouping(database):
        grouped = group_winners(database)
        click.echo(_SAID[lang]["grouped"].format(**grouped))


@main.command()
@db_option
@click.option("--buyer-country", help="Buyer country, ISO alpha-2 (e.g. FR).")
@click.option("--year", type=click.IntRange(1900, 2100), help="Year of dispatch.")
@click.option("--cpv", help="CPV prefix (e.g. 33 for medical equipment).")
@click.option("--buyer", help="Text in the buyer's name.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@dataset.dataset_option
@lang_option
def report(db: str, buyer_country: str | None, year: int | None, cpv: str | None, buyer: str | None,
           as_json: bool, dataset_dir: str | None, lang: str) -> None:
    """Print the audit report of a database: indicators, origin of winners, top winners, ranked tenders."""
    if dataset_dir:
        filters = {"buyer_country": buyer_country, "year": year, "cpv": cpv, "buyer": buyer}
        return dataset.report_from_dataset(dataset_dir, filters, as_json, lang)
    from ..audit.stats import compute_report
    from ..audit.stats_text import render_text
    from ..audit.store import open_db

    filters = {"buyer_country": buyer_country, "year": year, "cpv": cpv, "buyer": buyer}
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
def export(db: str, fmt: str, table: str, output: str | None, excel: bool, lang: str) -> None:
    """Export one table of the database as CSV, XLSX (split over sheets past 1,048,575 rows) or Parquet."""
    from ..audit.export import export_table
    from ..audit.store import open_db

    counts = export_table(open_db(db, create=False), table, fmt, output, excel=excel)
    if output:
        said = _SAID[lang]
        click.echo(said["exported"].format(rows=counts["rows"], table=table, output=output)
                   + (said["sheets"].format(sheets=counts["sheets"]) if "sheets" in counts else ""), err=True)
