"""The `reciprocity` command line: a thin layer over the library; errors rendered once, here."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from .errors import NoticeParseError, ReciprocityError
from .parsers import iter_parse


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
def main() -> None:
    """Check public tender notices against EU and French reciprocity and SME-access rules."""


def iter_files(paths: tuple[str, ...]):
    """Expand folders (recursively) into the files below them, in a stable order."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            yield path


def iter_notices(paths: tuple[str, ...], failures: list[str]):
    """Yield every notice of every file; a failing file (or record) is reported on stderr and skipped."""
    for path in iter_files(paths):
        try:
            for item in iter_parse(path):
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
