"""Recognises a payment gateway's settlement report from its header row.

Gateways let their users pick columns and their order, and some write `;` between values, so a
report is known by a set of column names that all appear in its first row, compared without
case, accents or surrounding blanks. The layouts of config/gateway_layouts.yml are recognised
the same way, by the columns each one names under `identified_by`.
"""

import codecs
import csv

from ingest.gateway_layouts import load_layouts, normalised

STRIPE = "stripe"
ADYEN = "adyen"
PAYPAL = "paypal"
MERCADOPAGO = "mercadopago"
GATEWAY_MAPPED_CSV = "gateway_mapped_csv"

DELIMITERS = (",", ";", "\t")
# Tried in order when the first row is not UTF-8: older PayPal downloads are Windows-1252.
HEADER_ENCODINGS = ("utf-8", "cp1252")

STRIPE_MARKERS = {"balance_transaction_id", "reporting_category", "gross", "fee", "net"}
ADYEN_MARKERS = {"merchant account", "batch number", "type", "net debit (nc)", "net credit (nc)"}
MERCADOPAGO_MARKERS = {"record_type", "source_id", "net_credit_amount", "net_debit_amount"}
# A PayPal download in English or Spanish: one name of each group must be present.
PAYPAL_MARKER_GROUPS = (
    {"gross", "bruto"},
    {"net", "neto"},
    {"transaction id", "id. de transaccion", "id de transaccion", "codigo de transaccion"},
    {"type", "tipo"},
)


def sniff_delimiter(line: str) -> str:
    """The delimiter a header row uses most; a comma when it uses none."""
    counts = {delimiter: line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def header_columns(content: bytes) -> list[str]:
    """The names in the first non-blank row, split on the delimiter that row uses."""
    first_line = _first_line(content)
    row = next(csv.reader([first_line], delimiter=sniff_delimiter(first_line)), [])
    return [normalised(column) for column in row]


def gateway_report_format(content: bytes) -> str | None:
    """One of stripe, adyen, mercadopago, paypal or gateway_mapped_csv; None for none."""
    columns = set(header_columns(content))
    if columns >= STRIPE_MARKERS:
        return STRIPE
    if columns >= ADYEN_MARKERS:
        return ADYEN
    if columns >= MERCADOPAGO_MARKERS:
        return MERCADOPAGO
    if all(group & columns for group in PAYPAL_MARKER_GROUPS):
        return PAYPAL
    if any(layout.identified_by <= columns for layout in load_layouts()):
        return GATEWAY_MAPPED_CSV
    return None


def _first_line(content: bytes) -> str:
    first = content.removeprefix(codecs.BOM_UTF8).lstrip().split(b"\n", 1)[0].rstrip(b"\r")
    for encoding in HEADER_ENCODINGS:
        try:
            return first.decode(encoding)
        except UnicodeDecodeError:
            continue
    return ""
