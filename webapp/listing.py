"""The tender list page's controls: option labels (CPV divisions, procedures, buyer categories, sorts) and pager."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from reciprocity.cpv import division_label

from .i18n import current_language, label, option_label, translate
from .messages import MESSAGES


def list_option_label(key: str, value: Any) -> str:
    """The name a list control shows for a value, in the page's language (the code itself when unknown)."""
    if key == "cpv":
        name = division_label(str(value), current_language())
        return f"{value} – {name}" if name else str(value)
    if key == "procedure_type":
        return label("procedure_type", str(value))
    if key in ("buyer_category", "sort") and f"{key}.{value}" in MESSAGES:
        return translate(f"{key}.{value}")
    return option_label(key, value)


def cpv_label(code: str | None) -> str:
    """"45233140 – Travaux de construction" (the division's label) for a CPV code; "—" when absent."""
    if not code:
        return "—"
    name = division_label(code, current_language())
    return f"{code} – {name}" if name else code


def pager(listing: dict[str, Any]) -> dict[str, Any]:
    """Page links: the next page starts after this one's last row (its cursor); previous pages are numbered."""
    last = max(1, -(-listing["total"] // listing["per_page"]))
    page = listing["page"]
    return {"last": last, "previous": page - 1 if page > 1 else None,
            "next": page + 1 if listing["next"] else None, "after": listing["next"]}


def register(blueprint: Blueprint) -> None:
    """Give the templates of the app `list_option_label` and `cpv_label`."""
    blueprint.add_app_template_global(list_option_label)
    blueprint.add_app_template_global(cpv_label)
