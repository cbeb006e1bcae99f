"""SIREN/SIRET (Luhn, La Poste exception), FR VAT key and EU VAT: real valid numbers and corrupted ones."""

from __future__ import annotations

import pytest

from reciprocity.identifiers import (
    check_identifier,
    compact,
    established_country,
    is_valid_fr_vat,
    is_valid_siren,
    is_valid_siret,
)

# Real SIRENs: La Poste, Peugeot (552100554), Michelin (855200887), Air France (420495178), Total (542051180).
VALID_SIRENS = ["356000000", "552100554", "855200887", "420495178", "542051180", "483209383"]
# La Poste head office (passes Luhn) and establishments (valid by the digit-sum-multiple-of-5 rule only).
VALID_SIRETS = ["35600000000048", "35600000049837", "35600000052135", "55210055400013", "44306184100013",
                "21930048000015", "130 012 347 00014"]


@pytest.mark.parametrize("number", VALID_SIRENS)
def test_valid_siren(number):
    assert is_valid_siren(number)


@pytest.mark.parametrize("number", ["356000001", "552100555", "123456789", "12345678", "5521005540"])
def test_corrupted_siren(number):
    assert not is_valid_siren(number)


@pytest.mark.parametrize("number", VALID_SIRETS)
def test_valid_siret(number):
    assert is_valid_siret(number)


@pytest.mark.parametrize("number", [
    "35600000049838",  # La Poste establishment with a wrong last digit (sum no longer a multiple of 5)
    "55210055400014",  # last digit changed
    "12345678900022",  # decp-processing fixture: fails
    "11122233344455",  # passes Luhn as a SIRET, but its SIREN 111222333 does not
    "5521005540001",   # 13 digits
])
def test_corrupted_siret(number):
    assert not is_valid_siret(number)


def test_la_poste_establishment_is_not_plain_luhn():
    """The exception matters: 35600000049837 fails Luhn, so a plain Luhn check would call it invalid."""
    from stdnum import luhn

    assert not luhn.is_valid("35600000049837")
    assert is_valid_siret("35600000049837")


@pytest.mark.parametrize("number", ["FR21483209383", "FR 21 483 209 383", "FR40303265045", "fr21483209383"])
def test_valid_fr_vat(number):
    assert is_valid_fr_vat(number)


@pytest.mark.parametrize("number", ["FR22483209383", "FR21483209384", "FRXX483209383", "FR2148320938"])
def test_corrupted_fr_vat(number):
    assert not is_valid_fr_vat(number)


def test_compact_strips_labels_and_separators():
    assert compact("SIRET: 552 100 554 00013") == "55210055400013"
    assert compact("TVA FR-21.483.209.383") == "FR21483209383"


@pytest.mark.parametrize(("value", "hint", "country", "kind", "valid", "proves"), [
    ("55210055400013", None, "FR", "siret", True, "FR"),
    ("55210055400014", None, None, "siret", False, None),
    ("552100554", "SIREN", None, "siren", True, "FR"),
    ("FR21483209383", None, None, "fr-vat", True, "FR"),
    ("FR22483209383", None, "FR", "fr-vat", False, None),
    ("DE129273398", None, None, "eu-vat", True, "DE"),
    ("EL094259216", None, None, "eu-vat", True, "GR"),
    ("123456789", None, "NO", None, None, None),  # a Norwegian org number is not a SIREN
    ("EU-PO", None, "LU", None, None, None),
])
def test_check_identifier(value, hint, country, kind, valid, proves):
    result = check_identifier(value, hint, country)
    assert (result.kind, result.valid, result.country) == (kind, valid, proves)


def test_established_country_from_identifiers_only():
    assert established_country(["FR21483209383"], [], None) == "FR"
    assert established_country(["55210055400014"], ["SIRET"], None) is None
    assert established_country(["ACME-42"], [], None) is None
