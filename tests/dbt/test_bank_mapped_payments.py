"""Bank exports read through a declared layout reach the warehouse: their credits are payments
like any bank transfer's, their debits are not, and their statement keeps its balances."""

import os
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.config import CompanyRegistry, Paths
from ingest.landing import land_inbox

VALID = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "valid"
ARRIVED_AT = datetime(2026, 5, 16, 12, 0, tzinfo=UTC)
EXPORTS = ["bank_bancolombia_10029384756_20260515.csv", "bank_bogota_0550012345678_20260515.csv"]


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    paths = Paths(raw_dataset.data_dir)
    paths.inbox.mkdir(parents=True)
    for name in EXPORTS:
        shutil.copyfile(VALID / name, paths.inbox / name)
        os.utime(paths.inbox / name, (ARRIVED_AT.timestamp(), ARRIVED_AT.timestamp()))
    registry = CompanyRegistry(
        [
            {
                "company_id": "andina",
                "tax_id": "900417352-3",
                "bank_accounts": [
                    {"account": "10029384756", "currency": "COP"},
                    {"account": "0550012345678", "currency": "COP"},
                ],
            }
        ]
    )
    summary = land_inbox(paths, registry, now=ARRIVED_AT)
    assert summary.files_loaded == len(EXPORTS)
    return dbt_build(raw_dataset.data_dir, "+int_payments", "stg_bank__bank_statements")


def test_the_credits_of_mapped_exports_are_bank_transfer_payments_and_the_debits_are_not(
    warehouse,
):
    payments = warehouse.query(
        """
        select bank_account, payment_date, payment_amount, channel, source_format,
            remittance_text
        from int_payments
        order by bank_account, payment_amount
        """
    )

    assert payments == [
        (
            "0550012345678",
            datetime(2026, 5, 15).date(),
            Decimal("750000.50"),
            "bank_transfer",
            "bank_mapped",
            "ABONO FEA-000221",
        ),
        (
            "0550012345678",
            datetime(2026, 5, 15).date(),
            Decimal("1500000.00"),
            "bank_transfer",
            "bank_mapped",
            "TRANSFERENCIA PAGO FEA-000220",
        ),
        (
            "10029384756",
            datetime(2026, 5, 14).date(),
            Decimal("1190000.00"),
            "bank_transfer",
            "bank_mapped",
            "CONSIGNACIÓN SUCURSAL CALI FEA-000205 NIT 900123456-8",
        ),
        (
            "10029384756",
            datetime(2026, 5, 15).date(),
            Decimal("2380000.00"),
            "bank_transfer",
            "bank_mapped",
            "ABONO TRANSFERENCIA JOSÉ MARÍA PEÑA FEA-000210",
        ),
    ]


def test_the_movements_of_two_exports_of_different_accounts_stay_apart(warehouse):
    lines = warehouse.query(
        """
        select count(*), count(distinct bank_line_id), count(entry_reference)
        from int_bank_lines
        """
    )

    # Seven movements, two of them with a DCTO. reference; none merged with another.
    assert lines == [(7, 7, 2)]


def test_the_stated_balances_reach_the_statement_staging_model(warehouse):
    statements = warehouse.query(
        """
        select bank_account, opening_balance_amount, closing_balance_amount, balances_tie
        from stg_bank__bank_statements
        """
    )

    assert statements == [("10029384756", Decimal("16632500.50"), Decimal("18940000.00"), True)]
