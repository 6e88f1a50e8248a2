"""UBL 2.1 invoices and credit notes as PEPPOL BIS Billing 3.0 sends them (EN 16931).

One `invoices` row per file. The totals follow EN 16931: TaxExclusiveAmount plus the
document-level TaxAmount in the document currency makes TaxInclusiveAmount (BR-CO-15), and
PayableAmount is TaxInclusiveAmount less PrepaidAmount plus PayableRoundingAmount (BR-CO-16).
A rounding amount counts in the net and the total, so the receivable is what the customer pays.
The owner is the supplier, by the tax id its party states.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

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
from ingest.parsers._values import Record

log = logging.getLogger(__name__)

SOURCE_FORMAT = "ubl"

UBL_NAMESPACES = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
DOCUMENT_KINDS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "DebitNote": "urn:oasis:names:specification:ubl:schema:xsd:DebitNote-2",
}
# UNTDID 1001: an Invoice with type code 383 is a debit note on an earlier invoice.
DEBIT_NOTE_TYPE_CODES = ("383",)

CUSTOMER = "cac:AccountingCustomerParty/cac:Party/"
SUPPLIER = "cac:AccountingSupplierParty/cac:Party/"
INVOICE_REFERENCE = "cac:BillingReference/cac:InvoiceDocumentReference/"
DUE_DATE_PATHS = ("cbc:DueDate", "cac:PaymentMeans/cbc:PaymentDueDate")
TAX_AMOUNT_PATH = "cac:TaxTotal/cbc:TaxAmount"


def parse(content: bytes, file_name: str) -> ParsedFile:
    reader = UblReader(read_xml(content, file_name), file_name)
    return reader.parsed_file(SOURCE_FORMAT)


@dataclass(frozen=True)
class Totals:
    net_amount: Decimal
    tax_amount: Decimal
    total_amount: Decimal
    prepaid_amount: Decimal | None


class UblReader:
    """Reads one UBL 2.1 Invoice, CreditNote or DebitNote element.

    The DIAN reader (dian_ubl.py) overrides the parts where Colombia departs from EN 16931:
    the party ids, the totals and the CUFE.
    """

    def __init__(self, root: etree._Element, file_name: str, place: str = "") -> None:
        self.root = root
        self.file_name = file_name
        self.kind = _document_kind(root, file_name, place)
        opening = XmlRecord(
            UBL_NAMESPACES, Record(file_name, f"{place}{self.kind} (line {root.sourceline})")
        )
        self.document_id = opening.required(root, "cbc:ID")
        self.xml = XmlRecord(
            UBL_NAMESPACES, Record(file_name, f"{place}{self.kind} {self.document_id}")
        )
        self.currency = self.record.currency(
            "cbc:DocumentCurrencyCode", self.xml.text(root, "cbc:DocumentCurrencyCode")
        )
        self.warnings: list[str] = []

    @property
    def record(self) -> Record:
        return self.xml.record

    @property
    def totals_path(self) -> str:
        # The UBL DebitNote schema names its totals RequestedMonetaryTotal.
        if self.kind == "DebitNote":
            return "cac:RequestedMonetaryTotal"
        return "cac:LegalMonetaryTotal"

    def parsed_file(self, source_format: str) -> ParsedFile:
        row = invoice_row(self.document(), self.record, 1, self.warnings, self.source_fields())
        owner = self.supplier_tax_id()
        log.debug(
            "parsed %s %s of %s from %s file %s",
            row["document_type"],
            row["document_id"],
            owner,
            source_format,
            self.file_name,
        )
        return ParsedFile(
            source_format=source_format,
            rows={"invoices": [row]},
            owner_keys=(("company_tax_id", owner),),
            warnings=self.warnings,
        )

    def document(self) -> InvoiceDocument:
        totals = self.totals()
        related_document_id, related_document_uuid = self.related_document()
        return InvoiceDocument(
            document_id=self.document_id,
            document_type=self.document_type(),
            customer_id=self.customer_id(),
            issue_date=self.record.iso_date(
                "cbc:IssueDate", self.xml.text(self.root, "cbc:IssueDate")
            ),
            due_date=self.xml.iso_date(self.root, *DUE_DATE_PATHS),
            currency=self.currency,
            net_amount=totals.net_amount,
            tax_amount=totals.tax_amount,
            total_amount=totals.total_amount,
            prepaid_amount=totals.prepaid_amount,
            related_document_id=related_document_id,
            payment_reference=self.xml.text(self.root, "cac:PaymentMeans/cbc:PaymentID"),
            document_uuid=self.document_uuid(),
            related_document_uuid=related_document_uuid,
        )

    def source_fields(self) -> dict[str, str]:
        return {
            "net_amount": f"{self.totals_path}/cbc:TaxExclusiveAmount",
            "tax_amount": TAX_AMOUNT_PATH,
            "total_amount": f"{self.totals_path}/cbc:TaxInclusiveAmount",
            "prepaid_amount": f"{self.totals_path}/cbc:PrepaidAmount",
            "due_date": " or ".join(DUE_DATE_PATHS),
        }

    def document_type(self) -> str:
        if self.kind == "CreditNote":
            return CREDIT_NOTE
        if self.kind == "DebitNote":
            return DEBIT_NOTE
        type_code = self.xml.text(self.root, "cbc:InvoiceTypeCode")
        return DEBIT_NOTE if type_code in DEBIT_NOTE_TYPE_CODES else INVOICE

    def document_uuid(self) -> str | None:
        return None

    def related_document(self) -> tuple[str | None, str | None]:
        """The invoice a note amends; a note on several invoices is linked to the first."""
        references = self.xml.findall(self.root, INVOICE_REFERENCE + "cbc:ID")
        if len(references) > 1:
            self.warnings.append(
                f"{self.file_name}: {self.record.label}: amends {len(references)} invoices; "
                "linked to the first only"
            )
        return (
            self.xml.text(self.root, INVOICE_REFERENCE + "cbc:ID"),
            self.xml.text(self.root, INVOICE_REFERENCE + "cbc:UUID"),
        )

    def totals(self) -> Totals:
        xml, root, currency, path = self.xml, self.root, self.currency, self.totals_path
        tax_amount = sum(xml.amounts_in(root, TAX_AMOUNT_PATH, currency), Decimal("0.00"))
        tax_exclusive = xml.amount(root, f"{path}/cbc:TaxExclusiveAmount", currency)
        tax_inclusive = xml.amount(root, f"{path}/cbc:TaxInclusiveAmount", currency)
        prepaid = xml.amount(root, f"{path}/cbc:PrepaidAmount", currency, required=False)
        rounding = xml.amount(root, f"{path}/cbc:PayableRoundingAmount", currency, required=False)
        payable = xml.amount(root, f"{path}/cbc:PayableAmount", currency)
        rounding = rounding or Decimal("0.00")

        self.expect_equal(
            f"{path}/cbc:TaxInclusiveAmount",
            tax_inclusive,
            tax_exclusive + tax_amount,
            "TaxExclusiveAmount plus TaxTotal/TaxAmount",
        )
        self.expect_equal(
            f"{path}/cbc:PayableAmount",
            payable,
            tax_inclusive - (prepaid or 0) + rounding,
            "TaxInclusiveAmount less PrepaidAmount plus PayableRoundingAmount",
        )
        return Totals(tax_exclusive + rounding, tax_amount, tax_inclusive + rounding, prepaid)

    def expect_equal(self, field: str, found: Decimal, expected: Decimal, rule: str) -> None:
        if found != expected:
            raise self.record.error(field, f"{expected} ({rule})", found)

    def customer_id(self) -> str:
        """The buyer's id; a buyer named but not identified is keyed by its name."""
        customer_id = self.xml.text(
            self.root,
            CUSTOMER + "cac:PartyIdentification/cbc:ID",
            CUSTOMER + "cac:PartyTaxScheme/cbc:CompanyID",
            CUSTOMER + "cac:PartyLegalEntity/cbc:CompanyID",
            CUSTOMER + "cbc:EndpointID",
        )
        return customer_id or self.customer_name()

    def customer_name(self) -> str:
        name = self.record.required(
            CUSTOMER + "cac:PartyLegalEntity/cbc:RegistrationName",
            self.xml.text(
                self.root,
                CUSTOMER + "cac:PartyLegalEntity/cbc:RegistrationName",
                CUSTOMER + "cac:PartyName/cbc:Name",
            ),
        )
        self.warnings.append(
            f"{self.file_name}: {self.record.label}: the customer has no identifier; "
            f"keyed by its name {name!r}"
        )
        return name

    def supplier_tax_id(self) -> str:
        path = SUPPLIER + "cac:PartyTaxScheme/cbc:CompanyID"
        text = self.xml.text(
            self.root,
            path,
            SUPPLIER + "cac:PartyLegalEntity/cbc:CompanyID",
            SUPPLIER + "cac:PartyIdentification/cbc:ID",
            SUPPLIER + "cbc:EndpointID",
        )
        return tax_id_base(self.record, path, self.record.required(path, text))


def _document_kind(root: etree._Element, file_name: str, place: str) -> str:
    kind = local_name(root)
    if DOCUMENT_KINDS.get(kind) != namespace(root):
        raise ParseError(
            file_name,
            f"{place}{kind} (line {root.sourceline})",
            "root element",
            "a UBL 2.1 Invoice, CreditNote or DebitNote",
            f"{{{namespace(root)}}}{kind}",
        )
    return kind
