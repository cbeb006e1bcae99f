"""Security: headers, CSP with no inline script or style, CSRF on forms, size limit, autoescape, settings."""

from __future__ import annotations

import re

import pytest

from reciprocity.errors import ConfigError
from webapp import create_app, parse_size, settings_from_env

pytest_plugins = ["web_fixtures"]  # app, client, db_path

PAGES = ["/", "/check", "/tenders", "/tenders/00512345-2025", "/tenders/00100003-2024", "/rules", "/nope"]


@pytest.mark.parametrize("path", PAGES + ["/api/v1/tenders", "/api/v1/nope"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_script_style_or_external_asset(client, path):
    html = client.get(path).get_data(as_text=True)
    assert "<script" not in html.replace("&lt;script", "")
    assert not re.search(r"\sstyle=", html) and "<style" not in html
    # the only external links: TED notices and the texts of the law (legal_links.yaml)
    law = r"ted\.europa\.eu|www\.legifrance\.gouv\.fr|eur-lex\.europa\.eu|curia\.europa\.eu"
    assert not re.search(rf'(src|href)="(https?:)?//(?!{law})', html)
    assert not re.search(r'src="(https?:)?//', html)


def test_report_title_with_script_is_shown_as_text(client):
    html = client.get("/tenders/00512345-2025").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_forms_need_a_csrf_token(db_path):
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": "t"})  # CSRF on, as in production
    client = app.test_client()
    response = client.post("/check", data={"up-text": "<ContractNotice/>"})
    assert response.status_code == 400 and "Traceback" not in response.get_data(as_text=True)
    page = client.get("/check").get_data(as_text=True)
    token = re.search(r'name="up-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/check", data={"up-csrf_token": token, "up-text": "<Foo/>"})
    assert response.status_code == 400 and 'id="check-error"' in response.get_data(as_text=True)


def test_upload_size_limit_gives_413_page(db_path):
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False,
                      "MAX_CONTENT_LENGTH": 2048})
    response = app.test_client().post("/check", data={"up-text": "x" * 10_000})
    assert response.status_code == 413 and "too-large" in response.get_data(as_text=True)


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    settings = settings_from_env({"RECIPROCITY_DB": "/tmp/a.db", "RECIPROCITY_MAX_UPLOAD": "5MB",
                                  "RECIPROCITY_SECRET_KEY": "s3cret", "RECIPROCITY_MAX_NOTICE_BYTES": "1000"})
    assert settings == {"DATABASE": "/tmp/a.db", "MAX_CONTENT_LENGTH": 5 * 1024 * 1024, "SECRET_KEY": "s3cret",
                        "MAX_NOTICE_BYTES": 1000}
    assert settings_from_env({})["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    assert settings_from_env({})["MAX_NOTICE_BYTES"] == 20 * 1024 * 1024
    with pytest.raises(ConfigError, match="RECIPROCITY_MAX_NOTICE_BYTES"):
        settings_from_env({"RECIPROCITY_MAX_NOTICE_BYTES": "²"})
    monkeypatch.setenv("RECIPROCITY_DB", str(tmp_path / "env.db"))
    monkeypatch.delenv("RECIPROCITY_SECRET_KEY", raising=False)
    app = create_app()
    assert app.config["DATABASE"] == str(tmp_path / "env.db")
    assert len(app.config["SECRET_KEY"]) == 64 and not app.debug


def test_workers_without_a_configured_key_share_the_one_stored_beside_the_database(monkeypatch, tmp_path):
    """Two gunicorn workers (two apps) on one database sign CSRF tokens alike; another database, another key."""
    import stat

    monkeypatch.delenv("RECIPROCITY_SECRET_KEY", raising=False)
    first = create_app({"DATABASE": str(tmp_path / "a.db")}).config["SECRET_KEY"]
    second = create_app({"DATABASE": str(tmp_path / "a.db")}).config["SECRET_KEY"]
    other = create_app({"DATABASE": str(tmp_path / "b.db")}).config["SECRET_KEY"]
    assert first == second != other and len(first) == 64
    key_file = tmp_path / "a.db.secret"
    assert key_file.read_text() == first and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_sizes_parse_and_bad_sizes_are_config_errors():

    assert parse_size("512K") == 512 * 1024 and parse_size("1048576") == 1048576 and parse_size("1 gb") == 1 << 30
    with pytest.raises(ConfigError):
        parse_size("lots")


def test_debug_is_off(app):
    assert not app.debug and not app.config.get("DEBUG")


def test_serve_runs_one_user_server_without_debugger(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from reciprocity.cli import main

    calls = []
    monkeypatch.setattr("werkzeug.serving.run_simple", lambda *args, **kwargs: calls.append((args, kwargs)))
    result = CliRunner().invoke(main, ["serve", "--port", "8123", "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 0, result.output
    (host, port, app), options = calls[0]
    assert (host, port) == ("127.0.0.1", 8123) and app.config["DATABASE"] == str(tmp_path / "s.db")
    assert options["use_debugger"] is False and options["use_reloader"] is False and not app.debug
