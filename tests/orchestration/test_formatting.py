from datetime import date
from decimal import Decimal

from dashboards.formatting import (
    format_amount_es_co,
    format_date_es,
    format_number_es_co,
    format_rate_es_co,
)


def test_peso_amounts_group_thousands_with_dots_and_drop_zero_cents():
    assert format_amount_es_co(Decimal("1234567.00"), "COP") == "$1.234.567"


def test_peso_amounts_keep_cents_after_a_comma_when_there_are_cents():
    assert format_amount_es_co(Decimal("1234567.50"), "COP") == "$1.234.567,50"


def test_negative_amounts_put_the_sign_before_the_currency_symbol():
    assert format_amount_es_co(Decimal("-950.00"), "COP") == "-$950"


def test_an_amount_in_a_currency_without_a_symbol_names_the_currency_after_it():
    assert format_amount_es_co(Decimal("12.30"), "PEN") == "12,30 PEN"


def test_rates_are_percentages_with_one_decimal_rounded_half_up():
    assert format_rate_es_co(Decimal("0.81250")) == "81,3 %"


def test_a_missing_kpi_reads_as_not_available_whether_none_or_nan():
    assert format_rate_es_co(None) == "n/d"
    assert format_number_es_co(float("nan"), decimals=1) == "n/d"


def test_dates_are_spelled_out_in_spanish():
    assert format_date_es(date(2025, 3, 7)) == "7 de marzo de 2025"
