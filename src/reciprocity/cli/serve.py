"""`serve`: the web app and JSON API on one machine."""

from __future__ import annotations

import click

from .base import lang_option, main

_SERVING = {"en": "Serving {db} on http://{host}:{port}/ (Ctrl-C to stop)",
            "fr": "Sert {db} sur http://{host}:{port}/ (Ctrl-C pour arrêter)"}


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--db", "db_path", envvar="RECIPROCITY_DB", default="reciprocity.db", show_default=True,
              type=click.Path(dir_okay=False), help="SQLite database the audit pages read (RECIPROCITY_DB).")
@lang_option
def serve(host: str, port: int, db_path: str, lang: str) -> None:
    """Serve the web app and JSON API for one user (werkzeug, debug off); use gunicorn for a shared server."""
    from werkzeug.serving import run_simple

    from webapp import create_app  # imported here: the library itself never imports flask

    app = create_app({"DATABASE": db_path})
    click.echo(_SERVING[lang].format(db=db_path, host=host, port=port), err=True)
    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)
