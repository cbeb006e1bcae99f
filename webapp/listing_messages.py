"""Texts of the list's search, sort, range and page-size controls (issue 14), French then English."""

from __future__ import annotations

LISTING_MESSAGES: dict[str, tuple[str, str]] = {
    "filter.q": ("Recherche (objet, acheteur, titulaires)", "Search (title, buyer, winners)"),
    "filter.procedure_type": ("Procédure", "Procedure"),
    "filter.buyer_category": ("Catégorie d'acheteur", "Buyer category"),
    "filter.date_from": ("Date du", "Date from"),
    "filter.date_to": ("au", "to"),
    "filter.value_min": ("Valeur de (€)", "Value from (€)"),
    "filter.value_max": ("à (€)", "to (€)"),
    "filter.sort": ("Trier par", "Sort by"),
    "filter.per_page": ("Marchés par page", "Tenders per page"),
    "filter.value_note": ("Date : envoi, sinon publication. Valeur : attribuée si connue, sinon estimée, en euros.",
                          "Date: dispatch, else publication. Value: awarded when known, else estimated, in euros."),
    "sort.priority": ("Priorité (la plus haute d'abord)", "Priority (highest first)"),
    "sort.date": ("Date (la plus récente d'abord)", "Date (newest first)"),
    "sort.date_asc": ("Date (la plus ancienne d'abord)", "Date (oldest first)"),
    "sort.value": ("Valeur (la plus élevée d'abord)", "Value (highest first)"),
    "sort.value_asc": ("Valeur (la plus faible d'abord)", "Value (lowest first)"),
    "tenders.estimated": ("Valeur estimée", "Estimated value"),
    "tenders.awarded": ("Valeur attribuée", "Awarded value"),
    "buyer_category.central": ("Autorité centrale", "Central government authority"),
    "buyer_category.sub-central": ("Autorité infranationale", "Sub-central authority"),
    "buyer_category.utilities": ("Entité adjudicatrice (secteurs spéciaux)", "Utilities entity"),
    "buyer_category.defence": ("Défense", "Defence"),
    "pager.first": ("Première", "First"),
}
