"""The Flask web app: check a draft notice, browse an audit database, and a JSON API for other tools.

It holds no logic of its own: every page and endpoint renders what the `reciprocity` library computes.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect

from reciprocity.errors import ConfigError
from reciprocity.parsers import DEFAULT_MAX_BYTES

DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024  # 20 MB
_UNITS = {"K": 1024, "KB": 1024, "M": 1024**2, "MB": 1024**2, "G": 1024**3, "GB": 1024**3}
log = logging.getLogger(__name__)


def parse_size(text: str) -> int:
    """'20MB', '512K' or a plain number of bytes -> bytes (for RECIPROCITY_MAX_UPLOAD)."""
    value = text.strip().upper()
    for unit in sorted(_UNITS, key=len, reverse=True):
        if value.endswith(unit) and value[: -len(unit)].strip().isdigit():
            return int(value[: -len(unit)]) * _UNITS[unit]
    if value.isdigit():
        return int(value)
    raise ConfigError(f"RECIPROCITY_MAX_UPLOAD: {text!r} is not a size such as 20MB")


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{name}: {value!r} is not a positive whole number")
    return int(value)


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read the RECIPROCITY_* variables (read when the app is created, never at import time)."""
    env = os.environ if environ is None else environ
    settings: dict[str, Any] = {
        "DATABASE": env.get("RECIPROCITY_DB", "reciprocity.db"),
        "MAX_CONTENT_LENGTH": parse_size(env.get("RECIPROCITY_MAX_UPLOAD", str(DEFAULT_MAX_UPLOAD))),
        "MAX_NOTICE_BYTES": _positive_int(env, "RECIPROCITY_MAX_NOTICE_BYTES", DEFAULT_MAX_BYTES),
    }
    if env.get("RECIPROCITY_SECRET_KEY"):
        settings["SECRET_KEY"] = env["RECIPROCITY_SECRET_KEY"]
    return settings


def shared_secret_key(database: str) -> str:
    """The key stored beside the database (`<db>.secret`, mode 0600), created once if absent.

    Every gunicorn worker serving the same database then signs CSRF tokens with the same key; a random
    per-process key would make forms fail whenever a request reached another worker.
    """
    path = Path(database).with_name(Path(database).name + ".secret")
    try:
        if not path.exists():
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            try:
                os.link(tmp, path)  # atomic: the first worker's key wins, the others read it
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        log.warning("RECIPROCITY_SECRET_KEY is not set and %s cannot be written (%s): using a random key "
                    "for this process only; set the variable when several workers serve", path, exc)
        return secrets.token_hex(32)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: settings from the environment, then `test_config` on top."""
    app = Flask(__name__)
    app.config.from_mapping(settings_from_env())
    app.config.update(
        WTF_CSRF_TIME_LIMIT=None, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True,
    )
    if test_config:
        app.config.update(test_config)
    # A pasted notice is a form field, not a file: Flask's 500 KB default for fields would refuse it.
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_CONTENT_LENGTH"]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = shared_secret_key(app.config["DATABASE"])
    app.json.sort_keys = False
    app.json.ensure_ascii = False  # UTF-8 bodies: French text stays readable (and shorter)
    _register(app)
    return app


def _register(app: Flask) -> None:
    from . import api, db, errors, i18n, limits, pages, present, security

    limits.init_app(app)  # first: no other hook may read a chunked body before its size is checked
    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)  # the API takes no cookies-based session: no CSRF to protect against
    db.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.jinja_env.globals.update(technical=present.technical)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
