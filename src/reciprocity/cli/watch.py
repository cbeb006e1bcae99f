"""`reciprocity watch`: the daily run that ingests what TED published since the last one and lists what is new."""

from __future__ import annotations

import sys

import click

from ..report_view import code_label
from .base import db_option, lang_option, main, max_bytes

# The words this command prints, per language (finding messages come from the rules in both languages).
TEXTS = {
    "en": {
        "ingested": "{notices} notices, {errors} errors",
        "missing": "not published (HTTP 404 at {detail}): skipped",
        "refused": "REFUSED: {detail}",
        "none": "No new finding.",
        "head": "{count} new findings since the previous run (problems first):",
        "problem": "problem",
        "warning": "warning",
        "info": "info",
        "written": "Report written to {path}",
    },
    "fr": {
        "ingested": "{notices} avis, {errors} erreurs",
        "missing": "non publié (HTTP 404 sur {detail}) : ignoré",
        "refused": "REFUSÉ : {detail}",
        "none": "Aucun nouveau constat.",
        "head": "{count} nouveaux constats depuis l'exécution précédente (problèmes d'abord) :",
        "problem": "problème",
        "warning": "avertissement",
        "info": "information",
        "written": "Rapport écrit dans {path}",
    },
}


def _outcome_line(outcome, texts: dict[str, str]) -> str:
    package = outcome.package
    day = f" ({package.published.isoformat()})" if package.published else ""
    what = texts[outcome.status].format(notices=outcome.notices, errors=outcome.errors, detail=outcome.detail)
    return f"{package.key}{day}: {what}"


def _finding_line(finding: dict, lang: str, texts: dict[str, str]) -> str:
    message = finding["message_fr"] if lang == "fr" and finding["message_fr"] else finding["message"]
    where = f"{finding['buyer_name'] or '?'} ({finding['buyer_country'] or '?'}), CPV {finding['cpv_main'] or '?'}"
    lot = f" [lot {finding['lot']}]" if finding["lot"] else ""
    return (
        f"  {texts.get(finding['severity'], finding['severity']):<13} {code_label(finding['code'], lang)} "
        f"[{finding['code']}] {finding['notice_id']}"
        f"{lot} — {where}\n      {message}"
    )


@main.command()
@click.option(
    "--since",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="First publication day to take (YYYY-MM-DD); packages already ingested are skipped.",
)
@click.option(
    "--source",
    default="https://ted.europa.eu",
    show_default=True,
    help="TED's address (daily packages and release calendar), or a folder of packages already downloaded.",
)
@db_option
@click.option(
    "--downloads", type=click.Path(file_okay=False), help="Where packages are downloaded (default: <db>.packages)."
)
@click.option("--buyer-country", help="Only report findings of buyers of this country (ISO alpha-2).")
@click.option("--buyer", help="Only report findings of buyers whose name contains this text.")
@click.option("--cpv", help="Only report findings of notices whose main CPV starts with this prefix.")
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False),
    help="Also write the new findings to a .csv or .json file.",
)
@click.option(
    "--workers", type=click.IntRange(min=1), default=None, help="Ingest worker processes (default: CPU count)."
)
@lang_option
@click.option("--no-progress", is_flag=True, help="No progress bars on stderr.")
def watch(
    since,
    source: str,
    db: str,
    downloads: str | None,
    buyer_country: str | None,
    buyer: str | None,
    cpv: str | None,
    report_file: str | None,
    workers: int | None,
    lang: str,
    no_progress: bool,
) -> None:
    """Ingest the TED daily packages published since --since and not ingested yet (downloads resume and retry;
    a 404 day is reported and skipped; a truncated archive is refused whole), then list the new findings."""
    from pathlib import Path

    from ..audit.settle import settle
    from ..audit.store import open_db
    from ..audit.watch import new_findings, write_report
    from ..audit.watch import watch as run_watch

    texts = TEXTS[lang]
    try:
        result = run_watch(
            db,
            since.date(),
            source,
            downloads=Path(downloads) if downloads else None,
            workers=workers,
            progress=not no_progress,
            max_bytes=max_bytes(),
        )
    except KeyboardInterrupt:
        click.echo("Interrupted: run the same command again to resume (downloads go on where they stopped).", err=True)
        sys.exit(130)
    for outcome in result.outcomes:
        click.echo(_outcome_line(outcome, texts), err=outcome.status != "ingested")
    settle(open_db(db))  # the new winners grouped, the overview's figures current
    findings = new_findings(db, result.run, {"buyer_country": buyer_country, "buyer": buyer, "cpv": cpv})
    click.echo(texts["head"].format(count=len(findings)) if findings else texts["none"])
    for finding in findings:
        click.echo(_finding_line(finding, lang, texts))
    if report_file:
        write_report(findings, report_file)
        click.echo(texts["written"].format(path=report_file), err=True)
    if result.failed:
        sys.exit(1)
