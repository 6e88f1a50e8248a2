"""Identifiers with check digits: NITs, RF creditor references and recaudo references."""

import random

from stdnum import luhn
from stdnum.co import nit
from stdnum.iso7064 import mod_97_10


def nit_with_check_digit(base: str) -> str:
    """`900417352` -> `900417352-3`, the DIAN check digit computed from the base."""
    return f"{base}-{nit.calc_check_digit(base)}"


def creditor_reference(document_id: str) -> str:
    """ISO 11649 RF reference of a document id, dash removed: `FEA-000123` -> `RF40FEA000123`."""
    base = document_id.replace("-", "")
    return f"RF{mod_97_10.calc_check_digits(base + 'RF')}{base}"


def collection_reference(company_digit: int, document_number: int) -> str:
    """Company digit, six-digit document number and a Luhn check digit: `10001238`."""
    body = f"{company_digit}{document_number:06d}"
    return body + luhn.calc_check_digit(body)


def change_one_digit(rng: random.Random, text: str, first: int = 0, last: int | None = None) -> str:
    """`text` with one digit between positions `first` and `last` replaced by another digit.

    A single substituted digit is the typing error that both Luhn and ISO 7064 mod 97-10
    always detect, which is what makes a mistyped reference recognisable as one.
    """
    stop = len(text) if last is None else last
    positions = [index for index in range(first, stop) if text[index].isdigit()]
    if not positions:
        raise ValueError(f"no digit to change in {text!r} between {first} and {stop}")
    position = rng.choice(positions)
    replacement = rng.choice([digit for digit in "0123456789" if digit != text[position]])
    return text[:position] + replacement + text[position + 1 :]
