"""The Flask web app (placeholder until the web issue lands)."""

from __future__ import annotations

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory."""
    app = Flask(__name__)
    if test_config:
        app.config.update(test_config)
    return app
