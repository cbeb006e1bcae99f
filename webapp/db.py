"""One database handle per request, on `flask.g`, opened lazily and closed at teardown."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlite_utils import Database

from reciprocity.store import open_db


def get_db() -> Database:
    """The request's database (RECIPROCITY_DB / DATABASE setting), opened on first use."""
    if "db" not in g:
        g.db = open_db(current_app.config["DATABASE"], create=False)
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    """Close the request's handle, if one was opened."""
    database = g.pop("db", None)
    if database is not None:
        database.conn.close()


def init_app(app: Flask) -> None:
    """Create the schema once (an empty database shows empty pages), close the handle after every request."""
    open_db(app.config["DATABASE"], create=True).conn.close()
    app.teardown_appcontext(close_db)
