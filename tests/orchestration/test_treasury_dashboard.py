import re

import duckdb
import pytest

from dashboards.treasury import (
    aging_figure,
    aging_totals,
    breakdown_figure,
    build_treasury_dashboard,
    chart_kpis,
    company_colors,
)
from ingest.config import CompanyRegistry

REGISTRY = CompanyRegistry(
    [
        {"company_id": "andina", "legal_name": "Distribuidora Andina S.A.S."},
        {"company_id": "pacifico", "legal_name": "Comercializadora del Pacifico LTDA"},
    ]
)
NAMES = {"andina": "Distribuidora Andina S.A.S.", "pacifico": "Comercializadora del Pacifico LTDA"}
COLORS = company_colors(["andina", "pacifico"])


@pytest.fixture
def kpi_warehouse(tmp_path):
    """Two days of KPIs for andina with a row per segment and channel on the second, and
    open items of andina and pacifico.

    Over the two days 20 of 26 payments were reconciled on T+0 and 5469,12 pesos collected
    4 documents: the 30-day figures, 76,9 % and $1.367,28, shown as $1.367. Segments and
    channels are stored in neither alphabetical nor display order. No bank transfer was
    reconciled on T+0. 61-90 holds only a zero balance and no credit note is unapplied.
    """
    warehouse = tmp_path / "warehouse.duckdb"
    connection = duckdb.connect(str(warehouse))
    connection.execute(
        """
        create table kpi_daily as
        select
            company_id, kpi_date::date as kpi_date, segment, channel,
            dso_days::decimal(12, 2) as dso_days,
            true as is_dso_window_complete,
            t0_reconciled_rate::decimal(9, 6) as t0_reconciled_rate,
            t0_reconciled_payment_count, booked_payment_count,
            promise_coverage_rate::decimal(9, 6) as promise_coverage_rate,
            cost_per_collected_document_amount::decimal(18, 2)
                as cost_per_collected_document_amount,
            collection_cost_amount::decimal(18, 2) as collection_cost_amount,
            collected_document_count,
            currency,
        from (values
            ('andina', '2025-03-20', 'all', 'all',
             44.10, 0.700000, 7, 10, 0.200000, 1500.00, 3000.00, 2, 'COP'),
            ('andina', '2025-03-21', 'all', 'all',
             41.75, 0.812500, 13, 16, 0.333333, 1234.56, 2469.12, 2, 'COP'),
            ('andina', '2025-03-21', 'individual', 'all',
             30.00, 0.500000, 1, 2, 0.000000, 500.40, 500.40, 1, 'COP'),
            ('andina', '2025-03-21', 'sme', 'all',
             52.00, 0.600000, 3, 5, 0.500000, 900.00, 900.00, 1, 'COP'),
            ('andina', '2025-03-21', 'corporate', 'all',
             61.00, 1.000000, 9, 9, 0.400000, 1068.72, 1068.72, 1, 'COP'),
            ('andina', '2025-03-21', 'all', 'gateway',
             null, 0.990000, 99, 100, null, 700.49, 700.49, 1, 'COP'),
            ('andina', '2025-03-21', 'all', 'bank_collection',
             null, 0.500000, 2, 4, null, 800.00, 800.00, 1, 'COP'),
            ('andina', '2025-03-21', 'all', 'bank_transfer',
             null, 0.000000, 0, 12, null, 968.63, 968.63, 1, 'COP')
        ) as t(company_id, kpi_date, segment, channel, dso_days, t0_reconciled_rate,
               t0_reconciled_payment_count, booked_payment_count, promise_coverage_rate,
               cost_per_collected_document_amount, collection_cost_amount,
               collected_document_count, currency)
        """
    )
    connection.execute(
        """
        create table fct_open_items as
        select company_id, document_id, aging_bucket,
            open_amount::decimal(18, 2) as open_amount, currency
        from (values
            ('andina', 'FE1', 'current', 500000.00, 'COP'),
            ('andina', 'FE2', '1-30', 250000.00, 'COP'),
            ('andina', 'FE3', '91+', 125000.50, 'COP'),
            ('andina', 'FE4', '61-90', 0.00, 'COP'),
            ('pacifico', 'FP1', '31-60', 80000.00, 'COP')
        ) as t(company_id, document_id, aging_bucket, open_amount, currency)
        """
    )
    connection.close()
    return warehouse


@pytest.fixture
def kpis(kpi_warehouse):
    with duckdb.connect(str(kpi_warehouse), read_only=True) as connection:
        return chart_kpis(connection)


def build(kpi_warehouse, output_path):
    return build_treasury_dashboard(kpi_warehouse, output_path, REGISTRY).read_text("utf-8")


def test_the_dashboard_cards_show_dso_on_the_latest_day_and_t0_and_cost_over_thirty_days(
    kpi_warehouse, tmp_path
):
    html = build(kpi_warehouse, tmp_path / "dashboards" / "treasury.html")

    assert "Indicadores al 21 de marzo de 2025" in html
    # 41.75 rounds half up to 41,8; T+0 and cost are the 30-day figures, 20/26 and
    # 5469,12/4 in whole pesos; promise coverage is the position on the latest day.
    assert ">41,8<" in html
    assert ">76,9 %<" in html
    assert ">33,3 %<" in html
    assert ">$1.367<" in html
    # The earlier day is a point on the trend line, never a headline card.
    assert ">44,1<" not in html


def test_each_company_is_headed_by_its_legal_name_from_the_registry(kpi_warehouse, tmp_path):
    html = build(kpi_warehouse, tmp_path / "treasury.html")

    assert "<h2>Distribuidora Andina S.A.S.</h2>" in html
    assert "<h2>andina</h2>" not in html


def test_a_company_missing_from_the_registry_keeps_its_id(kpi_warehouse, tmp_path):
    registry = CompanyRegistry([{"company_id": "pacifico", "legal_name": "Pacifico LTDA"}])

    html = build_treasury_dashboard(kpi_warehouse, tmp_path / "t.html", registry).read_text()

    assert "<h2>andina</h2>" in html


def test_the_dashboard_is_one_file_that_carries_plotly_inline_once(kpi_warehouse, tmp_path):
    html = build(kpi_warehouse, tmp_path / "treasury.html")

    # No script is fetched from elsewhere: the page opens offline.
    assert re.search(r"<script[^>]*\ssrc=", html) is None
    assert html.count("plotly.js v") == 1
    assert html.count('class="figure"') == 4


def test_two_builds_over_the_same_data_write_the_same_page_byte_for_byte(kpi_warehouse, tmp_path):
    first = build(kpi_warehouse, tmp_path / "first.html")
    second = build(kpi_warehouse, tmp_path / "second.html")

    assert first == second
    assert 'id="figure-by-channel"' in first


def test_the_aging_chart_carries_each_bucket_total_as_a_formatted_hover_amount(
    kpi_warehouse, tmp_path
):
    html = build(kpi_warehouse, tmp_path / "t.html")

    assert "$500.000" in html
    assert "$125.000,50" in html


def test_an_aging_bucket_at_zero_for_every_company_is_left_out_of_the_chart(kpi_warehouse):
    with duckdb.connect(str(kpi_warehouse), read_only=True) as connection:
        figure = aging_figure(aging_totals(connection), COLORS, NAMES)

    andina, pacifico = figure.data
    # 61-90 holds only zero, no credit note is unapplied; 31-60 is pacifico's alone.
    assert list(andina.x) == ["Al día", "1-30", "31-60", "91+"]
    assert list(andina.y) == [500000.00, 250000.00, 0, 125000.50]
    assert list(pacifico.y) == [0, 0, 80000.00, 0]
    assert (andina.name, pacifico.name) == (NAMES["andina"], NAMES["pacifico"])


def test_the_trend_charts_add_up_numerators_and_denominators_over_thirty_days(
    kpis, kpi_warehouse, tmp_path
):
    html = build(kpi_warehouse, tmp_path / "t.html")

    last_day = kpis[(kpis["segment"] == "all") & (kpis["channel"] == "all")].iloc[-1]
    # (7 + 13) / (10 + 16), and (3000 + 2469.12) / (2 + 2) in whole pesos.
    assert last_day["t0_reconciled_rate"] == pytest.approx(20 / 26)
    assert last_day["cost_per_collected_document_amount"] == 1367
    assert "Conciliación T+0, últimos 30 días" in html


def test_segments_are_labelled_in_spanish_in_a_fixed_order(kpis):
    figure = breakdown_figure(kpis, "segment", "Por segmento", COLORS, NAMES)

    expected = ["Corporativo", "Pyme", "Persona natural"]
    assert all(list(trace.x) == expected for trace in figure.data)
    assert list(figure.layout.xaxis.categoryarray) == expected


def test_channels_are_labelled_in_spanish_in_a_fixed_order(kpis):
    figure = breakdown_figure(kpis, "channel", "Por canal", COLORS, NAMES)

    expected = ["Transferencia bancaria", "Recaudo bancario", "Pasarela de pagos"]
    assert all(list(trace.x) == expected for trace in figure.data)


def test_bars_carry_their_value_so_a_zero_t0_rate_reads_zero_and_costs_whole_pesos(kpis):
    figure = breakdown_figure(kpis, "channel", "Por canal", COLORS, NAMES)

    t0_bars, cost_bars = figure.data
    assert list(t0_bars.text) == ["0,0 %", "50,0 %", "99,0 %"]
    assert t0_bars.textposition == "outside"
    assert list(cost_bars.text) == ["$969", "$800", "$700"]
    assert list(cost_bars.y) == [969, 800, 700]


def test_the_channel_chart_explains_why_bank_transfers_never_reach_t0(kpi_warehouse, tmp_path):
    html = build(kpi_warehouse, tmp_path / "t.html")

    channel_section = html[html.index('id="figure-by-channel"') :]
    assert "extracto de cierre del día" in channel_section
    assert "mañana siguiente" in channel_section
