"""One database handle per request, on `flask.g`, opened lazily and closed at teardown."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g
from sqlite_utils import Database

from reciprocity.audit.store import generation, open_db


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


_CACHE: dict[tuple, Any] = {}
_CACHE_SIZE = 64
_CACHE_SECONDS = 60  # the longest an answer is kept, even if the store's generation missed a change


def cached_query(function: Callable[..., Any], *args: Any) -> Any:
    """`function(get_db(), *args)`, remembered until the database changes (for the slow aggregate pages).

    Aggregates over a large store (filter dropdowns, the report's figures) take a second; they change only
    when an ingest writes, so each worker keeps its last answers for at most a minute.
    """
    state = generation(get_db())  # moves with every batch an ingest writes (the file's mtime does not help:
    # closing a WAL database rewrites its -wal file on every request)
    key = (function.__module__, function.__qualname__, current_app.config["DATABASE"], repr(args), state,
           int(time.monotonic() // _CACHE_SECONDS))
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = function(get_db(), *args)
    return _CACHE[key]
