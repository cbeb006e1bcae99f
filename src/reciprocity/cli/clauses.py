"""`clauses`: the model clauses that fix what `check` finds, as text or as one Word annex."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .base import EXIT_UNREADABLE, EXIT_USAGE, iter_notices, lang_option, main, say_error

_NEEDS_OUTPUT = {
    "en": "--format docx writes a Word file: give its path with --output",
    "fr": "--format docx écrit un fichier Word : indiquez son chemin avec --output",
}
_WRITTEN = {"en": "{count} notices, {clauses} clauses -> {output}", "fr": "{count} avis, {clauses} clauses -> {output}"}


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@lang_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "docx"]),
    default="text",
    show_default=True,
    help="Plain text, or one Word document titled “Annexe — clauses proposées” (needs --output).",
)
@click.option("--output", type=click.Path(dir_okay=False), help="File to write (text goes to stdout without it).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Date for drafts without a dispatch date.")
def clauses(files: tuple[str, ...], lang: str, fmt: str, output: str | None, today) -> None:
    """Propose, for every notice in FILES (folders are searched), the model clauses for its consultation
    documents that fix what the check found, filled with the notice's facts.

    Exit status: 0 all read; 1 a file (or record) could not be read (the others are still written)."""
    from ..assess import assess
    from ..clauses import clauses_for
    from ..clauses.view import render_text
    from ..clauses.word import docx_bytes

    if fmt == "docx" and not output:
        say_error(_NEEDS_OUTPUT[lang])
        sys.exit(EXIT_USAGE)
    failures: list[str] = []
    sets = [
        clauses_for(assess(notice, today=today.date() if today else None)) for notice in iter_notices(files, failures)
    ]
    if fmt == "docx":
        Path(output).write_bytes(docx_bytes(sets, lang))
        count = sum(len(item["clauses"]) for item in sets)
        click.echo(_WRITTEN[lang].format(count=len(sets), clauses=count, output=output), err=True)
    else:
        text = "\n\n".join(render_text(item, lang) for item in sets) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
    if failures:
        sys.exit(EXIT_UNREADABLE)
