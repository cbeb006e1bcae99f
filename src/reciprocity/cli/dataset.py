"""The Parquet dataset of a distributed audit: `ingest --engine dask`, `report --dataset` and `load`."""

from __future__ import annotations

import json
import sys

import click

from .base import db_option, lang_option, main, max_bytes


def engine_options(command):
    """The options `ingest` takes to run on Dask instead of local processes writing SQLite."""
    options = [
        click.option(
            "--engine",
            type=click.Choice(["sqlite", "dask"]),
            default="sqlite",
            show_default=True,
            help="sqlite: local processes into --db; dask: a Dask cluster into a Parquet dataset (--output).",
        ),
        click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler to use (e.g. tcp://10.0.0.5:8786)."),
        click.option(
            "--local-workers",
            type=click.IntRange(min=1),
            default=None,
            help="Without --scheduler: worker processes of the local Dask cluster (default: CPU count).",
        ),
        click.option("--output", type=click.Path(file_okay=False), help="With --engine dask: the dataset directory."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


dataset_option = click.option(
    "--dataset",
    "dataset_dir",
    type=click.Path(exists=True, file_okay=False),
    help="Compute the report over a Parquet dataset (ingest --engine dask), not --db.",
)


def ingest_on_dask(
    paths: tuple[str, ...], output: str | None, scheduler: str | None, local_workers: int | None, progress: bool
) -> None:
    """`reciprocity ingest --engine dask`: parse and assess on a Dask cluster into the Parquet dataset `output`."""
    from ..audit.dask_ingest import dask_client, ingest_dask, require_dask

    if not output:
        raise click.UsageError("--engine dask writes a Parquet dataset: give its directory with --output DIR")
    if scheduler and local_workers:
        raise click.UsageError("--scheduler and --local-workers exclude each other: a cluster is either given or local")
    require_dask()
    try:
        with dask_client(scheduler, local_workers) as client:
            summary = ingest_dask(list(paths), output, client, progress=progress, max_bytes=max_bytes())
    except KeyboardInterrupt:
        click.echo("Interrupted: run the same command again to resume (finished batches are kept).", err=True)
        sys.exit(130)
    click.echo(
        f"{summary.notices} notices from {summary.documents} documents in {summary.batches} batches"
        f" ({summary.skipped} already done, skipped), {summary.errors} errors (table ingest_errors)"
        f" -> {output}"
    )
    for failure in summary.failed:
        click.echo(f"Error: a batch failed: {failure} (run the same command again to redo it)", err=True)
    if summary.failed:
        sys.exit(1)


def report_from_dataset(dataset_dir: str, filters: dict, as_json: bool, lang: str = "en") -> None:
    """`reciprocity report --dataset DIR`: the same report, computed over the Parquet dataset."""
    from ..audit.dask_ingest import require_dask
    from ..audit.dataset_report import dataset_report
    from ..audit.stats_text import render_text

    require_dask()
    figures = dataset_report(dataset_dir, filters)
    click.echo(json.dumps(figures, ensure_ascii=False) if as_json else render_text(figures, lang))


_LOADED = {"en": "{notices} notices from {partitions} partitions ({written} written, the others already stored in a "
                 "newer or equal version), {errors} errors -> {db}",
           "fr": "{notices} avis de {partitions} partitions ({written} écrits, les autres déjà présents dans une "
                 "version plus récente ou égale), {errors} erreurs -> {db}"}
_GROUPED = {"en": "{winners} winners grouped into {entities} entities",
            "fr": "{winners} titulaires regroupés en {entities} entités"}


@main.command()
@click.argument("dataset_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False))
@db_option
@click.option("--year", "years", type=int, multiple=True, help="Only notices of this year (repeatable).")
@click.option("--buyer-country", "countries", multiple=True, help="Only this buyer country, ISO alpha-2 (repeatable).")
@click.option("--no-progress", is_flag=True, help="No progress bar on stderr.")
@click.option("--no-entities", is_flag=True, help="Skip grouping winners into entities after the load.")
@lang_option
def load(
    dataset_dir: str, db: str, years: tuple[int, ...], countries: tuple[str, ...], no_progress: bool, no_entities: bool,
    lang: str,
) -> None:
    """Load a Parquet dataset written by `ingest --engine dask` (or some years / buyer countries of it) into the
    SQLite database the web app reads. Loading twice changes nothing."""
    from ..audit.load import load_dataset
    from ..audit.settle import settle
    from ..audit.store import open_db

    totals = load_dataset(dataset_dir, db, list(years), list(countries), progress=not no_progress)
    click.echo(_LOADED[lang].format(db=db, **totals))
    grouped = settle(open_db(db), group=not no_entities)
    if grouped:
        click.echo(_GROUPED[lang].format(**grouped))
