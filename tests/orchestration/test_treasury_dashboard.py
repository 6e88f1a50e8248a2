import re

import duckdb
import pytest

from dashboards.treasury import build_treasury_dashboard, chart_kpis


@pytest.fixture
def kpi_warehouse(tmp_path):
    """Two days of KPIs for one company, a segment and a channel row, and three open items.

    Over the two days 20 of 26 payments were reconciled on T+0 and 5469,12 pesos collected
    4 documents: the charts' 30-day figures, 76,9 % and $1.367,28.
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
            ('andina', '2025-03-21', 'mayorista', 'all',
             52.00, 0.600000, 3, 5, 0.500000, 900.00, 900.00, 1, 'COP'),
            ('andina', '2025-03-21', 'all', 'gateway',
             null, 0.990000, 99, 100, null, 700.00, 700.00, 1, 'COP')
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
            ('andina', 'FE3', '91+', 125000.50, 'COP')
        ) as t(company_id, document_id, aging_bucket, open_amount, currency)
        """
    )
    connection.close()
    return warehouse


def test_the_dashboard_cards_show_dso_on_the_latest_day_and_t0_and_cost_over_thirty_days(
    kpi_warehouse, tmp_path
):
    output = build_treasury_dashboard(kpi_warehouse, tmp_path / "dashboards" / "treasury.html")

    html = output.read_text(encoding="utf-8")
    assert "Indicadores al 21 de marzo de 2025" in html
    # 41.75 rounds half up to 41,8; T+0 and cost are the 30-day figures, 20/26 and
    # 5469,12/4; promise coverage is the position on the latest day.
    assert ">41,8<" in html
    assert ">76,9 %<" in html
    assert ">33,3 %<" in html
    assert ">$1.367,28<" in html
    # The earlier day is a point on the trend line, never a headline card.
    assert ">44,1<" not in html


def test_the_dashboard_is_one_file_that_carries_plotly_inline_once(kpi_warehouse, tmp_path):
    output = build_treasury_dashboard(kpi_warehouse, tmp_path / "treasury.html")

    html = output.read_text(encoding="utf-8")
    # No script is fetched from elsewhere: the page opens offline.
    assert re.search(r"<script[^>]*\ssrc=", html) is None
    assert html.count("plotly.js v") == 1
    assert html.count('class="figure"') == 4


def test_the_aging_chart_carries_each_bucket_total_as_a_formatted_hover_amount(
    kpi_warehouse, tmp_path
):
    html = build_treasury_dashboard(kpi_warehouse, tmp_path / "t.html").read_text("utf-8")

    assert "$500.000" in html
    assert "$125.000,50" in html


def test_the_trend_charts_add_up_numerators_and_denominators_over_thirty_days(
    kpi_warehouse, tmp_path
):
    with duckdb.connect(str(kpi_warehouse), read_only=True) as connection:
        kpis = chart_kpis(connection)
    html = build_treasury_dashboard(kpi_warehouse, tmp_path / "t.html").read_text("utf-8")

    last_day = kpis[(kpis["segment"] == "all") & (kpis["channel"] == "all")].iloc[-1]
    # (7 + 13) / (10 + 16) and (3000 + 2469.12) / (2 + 2), not the last day's own figures.
    assert last_day["t0_reconciled_rate"] == pytest.approx(20 / 26)
    assert last_day["cost_per_collected_document_amount"] == pytest.approx(1367.28)
    assert "Conciliación T+0, últimos 30 días" in html
