"""ISO 20022 camt.053 bank-to-customer statements, message versions 001.02 to 001.08.

One `bank_lines` row per transaction detail (a batch entry is split, see `_iso20022`) and one
`bank_statements` row per `Stmt`, with its opening and closing booked balances and totals.
"""

from ingest.parsed import ParsedFile
from ingest.parsers._iso20022 import Message, parse_message

SOURCE_FORMAT = "camt053"

MESSAGE = Message(
    source_format=SOURCE_FORMAT,
    name="camt.053",
    block_path="BkToCstmrStmt/Stmt",
    block_description="statement",
    opening_codes=("OPBD", "PRCD"),
    closing_codes=("CLBD",),
)


def parse(content: bytes, file_name: str) -> ParsedFile:
    return parse_message(content, file_name, MESSAGE)
