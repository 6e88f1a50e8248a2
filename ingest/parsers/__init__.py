"""One parser per file format; each turns a file's bytes into a ParsedFile.

Parsers never touch the warehouse or the filesystem, and a file that breaks its format raises
`ingest.errors.ParseError` naming the file, the record and the field.
"""

from collections.abc import Callable, Mapping

from ingest.detect import detect_format
from ingest.parsed import ParsedFile
from ingest.parsers import (
    adyen,
    asobancaria2001,
    bai2,
    bank_mapped,
    billing_csv,
    camt052,
    camt053,
    camt054,
    dian_ubl,
    facturx,
    gateway_csv,
    gateway_mapped_csv,
    invoices_mapped,
    mercadopago,
    mt940,
    mt942,
    ofx,
    paypal,
    stripe,
    ubl,
)

PARSERS: dict[str, Callable[[bytes, str], ParsedFile]] = {
    camt053.SOURCE_FORMAT: camt053.parse,
    mt940.SOURCE_FORMAT: mt940.parse,
    mt942.SOURCE_FORMAT: mt942.parse,
    camt052.SOURCE_FORMAT: camt052.parse,
    camt054.SOURCE_FORMAT: camt054.parse,
    bai2.SOURCE_FORMAT: bai2.parse,
    ofx.SOURCE_FORMAT: ofx.parse,
    asobancaria2001.SOURCE_FORMAT: asobancaria2001.parse,
    gateway_csv.SOURCE_FORMAT: gateway_csv.parse,
    billing_csv.SOURCE_FORMAT: billing_csv.parse,
    stripe.SOURCE_FORMAT: stripe.parse,
    adyen.SOURCE_FORMAT: adyen.parse,
    paypal.SOURCE_FORMAT: paypal.parse,
    mercadopago.SOURCE_FORMAT: mercadopago.parse,
    gateway_mapped_csv.SOURCE_FORMAT: gateway_mapped_csv.parse,
    ubl.SOURCE_FORMAT: ubl.parse,
    dian_ubl.SOURCE_FORMAT: dian_ubl.parse,
    facturx.SOURCE_FORMAT: facturx.parse,
    invoices_mapped.SOURCE_FORMAT: invoices_mapped.parse,
    bank_mapped.SOURCE_FORMAT: bank_mapped.parse,
}

# Text bank formats, read in the encoding config/companies.yml declares for their account
# when it declares one; the others state their encoding themselves (XML, OFX) or have one.
DECLARED_ENCODING_PARSERS: dict[str, Callable[..., ParsedFile]] = {
    mt940.SOURCE_FORMAT: mt940.parse,
    mt942.SOURCE_FORMAT: mt942.parse,
    bai2.SOURCE_FORMAT: bai2.parse,
    bank_mapped.SOURCE_FORMAT: bank_mapped.parse,
}


def parse_file(
    content: bytes, file_name: str, declared_encodings: Mapping[str, str] | None = None
) -> ParsedFile:
    """Recognises the format from the content and reads the file with its parser.

    `declared_encodings` maps a bank account (without leading zeros) to the encoding its
    files are written in (`CompanyRegistry.encoding_by_bank_account`)."""
    source_format = detect_format(content, file_name)
    if source_format in DECLARED_ENCODING_PARSERS:
        return DECLARED_ENCODING_PARSERS[source_format](content, file_name, declared_encodings)
    return PARSERS[source_format](content, file_name)


__all__ = ["PARSERS", "ParsedFile", "parse_file"]
