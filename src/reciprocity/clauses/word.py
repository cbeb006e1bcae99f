"""The proposed clauses as a Word annex (python-docx): "Annexe — clauses proposées", the procurement's reference,
one section per clause (title, where it goes, legal basis linked to its text, the clause, how to use it, what is to
be confirmed), and the note that these are models to adapt, not legal advice."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from .view import WORDS, clause_views

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_bytes(clause_sets: list[dict[str, Any]], lang: str) -> bytes:
    """One Word document holding the clauses of every notice given (`clauses_for` results), in `lang`."""
    words = WORDS[lang]
    document = Document()
    document.core_properties.title = words["annex"]
    document.core_properties.language = lang
    document.add_heading(words["annex"], level=0)
    document.add_paragraph(words["note"]).runs[0].italic = True
    for clauses in clause_sets:
        _notice(document, clauses, lang)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _notice(document: Any, clauses: dict[str, Any], lang: str) -> None:
    words, colon = WORDS[lang], WORDS[lang]["colon"]
    document.add_heading(f"{words['reference']}{colon}{clauses.get('reference') or '—'}", level=1)
    for key in ("title", "buyer"):
        if clauses.get(key):
            _labelled(document.add_paragraph(), words["subject" if key == "title" else "buyer"] + colon, clauses[key])
    views = clause_views(clauses, lang)
    if not views:
        document.add_paragraph(words["none"])
    for number, view in enumerate(views, 1):
        _clause(document, number, view, words)


def _clause(document: Any, number: int, view: dict[str, Any], words: dict[str, str]) -> None:
    colon = words["colon"]
    flag = f" ({words['unconfirmed']})" if view["unconfirmed"] else ""
    document.add_heading(f"{number}. {view['title']}{flag}", level=2)
    _labelled(document.add_paragraph(), words["documents"] + colon, view["documents"])
    if view["offered_by"]:
        _labelled(document.add_paragraph(), words["offered_by"] + colon, view["offered_by"])
    basis = document.add_paragraph()
    basis.add_run(words["legal_basis"] + colon).bold = True
    for part in view["legal_basis"]:
        if part["url"]:
            _hyperlink(basis, part["text"], part["url"])
        else:
            basis.add_run(part["text"])
    for paragraph in view["paragraphs"]:
        document.add_paragraph(paragraph, style="Quote")
    _labelled(document.add_paragraph(), words["conditions"] + colon, view["conditions"]).runs[-1].italic = True
    for item in view["to_confirm"]:
        document.add_paragraph(item, style="List Bullet")


def _labelled(paragraph: Paragraph, label: str, text: str) -> Paragraph:
    paragraph.add_run(label).bold = True
    paragraph.add_run(text)
    return paragraph


def _hyperlink(paragraph: Paragraph, text: str, url: str) -> None:
    """A run linking to `url` (python-docx has no API for hyperlinks: the relationship and element by hand)."""
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.extend([style, underline])
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = text
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)
