"""`enrich sirene`: names, legal and company categories from INSEE's SIRENE stock files (audit/sirene.py)."""

from __future__ import annotations

import sys

import click

from ..i18n import formats, labels
from .base import EXIT_UNREADABLE, db_option, lang_option, main

_SAID = {
    "en": "{rows} rows read from {files} files: {units} legal units and {establishments} establishments of the "
    "database's buyers and winners stored ({changed} new or changed), {notices} notices re-assessed, "
    "{errors} errors, {seconds} s -> {db}",
    "fr": "{rows} lignes lues dans {files} fichiers : {units} unités légales et {establishments} établissements des "
    "acheteurs et titulaires de la base enregistrés ({changed} nouveaux ou modifiés), {notices} avis "
    "réévalués, {errors} erreurs, {seconds} s -> {db}",
}
_ERROR = {"en": "Error: ", "fr": "Erreur : "}


def sirene_error_text(error, lang: str) -> str:
    """A SireneFileError as a sentence of `lang` (vocabulary.yaml `sirene_error`), naming the file and the row."""
    template = labels.label("sirene_error", error.key, lang) or str(error)
    return template.format(file=error.file, **error.params)


@main.group()
def enrich() -> None:
    """Add what public registers say of the database's buyers and winners."""


@enrich.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@db_option
@lang_option
def sirene(files: tuple[str, ...], db: str, lang: str) -> None:
    """Read INSEE's SIRENE stock files (StockUniteLegale, StockEtablissement: CSV, zipped CSV or Parquet, from
    data.gouv.fr "Base Sirene des entreprises et de leurs établissements") and, for the SIRENs and SIRETs of the
    database, store name, legal category, activity, company category and commune; buyers then get their name and
    category, winners their size where the notice gives none, and the notices concerned are re-assessed."""
    from ..audit.sirene import enrich as run_enrich
    from ..audit.store import open_db

    summary = run_enrich(open_db(db, create=False), files)
    for error in summary.errors:
        click.echo(_ERROR[lang] + sirene_error_text(error, lang), err=True)
    counts = {
        key: formats.number(getattr(summary, key), lang)
        for key in ("rows", "files", "units", "establishments", "changed", "notices")
    }
    click.echo(
        _SAID[lang].format(
            **counts,
            errors=formats.number(len(summary.errors), lang),
            db=db,
            seconds=formats.number(summary.seconds, lang, decimals=1),
        )
    )
    if summary.errors:
        sys.exit(EXIT_UNREADABLE)
