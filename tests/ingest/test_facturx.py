import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfWriter

from ingest.detect import detect_format
from ingest.errors import ParseError
from ingest.parsers import facturx

PREPAID_INVOICE = "facturx_invoice_andina_FX-2026-0042.xml"
SUMMATION = (
    "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
    "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
)


def pdf_with_attachment(attachment_name: str | None, content: bytes = b"") -> bytes:
    """A one-page PDF carrying `content` as an embedded file, the way Factur-X does."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if attachment_name is not None:
        writer.add_attachment(attachment_name, content)
    pdf = io.BytesIO()
    writer.write(pdf)
    return pdf.getvalue()


def test_an_invoice_prepaid_in_full_keeps_its_total_and_opens_nothing(valid_file):
    parsed = facturx.parse(*valid_file(PREPAID_INVOICE))

    assert parsed.rows["invoices"] == [
        {
            "record_number": 1,
            "document_id": "FX-2026-0042",
            "document_type": "invoice",
            "related_document_id": None,
            "customer_id": "C0002",
            "issue_date": date(2026, 5, 14),
            "due_date": date(2026, 6, 13),
            "currency": "COP",
            "net_amount": Decimal("500000.00"),
            "tax_amount": Decimal("95000.00"),
            "total_amount": Decimal("595000.00"),
            "prepaid_amount": Decimal("595000.00"),
            "payment_reference": "FX-2026-0042",
            "collection_reference": None,
            "document_uuid": None,
            "related_document_uuid": None,
        }
    ]
    assert parsed.owner_keys == (("company_tax_id", "900417352"),)


def test_a_credit_note_names_its_invoice_and_a_buyer_known_by_its_legal_id(valid_file):
    parsed = facturx.parse(*valid_file("facturx_credit_note_andina_FX-2026-0043.xml"))

    (row,) = parsed.rows["invoices"]
    assert (row["document_type"], row["related_document_id"], row["customer_id"]) == (
        "credit_note",
        "FX-2026-0042",
        "800111222",
    )
    # The -0.01 rounding brings 50,000.01 to the 50,000.00 owed back.
    assert (row["net_amount"], row["tax_amount"], row["total_amount"]) == (
        Decimal("42016.80"),
        Decimal("7983.20"),
        Decimal("50000.00"),
    )
    assert parsed.warnings == []


def test_the_invoice_embedded_in_a_pdf_reads_as_the_xml_alone(valid_file):
    xml, _ = valid_file(PREPAID_INVOICE)
    pdf = pdf_with_attachment("factur-x.xml", xml)

    from_pdf = facturx.parse(pdf, "FX-2026-0042.pdf")

    assert from_pdf.rows == facturx.parse(xml, PREPAID_INVOICE).rows
    assert detect_format(pdf, "renamed.dat") == "facturx"


def test_a_truncated_pdf_is_refused_as_unreadable_rather_than_empty(invalid_file):
    with pytest.raises(ParseError) as raised:
        facturx.parse(*invalid_file("facturx_cut_short.pdf"))

    assert (raised.value.record, raised.value.field) == ("PDF", "file")
    assert raised.value.found.startswith("a PDF that cannot be read (129 bytes)")


def test_a_pdf_without_an_invoice_attachment_is_refused():
    pdf = pdf_with_attachment("terms.txt", b"Pago a 30 dias")

    with pytest.raises(ParseError) as raised:
        facturx.parse(pdf, "scan.pdf")

    assert (raised.value.field, raised.value.found) == (
        "attachment",
        "no factur-x.xml or zugferd attachment",
    )


@pytest.mark.parametrize(
    ("file_name", "field", "expected", "found"),
    [
        (
            "facturx_grand_total_is_not_basis_plus_tax.xml",
            SUMMATION + "ram:GrandTotalAmount",
            "595000.00 (TaxBasisTotalAmount plus TaxTotalAmount in the invoice currency)",
            "690000.00",
        ),
        (
            "facturx_issue_date_as_text.xml",
            "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString/@format",
            "102 (CCYYMMDD)",
            "610",
        ),
    ],
)
def test_an_invoice_that_breaks_en16931_is_refused_naming_the_element(
    invalid_file, file_name, field, expected, found
):
    with pytest.raises(ParseError) as raised:
        facturx.parse(*invalid_file(file_name))

    assert (raised.value.field, raised.value.expected, raised.value.found) == (
        field,
        expected,
        found,
    )


def test_cii_xml_is_recognised_as_facturx(valid_file):
    content, _ = valid_file(PREPAID_INVOICE)

    assert detect_format(content, "renamed.dat") == "facturx"
