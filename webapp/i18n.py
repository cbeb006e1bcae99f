"""French by default, English by a switch (`?lang=en`, remembered in a cookie): every visible string, both complete."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, request, url_for

from reciprocity.draft import AWARD_TYPES, CURRENCIES, E_SUBMISSION, LEGAL_TYPES, NATURES, PROCEDURE_TYPES

from .messages import MESSAGES

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
COOKIE = "lang"
# code lists shown in forms and reports: code -> (English, French)
CODE_LISTS: dict[str, dict[str, tuple[str, str]]] = {
    "legal_type": LEGAL_TYPES, "procedure_type": PROCEDURE_TYPES, "nature": NATURES,
    "e_submission": E_SUBMISSION, "award_type": AWARD_TYPES,
    "currency": {code: (code, code) for code in CURRENCIES},
    "yes_no": {"yes": ("Yes", "Oui"), "no": ("No", "Non")},
}
# filters whose values are codes with a translated name
_FILTER_PREFIX = {"origin_class": "origin.", "severity": "severity.", "kind": "kind."}


def current_language() -> str:
    """The request's language: the query switch, else the cookie, else French."""
    return g.get("lang", DEFAULT)


def translate(key: str, **values: Any) -> str:
    """The text of `key` in the request's language; a missing key is a bug, shown as the key itself."""
    french, english = MESSAGES.get(key, (key, key))
    text = english if current_language() == "en" else french
    return text.format(**values) if values else text


def label(code_list: str, code: str | None) -> str:
    """A code's label in the request's language (the code itself when unknown)."""
    if code is None:
        return "—"
    english, french = CODE_LISTS[code_list].get(code, (code, code))
    return english if current_language() == "en" else french


def localized(item: dict[str, Any], key: str) -> Any:
    """A finding's `message`/`recommendation` in the request's language (`<key>_fr` in French)."""
    if current_language() == "fr" and item.get(f"{key}_fr"):
        return item[f"{key}_fr"]
    return item.get(key)


def term(prefix: str, key: str) -> str:
    """The translated name of a data key (e.g. a coverage field), the key itself when none is written."""
    return translate(f"{prefix}.{key}") if f"{prefix}.{key}" in MESSAGES else key


def yes_no(value: bool | None) -> str:
    """Yes / no / — in the request's language."""
    return "—" if value is None else label("yes_no", "yes" if value else "no")


def option_label(filter_key: str, value: Any) -> str:
    """The name shown for a filter value: translated for codes, as is for countries, years, CPV."""
    prefix = _FILTER_PREFIX.get(filter_key)
    return translate(prefix + str(value)) if prefix else str(value)


def switch_url(language: str) -> str:
    """This page in another language (a GET keeps its query string; after a POST, the check page)."""
    if request.method != "GET" or request.endpoint is None:
        return url_for("pages.check_form", lang=language)
    args = {**request.args.to_dict(), **(request.view_args or {}), "lang": language}
    return url_for(request.endpoint, **args)


def _pick_language() -> None:
    asked = request.args.get("lang")
    g.lang_switched = asked in LANGUAGES
    cookie = request.cookies.get(COOKIE)
    g.lang = asked if asked in LANGUAGES else cookie if cookie in LANGUAGES else DEFAULT


def _remember_language(response: Response) -> Response:
    if g.get("lang_switched"):
        response.set_cookie(COOKIE, g.lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    response.headers.setdefault("Content-Language", current_language())
    response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    """Pick the language per request and give templates `_`, `label`, `localized` and `lang`."""
    app.before_request(_pick_language)
    app.after_request(_remember_language)
    app.jinja_env.globals.update(_=translate, label=label, localized=localized, current_language=current_language,
                                 yes_no=yes_no, term=term, option_label=option_label, switch_url=switch_url)
