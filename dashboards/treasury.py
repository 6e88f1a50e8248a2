"""The treasury dashboard: one HTML file, readable offline, built from kpi_daily and the aging.

It shows, per company, the four KPIs at the as-of date, their trend, the open items by
aging bucket, and the KPIs broken down by customer segment and by payment channel.
"""

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import jinja2
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from dashboards.formatting import (
    format_amount_es_co,
    format_date_es,
    format_number_es_co,
    format_rate_es_co,
)
from dashboards.headline import TRAILING_WINDOW_DAYS, headline_kpis

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"

AGING_BUCKETS = ["current", "1-30", "31-60", "61-90", "91+", "unapplied_credit"]
AGING_LABELS = {"current": "Al día", "unapplied_credit": "Notas crédito sin aplicar"}

CHANNEL_LABELS = {
    "bank_transfer": "Transferencia",
    "bank_collection": "Recaudo bancario",
    "gateway": "Pasarela de pagos",
}

# Plotly writes decimals and thousands with these two characters: es-CO style.
ES_CO_SEPARATORS = ",."

KPI_LABELS = {
    "dso_days": "DSO (días)",
    "t0_reconciled_rate": "Conciliación T+0",
    "promise_coverage_rate": "Cobertura de promesas de pago",
    "cost_per_collected_document_amount": "Costo por documento cobrado",
}

# A single day holds a handful of payments, so its T+0 rate and cost per document jump
# between 0 and 100 % or between pesos and millions. Charts add up numerators and
# denominators over this many days; DSO (already a 90-day window) and promise coverage (a
# position on the day) are charted as they are.
TRAILING_DAYS = TRAILING_WINDOW_DAYS
TRAILING_KPIS = {"t0_reconciled_rate", "cost_per_collected_document_amount"}

CHART_KPIS_SQL = f"""
select
    company_id,
    kpi_date,
    segment,
    channel,
    -- before a full window of sales exists, DSO divides by too little and overstates
    case when is_dso_window_complete then dso_days end as dso_days,
    promise_coverage_rate,
    sum(t0_reconciled_payment_count) over recent_days
        / nullif(sum(booked_payment_count) over recent_days, 0) as t0_reconciled_rate,
    sum(collection_cost_amount) over recent_days
        / nullif(sum(collected_document_count) over recent_days, 0)
        as cost_per_collected_document_amount,
from kpi_daily
window recent_days as (
    partition by company_id, segment, channel
    order by kpi_date
    range between interval {TRAILING_DAYS - 1} days preceding and current row
)
order by company_id, kpi_date
"""


@dataclass(frozen=True)
class KpiCard:
    """The four KPIs of one company on its latest day, formatted for the page."""

    company_id: str
    kpi_date: date
    dso_days: str
    t0_reconciled_rate: str
    promise_coverage_rate: str
    cost_per_collected_document_amount: str


def build_treasury_dashboard(warehouse_path: Path, output_path: Path) -> Path:
    """Reads the marts read-only and writes the dashboard to `output_path`."""
    connection = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        cards = latest_kpi_cards(connection)
        kpis = chart_kpis(connection)
        open_items = connection.execute(
            """
            select company_id, aging_bucket, currency, sum(open_amount) as open_amount,
            from fct_open_items
            group by all
            """
        ).df()
    finally:
        connection.close()

    colors = company_colors([*kpis["company_id"], *open_items["company_id"]])
    figures = [
        trend_figure(kpis, colors),
        aging_figure(open_items, colors),
        breakdown_figure(kpis, "segment", "Por segmento de cliente", colors),
        breakdown_figure(kpis, "channel", "Por canal de pago", colors),
    ]
    for figure in figures:
        figure.update_layout(separators=ES_CO_SEPARATORS)

    output_path.parent.mkdir(parents=True, exist_ok=True)
    output_path.write_text(render_page(cards, figures), encoding="utf-8")
    logger.info(
        "wrote the treasury dashboard for %d companies (%d KPI rows, %d aging buckets) to %s",
        len(cards),
        len(kpis),
        len(open_items),
        output_path,
    )
    return output_path


def latest_kpi_cards(connection: duckdb.DuckDBPyConnection) -> list[KpiCard]:
    """Each company's headline KPIs for all channels, formatted; amounts stay Decimal until
    they become text."""
    return [
        KpiCard(
            company_id=kpis.company_id,
            kpi_date=kpis.kpi_date,
            dso_days=format_number_es_co(kpis.dso_days, decimals=1),
            t0_reconciled_rate=format_rate_es_co(kpis.t0_reconciled_rate),
            promise_coverage_rate=format_rate_es_co(kpis.promise_coverage_rate),
            cost_per_collected_document_amount=format_amount_es_co(
                kpis.cost_per_collected_document_amount, kpis.currency
            ),
        )
        for kpis in headline_kpis(connection)
        if kpis.channel == "all"
    ]


def chart_kpis(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every kpi_daily row, with T+0 and cost per document over the trailing days."""
    return connection.execute(CHART_KPIS_SQL).df()


def company_colors(company_ids: list[str]) -> dict[str, str]:
    """One color per company, the same in every chart."""
    palette = qualitative.Plotly
    return {
        company_id: palette[index % len(palette)]
        for index, company_id in enumerate(sorted(set(company_ids)))
    }


def chart_title(column: str) -> str:
    label = KPI_LABELS[column]
    return f"{label}, últimos {TRAILING_DAYS} días" if column in TRAILING_KPIS else label


def style_kpi_axis(figure: go.Figure, column: str, row: int, col: int) -> None:
    if column.endswith("_rate"):
        figure.update_yaxes(tickformat=".1~%", rangemode="tozero", row=row, col=col)
    elif column.endswith("_amount"):
        figure.update_yaxes(tickprefix="$", tickformat=",.0f", row=row, col=col)


def trend_figure(kpis: pd.DataFrame, colors: dict[str, str]) -> go.Figure:
    totals = kpis[(kpis["segment"] == "all") & (kpis["channel"] == "all")]
    figure = make_subplots(
        rows=2, cols=2, subplot_titles=[chart_title(column) for column in KPI_LABELS]
    )
    for position, column in enumerate(KPI_LABELS):
        row, col = divmod(position, 2)
        for company_id, company_kpis in totals.groupby("company_id"):
            figure.add_trace(
                go.Scatter(
                    x=company_kpis["kpi_date"],
                    y=company_kpis[column],
                    mode="lines",
                    name=company_id,
                    line={"color": colors[company_id]},
                    legendgroup=company_id,
                    showlegend=position == 0,
                ),
                row=row + 1,
                col=col + 1,
            )
        style_kpi_axis(figure, column, row + 1, col + 1)
    figure.update_xaxes(tickformat="%d/%m/%Y")
    figure.update_layout(title="Tendencia de los indicadores", height=620)
    return figure


def aging_figure(open_items: pd.DataFrame, colors: dict[str, str]) -> go.Figure:
    figure = go.Figure()
    for company_id, company_items in open_items.groupby("company_id"):
        by_bucket = company_items.set_index("aging_bucket").reindex(AGING_BUCKETS)
        open_amounts = by_bucket["open_amount"].fillna(0)
        currency = company_items["currency"].iloc[0]
        figure.add_trace(
            go.Bar(
                x=[AGING_LABELS.get(bucket, bucket) for bucket in AGING_BUCKETS],
                y=open_amounts,
                name=company_id,
                marker_color=colors[company_id],
                hovertext=[format_amount_es_co(amount, currency) for amount in open_amounts],
                hoverinfo="text+name",
            )
        )
    figure.update_layout(
        title="Cartera abierta por antigüedad (días vencidos)",
        barmode="group",
        yaxis_title="Saldo abierto (COP)",
        yaxis_tickprefix="$",
        yaxis_tickformat=",.0f",
    )
    return figure


def breakdown_figure(
    kpis: pd.DataFrame, dimension: str, title: str, colors: dict[str, str]
) -> go.Figure:
    """The KPIs on each company's latest day, one bar per value of `dimension`.

    A KPI that kpi_daily does not break down by this dimension (DSO by channel) is left out.
    """
    other = "channel" if dimension == "segment" else "segment"
    latest = kpis.groupby("company_id")["kpi_date"].transform("max")
    rows = kpis[(kpis["kpi_date"] == latest) & (kpis[dimension] != "all") & (kpis[other] == "all")]
    columns = [column for column in KPI_LABELS if rows[column].notna().any()]
    if not columns:
        return go.Figure().update_layout(title=f"{title}: sin datos")

    figure = make_subplots(
        rows=1, cols=len(columns), subplot_titles=[chart_title(column) for column in columns]
    )
    for position, column in enumerate(columns):
        for company_id, company_rows in rows.groupby("company_id"):
            figure.add_trace(
                go.Bar(
                    x=[CHANNEL_LABELS.get(value, value) for value in company_rows[dimension]],
                    y=company_rows[column],
                    name=company_id,
                    marker_color=colors[company_id],
                    legendgroup=company_id,
                    showlegend=position == 0,
                ),
                row=1,
                col=position + 1,
            )
        style_kpi_axis(figure, column, 1, position + 1)
    figure.update_layout(title=title, barmode="group", height=420)
    return figure


def render_page(cards: list[KpiCard], figures: list[go.Figure]) -> str:
    # The first figure carries plotly.js inline; the others reuse it, so the page opens
    # offline and the file holds one copy of the library.
    figure_html = [
        figure.to_html(full_html=False, include_plotlyjs=index == 0)
        for index, figure in enumerate(figures)
    ]
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html"]),
    )
    as_of_date = max((card.kpi_date for card in cards), default=None)
    return environment.get_template("treasury.html.j2").render(
        cards=cards,
        kpi_labels=KPI_LABELS,
        as_of=format_date_es(as_of_date) if as_of_date else "sin datos",
        figures=[Markup(html) for html in figure_html],
    )
