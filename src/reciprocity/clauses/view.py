"""A clause laid out for a reader of one language: the ONE view the web report, the PDF, the terminal and the Word
annex show, each in its own way."""

from __future__ import annotations

from typing import Any

from ..i18n import formats
from ..report_view import code_label, lots_text, source_text
from ..rules.legal_links import reference_parts, worded

WORDS = {
    "en": {
        "annex": "Annex — proposed clauses",
        "reference": "Reference",
        "buyer": "Buyer",
        "subject": "Subject",
        "legal_basis": "Legal basis",
        "conditions": "How to use it",
        "documents": "Goes in",
        "offered_by": "Proposed for",
        "unconfirmed": "to be confirmed",
        "to_confirm": "To be confirmed: {text} (source: {source})",
        "none": "No clause to propose for this notice.",
        "rc": "consultation rules (RC)",
        "ccap": "special administrative terms (CCAP)",
        "colon": ": ",
        "note": "These clauses are models to adapt to the procurement and to check before use; they are not legal "
        "advice. The parts in brackets “[to complete: …]” are for the buyer to write.",
    },
    "fr": {
        "annex": "Annexe — clauses proposées",
        "reference": "Référence",
        "buyer": "Acheteur",
        "subject": "Objet",
        "legal_basis": "Fondement juridique",
        "conditions": "Mode d'emploi",
        "documents": "À insérer dans",
        "offered_by": "Proposée au titre de",
        "unconfirmed": "à vérifier",
        "to_confirm": "À vérifier : {text} (source : {source})",
        "none": "Aucune clause à proposer pour cet avis.",
        "rc": "règlement de la consultation (RC)",
        "ccap": "cahier des clauses administratives particulières (CCAP)",
        "colon": " : ",
        "note": "Ces clauses sont des modèles à adapter au marché et à vérifier avant usage ; elles ne constituent "
        "pas un conseil juridique. Les passages entre crochets « [à compléter : …] » sont à rédiger par "
        "l'acheteur.",
    },
}


def clause_view(clause: dict[str, Any], lang: str) -> dict[str, Any]:
    """One clause as shown: title, paragraphs, where it goes, the findings behind it, linked legal basis, how to
    use it, and what is to be confirmed ("à vérifier")."""
    words = WORDS[lang]
    offered_by = [
        code_label(item["code"], lang) + (f" ({lots_text([item['lot']], lang)})" if item.get("lot") else "")
        for item in clause.get("offered_by") or []
    ]
    return {
        "id": clause["id"],
        "title": clause["title"][lang],
        "text": clause["text"][lang],
        "paragraphs": clause["text"][lang].split("\n\n"),
        "lots_text": lots_text([clause.get("lot")], lang),
        "documents": formats.join((words[d] for d in clause.get("documents") or []), lang),
        "offered_by": formats.join(offered_by, lang) if offered_by else None,
        "legal_basis": reference_parts(clause.get("legal_basis"), lang),
        "legal_basis_text": worded(clause.get("legal_basis") or "", lang),
        "conditions": clause["conditions"][lang],
        "unconfirmed": clause.get("confidence") == "unconfirmed",
        "to_confirm": [
            words["to_confirm"].format(
                text=item.get(lang) or item.get("en"), source=source_text(item.get("source"), lang)
            )
            for item in clause.get("to_confirm") or []
        ],
        "codes": [item["code"] for item in clause.get("offered_by") or []],
        "lots": [item.get("lot") for item in clause.get("offered_by") or []],
    }


def clause_views(clauses: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    return [clause_view(clause, lang) for clause in clauses.get("clauses") or []]


def render_text(clauses: dict[str, Any], lang: str) -> str:
    """The clauses of one notice as plain text, for the terminal (`reciprocity clauses`)."""
    words, colon = WORDS[lang], WORDS[lang]["colon"]
    lines = [f"== {words['annex']}", f"   {words['reference']}{colon}{clauses.get('reference') or '—'}"]
    if clauses.get("title"):
        lines.append(f"   {words['subject']}{colon}{clauses['title']}")
    if clauses.get("buyer"):
        lines.append(f"   {words['buyer']}{colon}{clauses['buyer']}")
    lines.append(f"   {words['note']}")
    views = clause_views(clauses, lang)
    for number, view in enumerate(views, 1):
        flag = f" ({words['unconfirmed']})" if view["unconfirmed"] else ""
        lines += ["", f"-- {number}. {view['title']}{flag}", f"   {words['documents']}{colon}{view['documents']}"]
        if view["offered_by"]:
            lines.append(f"   {words['offered_by']}{colon}{view['offered_by']}")
        lines.append(f"   {words['legal_basis']}{colon}{view['legal_basis_text']}")
        lines += [""] + [line for paragraph in view["paragraphs"] for line in (paragraph, "")]
        lines.append(f"   {words['conditions']}{colon}{view['conditions']}")
        lines += [f"   {item}" for item in view["to_confirm"]]
    if not views:
        lines += ["", f"   {words['none']}"]
    return "\n".join(lines)


def attach_to_groups(sections: list[dict[str, Any]], views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put each clause under the report's finding groups it fixes (`group["clauses"]`, same code and lot); return
    the clauses no shown finding offers (the advance), for a section of their own."""
    placed: set[int] = set()
    for section in sections:
        for group in section["groups"]:
            lots = set(group.get("lots") or [None])
            group["clauses"] = [
                view
                for view in views
                if any(
                    code == group["code"] and lot in lots for code, lot in zip(view["codes"], view["lots"], strict=True)
                )
            ]
            placed.update(id(view) for view in group["clauses"])
    return [view for view in views if id(view) not in placed]
