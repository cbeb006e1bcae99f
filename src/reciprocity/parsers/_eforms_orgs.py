"""eForms organisations: the ORG-xxxx index every buyer and winner reference resolves through (OPT-200)."""

from __future__ import annotations

from dataclasses import replace

from lxml import etree

from ..model import Organisation, sme_of_size
from ._eforms_values import EXT, Reader, code, codes, every, first

_ORGANIZATIONS = f"{EXT}/efac:Organizations"
_SIZES = {"micro", "small", "medium", "sme", "large"}


class Organisations:
    """Organisations of one notice by technical id (OPT-200), with owner nationalities (BT-706) resolved."""

    def __init__(self, root: etree._Element, reader: Reader) -> None:
        self.reader = reader
        self._elements: dict[str, etree._Element] = {}
        self._built: dict[str, Organisation] = {}
        block = first(root, _ORGANIZATIONS)
        self._ubo_nationalities = _ubo_nationalities(block)
        if block is None:
            return
        for organization in every(block, "efac:Organization"):
            org_id = code(organization, "efac:Company/cac:PartyIdentification/cbc:ID")
            if org_id and org_id not in self._elements:
                self._elements[org_id] = organization

    def get(self, org_id: str | None) -> Organisation | None:
        """A fresh copy of the organisation `org_id`, or None when the notice does not define it."""
        if org_id is None or org_id not in self._elements:
            return None
        if org_id not in self._built:
            self._built[org_id] = self._build(org_id, self._elements[org_id])
        built = self._built[org_id]
        return replace(built, identifiers=list(built.identifiers), identifier_types=list(built.identifier_types),
                       owner_nationalities=list(built.owner_nationalities))

    def _build(self, org_id: str, organization: etree._Element) -> Organisation:
        read = self.reader
        company = first(organization, "efac:Company")
        address = first(company, "cac:PostalAddress")
        ids, types = _identifiers(company, org_id)
        return Organisation(
            name=read.text(company, "cac:PartyName/cbc:Name"),  # BT-500
            country=read.country(code(address, "cac:Country/cbc:IdentificationCode"), "BT-514"),
            city=read.text(address, "cbc:CityName"),  # BT-513
            postcode=code(address, "cbc:PostalZone"),  # BT-512
            nuts=code(address, "cbc:CountrySubentityCode"),  # BT-507
            identifiers=ids,
            identifier_types=types,
            size=(size := self._size(company)),
            sme=sme_of_size(size),  # BT-165 "large" says the winner is no SME
            owner_nationalities=self._owner_nationalities(organization),
            listed_on_regulated_market=read.boolean(organization, "efbc:ListedOnRegulatedMarketIndicator",
                                                    "BT-746"),
        )

    def _size(self, company: etree._Element) -> str | None:
        """BT-165 winner size: micro | small | medium | large, or just sme."""
        size = code(company, "efbc:CompanySizeCode")
        if size is not None and size not in _SIZES:
            self.reader.warn("BT-165", f"unknown company size {size!r}")
            return None
        return size

    def _owner_nationalities(self, organization: etree._Element) -> list[str]:
        """BT-706 via OPT-302: the nationalities of the organisation's ultimate beneficial owners, alpha-2."""
        nationalities: list[str] = []
        for ubo_id in codes(organization, "efac:UltimateBeneficialOwner/cbc:ID"):
            for alpha3 in self._ubo_nationalities.get(ubo_id, []):
                alpha2 = self.reader.country(alpha3, "BT-706")
                if alpha2 and alpha2 not in nationalities:
                    nationalities.append(alpha2)
        return nationalities


def _ubo_nationalities(block: etree._Element | None) -> dict[str, list[str]]:
    """UBO-xxxx -> its NationalityID codes (alpha-3)."""
    if block is None:
        return {}
    return {
        ubo_id: codes(ubo, "efac:Nationality/cbc:NationalityID")
        for ubo in every(block, "efac:UltimateBeneficialOwner")
        if (ubo_id := code(ubo, "cbc:ID"))
    }


def _identifiers(company: etree._Element, org_id: str) -> tuple[list[str], list[str | None]]:
    """BT-501 registration numbers (PartyLegalEntity/CompanyID) plus any PartyIdentification other than OPT-200."""
    ids: list[str] = []
    types: list[str | None] = []
    elements = [*every(company, "cac:PartyLegalEntity/cbc:CompanyID"),
                *every(company, "cac:PartyIdentification/cbc:ID")]
    for element in elements:
        value = " ".join((element.text or "").split())
        if not value or value == org_id or value in ids:
            continue
        ids.append(value)
        types.append(element.get("schemeName") or element.get("schemeID"))
    return ids, types
