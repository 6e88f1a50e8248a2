"""Bank exports downloaded every day for the last days overlap: the movements two downloads
share reach the warehouse once, two identical movements of one day stay two, an export cut
mid-day merges with the full day's, and a movement with a bank reference is keyed by it."""

import json
import os
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ingest.config import CompanyRegistry, Paths
from ingest.landing import land_inbox_file

BANCOLOMBIA = "10029384756"
BOGOTA = "0550012345678"
DAVIVIENDA = "0457001234567"
BALANCE_WARNING = "warn_bank_exports_disagree_with_kept_lines"
OPENING_BALANCE = Decimal("5000000.00")

# (day of May 2026, description, text, bank document number, signed amount): Bancolombia's
# export, whose DCTO. column is the bank's reference when it gives one.
MAY_1_TO_7 = [
    (1, "ABONO TRANSFERENCIA", "FEA-000401", "", "1000000.00"),
    (2, "CUOTA MANEJO TARJETA", "", "", "-35000.00"),
    (3, "CONSIGNACION SUCURSAL", "FEA-000402", "", "2500000.00"),
    (4, "ABONO PSE", "FEA-000403", "", "300000.00"),
    (5, "TRANSFERENCIA", "FEA-000404", "0000905", "780000.00"),
    (6, "ABONO PSE", "FEA-000405", "", "450000.00"),
    (6, "ABONO PSE", "FEA-000405", "", "450000.00"),
    (7, "COMISION", "", "", "-12500.00"),
]
# The next download reads the referenced movement of the 5th with a longer description.
MAY_5_TO_11 = [
    (5, "TRANSFERENCIA RECIBIDA", "FEA-000404", "0000905", "780000.00"),
    *MAY_1_TO_7[5:],
    (8, "ABONO TRANSFERENCIA", "FEA-000406", "", "640000.00"),
    (9, "PAGO PROVEEDOR", "", "0000906", "-90000.00"),
    (10, "CONSIGNACION SUCURSAL", "FEA-000407", "", "1200000.00"),
    (11, "ABONO PSE", "FEA-000405", "", "450000.00"),
]

BOGOTA_HEADER = (
    "Cuenta;Fecha movimiento;Fecha valor;Código transacción;Concepto;Cuenta origen;Valor;Naturaleza"
)
PSE_CREDIT_ON_THE_12TH = f"{BOGOTA};2026-05-12;2026-05-12;TRF;ABONO PSE FEA-000502;;150.000,00;C"
# Downloaded at noon of the 12th: one of that day's three identical credits had arrived.
BOGOTA_UNTIL_NOON_OF_THE_12TH = [
    f"{BOGOTA};2026-05-11;2026-05-11;TRF;TRANSFERENCIA PAGO FEA-000501;;900.000,00;C",
    PSE_CREDIT_ON_THE_12TH,
]
BOGOTA_12TH_TO_13TH = [
    PSE_CREDIT_ON_THE_12TH,
    PSE_CREDIT_ON_THE_12TH,
    f"{BOGOTA};2026-05-12;2026-05-12;CHG;COMISION TRANSFERENCIA;;8.500,00;D",
    PSE_CREDIT_ON_THE_12TH,
    f"{BOGOTA};2026-05-13;2026-05-13;TRF;TRANSFERENCIA PAGO FEA-000503;;410.000,00;C",
]


def bancolombia_export(movements: list[tuple], opening_balance: Decimal) -> bytes:
    """The export as Bancolombia writes it: newest first, latin-1, the balance after each
    movement."""
    balance = opening_balance
    rows = []
    for day, description, text, document, amount in movements:
        balance += Decimal(amount)
        rows.append(
            f"{day:02d}/05/2026;{description};{text};{document};"
            f"{Decimal(amount):,.2f};{balance:,.2f}"
        )
    header = "FECHA;DESCRIPCIÓN;REFERENCIA;DCTO.;VALOR;SALDO"
    return "\n".join([header, *reversed(rows)]).encode("latin-1") + b"\n"


def bogota_export(rows: list[str]) -> bytes:
    return "\n".join([BOGOTA_HEADER, *rows]).encode("utf-8") + b"\n"


def balance_before(day: int) -> Decimal:
    earlier = [Decimal(movement[4]) for movement in MAY_1_TO_7 if movement[0] < day]
    return OPENING_BALANCE + sum(earlier, Decimal("0.00"))


# (file name, content, downloaded at)
DOWNLOADS = [
    (
        "bank_bancolombia_20260508.csv",
        bancolombia_export(MAY_1_TO_7, OPENING_BALANCE),
        datetime(2026, 5, 8, 13, 0, tzinfo=UTC),
    ),
    (
        "bank_bancolombia_20260512.csv",
        bancolombia_export(MAY_5_TO_11, balance_before(5)),
        datetime(2026, 5, 12, 13, 0, tzinfo=UTC),
    ),
    (
        "bank_bogota_20260512.csv",
        bogota_export(BOGOTA_UNTIL_NOON_OF_THE_12TH),
        datetime(2026, 5, 12, 17, 0, tzinfo=UTC),
    ),
    (
        "bank_bogota_20260514.csv",
        bogota_export(BOGOTA_12TH_TO_13TH),
        datetime(2026, 5, 14, 13, 0, tzinfo=UTC),
    ),
]


def davivienda_line(day: int, text: str, direction: str, amount: str) -> dict:
    return {
        "source_format": "bank_mapped",
        "bank_account": DAVIVIENDA,
        "statement_id": "",
        "entry_reference": None,
        "booking_date": date(2026, 5, day),
        "value_date": None,
        "direction": direction,
        "amount": Decimal(amount),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": None,
        "counterparty_name": None,
        "counterparty_account": None,
        "end_to_end_id": None,
        "structured_reference": None,
        "remittance_text": text,
    }


def davivienda_statement(lines: list[dict], opening: str, closing: str) -> dict:
    first, last = lines[0]["booking_date"], lines[-1]["booking_date"]
    return {
        "source_format": "bank_mapped",
        "bank_account": DAVIVIENDA,
        "statement_id": f"{DAVIVIENDA}/{first.isoformat()}/{last.isoformat()}",
        "currency": "COP",
        "opening_balance_date": first,
        "opening_balance_amount": Decimal(opening),
        "closing_balance_date": last,
        "closing_balance_amount": Decimal(closing),
        "entry_count": len(lines),
        "credit_total_amount": Decimal("0.00"),
        "debit_total_amount": Decimal("0.00"),
        "balances_tie": True,
    }


# Davivienda rewrote the description of the 2nd's credit between two downloads: both copies
# stay, and the second download's balances show the 50,000.00 counted twice.
DAVIVIENDA_MAY_1_TO_2 = [
    davivienda_line(1, "ABONO NOMINA", "credit", "100000.00"),
    davivienda_line(2, "PAGO CLIENTE", "credit", "50000.00"),
]
DAVIVIENDA_MAY_2_TO_3 = [
    davivienda_line(2, "PAGO CLIENTE NIT 900123456", "credit", "50000.00"),
    davivienda_line(3, "GMF 4X1000", "debit", "20000.00"),
]
DAVIVIENDA_DOWNLOADS = [
    (
        "davivienda-0503",
        datetime(2026, 5, 3, 13, 0, tzinfo=UTC),
        DAVIVIENDA_MAY_1_TO_2,
        davivienda_statement(DAVIVIENDA_MAY_1_TO_2, "1000000.00", "1150000.00"),
    ),
    (
        "davivienda-0504",
        datetime(2026, 5, 4, 13, 0, tzinfo=UTC),
        DAVIVIENDA_MAY_2_TO_3,
        davivienda_statement(DAVIVIENDA_MAY_2_TO_3, "1100000.00", "1130000.00"),
    ),
]


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    paths = Paths(raw_dataset.data_dir)
    paths.inbox.mkdir(parents=True)
    registry = CompanyRegistry(
        [
            {
                "company_id": "andina",
                "tax_id": "900417352-3",
                "bank_accounts": [
                    {"account": BANCOLOMBIA, "currency": "COP"},
                    {"account": BOGOTA, "currency": "COP"},
                ],
            }
        ]
    )
    for file_name, content, downloaded_at in DOWNLOADS:
        (paths.inbox / file_name).write_bytes(content)
        os.utime(paths.inbox / file_name, (downloaded_at.timestamp(), downloaded_at.timestamp()))
        outcome = land_inbox_file(paths, registry, file_name, now=downloaded_at)
        assert outcome.outcome == "loaded", outcome
    for file_id, arrived_at, lines, statement in DAVIVIENDA_DOWNLOADS:
        statement_id = statement["statement_id"]
        raw_dataset.write(
            "bank_lines",
            file_id,
            arrived_at,
            [{**line, "statement_id": statement_id} for line in lines],
        )
        raw_dataset.write("bank_statements", file_id, arrived_at, [statement])
    return dbt_build(raw_dataset.data_dir, "+int_payments", "stg_bank__bank_statements")


def test_two_overlapping_downloads_yield_each_movement_once_with_the_exact_totals(warehouse):
    totals = warehouse.query(
        """
        select direction, count(*), sum(entry_amount)
        from int_bank_lines
        where bank_account = ?
        group by direction
        order by direction
        """,
        [BANCOLOMBIA],
    )

    # Twelve movements over the 1st to the 11th; the sixteen rows of the two files double
    # the four of the 5th to the 7th that both cover.
    assert totals == [("credit", 9, Decimal("7770000.00")), ("debit", 3, Decimal("137500.00"))]


def test_the_movements_of_the_shared_days_are_known_from_the_first_download(warehouse):
    lines = warehouse.query(
        """
        select booking_date, count(*), min(known_at), max(known_at)
        from int_bank_lines
        where bank_account = ? and booking_date between '2026-05-05' and '2026-05-07'
        group by booking_date
        order by booking_date
        """,
        [BANCOLOMBIA],
    )

    first_download = DOWNLOADS[0][2]
    assert lines == [
        (date(2026, 5, 5), 1, first_download, first_download),
        (date(2026, 5, 6), 2, first_download, first_download),
        (date(2026, 5, 7), 1, first_download, first_download),
    ]


def test_two_identical_movements_of_one_day_in_both_downloads_stay_two_payments(warehouse):
    payments = warehouse.query(
        """
        select payment_date, count(*), sum(payment_amount)
        from int_payments
        where bank_account = ? and remittance_text = 'ABONO PSE FEA-000405'
        group by payment_date
        order by payment_date
        """,
        [BANCOLOMBIA],
    )

    # The same text on the 11th is another day's movement, not a third copy of the 6th's.
    assert payments == [
        (date(2026, 5, 6), 2, Decimal("900000.00")),
        (date(2026, 5, 11), 1, Decimal("450000.00")),
    ]


def test_a_download_cut_mid_day_merges_with_the_later_full_day_instead_of_doubling_it(
    warehouse,
):
    days = warehouse.query(
        """
        select booking_date, direction, count(*), sum(entry_amount)
        from int_bank_lines
        where bank_account = ?
        group by booking_date, direction
        order by booking_date, direction
        """,
        [BOGOTA],
    )

    # The noon download's credit of the 12th is the first of the three the day had.
    assert days == [
        (date(2026, 5, 11), "credit", 1, Decimal("900000.00")),
        (date(2026, 5, 12), "credit", 3, Decimal("450000.00")),
        (date(2026, 5, 12), "debit", 1, Decimal("8500.00")),
        (date(2026, 5, 13), "credit", 1, Decimal("410000.00")),
    ]


def test_a_movement_with_a_bank_reference_is_keyed_by_it_whatever_its_description_says(
    warehouse,
):
    referenced = warehouse.query(
        """
        select entry_reference, booking_date, entry_amount, remittance_text
        from int_bank_lines
        where entry_reference is not null
        order by entry_reference
        """
    )

    # The 5th's movement was described otherwise by the second download, which wins.
    assert referenced == [
        ("0000905", date(2026, 5, 5), Decimal("780000.00"), "TRANSFERENCIA RECIBIDA FEA-000404"),
        ("0000906", date(2026, 5, 9), Decimal("90000.00"), "PAGO PROVEEDOR"),
    ]


def test_only_the_download_whose_balances_count_a_movement_twice_is_reported(warehouse):
    run_results = json.loads((warehouse.path.parent / "target" / "run_results.json").read_text())
    [warning] = [
        result for result in run_results["results"] if BALANCE_WARNING in result["unique_id"]
    ]
    kept = warehouse.query(
        "select count(*), sum(entry_amount) from int_bank_lines where bank_account = ?",
        [DAVIVIENDA],
    )

    # The two Bancolombia downloads tie to the lines kept; of Davivienda's, the second one
    # closes at 1,130,000.00 where its opening and the kept lines give 1,180,000.00.
    assert (warning["status"], warning["failures"]) == ("warn", 1)
    assert kept == [(4, Decimal("220000.00"))]
