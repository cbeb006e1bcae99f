"""Legacy TED_EXPORT XML, R2.0.7 to R2.0.9 (all sub-versions): one `Notice` per file.

A TED file carries the notice once per language (up to 24 `FORM_SECTION` children); we read the one with
`@CATEGORY='ORIGINAL'`. Namespaces change between releases and sub-versions, so the original form and the
coded data are read by local name (`{*}` wildcard paths), whatever the namespace.
R2.0.9 forms (`F01_2014` … `F25_2014`, `MOVE`) are read by `_ted_r209`; the older R2.0.7/R2.0.8 forms
(`CONTRACT`, `CONTRACT_AWARD`, the defence forms, VEAT, PINs) by `_ted_r208`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from ..errors import NoticeParseError
from ..model import Notice
from . import _ted_r208, _ted_r209
from ._ted_values import attr, find, findtext, parse_date, publication_number
from ._xml import localname

_VERSION = re.compile(r"R2\.0\.\d\.S\d\d")
_DIRECTIVE = re.compile(r"^(\d{4})/(\d{1,4})/E[CU]$")

# TD_DOCUMENT_TYPE/@CODE -> kind, for forms whose kind depends on the notice type (F21-F23, MOVE, R2.0.8).
_KIND_BY_TD = {
    "0": "planning", "A": "planning", "M": "planning", "P": "planning", "I": "planning",
    "3": "competition", "Y": "competition", "D": "competition", "H": "competition", "O": "competition",
    "7": "result", "J": "result", "R": "result", "V": "dir-awa-pre", "K": "cont-modif", "2": "change",
}
# Form -> kind where the form alone decides it (brief / design.md).
_KIND_BY_FORM = {
    "F01": "planning", "F04": "planning", "F16": "planning", "PRIOR_INFORMATION_DEFENCE": "planning",
    "F02": "competition", "F05": "competition", "F12": "competition", "F17": "competition",
    "F24": "competition", "CONTRACT": "competition", "CONTRACT_DEFENCE": "competition",
    "F03": "result", "F06": "result", "F13": "result", "F18": "result", "F19": "result", "F25": "result",
    "CONTRACT_AWARD": "result", "CONTRACT_AWARD_DEFENCE": "result",
    "F15": "dir-awa-pre", "VOLUNTARY_EX_ANTE_TRANSPARENCY_NOTICE": "dir-awa-pre",
    "F20": "cont-modif", "F14": "change", "F08": "other",
}


def iter_root(root: etree._Element, source: str) -> Iterator[Notice | NoticeParseError]:
    """Yield the one notice of a TED_EXPORT document (or a NoticeParseError saying why it cannot be read)."""
    coded = _child(root, "CODED_DATA_SECTION")
    form = _original_form(root, findtext(coded, "NOTICE_DATA/LG_ORIG"))
    if form is None:
        yield NoticeParseError(source, "TED_EXPORT has no FORM_SECTION form to read")
        return
    notice = _header(root, form, coded, source)
    if notice.form.endswith("_2014") or notice.form == "MOVE":
        _ted_r209.read_form(form, notice)
    elif notice.form in _ted_r208.FORMS:
        _ted_r208.read_form(form, notice)
    else:
        yield NoticeParseError(source, f"TED form <{notice.form}> ({notice.schema_version}) is not supported")
        return
    if notice.procedure.legal_basis is None:  # S01/S02 and R2.0.8 name the directive in the coded data only
        notice.procedure.legal_basis = _celex(attr(find(coded, "CODIF_DATA/DIRECTIVE"), "VALUE"))
    yield notice


def _child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if localname(child) == name:
            return child
    return None


def _original_form(root: etree._Element, original_language: str | None) -> etree._Element | None:
    """The form with @CATEGORY='ORIGINAL' under FORM_SECTION (several: the one in LG_ORIG), else the first form."""
    section = _child(root, "FORM_SECTION")
    if section is None:
        return None
    forms = [f for f in section if isinstance(f.tag, str) and localname(f) != "NOTICE_UUID"]
    originals = [f for f in forms if f.get("CATEGORY") == "ORIGINAL"]
    in_language = [f for f in originals if original_language and f.get("LG") == original_language.strip()]
    return (in_language or originals or forms or [None])[0]


def _schema_version(root: etree._Element, form: etree._Element) -> str | None:
    """"R2.0.9.S05" from TED_EXPORT/@VERSION, the form's @VERSION, the namespace or xsi:schemaLocation."""
    candidates = [root.get("VERSION"), form.get("VERSION"), etree.QName(root).namespace,
                  root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")]
    for value in candidates:
        match = _VERSION.search(value or "")
        if match:
            return match.group(0)
    return None


def _header(root: etree._Element, form: etree._Element, coded: etree._Element | None, source: str) -> Notice:
    """Identity, dates, language and kind of the notice from TED_EXPORT and CODED_DATA_SECTION."""
    doc_id = root.get("DOC_ID")
    number = publication_number(doc_id)
    notice = Notice(id=number or f"ted:{doc_id or source}", source_format="ted", source=source,
                    schema_version=_schema_version(root, form), form=localname(form), publication_number=number)
    if number is None:
        notice.warn(f"TED_EXPORT/@DOC_ID: unreadable publication number {doc_id!r}")
    notice.dispatch_date = parse_date(_text_of(find(coded, "CODIF_DATA/DS_DATE_DISPATCH")), notice, "DS_DATE_DISPATCH")
    notice.publication_date = parse_date(_text_of(find(coded, "REF_OJS/DATE_PUB")), notice, "DATE_PUB")
    notice.language = attr(form, "LG") or _text_of(find(coded, "NOTICE_DATA/LG_ORIG"))
    notice.kind = _kind(form, notice.form, attr(find(coded, "CODIF_DATA/TD_DOCUMENT_TYPE"), "CODE"))
    uuid = _child(form.getparent(), "NOTICE_UUID")
    notice.notice_uuid = None if uuid is None else (uuid.text or "").strip() or None
    return notice


def _celex(directive: str | None) -> str | None:
    """CODIF_DATA/DIRECTIVE "2014/24/EU" -> the CELEX number of BT-01, "32014L0024"."""
    match = _DIRECTIVE.match(directive or "")
    return f"3{match.group(1)}L{int(match.group(2)):04d}" if match else None


def _text_of(element: etree._Element | None) -> str | None:
    return None if element is None or element.text is None else element.text.strip() or None


def _kind(form: etree._Element, form_name: str, td_code: str | None) -> str:
    """Kind from the form where it decides alone, else from TD_DOCUMENT_TYPE (F21-F23, MOVE, R2.0.8)."""
    name = form.get("FORM") if form_name.endswith("_2014") else form_name
    kind = _KIND_BY_FORM.get(name or "")
    if kind is None:
        kind = _KIND_BY_TD.get(td_code or "", "other")
    return kind
