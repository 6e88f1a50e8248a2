"""DIAN electronic invoices of Colombia (UBL 2.1, Anexo Técnico 1.9): invoices, credit notes
(type 91) and debit notes (type 92), bare or inside the AttachedDocument a supplier sends its
customer, which carries the signed invoice as text in a CDATA.

A document is keyed at DIAN by its CUFE (invoice) or CUDE (note), `cbc:UUID`, kept as
`document_uuid`; a note names its invoice by number and CUFE in BillingReference. Parties are
identified the DIAN way: `CompanyID` with the identification type in `schemeName` (31 = NIT)
and, for a NIT, its check digit in `schemeID`, which is checked here.

DIAN's totals differ from EN 16931: TaxInclusiveAmount is LineExtensionAmount plus the taxes,
and the document-level allowances and charges come after it, so PayableAmount =
TaxInclusiveAmount - AllowanceTotalAmount + ChargeTotalAmount - PrepaidAmount +
PayableRoundingAmount. The total billed is PayableAmount + PrepaidAmount and the net is that
total less the taxes.
"""

import logging
import re
from decimal import Decimal

from lxml import etree
from stdnum.co import nit

from ingest.parsed import ParsedFile
from ingest.parsers._invoice_xml import XmlRecord, local_name, namespace, read_xml
from ingest.parsers._values import Record, clean
from ingest.parsers.ubl import (
    CUSTOMER,
    SUPPLIER,
    TAX_AMOUNT_PATH,
    UBL_NAMESPACES,
    Totals,
    UblReader,
)

log = logging.getLogger(__name__)

SOURCE_FORMAT = "dian_ubl"

ATTACHED_DOCUMENT_NAMESPACE = "urn:oasis:names:specification:ubl:schema:xsd:AttachedDocument-2"
EMBEDDED_DOCUMENT_PATH = "cac:Attachment/cac:ExternalReference/cbc:Description"
# DIAN identification types (Anexo Técnico 1.9, table 13.2.1): 31 is a NIT, with check digit.
NIT_SCHEME = "31"
# ProfileExecutionID 2 marks a document of DIAN's test environment (habilitación).
TEST_ENVIRONMENT = "2"
# CUFE and CUDE are SHA-384 digests written in hexadecimal (Anexo Técnico 1.9, section 11).
_SHA384_HEX = re.compile(r"[0-9a-fA-F]{96}")


def parse(content: bytes, file_name: str) -> ParsedFile:
    root = read_xml(content, file_name)
    if local_name(root) == "AttachedDocument" and namespace(root) == ATTACHED_DOCUMENT_NAMESPACE:
        return _parse_attached_document(root, file_name)
    return DianReader(root, file_name).parsed_file(SOURCE_FORMAT)


def _parse_attached_document(attached: etree._Element, file_name: str) -> ParsedFile:
    """The container names the document it carries in ParentDocumentID; both must agree."""
    xml = XmlRecord(
        UBL_NAMESPACES, Record(file_name, f"AttachedDocument (line {attached.sourceline})")
    )
    container_id = xml.text(attached, "cbc:ID")
    place = (
        f"AttachedDocument {container_id}, embedded "
        if container_id
        else "AttachedDocument, embedded "
    )
    embedded = read_xml(xml.required(attached, EMBEDDED_DOCUMENT_PATH), file_name, place)
    reader = DianReader(embedded, file_name, place)

    parent_document_id = xml.text(attached, "cbc:ParentDocumentID")
    if parent_document_id is not None and parent_document_id != reader.document_id:
        raise xml.record.error(
            "cbc:ParentDocumentID",
            f"the ID of the embedded document, {reader.document_id}",
            parent_document_id,
        )
    return reader.parsed_file(SOURCE_FORMAT)


class DianReader(UblReader):
    """A UBL reader for the DIAN dialect: CUFE, NIT check digits and DIAN's totals."""

    def __init__(self, root: etree._Element, file_name: str, place: str = "") -> None:
        super().__init__(root, file_name, place)
        if self.xml.text(root, "cbc:ProfileExecutionID") == TEST_ENVIRONMENT:
            self.warnings.append(
                f"{file_name}: {self.record.label}: issued in DIAN's test environment "
                "(ProfileExecutionID 2), so it is not a valid tax document"
            )

    def document_uuid(self) -> str:
        return self._sha384("cbc:UUID", self.xml.required(self.root, "cbc:UUID"))

    def related_document(self) -> tuple[str | None, str | None]:
        related_document_id, related_document_uuid = super().related_document()
        # A CUFE alone is enough: dbt links the note to the invoice that carries it.
        if self.kind != "Invoice" and related_document_id is None and related_document_uuid is None:
            self.warnings.append(
                f"{self.file_name}: {self.record.label}: the note names no invoice in "
                "BillingReference; it stays unapplied until someone links it"
            )
        if related_document_uuid is not None:
            related_document_uuid = self._sha384(
                "cac:BillingReference/cac:InvoiceDocumentReference/cbc:UUID",
                related_document_uuid,
            )
        return related_document_id, related_document_uuid

    def _sha384(self, field: str, text: str) -> str:
        if not _SHA384_HEX.fullmatch(text):
            raise self.record.error(
                field, "a CUFE or CUDE: 96 hexadecimal characters (SHA-384)", text
            )
        return text.lower()

    def source_fields(self) -> dict[str, str]:
        return super().source_fields() | {
            "net_amount": f"{self.totals_path}/cbc:LineExtensionAmount",
            "total_amount": f"{self.totals_path}/cbc:PayableAmount",
        }

    def totals(self) -> Totals:
        xml, root, currency, path = self.xml, self.root, self.currency, self.totals_path
        zero = Decimal("0.00")
        tax_amount = sum(xml.amounts_in(root, TAX_AMOUNT_PATH, currency), zero)
        line_extension = xml.amount(root, f"{path}/cbc:LineExtensionAmount", currency)
        tax_inclusive = xml.amount(root, f"{path}/cbc:TaxInclusiveAmount", currency)
        allowance = xml.amount(root, f"{path}/cbc:AllowanceTotalAmount", currency, required=False)
        charge = xml.amount(root, f"{path}/cbc:ChargeTotalAmount", currency, required=False)
        prepaid = xml.amount(root, f"{path}/cbc:PrepaidAmount", currency, required=False)
        rounding = xml.amount(root, f"{path}/cbc:PayableRoundingAmount", currency, required=False)
        payable = xml.amount(root, f"{path}/cbc:PayableAmount", currency)

        self.expect_equal(
            f"{path}/cbc:TaxInclusiveAmount",
            tax_inclusive,
            line_extension + tax_amount,
            "LineExtensionAmount plus the TaxTotal amounts",
        )
        total_amount = tax_inclusive - (allowance or zero) + (charge or zero) + (rounding or zero)
        self.expect_equal(
            f"{path}/cbc:PayableAmount",
            payable,
            total_amount - (prepaid or zero),
            "TaxInclusiveAmount - AllowanceTotalAmount + ChargeTotalAmount - PrepaidAmount "
            "+ PayableRoundingAmount",
        )
        return Totals(total_amount - tax_amount, tax_amount, total_amount, prepaid)

    def customer_id(self) -> str:
        """The customer's NIT without its check digit, or its cedula or other id as written."""
        for path in (
            CUSTOMER + "cac:PartyTaxScheme/cbc:CompanyID",
            CUSTOMER + "cac:PartyLegalEntity/cbc:CompanyID",
            CUSTOMER + "cac:PartyIdentification/cbc:ID",
        ):
            element = self._first_with_text(path)
            if element is not None:
                return self.party_id(element, path)
        return self.customer_name()

    def supplier_tax_id(self) -> str:
        path = SUPPLIER + "cac:PartyTaxScheme/cbc:CompanyID"
        element = self._first_with_text(path)
        if element is None:
            path = SUPPLIER + "cac:PartyLegalEntity/cbc:CompanyID"
            element = self._first_with_text(path)
        if element is None:
            raise self.record.error(
                SUPPLIER + "cac:PartyTaxScheme/cbc:CompanyID", "the supplier's NIT", "nothing"
            )
        return self.party_id(element, path)

    def party_id(self, element: etree._Element, path: str) -> str:
        """For a NIT (schemeName 31), the base after checking the digit in schemeID (or after
        a dash, as some issuers write it); any other id as written, without punctuation."""
        text = clean(element.text) or ""
        compact = re.sub(r"[.\s]", "", text)
        if element.get("schemeName") != NIT_SCHEME:
            return compact

        base, _, written_digit = compact.partition("-")
        check_digit = clean(element.get("schemeID")) or clean(written_digit)
        if not base.isdigit():
            raise self.record.error(path, "a NIT of digits only", text)
        if check_digit is None:
            raise self.record.error(
                f"{path}/@schemeID", f"the check digit of NIT {base}", "nothing"
            )
        if not nit.is_valid(base + check_digit):
            raise self.record.error(
                f"{path}/@schemeID",
                f"{nit.calc_check_digit(base)}, the check digit of NIT {base}",
                check_digit,
            )
        return base

    def _first_with_text(self, path: str) -> etree._Element | None:
        return next(
            (found for found in self.xml.findall(self.root, path) if clean(found.text)), None
        )
