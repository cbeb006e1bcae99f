"""Minimum-turnover extraction from selection-criteria text (feeds SME-TURNOVER-CAP, CCP R2142-7).

Phrasings marked "corpus" are copied from real notices of ../shared/corpus (TED LEFTI texts, eForms BT-750);
the others are written the way French and British buyers write them.
"""

from decimal import Decimal

import pytest

from reciprocity.model import Money
from reciprocity.rules.turnover_text import extract_min_turnover, find_min_turnover, lots_named, parse_number

POSITIVE = [
    # French
    ("chiffre d'affaires annuel minimum de 2 500 000 € HT", "2500000", "EUR"),
    ("Chiffre d'affaires annuel minimum : 2\u00a0500\u00a0000\u00a0€ HT", "2500000", "EUR"),
    ("Chiffre d'affaires annuel minimum exigé : 2\u202f500\u202f000 € HT", "2500000", "EUR"),
    ("Le candidat doit justifier d'un chiffre d'affaires minimum de 2,5 M€.", "2500000", "EUR"),
    ("CA minimum : 1.200.000 euros", "1200000", "EUR"),
    ("— avoir un CA minimum annuel de 600 000 EUR.", "600000", "EUR"),  # corpus
    ("Chiffre d'affaires annuel global devant être au moins égal ou supérieur à 200 000 EUR.",
     "200000", "EUR"),  # corpus
    ("Le chiffre d'affaires annuel minimum exigé des candidats au lot 1 «Assistance et conseil juridique» et au "
     "lot 2 «assistance et conseil financier» est de 800 000 EUR.", "800000", "EUR"),  # corpus
    ("Dans le cas où le candidat répond aux 2 lots, son chiffre d’affaires devra être supérieur ou égal à "
     "1 800 000 EUR. Critère éliminatoire", "1800000", "EUR"),  # corpus
    ("le soumissionnaire doit pouvoir justifier que son chiffre d'affaires global annuel est de minimum "
     "2.000.000€ HTVA.", "2000000", "EUR"),  # corpus (eForms BT-750, Belgian buyer)
    ("les soumissionnaires devront justifier de la réalisation d'un chiffre d'affaires annuel minimal de "
     "300 000 EUR au cours des 3 derniers exercices clos", "300000", "EUR"),  # corpus
    ("Pour le lot 2: — le chiffre d'affaires annuel pour les services demandés doit être supérieur à "
     "1 000 000 EUR,", "1000000", "EUR"),  # corpus
    ("Le candidat, opérateur économique répondant seul ou le groupement d'entreprises doit disposer d'un chiffre "
     "d'affaires annuel minimum en signalisation ferroviaire de 31 000 000 EUR pour l'année 2015.",
     "31000000", "EUR"),  # corpus: "2015" is a year, not the amount
    ("Chiffre d'affaires annuel moyen sur les trois derniers exercices d'au moins 1,5 million d'euros HT",
     "1500000", "EUR"),
    ("Capacité financière : CA HT annuel ≥ 750 000 €", "750000", "EUR"),
    ("Chiffre d’affaires minimum requis : 450 K€ HT par an", "450000", "EUR"),
    ("Chiffre d'affaires annuel minimum de 1 250 000,50 euros", "1250000.50", "EUR"),
    ("Le chiffre d'affaires annuel du candidat devra être supérieur ou égal à:\n— 500 000 EUR pour le lot 1\n"
     "— 200 000 EUR pour le lot 2", "200000", "EUR"),  # lowest of a per-lot list
    ("CA HT minimum annuel : 2 M€ (moyenne sur 3 ans)", "2000000", "EUR"),
    ("Le candidat doit avoir réalisé un chiffre d'affaires d'au moins 750 000 € HT lors de chacun des trois derniers "
     "exercices.", "750000", "EUR"),
    ("Niveau minimal : CA annuel moyen des 3 dernières années ≥ 1,2 M€ HT", "1200000", "EUR"),
    ("CA > 500 K€", "500000", "EUR"),
    # English
    ("minimum turnover of EUR 1.2 million", "1200000", "EUR"),
    ("Turnover: minimum £2,000,000 per annum", "2000000", "GBP"),
    ("Minimum annual turnover of 2 million euros", "2000000", "EUR"),
    ("Minimum turnover of EUR 250,000 and professional indemnity insurance of EUR 5m", "250000", "EUR"),
    ("A minimum annual turnover of £500k is required.", "500000", "GBP"),
    ("Annual turnover of at least 3 000 000 EUR over the last 3 years", "3000000", "EUR"),
    ("Bidders will be required to have a minimum ‘general’ yearly turnover of GBP 200 000.00 for the last 3 "
     "years.", "200000.00", "GBP"),  # corpus
    ("1) Average annual turnover for the last 3 years at least EUR 600 000.00;", "600000.00", "EUR"),  # corpus
    ("(A) A total annual turnover of at least EUR 1,000 million", "1000000000", "EUR"),  # corpus
    ("Min annual turnover: EUR 30 000 000 Min net asset value: = or > EUR 20 000 000", "30000000", "EUR"),  # corpus
    ("Tenderers must have an annual turnover of not less than €2m.", "2000000", "EUR"),
    ("Minimum yearly turnover: 1,500,000 EUR", "1500000", "EUR"),
    ("The supplier shall demonstrate a turnover in excess of £1.5 million per annum.", "1500000", "GBP"),
    ("Minimum annual turnover CHF 800'000", "800000", "CHF"),
    ("Annual turnover of at least DKK 10 mio.", "10000000", "DKK"),
    ("Pour éviter un état de dépendance, la SNCF exige un CA minimum qui est fixé à 6 500 000 EUR pour un lot, "
     "13 000 000 EUR pour 2 lots", "6500000", "EUR"),  # corpus: lowest of per-lot amounts
]


@pytest.mark.parametrize(("text", "amount", "currency"), POSITIVE, ids=lambda v: str(v)[:40])
def test_minimum_turnover_is_read(text: str, amount: str, currency: str) -> None:
    found = extract_min_turnover(text)
    assert found == Money(Decimal(amount), currency)


NEGATIVE = [
    # a turnover asked for, with no minimum (the usual DC2 wording) — corpus
    "Déclaration concernant le chiffre d'affaires global et le chiffre d'affaires concernant les prestations "
    "objet du contrat, réalisées au cours des 3 derniers exercices disponibles.",
    "1) Average annual turnover for the last 3 years;",  # corpus
    # a minimum with no currency stated: never assume EUR
    "— chiffre d'affaires annuel > 5 M;",  # corpus
    "chiffre d'affaires annuel minimum dans le métier concerné pour le dernier exercice: 6,64 mio,",  # corpus
    "Minimum turnover: 2 000 000",
    # a ratio or a multiple of the contract value, not an amount
    "Le chiffre d'affaires annuel minimum doit être au moins égal à 2 fois le montant annuel du marché.",
    "(C) An EBIT margin of at least 5 % - calculated by dividing EBIT with turnover (EBIT/turnover*100)",  # corpus
    "Ratio chiffre d'affaires / montant du marché supérieur ou égal à 1,5",
    "The bidder shall have a minimum annual turnover of twice the contract value.",
    # a number of years
    "Minimum turnover required for each of the last 3 financial years.",
    # an insurance amount or an asset value next to a turnover
    "Chiffre d'affaires des 3 derniers exercices et attestation d'assurance RC d'un montant minimum de "
    "2 000 000 €.",
    "Turnover statements for the last three years; professional indemnity insurance of at least EUR 5 million.",
    "Chiffre d'affaires : 3 derniers exercices ; assurance RC pro minimum 1 M€",
    "Annual turnover and a balance sheet showing net assets of at least EUR 1 000 000.",
    # a turnover stated, not required
    "Le chiffre d'affaires de l'entreprise sortante était de 3 000 000 € en 2023.",
    # the contract's estimated value, then a cumulative multi-year total (not a yearly minimum) — corpus
    "CA minimum: le marché étant estime à 6 000 000 EUR HTVA sur 10 ans, donc 600 000 EUR/an, le montant du "
    "chiffre d’affaires cumule sur les 3 ans doit atteindre 450 000 EUR",
    "Le chiffre d'affaires dans le domaine ATM doit être supérieur à 20 000 000 EUR HT sur les 3 derniers "
    "exercices cumulés.",  # corpus
    # a turnover scored, not a minimum amount — corpus
    "capacités financières noté sur 20 points, au regard de l'importance du chiffre d'affaires réalisé",
    "disposer d'un chiffre d'affaires annuel strictement supérieur à zéro dans des projets de signalisation",
    # no turnover word at all
    "at least 3 000 000 EUR over the last 3 years",
    "Le montant estimé du marché est de 800 000 € HT. Chiffre d'affaires minimum exigé : voir règlement.",
    "Minimum 3 références de plus de 100 000 € HT.",
    "",
]


@pytest.mark.parametrize("text", NEGATIVE, ids=lambda v: v[:40])
def test_no_minimum_turnover_is_invented(text: str) -> None:
    assert extract_min_turnover(text) is None


def test_none_text() -> None:
    assert extract_min_turnover(None) is None


def test_clause_is_kept_as_evidence() -> None:
    text = "Références : 3 marchés similaires. Chiffre d'affaires annuel minimum de 400 000 € HT."
    found = find_min_turnover(text)
    assert found is not None
    assert found.clause == "Chiffre d'affaires annuel minimum de 400 000 € HT."


def test_mixed_currencies_give_none() -> None:
    assert extract_min_turnover("Minimum turnover EUR 1 000 000 or GBP 850 000") is None


@pytest.mark.parametrize(("text", "value"), [
    ("2 500 000", "2500000"), ("1.200.000", "1200000"), ("1,200,000.00", "1200000.00"),
    ("1.200.000,50", "1200000.50"), ("2,5", "2.5"), ("1.2", "1.2"), ("600 000.00", "600000.00"), ("800'000", "800000"),
])
def test_number_separators(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(("clause", "lots"), [
    ("Le chiffre d'affaires annuel minimum exigé des candidats au lot 1 et au lot 2 est de 800 000 EUR.", {1, 2}),
    ("pour les lots nº 2 à nº 6 : 100 000,00 EUR HT", {2, 3, 4, 5, 6}),
    ("Lots 2-4 and lot 7: minimum turnover EUR 1m", {2, 3, 4, 7}),
    ("pour le lot nº 1 : 500 000,00 EUR HT", {1}),
    ("Chiffre d'affaires annuel minimum de 200 000 €", None),
    ("6 500 000 EUR pour un lot, 13 000 000 EUR pour 2 lots", None),  # a count of lots, not lot numbers
    ("pour chacun des lots 1A, 2A et 3A", None),  # lot codes we cannot match to numbers
])
def test_lots_named_in_a_clause(clause: str, lots: set[int] | None) -> None:
    assert lots_named(clause) == lots


PER_LOT = ("Le candidat démontre qu'il réalise annuellement le chiffre d'affaire minimum suivant: — pour le lot nº 1 : "
           "650 000 EUR, — pour le lot nº 2 : 500 000 EUR, — pour les lots n os 3 et 4 : 300 000 EUR.")  # corpus-like


@pytest.mark.parametrize(("lot_number", "amount"), [(1, "650000"), (2, "500000"), (3, "300000"), (4, "300000"),
                                                    (5, None), (None, "300000")])
def test_per_lot_list_gives_each_lot_its_amount(lot_number: int | None, amount: str | None) -> None:
    found = find_min_turnover(PER_LOT, lot_number)
    assert (found.money.amount if found else None) == (Decimal(amount) if amount else None)
