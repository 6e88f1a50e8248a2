"""ISO 20022 camt.054 debit/credit notifications, message versions 001.02 to 001.08.

A notification announces single entries as they happen and states no balances, so its
`bank_statements` row carries only the count and totals of its booked entries, with
`balances_tie` left empty.
"""

from ingest.parsed import ParsedFile
from ingest.parsers._iso20022 import Message, parse_message

SOURCE_FORMAT = "camt054"

MESSAGE = Message(
    source_format=SOURCE_FORMAT,
    name="camt.054",
    block_path="BkToCstmrDbtCdtNtfctn/Ntfctn",
    block_description="notification",
    opening_codes=(),
    closing_codes=(),
)


def parse(content: bytes, file_name: str) -> ParsedFile:
    return parse_message(content, file_name, MESSAGE)
