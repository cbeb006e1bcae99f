"""The command group, its settings and the error rendering shared by every `reciprocity` command."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

import click

from ..audit.sources import iter_sources
from ..errors import NoticeParseError, ReciprocityError
from ..i18n.error_text import error_text
from ..parsers import DEFAULT_MAX_BYTES, iter_parse

# Exit statuses (README "Exit status"): a buyer's CI tells bad input from a policy failure.
EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE, EXIT_POLICY = 0, 1, 2, 3
_ERROR_WORD = {"en": "Error", "fr": "Erreur"}
_DETAIL = {"fr": " (détail technique : {})"}


def default_language(environ: Mapping[str, str] | None = None) -> str:
    """French when the user's locale is French (LC_ALL, LC_MESSAGES, then LANG), else English; read here, at the
    CLI's edge, never in the library. RECIPROCITY_LANG (the --lang option's variable) comes before this."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def language() -> str:
    """The --lang of the command being run (the default language before it is parsed)."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return (obj or {}).get("lang") or default_language()


def say_error(error: ReciprocityError | str) -> None:
    """`Error: …` / `Erreur : …` on one line of stderr, in the command's language (in French, the library's raw
    detail follows the sentence)."""
    lang = language()
    separator = " : " if lang == "fr" else ": "
    if isinstance(error, str):
        click.echo(f"{_ERROR_WORD[lang]}{separator}{error}", err=True)
        return
    if lang == "en":  # the library's own words are English already, and name the file and the problem
        click.echo(f"Error: {error}", err=True)
        return
    text = error_text(error, lang)
    detail = "" if str(error) == text else _DETAIL[lang].format(error)
    click.echo(f"{_ERROR_WORD[lang]}{separator}{text}{detail}", err=True)


class _Group(click.Group):
    """Turns every `ReciprocityError` into `Error: …` (in the command's language) and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ReciprocityError as exc:
            say_error(exc)
            sys.exit(EXIT_UNREADABLE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reciprocity")
@click.option("--max-notice-bytes", envvar="RECIPROCITY_MAX_NOTICE_BYTES", type=click.IntRange(min=1),
              default=DEFAULT_MAX_BYTES, show_default=True,
              help="Largest notice read whole (RECIPROCITY_MAX_NOTICE_BYTES); DECP files are streamed.")
@click.pass_context
def main(ctx: click.Context, max_notice_bytes: int) -> None:
    """Check public tender notices against EU and French reciprocity and SME-access rules."""
    ctx.obj = {"max_bytes": max_notice_bytes}  # the settings read from the environment, once, here


def _remember_language(ctx: click.Context, param: click.Parameter, value: str) -> str:
    ctx.find_root().obj["lang"] = value  # so that errors are worded in it too
    return value


lang_option = click.option(
    "--lang", type=click.Choice(["fr", "en"]), envvar="RECIPROCITY_LANG", default=default_language,
    callback=_remember_language, show_default="RECIPROCITY_LANG, else the locale",
    help="Language of what the command prints (RECIPROCITY_LANG, else French for a French locale, else English).")


def max_bytes() -> int:
    """The --max-notice-bytes setting of the root command."""
    return click.get_current_context().find_root().obj["max_bytes"]


def iter_notices(paths: tuple[str, ...], failures: list[str]):
    """Yield every notice of every file (folders searched; README and `*.expected.json` files beside the notices
    skipped, see `sources.NOT_NOTICES`); a failing file (or record) is reported on stderr and skipped."""
    for path in iter_sources(paths):
        if isinstance(path, NoticeParseError):  # a link out of the folder, a pipe…: said, not followed
            failures.append(str(path))
            click.echo(f"Error: {path}", err=True)
            continue
        try:
            for item in iter_parse(path, max_bytes=max_bytes()):
                if isinstance(item, NoticeParseError):
                    failures.append(str(item))
                    say_error(item)
                else:
                    yield item
        except ReciprocityError as exc:
            failures.append(str(exc))
            say_error(exc)


db_option = click.option("--db", "db", envvar="RECIPROCITY_DB", default="reciprocity.db", show_default=True,
                          help="SQLite database (or $RECIPROCITY_DB).")
