"""Amounts and dates as a Colombian reader expects them, in the dashboard and in reminders."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CURRENCY_SYMBOLS = {"COP": "$", "USD": "US$", "EUR": "€"}

SPANISH_MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]

# A KPI without a denominator (no sales, no payments that day) is shown as "no disponible".
NOT_AVAILABLE = "n/d"

Number = Decimal | float | int


def _is_missing(value: Number | None) -> bool:
    # pandas hands a missing value over as NaN, the one value unequal to itself.
    return value is None or value != value


def format_number_es_co(value: Number | None, decimals: int = 0) -> str:
    """`1.234.567,8`: es-CO groups thousands with dots and writes decimals after a comma."""
    if _is_missing(value):
        return NOT_AVAILABLE
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):.{decimals}f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def format_amount_es_co(amount: Decimal | None, currency: str) -> str:
    """`$1.234.567`, or `$1.234.567,50` when there are cents to show.

    Colombian peso prices are printed without cents (babel's es-CO currency pattern); a
    remainder in cents is still shown rather than silently rounded away.
    """
    if _is_missing(amount):
        return NOT_AVAILABLE
    amount = Decimal(str(amount))
    has_cents = amount.quantize(Decimal("0.01")) != amount.quantize(Decimal(1))
    text = format_number_es_co(amount, decimals=2 if has_cents else 0)
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)

    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {currency}"


def whole_units(amount: Number | None) -> Decimal | None:
    """The amount rounded half up to whole pesos (or dollars): a cost per document is an
    average, and its centavos are noise to a treasurer."""
    if _is_missing(amount):
        return None
    return Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def format_rate_es_co(rate: Number | None) -> str:
    """A 0-1 ratio as `87,5 %`."""
    if _is_missing(rate):
        return NOT_AVAILABLE
    return f"{format_number_es_co(Decimal(str(rate)) * 100, decimals=1)} %"


def format_date_es(value: date) -> str:
    """`7 de marzo de 2025`: spelled out, because 07/03 reads as July 3rd to half the world."""
    return f"{value.day} de {SPANISH_MONTHS[value.month - 1]} de {value.year}"
