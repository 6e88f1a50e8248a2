from datetime import date
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers import billing_csv


def test_customers_split_a_nit_into_base_and_check_digit_and_keep_cedulas_whole(valid_file):
    parsed = billing_csv.parse(*valid_file("customers_andina_20260430.csv"))

    customers = parsed.rows["customers"]
    assert [
        (row["tax_id"], row["tax_id_base"], row["tax_id_check_digit"]) for row in customers
    ] == [
        ("860034313-7", "860034313", "7"),
        ("1020304050", "1020304050", None),
        ("900.123.456-8", "900123456", "8"),
    ]
    assert customers[0] == {
        "record_number": 2,
        "customer_id": "C0001",
        "customer_name": "Inversiones El Porvenir S.A.S.",
        "tax_id": "860034313-7",
        "tax_id_base": "860034313",
        "tax_id_check_digit": "7",
        "segment": "corporate",
        "email": "tesoreria@porvenir.example",
        "phone": "+57 601 555 0101",
        "bank_account": "0012345678",
        "payment_terms_days": 60,
    }
    assert customers[1]["bank_account"] is None


def test_the_owner_key_is_the_company_nit_without_its_check_digit(valid_file):
    parsed = billing_csv.parse(*valid_file("invoices_andina_20260514.csv"))

    assert parsed.owner_keys == (("company_tax_id", "900417352"),)


def test_invoices_credit_notes_and_debit_notes_keep_their_exact_amounts(valid_file):
    invoices = billing_csv.parse(*valid_file("invoices_andina_20260514.csv")).rows["invoices"]

    assert [
        (row["document_id"], row["document_type"], row["related_document_id"]) for row in invoices
    ] == [
        ("FEA-000123", "invoice", None),
        ("NCA-000001", "credit_note", "FEA-000123"),
        ("FEA-000124", "debit_note", "FEA-000099"),
    ]
    assert (invoices[2]["net_amount"], invoices[2]["tax_amount"], invoices[2]["total_amount"]) == (
        Decimal("840336.13"),
        Decimal("159663.87"),
        Decimal("1000000.00"),
    )
    assert invoices[0]["due_date"] == date(2026, 7, 13)
    assert invoices[1]["payment_reference"] is None


def test_promises_read_an_optional_cancellation_date(valid_file):
    parsed = billing_csv.parse(*valid_file("promises_andina_20260601.csv"))

    promises = parsed.rows["payment_promises"]
    assert [
        (row["promise_id"], row["promised_amount"], row["cancelled_date"]) for row in promises
    ] == [
        ("P0001", Decimal("1190000.00"), None),
        ("P0002", Decimal("500000.50"), date(2026, 6, 5)),
    ]


def test_agreements_give_one_row_per_instalment(valid_file):
    parsed = billing_csv.parse(*valid_file("agreements_andina_20260601.csv"))

    instalments = parsed.rows["payment_agreements"]
    assert [
        (row["instalment_number"], row["instalment_due_date"], row["instalment_amount"])
        for row in instalments
    ] == [
        (1, date(2026, 6, 30), Decimal("396666.67")),
        (2, date(2026, 7, 30), Decimal("396666.67")),
        (3, date(2026, 8, 30), Decimal("396666.66")),
    ]


@pytest.mark.parametrize(
    ("file_name", "record", "field", "found"),
    [
        ("customers_wrong_nit_check_digit.csv", "line 3", "tax_id", "830054539-4"),
        ("customers_unknown_segment.csv", "line 2", "segment", "wholesale"),
        ("invoices_total_is_not_net_plus_tax.csv", "line 2", "total_amount", "1190000.01"),
        ("invoices_credit_note_without_invoice.csv", "line 2", "related_document_id", "nothing"),
        ("invoices_amount_with_thousands_separator.csv", "line 2", "net_amount", "1,000,000.00"),
        (
            "promises_without_contact_columns.csv",
            "line 1",
            "header",
            "no contact_channel, cancelled_date",
        ),
    ],
)
def test_an_export_with_a_bad_value_is_refused_naming_the_line_and_column(
    invalid_file, file_name, record, field, found
):
    with pytest.raises(ParseError) as raised:
        billing_csv.parse(*invalid_file(file_name))

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        record,
        field,
        found,
    )


def test_a_wrong_check_digit_error_gives_the_right_one(invalid_file):
    with pytest.raises(ParseError) as raised:
        billing_csv.parse(*invalid_file("customers_wrong_nit_check_digit.csv"))

    assert "the check digit of 830054539 is 0" in str(raised.value)


def test_an_optional_prepaid_column_is_read_signed_and_left_empty_when_absent(valid_file):
    parsed = billing_csv.parse(*valid_file("invoices_andina_prepaid_20260515.csv"))
    older_export = billing_csv.parse(*valid_file("invoices_andina_20260514.csv"))

    assert [(row["document_id"], row["prepaid_amount"]) for row in parsed.rows["invoices"]] == [
        ("FEA-000171", Decimal("1190000.00")),
        ("FEA-000172", Decimal("-5000.00")),
        ("FEA-000173", None),
    ]
    assert parsed.warnings == []
    assert {row["prepaid_amount"] for row in older_export.rows["invoices"]} == {None}


def test_a_prepaid_amount_above_the_total_is_refused(invalid_file):
    with pytest.raises(ParseError) as raised:
        billing_csv.parse(*invalid_file("invoices_prepaid_above_total.csv"))

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        "line 2",
        "prepaid_amount",
        "1200000.00",
    )
