"""Shared fixtures of the web tests: an app over a temporary database seeded with notices built in code."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from reciprocity import assess
from reciprocity.audit.rows import assessment_rows
from reciprocity.audit.store import open_db, write_notice
from reciprocity.model import (
    AwardCriterion,
    Lot,
    LotResult,
    Money,
    Notice,
    Organisation,
    Procedure,
    Received,
    SelectionCriterion,
)
from webapp import create_app

SCRIPT_TITLE = "Fourniture de scanners <script>alert('x')</script> & accessoires"


def _competition() -> Notice:
    """A French hospital's open call for medical imaging, €6 M, one lot, price only, 20 days to answer."""
    procedure = Procedure(type="open", contract_nature="supplies", title=SCRIPT_TITLE, cpv_main="33110000",
                          estimated_value=Money(Decimal("6000000"), "EUR"), tender_deadline=date(2025, 9, 21),
                          electronic_submission=True)
    lot = Lot(id="LOT-0001", title="Scanners", cpv_main="33110000", estimated_value=Money(Decimal("6000000"), "EUR"),
              award_criteria=[AwardCriterion(type="price", name="Prix", weight=Decimal("100"))],
              selection_criteria=[SelectionCriterion("ef-stand", "CA minimal", Money(Decimal("20000000"), "EUR"))],
              tender_deadline=date(2025, 9, 21), electronic_submission="required")
    return Notice(id="00512345-2025", source_format="eforms", form="16", kind="competition",
                  publication_number="00512345-2025", dispatch_date=date(2025, 9, 1),
                  buyer=Organisation(name="CHU de Bordeaux", country="FR", legal_type="body-pl"),
                  procedure=procedure, lots=[lot])


def _result(number: int, year: int, winner: Organisation, amount: str) -> Notice:
    """A result notice of a French town, one lot, one winner."""
    procedure = Procedure(type="open", contract_nature="services", title=f"Nettoyage des écoles {year}",
                          cpv_main="90910000", estimated_value=Money(Decimal(amount), "EUR"))
    result = LotResult(lot_id="LOT-0001", status="awarded", received=Received(total=3, sme=1),
                       winners=[winner], value=Money(Decimal(amount), "EUR"))
    return Notice(id=f"{number:08d}-{year}", source_format="eforms", form="29", kind="result",
                  publication_number=f"{number:08d}-{year}", dispatch_date=date(year, 5, 2),
                  buyer=Organisation(name="Ville de Nantes", country="FR", legal_type="la"), procedure=procedure,
                  lots=[Lot(id="LOT-0001", cpv_main="90910000")], results=[result])


def sample_notices() -> list[Notice]:
    """A competition notice (with a hostile title) and results won by French, German and Chinese firms."""
    return [
        _competition(),
        _result(100001, 2023, Organisation(name="Propreté Atlantique SAS", country="FR", size="small",
                                           identifiers=["81745263400014"], identifier_types=["SIRET"]), "420000"),
        _result(100002, 2024, Organisation(name="Reinigung Nord GmbH", country="DE", size="large"), "380000"),
        _result(100003, 2024, Organisation(name="Shenzhen Clean Tech Co", country="CN", size="large"), "510000"),
    ]


def seed(path: Path, notices: list[Notice]) -> None:
    """Store each notice's assessment the way an ingest run does (rows.py + store.write_notice)."""
    db = open_db(path)
    with db.conn:
        for notice in notices:
            write_notice(db, assessment_rows(assess(notice), "fixture"))
    db.conn.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "web.db"
    seed(path, sample_notices())
    return path


@pytest.fixture
def app(db_path: Path) -> Flask:
    return create_app({"TESTING": True, "DATABASE": str(db_path), "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
