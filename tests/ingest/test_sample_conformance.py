"""Public real-world files nobody on this team wrote: each must parse or be refused with a
ParseError, never crash with another exception. The samples live outside the repository."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.gateway_reports import gateway_report_format
from ingest.parsers import parse_file
from ingest.parsers._gateway import net_of

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
SAMPLE_FOLDERS = ("camt", "mt940", "asobancaria", "bai2", "ofx", "facturx", "gateway")

needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"public samples not present at {SAMPLES}"
)


def sample_files() -> list[Path]:
    if not SAMPLES.is_dir():
        return []
    return sorted(
        path for folder in SAMPLE_FOLDERS for path in (SAMPLES / folder).glob("*") if path.is_file()
    )


def read_sample(folder: str, name: str) -> tuple[bytes, str]:
    return (SAMPLES / folder / name).read_bytes(), name


@needs_samples
@pytest.mark.parametrize("sample", sample_files(), ids=lambda path: path.name)
def test_a_public_sample_parses_or_is_refused_with_a_parse_error(sample):
    try:
        parsed = parse_file(sample.read_bytes(), sample.name)
    except ParseError as error:
        assert error.file_name == sample.name
        assert str(error).startswith(f"{sample.name}: record ")
        return

    assert parsed.owner_keys
    for kind, rows in parsed.rows.items():
        assert all(row["record_number"] >= 1 for row in rows), kind
    assert_statements_hold_their_booked_lines(parsed)
    assert_invoices_add_up(parsed)
    assert_payouts_hold_their_transactions(parsed)


def assert_payouts_hold_their_transactions(parsed) -> None:
    """Each payout counts the transactions naming it, and one that is not their net says so in
    a warning (a balance carried over)."""
    transactions = parsed.rows.get("gateway_transactions", [])
    for payout in parsed.rows.get("gateway_payouts", []):
        members = [row for row in transactions if row["payout_id"] == payout["payout_id"]]
        assert payout["transaction_count"] == len(members)
        if members and payout["payout_amount"] != net_of(members):
            assert any(payout["payout_id"] in warning for warning in parsed.warnings)


def assert_invoices_add_up(parsed) -> None:
    """Every document is net plus tax, positive, and prepaid no further than its total."""
    for document in parsed.rows.get("invoices", []):
        assert document["net_amount"] + document["tax_amount"] == document["total_amount"]
        assert min(document["net_amount"], document["tax_amount"]) >= 0
        assert (document["prepaid_amount"] or 0) <= document["total_amount"]


def assert_statements_hold_their_booked_lines(parsed) -> None:
    """Each statement's count and totals are those of its booked lines, and a statement that
    does not tie says so in a warning."""
    stated: dict[tuple, tuple] = {}
    for statement in parsed.rows.get("bank_statements", []):
        key = (statement["bank_account"], statement["statement_id"])
        count, credits, debits = stated.get(key, (0, Decimal("0"), Decimal("0")))
        stated[key] = (
            count + statement["entry_count"],
            credits + statement["credit_total_amount"],
            debits + statement["debit_total_amount"],
        )
        if statement["balances_tie"] is False:
            assert any(
                "does not tie" in warning and statement["statement_id"] in warning
                for warning in parsed.warnings
            )
    listed = dict.fromkeys(stated, (0, Decimal("0"), Decimal("0")))
    for line in parsed.rows.get("bank_lines", []):
        if line["status"] == "booked":
            key = (line["bank_account"], line["statement_id"])
            count, credits, debits = listed[key]
            credit = line["amount"] if line["direction"] == "credit" else 0
            debit = line["amount"] if line["direction"] == "debit" else 0
            listed[key] = (count + 1, credits + credit, debits + debit)
    assert listed == stated


@needs_samples
def test_the_zero_byte_collection_sample_is_reported_not_read_as_no_payments():
    with pytest.raises(ParseError) as raised:
        parse_file(*read_sample("asobancaria", "micros__asobancaria__VACIO.TXT"))

    assert raised.value.found == "empty file (0 bytes)"


@needs_samples
def test_the_collection_sample_without_padding_or_final_newline_reconciles_to_its_controls():
    parsed = parse_file(*read_sample("asobancaria", "micros__asobancaria__11JULIO.TXT"))

    lines = parsed.rows["collection_lines"]
    assert len(lines) == 17
    # The file's 08 and 09 records state 17 collections for 300,000.00.
    assert sum(line["amount"] for line in lines) == Decimal("300000.00")


@needs_samples
def test_the_camt_sample_with_extra_decimals_loads_and_warns_that_it_does_not_tie():
    parsed = parse_file(*read_sample("camt", "genkgo__camt__camt053.v2.five.decimals.xml"))

    assert parsed.rows["bank_statements"][0]["balances_tie"] is False
    assert any("does not tie" in warning for warning in parsed.warnings)


@needs_samples
def test_the_mt940_sample_with_30_february_keeps_the_printed_text_not_bent_to_the_29th():
    parsed = parse_file(*read_sample("mt940", "WoLpH__mt940__self-provided_february_30.sta"))

    [line] = parsed.rows["bank_lines"]
    # The entry date 0301 still dates the booking.
    assert (line["value_date"], line["booking_date"], line["date_issue"]) == (
        None,
        date(2016, 3, 1),
        ":61: value date '160230' is not a calendar date",
    )


@needs_samples
def test_the_hungarian_mt940_sample_in_a_dos_code_page_keeps_its_accented_text():
    parsed = parse_file(*read_sample("mt940", "WoLpH__mt940__self-provided_raiffeisen-cmi.sta"))

    lines = parsed.rows["bank_lines"]
    assert [(line["direction"], line["amount"]) for line in lines[:2]] == [
        ("credit", Decimal("2066637.00")),
        ("debit", Decimal("14790.00")),
    ]
    assert lines[0]["remittance_text"].endswith(
        "UV, napi összevont utánvét, 2018.04 .17, A13947109201804175000000097, X "
        "Csoportos átutalás jóváírása"
    )
    assert lines[1]["remittance_text"].endswith("SPYMARKET S.R.O. 18175 Bankon belüli átutalás")
    # The file's own balances do not add up; it loads and says so.
    assert parsed.rows["bank_statements"][0]["balances_tie"] is False


@needs_samples
def test_the_mt942_sample_loads_as_an_interim_report_whose_lines_match_its_90c_control():
    parsed = parse_file(*read_sample("mt940", "WoLpH__mt940__mBank_mt942.sta"))

    lines = parsed.rows["bank_lines"]
    assert parsed.source_format == "mt942"
    # :90C:3PLN0,03 counts three credits for 0.03 PLN, after SOH/ETX bytes are stripped.
    assert [(line["entry_reference"], line["amount"]) for line in lines] == [
        ("MB170119012058", Decimal("0.01")),
        ("MB170119012085", Decimal("0.01")),
        ("MB170119012121", Decimal("0.01")),
    ]
    assert parsed.rows["bank_statements"][0]["opening_balance_amount"] is None


@needs_samples
def test_the_bai2_sample_over_two_days_gives_one_tied_statement_per_group():
    parsed = parse_file(*read_sample("bai2", "ministryofjustice__bai2__svb_us_example.bai2"))

    statements = parsed.rows["bank_statements"]
    assert [
        (row["statement_id"], row["closing_balance_amount"], row["balances_tie"])
        for row in statements
    ] == [
        ("121140399-20220201-1234567890", Decimal("352171.75"), True),
        ("121140399-20220202-1234567890", Decimal("361229.75"), True),
    ]
    assert [line["amount"] for line in parsed.rows["bank_lines"]] == [
        Decimal("4901.96"),
        Decimal("9058.00"),
    ]


@needs_samples
def test_the_bai2_detail_continued_over_seven_88_records_keeps_all_its_text():
    parsed = parse_file(*read_sample("bai2", "ministryofjustice__bai2__citi_example.bai2"))

    (line,) = parsed.rows["bank_lines"]
    assert (line["amount"], line["currency"], line["value_date"]) == (
        Decimal("0.01"),
        "GBP",
        date(2015, 7, 15),
    )
    assert line["remittance_text"].startswith("FR:FP SIP INCOMING ENDT:20150715")
    assert line["remittance_text"].endswith("BO:11111111 BO1:DOE JO")
    # Opening and closing ledger are both 100.00 although a penny came in.
    assert parsed.rows["bank_statements"][0]["balances_tie"] is False


@needs_samples
def test_the_bai2_sample_with_blank_account_totals_loads_both_accounts_with_warnings():
    name = "ministryofjustice__bai2__account_trailer_amount_blank_example.bai2"
    parsed = parse_file(*read_sample("bai2", name))

    assert [row["bank_account"] for row in parsed.rows["bank_statements"]] == ["12345", "54321"]
    assert len([warning for warning in parsed.warnings if "blank control total" in warning]) == 2


@needs_samples
@pytest.mark.parametrize(
    ("name", "record", "field"),
    [
        # Its first transaction has no DTPOSTED at all; the library would drop all three.
        ("jseutter__ofxparse__fail_nice_date_missing.ofx", "STMTRS 1, STMTTRN 1", "DTPOSTED"),
        ("jseutter__ofxparse__ofx-v102-empty-tags.ofx", "STMTRS 1, STMTTRN 1", "FITID"),
    ],
)
def test_ofx_samples_with_transactions_that_cannot_be_keyed_or_dated_are_refused(
    name, record, field
):
    with pytest.raises(ParseError) as raised:
        parse_file(*read_sample("ofx", name))

    assert raised.value.record.startswith(record)
    assert raised.value.field == field


@needs_samples
def test_the_ofx_sample_with_blank_balances_loads_its_transaction_and_warns():
    parsed = parse_file(*read_sample("ofx", "jseutter__ofxparse__fail_nice_empty_balance.ofx"))

    (line,) = parsed.rows["bank_lines"]
    assert (line["entry_reference"], line["amount"], line["currency"]) == (
        "2000957249",
        Decimal("120.00"),
        "CAD",
    )
    assert parsed.rows["bank_statements"][0]["closing_balance_amount"] is None
    assert any("blank ledger balance" in warning for warning in parsed.warnings)


@needs_samples
def test_the_ofx_sample_with_two_accounts_gives_two_statements_with_their_balances():
    parsed = parse_file(*read_sample("ofx", "jseutter__ofxparse__multiple_accounts.ofx"))

    assert [
        (row["bank_account"], row["closing_balance_amount"])
        for row in parsed.rows["bank_statements"]
    ] == [("9100", Decimal("111.00")), ("9200", Decimal("222.00"))]


@needs_samples
def test_the_camt054_sample_whose_details_are_in_another_currency_is_refused():
    with pytest.raises(ParseError) as raised:
        parse_file(*read_sample("camt", "genkgo__camt__camt054.v4.xml"))

    # The entry is 200000 SEK; its two details are 3.1 and 3.2 CHF.
    assert (raised.value.field, raised.value.found) == ("TxDtls/Amt/@Ccy", "CHF")


@needs_samples
def test_the_facturx_sample_in_a_foreign_currency_counts_tax_and_prepaid_in_that_currency():
    parsed = parse_file(
        *read_sample("facturx", "ZUGFeRD__mustangproject__Extended_fremdwaehrung.xml")
    )

    (invoice,) = parsed.rows["invoices"]
    # The tax is also stated in EUR (183.14); the buyer owes GBP, and 500.00 of it is prepaid.
    assert (
        invoice["currency"],
        invoice["net_amount"],
        invoice["tax_amount"],
        invoice["total_amount"],
        invoice["prepaid_amount"],
    ) == ("GBP", Decimal("858.75"), Decimal("163.16"), Decimal("1021.91"), Decimal("500.00"))
    assert invoice["due_date"] == date(2024, 12, 1)


@needs_samples
def test_the_facturx_pdf_sample_yields_its_embedded_invoice_for_an_unregistered_seller():
    parsed = parse_file(*read_sample("facturx", "ZUGFeRD__mustangproject__EN16931_Einfach.pdf"))

    (invoice,) = parsed.rows["invoices"]
    assert (invoice["document_id"], invoice["total_amount"]) == ("471102", Decimal("529.87"))
    # A German VAT id: the landing step quarantines it as belonging to no company.
    assert parsed.owner_keys == (("company_tax_id", "DE123456789"),)


@needs_samples
def test_the_facturx_sample_whose_buyer_has_no_id_is_keyed_by_the_buyer_name():
    parsed = parse_file(*read_sample("facturx", "ZUGFeRD__mustangproject__minimalDebit.xml"))

    assert parsed.rows["invoices"][0]["customer_id"] == "Kunden AG Mitte"
    assert any("the buyer has no identifier" in warning for warning in parsed.warnings)


@needs_samples
def test_the_15_byte_facturx_pdf_is_refused_as_a_pdf_that_cannot_be_read():
    with pytest.raises(ParseError) as raised:
        parse_file(
            *read_sample("facturx", "ZUGFeRD__mustangproject__corrupt-factur-x-waytoosmall.pdf")
        )

    assert (raised.value.record, raised.value.field) == ("PDF", "file")
    assert raised.value.found.startswith("a PDF that cannot be read (15 bytes)")


@needs_samples
def test_no_public_bank_or_invoice_sample_is_taken_for_a_gateway_report():
    samples = sorted(path for path in SAMPLES.rglob("*") if path.is_file() and path.suffix != ".md")

    assert len(samples) > 20
    assert [path.name for path in samples if gateway_report_format(path.read_bytes())] == []
