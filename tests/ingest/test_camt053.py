from datetime import date
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers import camt053

ANDINA_STATEMENT = "camt053_v02_andina_20260514.xml"
VERSION_8_STATEMENT = "camt053_v08_datetimes.xml"


@pytest.fixture
def andina(valid_file):
    return camt053.parse(*valid_file(ANDINA_STATEMENT))


@pytest.fixture
def version_8(valid_file):
    return camt053.parse(*valid_file(VERSION_8_STATEMENT))


def test_an_entry_with_one_detail_becomes_one_line_with_payer_reference_and_text(andina):
    assert andina.rows["bank_lines"][0] == {
        "record_number": 1,
        "source_format": "camt053",
        "bank_account": "10029384756",
        "statement_id": "BCOL-10029384756-20260514",
        "entry_reference": "BCOL2026051400001",
        "booking_date": date(2026, 5, 14),
        "value_date": date(2026, 5, 14),
        "date_issue": None,
        "date_rule": None,
        "direction": "credit",
        "amount": Decimal("1190000.00"),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": "ACH-CR",
        "counterparty_name": "INVERSIONES EL PORVENIR SAS",
        "counterparty_account": "0012345678",
        "end_to_end_id": "E2E-20260514-0001",
        "structured_reference": None,
        "remittance_text": "PAGO FACTURA FEA-000123 NIT 860034313-7",
        "is_reversal": False,
    }


def test_a_batch_entry_becomes_one_line_per_detail_with_its_own_amount_and_numbered_reference(
    andina,
):
    batch = andina.rows["bank_lines"][1:3]

    assert [(line["entry_reference"], line["amount"]) for line in batch] == [
        ("BCOL2026051400002/1", Decimal("1000000.00")),
        ("BCOL2026051400002/2", Decimal("1500000.50")),
    ]
    assert [line["bank_transaction_code"] for line in batch] == ["PMNT-RCDT-ESCT"] * 2


def test_the_structured_reference_prefers_the_creditor_reference_then_the_document_number(
    andina,
):
    first, second = andina.rows["bank_lines"][1:3]

    assert first["structured_reference"] == "RF18FEA000124"
    assert second["structured_reference"] == "FEA-000125"


def test_notprovided_markers_are_dropped_and_entry_text_follows_every_detail(andina):
    first, second = andina.rows["bank_lines"][1:3]

    assert second["end_to_end_id"] is None
    assert first["remittance_text"] == "LOTE ACH 77"
    assert second["remittance_text"] == "SEGUNDO PAGO DEL LOTE LOTE ACH 77"


def test_a_pending_entry_loads_as_pending_and_stays_out_of_the_booked_totals(andina):
    pending = andina.rows["bank_lines"][4]
    statement = andina.rows["bank_statements"][0]

    assert (pending["status"], pending["booking_date"], pending["amount"]) == (
        "pending",
        None,
        Decimal("50000.00"),
    )
    assert statement["entry_count"] == 3
    assert statement["credit_total_amount"] == Decimal("3690000.50")


def test_the_statement_row_holds_booked_balances_and_totals_that_tie(andina):
    assert andina.rows["bank_statements"] == [
        {
            "record_number": 1,
            "source_format": "camt053",
            "bank_account": "10029384756",
            "statement_id": "BCOL-10029384756-20260514",
            "currency": "COP",
            "opening_balance_date": date(2026, 5, 13),
            "opening_balance_amount": Decimal("10000000.00"),
            "closing_balance_date": date(2026, 5, 14),
            "closing_balance_amount": Decimal("13675000.50"),
            "entry_count": 3,
            "credit_total_amount": Decimal("3690000.50"),
            "debit_total_amount": Decimal("15000.00"),
            "balances_tie": True,
        }
    ]
    assert andina.warnings == []


def test_the_owner_key_is_the_statement_account(andina):
    assert andina.owner_keys == (("bank_account", "10029384756"),)


def test_version_8_date_times_give_the_local_date_they_state_not_the_utc_date(version_8):
    credit = version_8.rows["bank_lines"][0]

    # 23:45 at -05:00 is already the next day in UTC; the bank meant the 15th.
    assert credit["booking_date"] == date(2026, 5, 15)
    assert credit["value_date"] == date(2026, 5, 16)


def test_the_counterparty_is_the_debtor_of_a_credit_and_the_creditor_of_a_debit(version_8):
    credit, debit = version_8.rows["bank_lines"]

    assert (credit["counterparty_name"], credit["counterparty_account"]) == (
        "TIENDA LA ESQUINA",
        "CO11TEST0000000011112222",
    )
    assert (debit["counterparty_name"], debit["counterparty_account"]) == (
        "EMPAQUES DEL VALLE LTDA",
        "7788990011",
    )


def test_a_statement_that_does_not_tie_loads_with_a_warning_naming_both_balances(version_8):
    statement = version_8.rows["bank_statements"][0]

    assert statement["opening_balance_amount"] == Decimal("-500.00")
    assert statement["balances_tie"] is False
    tie_warnings = [warning for warning in version_8.warnings if "does not tie" in warning]
    assert len(tie_warnings) == 1
    assert "= 1200.00" in tie_warnings[0]
    assert "closing balance is 1250.00 COP" in tie_warnings[0]


def test_an_info_entry_is_not_loaded_and_is_reported(version_8):
    assert [line["entry_reference"] for line in version_8.rows["bank_lines"]] == [
        "V8-0001",
        "V8-0002",
    ]
    assert any("status INFO not loaded" in warning for warning in version_8.warnings)


@pytest.mark.parametrize(
    ("file_name", "record_part", "field", "found"),
    [
        ("camt053_amount_below_one_cent.xml", "Ntry 3", "Ntry/Amt", "15000.005"),
        (
            "camt053_batch_details_do_not_add_up.xml",
            "Ntry 2",
            "NtryDtls/TxDtls amounts",
            "2400000.50",
        ),
        ("camt053_closing_balance_in_other_currency.xml", "Stmt 1", "Bal CLBD/Amt/@Ccy", "USD"),
        (
            "camt053_unsupported_version.xml",
            "Document",
            "xmlns",
            "urn:iso:std:iso:20022:tech:xsd:camt.053.001.12",
        ),
        ("camt053_cut_short.xml", "line 41", "XML", None),
    ],
)
def test_a_broken_statement_is_refused_naming_the_record_and_field(
    invalid_file, file_name, record_part, field, found
):
    with pytest.raises(ParseError) as raised:
        camt053.parse(*invalid_file(file_name))

    error = raised.value
    assert error.file_name == file_name
    assert record_part in error.record
    assert error.field == field
    if found is not None:
        assert error.found == found


@pytest.fixture
def batches_with_charges(valid_file):
    return camt053.parse(*valid_file("camt053_v08_batch_with_charges.xml"))


def test_the_charges_a_bank_kept_from_a_batch_credit_become_a_labelled_debit_line(
    batches_with_charges,
):
    lines = batches_with_charges.rows["bank_lines"][:3]

    assert [
        (line["entry_reference"], line["direction"], line["amount"], line["bank_transaction_code"])
        for line in lines
    ] == [
        ("CHRG-0001/1", "credit", Decimal("1000000.00"), "PMNT-RCDT-ESCT"),
        ("CHRG-0001/2", "credit", Decimal("1500000.00"), "PMNT-RCDT-ESCT"),
        ("CHRG-0001/charges", "debit", Decimal("5000.00"), "ACMT-MDOP-CHRG"),
    ]
    assert lines[2]["remittance_text"] == (
        "Bank charges of entry CHRG-0001: its details add up to 2500000.00, the entry to 2495000.00"
    )


def test_charges_stated_as_records_on_a_batch_debit_are_summed_into_one_line(
    batches_with_charges,
):
    lines = batches_with_charges.rows["bank_lines"][3:]

    assert [(line["entry_reference"], line["direction"], line["amount"]) for line in lines] == [
        ("CHRG-0002/1", "debit", Decimal("600000.00")),
        ("CHRG-0002/2", "debit", Decimal("400000.00")),
        ("CHRG-0002/charges", "debit", Decimal("3500.00")),
    ]


def test_a_statement_whose_batches_lost_their_charges_still_ties(batches_with_charges):
    [statement] = batches_with_charges.rows["bank_statements"]

    assert statement["balances_tie"] is True
    assert not any("does not tie" in warning for warning in batches_with_charges.warnings)


def test_an_entry_with_a_reversal_indicator_is_marked_as_a_reversal(valid_file):
    content, name = valid_file(ANDINA_STATEMENT)
    reversed_fee = content.replace(
        b"<CdtDbtInd>DBIT</CdtDbtInd>", b"<CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>"
    )

    lines = camt053.parse(reversed_fee, name).rows["bank_lines"]

    assert [(line["entry_reference"], line["is_reversal"]) for line in lines] == [
        ("BCOL2026051400001", False),
        ("BCOL2026051400002/1", False),
        ("BCOL2026051400002/2", False),
        ("BCOL2026051400003", True),
        ("BCOL2026051400004", False),
    ]


def test_the_charges_line_of_a_reversed_batch_is_not_itself_a_reversal(valid_file):
    content, name = valid_file("camt053_v08_batch_with_charges.xml")
    reversed_batch = content.replace(
        b"<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>",
        b"<CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>\n        <Sts>",
        1,
    )

    lines = camt053.parse(reversed_batch, name).rows["bank_lines"][3:]

    assert [(line["entry_reference"], line["is_reversal"]) for line in lines] == [
        ("CHRG-0002/1", True),
        ("CHRG-0002/2", True),
        ("CHRG-0002/charges", False),
    ]


def test_a_reversal_indicator_that_is_not_a_boolean_is_refused_naming_the_entry(valid_file):
    content, name = valid_file(ANDINA_STATEMENT)
    broken = content.replace(
        b"<CdtDbtInd>DBIT</CdtDbtInd>", b"<CdtDbtInd>DBIT</CdtDbtInd><RvslInd>YES</RvslInd>"
    )

    with pytest.raises(
        ParseError, match=r"Ntry 3 \(line 93\).*Ntry/RvslInd.*true, false, 1, 0.*'YES'"
    ):
        camt053.parse(broken, name)
