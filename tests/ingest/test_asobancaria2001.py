from datetime import date
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers import asobancaria2001

ANDINA_COLLECTIONS = "asobancaria_20098765432_20260514.txt"


@pytest.fixture
def andina(valid_file):
    return asobancaria2001.parse(*valid_file(ANDINA_COLLECTIONS))


def test_each_detail_record_becomes_a_collection_line_with_header_and_batch_fields(andina):
    assert andina.rows["collection_lines"][0] == {
        "record_number": 3,
        "source_format": "asobancaria2001",
        "biller_tax_id": "9004173523",
        "collecting_bank_code": "007",
        "bank_account": "00000020098765432",
        "collection_date": date(2026, 5, 14),
        "date_issue": None,
        "date_rule": None,
        "service_code": "7709998000017",
        "batch_number": "0001",
        "payment_reference": "10001235",
        "amount": Decimal("1190000.00"),
        "currency": "COP",
        "payment_origin_code": "01",
        "payment_method_code": "03",
        "operation_number": "000001",
        "authorization_number": "482913",
        "debited_bank_code": "007",
        "branch_code": "0101",
        "sequence_number": "0000001",
        "return_reason_code": "000",
    }


def test_amounts_carry_two_implied_decimals(andina):
    assert [line["amount"] for line in andina.rows["collection_lines"]] == [
        Decimal("1190000.00"),
        Decimal("250000.50"),
        Decimal("99999.99"),
    ]


def test_references_padded_with_spaces_or_zeros_are_stripped_and_batches_kept_apart(andina):
    lines = andina.rows["collection_lines"]

    assert [line["payment_reference"] for line in lines] == ["10001235", "10001243", "10001250"]
    assert [line["batch_number"] for line in lines] == ["0001", "0001", "0002"]
    assert lines[2]["return_reason_code"] is None


def test_an_unpadded_last_record_without_final_newline_is_read(andina):
    # The fixture's 09 record is 29 characters and ends the file without a newline;
    # its totals cover both batches.
    assert len(andina.rows["collection_lines"]) == 3
    assert andina.warnings == []


def test_the_owner_keys_are_the_collection_account_and_the_billers_nit(andina):
    assert andina.owner_keys == (
        ("collection_account", "00000020098765432"),
        ("company_tax_id", "9004173523"),
    )


@pytest.mark.parametrize(
    ("file_name", "record", "field", "found"),
    [
        (
            "asobancaria_batch_total_mismatch.txt",
            "line 5",
            "total_amount of batch 0001",
            "1440005.00",
        ),
        ("asobancaria_file_count_mismatch.txt", "line 9", "record_count of the file", "4"),
        ("asobancaria_letter_in_amount.txt", "line 4", "amount", "00000O25000050"),
        ("asobancaria_missing_file_control.txt", "line 8", "record type (tipo de registro)", "08"),
        ("asobancaria_empty.txt", "line 1", "file", "empty file (0 bytes)"),
        ("asobancaria_only_blank_lines.txt", "line 1", "file", "empty file (11 bytes)"),
    ],
)
def test_a_file_whose_records_or_totals_disagree_is_refused_whole(
    invalid_file, file_name, record, field, found
):
    with pytest.raises(ParseError) as raised:
        asobancaria2001.parse(*invalid_file(file_name))

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        record,
        field,
        found,
    )


def test_the_control_error_says_what_the_details_add_up_to(invalid_file):
    with pytest.raises(ParseError) as raised:
        asobancaria2001.parse(*invalid_file("asobancaria_batch_total_mismatch.txt"))

    assert "1440000.50, the sum of the 06 amounts in batch 0001" in str(raised.value)
