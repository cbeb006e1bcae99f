"""French by default, English by a switch (`?lang=en`, remembered in a cookie): every visible string, both complete.

Interface words are in `messages.py`; codes, amounts, dates and countries are said by the library's `reciprocity.i18n`
in the request's language, so a page reads like the PDF and the terminal report.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, request, url_for
from markupsafe import Markup, escape

from reciprocity.i18n import formats, labels
from reciprocity.report_view import code_label
from reciprocity.rules.legal_links import reference_parts

from .messages import MESSAGES

LANGUAGES = formats.LANGUAGES
DEFAULT = formats.DEFAULT_LANGUAGE
COOKIE = "lang"
# filters whose values are codes with a label (list of the code, or a special rendering)
_FILTER_LISTS = {"origin_class": "origin_class", "severity": "severity", "kind": "kind"}


def current_language() -> str:
    """The request's language: the query switch, else the cookie, else French (API: else Accept-Language)."""
    return g.get("lang", DEFAULT)


def translate(key: str, **values: Any) -> str:
    """The text of `key` in the request's language; a missing key is a bug, shown as the key itself."""
    french, english = MESSAGES.get(key, (key, key))
    text = english if current_language() == "en" else french
    return text.format(**values) if values else text


def localized(item: dict[str, Any], key: str) -> Any:
    """`<key>_fr` of a record in French when it has one, else `<key>` (records that carry both languages)."""
    if current_language() == "fr" and item.get(f"{key}_fr"):
        return item[f"{key}_fr"]
    return item.get(key)


def has_text(key: str) -> bool:
    return key in MESSAGES


def label(code_list: str, code: Any) -> str:
    """A code's label in the request's language; "—" for none, the code itself when the list lacks it."""
    if code in (None, ""):
        return formats.NONE
    return labels.label(code_list, code, current_language()) or str(code)


def coded(code_list: str, code: Any) -> Markup:
    """A code's label, or the raw code in a small <code> element when the list lacks it (never a bare code)."""
    if code in (None, ""):
        return Markup(formats.NONE)
    text = labels.label(code_list, code, current_language())
    return Markup(escape(text)) if text else Markup(f"<code>{escape(code)}</code>")


def finding_label(code: str) -> Markup:
    """A finding code's short title, the code kept as a tooltip for those who search for it."""
    return Markup(f'<abbr title="{escape(code)}" class="finding-label">{escape(code_label(code, current_language()))}'
                  "</abbr>")


def country(code: Any) -> str:
    return labels.country(code, current_language()) or (formats.NONE if not code else str(code))


def money(value: Any) -> str:
    """A contract money value ({"amount", "currency"}) as "612 400,00 €"."""
    return formats.money_of(value, current_language())


def amount(value: Any, currency: str | None = "EUR") -> str:
    return formats.NONE if value in (None, "") else formats.money(value, currency, current_language())


def long_date(value: Any) -> str:
    return formats.long_date(value, current_language())


def number(value: Any) -> str:
    return formats.NONE if value is None else formats.number(value, current_language())


def percent(share: Any) -> str:
    return formats.percent(share, current_language())


def yes_no(value: bool | None) -> str:
    return label("yes_no", "unknown" if value is None else "yes" if value else "no")


def legal_reference(reference: str | None) -> Markup:
    """A legal reference with each part linked to its text (Légifrance, EUR-Lex, Curia)."""
    parts = reference_parts(reference, current_language())
    if not parts:
        return Markup(formats.NONE)
    return Markup("".join(
        f'<a href="{escape(part["url"])}" rel="noopener noreferrer" class="law">{escape(part["text"])}</a>'
        if part["url"] else str(escape(part["text"])) for part in parts))


def option_label(filter_key: str, value: Any) -> str:
    """The name shown for a filter value: labels for codes and findings, names for countries, as is otherwise."""
    if filter_key in _FILTER_LISTS:
        return label(_FILTER_LISTS[filter_key], value)
    if filter_key == "code":
        return code_label(str(value), current_language())
    if filter_key == "buyer_country":
        return country(value)
    return str(value)


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
    fallback = DEFAULT
    if request.path.startswith("/api/"):  # tools say which language they read in the usual header
        fallback = request.accept_languages.best_match(LANGUAGES) or DEFAULT
    g.lang = asked if asked in LANGUAGES else cookie if cookie in LANGUAGES else fallback


def _remember_language(response: Response) -> Response:
    if g.get("lang_switched"):
        response.set_cookie(COOKIE, g.lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    response.headers.setdefault("Content-Language", current_language())
    response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    """Pick the language per request and give templates the words and formats of that language."""
    app.before_request(_pick_language)
    app.after_request(_remember_language)
    app.jinja_env.globals.update(
        _=translate, label=label, coded=coded, finding_label=finding_label, country=country, money=money,
        amount=amount, date=long_date, number=number, percent=percent, yes_no=yes_no, legal=legal_reference,
        localized=localized,
        current_language=current_language, option_label=option_label, switch_url=switch_url)
