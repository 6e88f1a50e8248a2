"""Exact peso arithmetic: rates, rounding and the two-decimal text every file uses."""

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
PESO = Decimal("1")

# Estatuto Tributario art. 468: general IVA rate.
IVA_RATE = Decimal("0.19")
# Retención en la fuente on purchases by a withholding agent (general rate for declarants).
RETEFUENTE_RATE = Decimal("0.025")
# ReteIVA: 15 % of the IVA billed (Estatuto Tributario art. 437-1).
RETEIVA_RATE = Decimal("0.15")
# ReteICA for commercial activities in Bogota: 4.14 per thousand of the net amount.
RETEICA_RATE = Decimal("0.00414")


def to_peso(amount: Decimal) -> Decimal:
    """Round half up to a whole peso and keep two decimals, as the files print it."""
    return amount.quantize(PESO, rounding=ROUND_HALF_UP).quantize(CENT)


def pesos(whole_pesos: int) -> Decimal:
    return Decimal(whole_pesos).quantize(CENT)


def iva(net_amount: Decimal) -> Decimal:
    return to_peso(net_amount * IVA_RATE)


def customer_withholding(net_amount: Decimal, tax_amount: Decimal) -> Decimal:
    """What a withholding agent keeps from an invoice: ReteFuente + ReteIVA + ReteICA."""
    return (
        to_peso(net_amount * RETEFUENTE_RATE)
        + to_peso(tax_amount * RETEIVA_RATE)
        + to_peso(net_amount * RETEICA_RATE)
    )


def decimal_text(amount: Decimal) -> str:
    """Two decimals with a decimal point and no thousands separator: `1190000.00`."""
    return f"{amount.quantize(CENT):.2f}"


def minor_units(amount: Decimal) -> int:
    """Cents as an integer, for fixed-width formats with two implied decimals."""
    return int((amount * 100).to_integral_exact())
