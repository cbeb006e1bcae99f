"""Errors rendered in one place: `{"error": code, "detail": text}` under /api/, a plain page elsewhere.

No stack trace ever reaches a client: unexpected exceptions are logged and answered with a generic 500.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from reciprocity.errors import NotFoundError, NoticeTooLargeError, ReciprocityError
from reciprocity.i18n.error_text import error_text

from .i18n import current_language, has_text, translate

# HTTP status -> the stable error code clients read
HTTP_CODES = {
    400: "bad-request", 404: "not-found", 405: "method-not-allowed", 413: "too-large",
    415: "unsupported-media-type", 500: "internal-error",
}


class ApiError(Exception):
    """An error a view raises on purpose, with its status, code and detail."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


def status_of(exc: ReciprocityError) -> int:
    """The HTTP status for a library error: 404 not found, 413 too large, else 400 bad input."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, NoticeTooLargeError):
        return 413
    return 400


def render_error(status: int, code: str, detail: str, technical_detail: str | None = None) -> Response:
    """The one renderer: JSON for the API, an HTML page for people; `detail` is in the request's language and the
    raw `technical_detail` (often a parser's words) is added to the API's detail and folded on the page."""
    if request.path.startswith("/api/"):
        extra = f" {translate('error.technical', detail=technical_detail)}" if technical_detail else ""
        response = jsonify({"error": code, "detail": detail + extra})
    else:
        response = Response(render_template("error.html", status=status, code=code, detail=detail,
                                            technical_detail=technical_detail))
    response.status_code = status
    return response


def _http_text(code: str, fallback: str) -> str:
    return translate(f"http.{code}") if has_text(f"http.{code}") else fallback


def _http(exc: HTTPException) -> Response:
    status = exc.code or 500
    code = HTTP_CODES.get(status, f"http-{status}")
    response = render_error(status, code, _http_text(code, exc.description or exc.name))
    if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    return response


def _library(exc: ReciprocityError) -> Response:
    text = error_text(exc, current_language())
    return render_error(status_of(exc), exc.code, text, str(exc) if str(exc) != text else None)


def _api(exc: ApiError) -> Response:
    return render_error(exc.status, exc.code, _http_text(exc.code, exc.detail), exc.detail)


def _unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _http(exc)
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return render_error(500, "internal-error", _http_text("internal-error", InternalServerError.description))


def init_app(app: Flask) -> None:
    """Register the handlers (and keep Flask from propagating exceptions outside testing)."""
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(ReciprocityError, _library)
    app.register_error_handler(ApiError, _api)
    app.register_error_handler(Exception, _unexpected)
