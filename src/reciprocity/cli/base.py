"""The command group, its settings and the error rendering shared by every `reciprocity` command."""

from __future__ import annotations

import sys

import click

from ..audit.sources import iter_paths
from ..errors import NoticeParseError, ReciprocityError
from ..parsers import DEFAULT_MAX_BYTES, iter_parse


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


def max_bytes() -> int:
    """The --max-notice-bytes setting of the root command."""
    return click.get_current_context().find_root().obj["max_bytes"]


def iter_notices(paths: tuple[str, ...], failures: list[str]):
    """Yield every notice of every file (folders searched; README and `*.expected.json` files beside the notices
    skipped, see `sources.NOT_NOTICES`); a failing file (or record) is reported on stderr and skipped."""
    for path in iter_paths(paths):
        try:
            for item in iter_parse(path, max_bytes=max_bytes()):
                if isinstance(item, NoticeParseError):
                    failures.append(str(item))
                    click.echo(f"Error: {item}", err=True)
                else:
                    yield item
        except ReciprocityError as exc:
            failures.append(str(exc))
            click.echo(f"Error: {exc}", err=True)


db_option = click.option("--db", "db", envvar="RECIPROCITY_DB", default="reciprocity.db", show_default=True,
                          help="SQLite database (or $RECIPROCITY_DB).")
