"""Factur-X and ZUGFeRD 2 invoices: UN/CEFACT Cross Industry Invoice (CII) XML, alone or
embedded in a PDF/A-3, whose attachment the factur-x library extracts.

One `invoices` row per file. The totals follow EN 16931 as CII writes them:
TaxBasisTotalAmount plus TaxTotalAmount in the invoice currency makes GrandTotalAmount
(BR-CO-15), and DuePayableAmount is GrandTotalAmount less TotalPrepaidAmount plus
RoundingAmount (BR-CO-16). An invoice may repeat its tax in a second, tax currency; only the
invoice currency counts. A rounding amount counts in the net and the total, so the receivable
is what the buyer pays. The owner is the seller, by its tax registration.
"""

import logging
from datetime import date
from decimal import Decimal

from facturx import get_facturx_xml_from_pdf
from lxml import etree
from pypdf.errors import PyPdfError

from ingest.errors import ParseError
from ingest.parsed import ParsedFile
from ingest.parsers._invoice_xml import XmlRecord, local_name, namespace, read_xml
from ingest.parsers._invoices import (
    CREDIT_NOTE,
    DEBIT_NOTE,
    INVOICE,
    InvoiceDocument,
    invoice_row,
    tax_id_base,
)
from ingest.parsers._values import Record, clean

log = logging.getLogger(__name__)

SOURCE_FORMAT = "facturx"

CII_NAMESPACE = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
NAMESPACES = {
    "rsm": CII_NAMESPACE,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
PDF_MAGIC = b"%PDF-"
ZERO = Decimal("0.00")

# UNTDID 1001 document types (EN 16931, BT-3) that reduce what the buyer owes, and the debit
# note; every other type code asks the buyer to pay.
CREDIT_NOTE_TYPE_CODES = ("81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532")
DEBIT_NOTE_TYPE_CODES = ("383",)
# UNTDID 2379 format 102 is CCYYMMDD, the only date format EN 16931 allows in CII.
DATE_FORMAT_CODE = "102"
# VA is a VAT registration (EN 16931 BT-31), preferred over a national tax number (FC).
VAT_SCHEME = "VA"

DOCUMENT = "rsm:ExchangedDocument/"
AGREEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/"
SELLER = AGREEMENT + "ram:SellerTradeParty/"
BUYER = AGREEMENT + "ram:BuyerTradeParty/"
SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
SUMMATION = SETTLEMENT + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
DUE_DATE = SETTLEMENT + "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"


def parse(content: bytes, file_name: str) -> ParsedFile:
    place = ""
    if content.lstrip().startswith(PDF_MAGIC):
        attachment_name, content = _xml_from_pdf(content, file_name)
        place = f"PDF attachment {attachment_name}, "

    root = read_xml(content, file_name, place)
    if local_name(root) != "CrossIndustryInvoice" or namespace(root) != CII_NAMESPACE:
        raise ParseError(
            file_name,
            f"{place}{local_name(root)} (line {root.sourceline})",
            "root element",
            "a CrossIndustryInvoice in the namespace of Factur-X and ZUGFeRD 2",
            f"{{{namespace(root)}}}{local_name(root)}",
        )
    return _CiiReader(root, file_name, place).parsed_file()


def _xml_from_pdf(content: bytes, file_name: str) -> tuple[str, bytes]:
    expected = "a complete PDF with a Factur-X or ZUGFeRD invoice XML attached"
    try:
        attachment_name, xml = get_facturx_xml_from_pdf(content, check_xsd=False)
    except (PyPdfError, ValueError) as error:
        raise ParseError(
            file_name,
            "PDF",
            "file",
            expected,
            f"a PDF that cannot be read ({len(content)} bytes): {error}",
        ) from error
    if not xml:
        raise ParseError(
            file_name, "PDF", "attachment", expected, "no factur-x.xml or zugferd attachment"
        )
    return attachment_name, xml


class _CiiReader:
    def __init__(self, root: etree._Element, file_name: str, place: str) -> None:
        self.root = root
        self.file_name = file_name
        opening = XmlRecord(
            NAMESPACES, Record(file_name, f"{place}CrossIndustryInvoice (line {root.sourceline})")
        )
        self.document_id = opening.required(root, DOCUMENT + "ram:ID")
        self.xml = XmlRecord(
            NAMESPACES, Record(file_name, f"{place}CrossIndustryInvoice {self.document_id}")
        )
        self.record = self.xml.record
        self.currency = self.record.currency(
            SETTLEMENT + "ram:InvoiceCurrencyCode",
            self.xml.text(root, SETTLEMENT + "ram:InvoiceCurrencyCode"),
        )
        self.warnings: list[str] = []

    def parsed_file(self) -> ParsedFile:
        row = invoice_row(self.document(), self.record, 1, self.warnings, self.source_fields())
        seller = self.seller_tax_id()
        log.debug(
            "parsed %s %s of %s from facturx file %s",
            row["document_type"],
            row["document_id"],
            seller,
            self.file_name,
        )
        return ParsedFile(
            source_format=SOURCE_FORMAT,
            rows={"invoices": [row]},
            owner_keys=(("company_tax_id", seller),),
            warnings=self.warnings,
        )

    def document(self) -> InvoiceDocument:
        xml, root, currency = self.xml, self.root, self.currency
        tax_amount = sum(
            xml.amounts_in(root, SUMMATION + "ram:TaxTotalAmount", currency),
            start=ZERO,
        )
        tax_basis = xml.amount(root, SUMMATION + "ram:TaxBasisTotalAmount", currency)
        grand_total = xml.amount(root, SUMMATION + "ram:GrandTotalAmount", currency)
        prepaid = xml.amount(root, SUMMATION + "ram:TotalPrepaidAmount", currency, required=False)
        rounding = xml.amount(root, SUMMATION + "ram:RoundingAmount", currency, required=False)
        due_payable = xml.amount(root, SUMMATION + "ram:DuePayableAmount", currency)
        rounding = rounding or ZERO

        self._expect_equal(
            SUMMATION + "ram:GrandTotalAmount",
            grand_total,
            tax_basis + tax_amount,
            "TaxBasisTotalAmount plus TaxTotalAmount in the invoice currency",
        )
        self._expect_equal(
            SUMMATION + "ram:DuePayableAmount",
            due_payable,
            grand_total - (prepaid or ZERO) + rounding,
            "GrandTotalAmount less TotalPrepaidAmount plus RoundingAmount",
        )
        return InvoiceDocument(
            document_id=self.document_id,
            document_type=self._document_type(),
            customer_id=self._buyer_id(),
            issue_date=self._date(DOCUMENT + "ram:IssueDateTime/udt:DateTimeString", required=True),
            due_date=self._date(DUE_DATE, required=False),
            currency=currency,
            net_amount=tax_basis + rounding,
            tax_amount=tax_amount,
            total_amount=grand_total + rounding,
            prepaid_amount=prepaid,
            related_document_id=xml.text(
                root, SETTLEMENT + "ram:InvoiceReferencedDocument/ram:IssuerAssignedID"
            ),
            payment_reference=xml.text(root, SETTLEMENT + "ram:PaymentReference"),
        )

    def source_fields(self) -> dict[str, str]:
        return {
            "net_amount": SUMMATION + "ram:TaxBasisTotalAmount",
            "tax_amount": SUMMATION + "ram:TaxTotalAmount",
            "total_amount": SUMMATION + "ram:GrandTotalAmount",
            "prepaid_amount": SUMMATION + "ram:TotalPrepaidAmount",
            "due_date": DUE_DATE,
        }

    def _expect_equal(self, field: str, found: Decimal, expected: Decimal, rule: str) -> None:
        if found != expected:
            raise self.record.error(field, f"{expected} ({rule})", found)

    def _document_type(self) -> str:
        type_code = self.record.required(
            DOCUMENT + "ram:TypeCode", self.xml.text(self.root, DOCUMENT + "ram:TypeCode")
        )
        if type_code in CREDIT_NOTE_TYPE_CODES:
            return CREDIT_NOTE
        if type_code in DEBIT_NOTE_TYPE_CODES:
            return DEBIT_NOTE
        return INVOICE

    def _date(self, path: str, *, required: bool) -> date | None:
        found = self.xml.find(self.root, path)
        if found is None or clean(found.text) is None:
            if required:
                raise self.record.error(path, "a date", "nothing")
            return None
        date_format = found.get("format")
        if date_format != DATE_FORMAT_CODE:
            raise self.record.error(
                f"{path}/@format", f"{DATE_FORMAT_CODE} (CCYYMMDD)", date_format or "nothing"
            )
        return self.record.compact_date(path, found.text)

    def _buyer_id(self) -> str:
        """The buyer's id; a buyer named but not identified (allowed in EN 16931) is keyed by
        its name."""
        buyer_id = self.xml.text(
            self.root,
            BUYER + "ram:ID",
            BUYER + "ram:GlobalID",
            BUYER + "ram:SpecifiedLegalOrganization/ram:ID",
            BUYER + "ram:SpecifiedTaxRegistration/ram:ID",
        )
        if buyer_id is not None:
            return buyer_id
        name = self.record.required(
            BUYER + "ram:Name", self.xml.text(self.root, BUYER + "ram:Name")
        )
        self.warnings.append(
            f"{self.file_name}: {self.record.label}: the buyer has no identifier; "
            f"keyed by its name {name!r}"
        )
        return name

    def seller_tax_id(self) -> str:
        path = SELLER + "ram:SpecifiedTaxRegistration/ram:ID"
        registrations = [
            found for found in self.xml.findall(self.root, path) if clean(found.text) is not None
        ]
        registrations.sort(key=lambda found: found.get("schemeID") != VAT_SCHEME)
        text = clean(registrations[0].text) if registrations else None
        text = text or self.xml.text(
            self.root,
            SELLER + "ram:SpecifiedLegalOrganization/ram:ID",
            SELLER + "ram:ID",
            SELLER + "ram:GlobalID",
        )
        return tax_id_base(self.record, path, self.record.required(path, text))
