"""ISO 20022 camt.052 intraday account reports, message versions 001.02 to 001.08.

A report lists what the bank has booked so far today and what it expects to book: entries
with status PDNG load as `pending` lines and stay out of the report's booked totals. The
booked line that later replaces a pending one is matched in dbt (`int_bank_lines`). The
report's own balances are optional; when it states an opening and a current booked balance
(CLBD, or the interim ITBD), the booked entries are checked against them.
"""

from ingest.parsed import ParsedFile
from ingest.parsers._iso20022 import Message, parse_message

SOURCE_FORMAT = "camt052"

MESSAGE = Message(
    source_format=SOURCE_FORMAT,
    name="camt.052",
    block_path="BkToCstmrAcctRpt/Rpt",
    block_description="account report",
    opening_codes=("OPBD", "PRCD"),
    closing_codes=("CLBD", "ITBD"),
)


def parse(content: bytes, file_name: str) -> ParsedFile:
    return parse_message(content, file_name, MESSAGE)
