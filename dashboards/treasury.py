"""The treasury dashboard: one HTML file, readable offline, built from kpi_daily and the aging.

It shows, per company, the four KPIs at the as-of date, their trend, the open items by
aging bucket, and the KPIs broken down by customer segment and by payment channel.
"""

import logging
from collections.abc import Iterable, Mapping
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
    whole_units,
)
from dashboards.headline import TRAILING_WINDOW_DAYS, headline_kpis
from ingest.config import CompanyRegistry

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"

AGING_BUCKETS = ["current", "1-30", "31-60", "61-90", "91+", "unapplied_credit"]
AGING_LABELS = {"current": "Al día", "unapplied_credit": "Notas crédito sin aplicar"}

# Each mapping's order is the order of the bars, so two builds over the same data agree.
SEGMENT_LABELS = {
    "corporate": "Corporativo",
    "sme": "Pyme",
    "individual": "Persona natural",
    "unidentified": "Sin identificar",
}
CHANNEL_LABELS = {
    "bank_transfer": "Transferencia bancaria",
    "bank_collection": "Recaudo bancario",
    "gateway": "Pasarela de pagos",
}
DIMENSION_LABELS = {"segment": SEGMENT_LABELS, "channel": CHANNEL_LABELS}

CHANNEL_NOTE = (
    "Las transferencias bancarias se concilian con el extracto de cierre del día, que el "
    "banco entrega a la mañana siguiente: nunca pueden contar como conciliadas el mismo día "
    "(T+0). Su 0 % en T+0 es el costo de la latencia de los datos de ese canal, no un atraso "
    "en la aplicación de los pagos."
)

# Plotly writes decimals and thousands with these two characters: es-CO style.
ES_CO_SEPARATORS = ",."

KPI_LABELS = {
    "dso_days": "DSO (días)",
    "t0_reconciled_rate": "Conciliación T+0",
    "promise_coverage_rate": "Cobertura de promesas de pago",
    "cost_per_collected_document_amount": "Costo por documento cobrado",
}

# Hover formats in plotly's d3 syntax, with the es-CO separators above.
HOVER_FORMATS = {
    "dso_days": "%{y:,.1f} días",
    "t0_reconciled_rate": "%{y:.1%}",
    "promise_coverage_rate": "%{y:.1%}",
    "cost_per_collected_document_amount": "$%{y:,.0f}",
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
    currency,
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
order by company_id, kpi_date, segment, channel
"""


@dataclass(frozen=True)
class KpiCard:
    """The four KPIs of one company on its latest day, formatted for the page."""

    company_id: str
    company_name: str
    kpi_date: date
    dso_days: str
    t0_reconciled_rate: str
    promise_coverage_rate: str
    cost_per_collected_document_amount: str


@dataclass(frozen=True)
class DashboardFigure:
    """One chart of the page, the id of its element and the note printed under it."""

    element_id: str
    figure: go.Figure
    note: str | None = None


def build_treasury_dashboard(
    warehouse_path: Path, output_path: Path, registry: CompanyRegistry | None = None
) -> Path:
    """Reads the marts read-only and writes the dashboard to `output_path`.

    Companies are shown by their legal name from the registry (default: the configured
    `config/companies.yml`); a company missing from it keeps its id.
    """
    names = company_names(registry or CompanyRegistry.load())
    connection = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        cards = latest_kpi_cards(connection, names)
        kpis = chart_kpis(connection)
        open_items = aging_totals(connection)
    finally:
        connection.close()

    colors = company_colors([*kpis["company_id"], *open_items["company_id"]])
    figures = [
        DashboardFigure("trend", trend_figure(kpis, colors, names)),
        DashboardFigure("aging", aging_figure(open_items, colors, names)),
        DashboardFigure(
            "by-segment",
            breakdown_figure(kpis, "segment", "Por segmento de cliente", colors, names),
        ),
        DashboardFigure(
            "by-channel",
            breakdown_figure(kpis, "channel", "Por canal de pago", colors, names),
            note=CHANNEL_NOTE,
        ),
    ]
    for dashboard_figure in figures:
        # The legend below the charts, so long legal names do not squeeze the plots.
        dashboard_figure.figure.update_layout(
            separators=ES_CO_SEPARATORS,
            legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
        )

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


def company_names(registry: CompanyRegistry) -> dict[str, str]:
    return {
        company["company_id"]: company.get("legal_name") or company["company_id"]
        for company in registry.companies
    }


def latest_kpi_cards(
    connection: duckdb.DuckDBPyConnection, names: Mapping[str, str]
) -> list[KpiCard]:
    """Each company's headline KPIs for all channels, formatted; amounts stay Decimal until
    they become text."""
    return [
        KpiCard(
            company_id=kpis.company_id,
            company_name=names.get(kpis.company_id, kpis.company_id),
            kpi_date=kpis.kpi_date,
            dso_days=format_number_es_co(kpis.dso_days, decimals=1),
            t0_reconciled_rate=format_rate_es_co(kpis.t0_reconciled_rate),
            promise_coverage_rate=format_rate_es_co(kpis.promise_coverage_rate),
            cost_per_collected_document_amount=format_amount_es_co(
                whole_units(kpis.cost_per_collected_document_amount), kpis.currency
            ),
        )
        for kpis in headline_kpis(connection)
        if kpis.channel == "all"
    ]


def chart_kpis(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every kpi_daily row, with T+0 and cost per document over the trailing days."""
    kpis = connection.execute(CHART_KPIS_SQL).df()
    # Whole pesos on the charts too, as on the cards.
    kpis["cost_per_collected_document_amount"] = kpis["cost_per_collected_document_amount"].round(0)
    return kpis


def aging_totals(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The open amount of each company, aging bucket and currency."""
    return connection.execute(
        """
        select company_id, aging_bucket, currency, sum(open_amount) as open_amount,
        from fct_open_items
        group by all
        order by company_id, aging_bucket, currency
        """
    ).df()


def company_colors(company_ids: list[str]) -> dict[str, str]:
    """One color per company, the same in every chart."""
    palette = qualitative.Plotly
    return {
        company_id: palette[index % len(palette)]
        for index, company_id in enumerate(sorted(set(company_ids)))
    }


def ordered_categories(values: Iterable[str], labels: Mapping[str, str]) -> list[str]:
    """The values in the order of `labels`, then any value it does not know, alphabetically."""
    present = set(values)
    known = [value for value in labels if value in present]
    return known + sorted(present - set(labels))


def chart_title(column: str) -> str:
    label = KPI_LABELS[column]
    return f"{label}, últimos {TRAILING_DAYS} días" if column in TRAILING_KPIS else label


def value_label(column: str, value: float | None, currency: str) -> str:
    """A bar's value as the cards write it, so a 0 % bar reads 0 % and a missing one n/d."""
    if column.endswith("_rate"):
        return format_rate_es_co(value)
    if column.endswith("_amount"):
        return format_amount_es_co(whole_units(value), currency)
    return format_number_es_co(value, decimals=1)


def style_kpi_axis(figure: go.Figure, column: str, row: int, col: int) -> None:
    if column.endswith("_rate"):
        figure.update_yaxes(tickformat=".1~%", rangemode="tozero", row=row, col=col)
    elif column.endswith("_amount"):
        figure.update_yaxes(tickprefix="$", tickformat=",.0f", row=row, col=col)


def trend_figure(
    kpis: pd.DataFrame, colors: Mapping[str, str], names: Mapping[str, str]
) -> go.Figure:
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
                    name=names.get(company_id, company_id),
                    line={"color": colors[company_id]},
                    legendgroup=company_id,
                    showlegend=position == 0,
                    hovertemplate=f"%{{x|%d/%m/%Y}}: {HOVER_FORMATS[column]}",
                ),
                row=row + 1,
                col=col + 1,
            )
        style_kpi_axis(figure, column, row + 1, col + 1)
    figure.update_xaxes(tickformat="%d/%m/%Y")
    figure.update_layout(title="Tendencia de los indicadores", height=620)
    return figure


def visible_buckets(open_items: pd.DataFrame) -> list[str]:
    """The aging buckets in their natural order, without those at zero for every company
    and currency.

    A bucket the list does not know is shown after the others rather than dropped: its
    money would otherwise vanish from the chart.
    """
    totals = open_items.groupby(["company_id", "currency", "aging_bucket"])["open_amount"].sum()
    nonzero = {bucket for (_, _, bucket), amount in totals.items() if amount != 0}
    known = [bucket for bucket in AGING_BUCKETS if bucket in nonzero]
    return known + sorted(nonzero - set(AGING_BUCKETS))


def aging_figure(
    open_items: pd.DataFrame, colors: Mapping[str, str], names: Mapping[str, str]
) -> go.Figure:
    """One bar per company and bucket; a company that holds several currencies gets one
    series per currency, since pesos and dollars do not add up."""
    buckets = visible_buckets(open_items)
    currencies = sorted(set(open_items["currency"]))
    figure = go.Figure()
    for (company_id, currency), company_items in open_items.groupby(["company_id", "currency"]):
        open_amounts = (
            company_items.groupby("aging_bucket")["open_amount"].sum().reindex(buckets).fillna(0)
        )
        name = names.get(company_id, company_id)
        figure.add_trace(
            go.Bar(
                x=[AGING_LABELS.get(bucket, bucket) for bucket in buckets],
                y=open_amounts,
                name=name if len(currencies) == 1 else f"{name} ({currency})",
                marker_color=colors[company_id],
                hovertext=[format_amount_es_co(amount, currency) for amount in open_amounts],
                hoverinfo="text+name",
            )
        )
    figure.update_layout(
        title="Cartera abierta por antigüedad (días vencidos)",
        barmode="group",
        yaxis_title="Saldo abierto" + (f" ({currencies[0]})" if len(currencies) == 1 else ""),
        yaxis_tickprefix="$",
        yaxis_tickformat=",.0f",
    )
    return figure


def breakdown_figure(
    kpis: pd.DataFrame,
    dimension: str,
    title: str,
    colors: Mapping[str, str],
    names: Mapping[str, str],
) -> go.Figure:
    """The KPIs on each company's latest day, one bar per value of `dimension`.

    A KPI that kpi_daily does not break down by this dimension (DSO by channel) is left out.
    """
    labels = DIMENSION_LABELS[dimension]
    other = "channel" if dimension == "segment" else "segment"
    latest = kpis.groupby("company_id")["kpi_date"].transform("max")
    rows = kpis[(kpis["kpi_date"] == latest) & (kpis[dimension] != "all") & (kpis[other] == "all")]
    columns = [column for column in KPI_LABELS if rows[column].notna().any()]
    if not columns:
        return go.Figure().update_layout(title=f"{title}: sin datos")

    categories = ordered_categories(rows[dimension], labels)
    rank = {category: position for position, category in enumerate(categories)}
    rows = rows.sort_values(
        ["company_id", dimension],
        key=lambda values: values.map(rank) if values.name == dimension else values,
    )
    # Two charts a row: four in one row leave bars too narrow for their value labels.
    grid_rows, grid_cols = (len(columns) + 1) // 2, min(len(columns), 2)
    figure = make_subplots(
        rows=grid_rows,
        cols=grid_cols,
        subplot_titles=[chart_title(column) for column in columns],
        vertical_spacing=0.22,
    )
    for position, column in enumerate(columns):
        row, col = divmod(position, 2)
        for company_id, company_rows in rows.groupby("company_id"):
            figure.add_trace(
                go.Bar(
                    x=[labels.get(value, value) for value in company_rows[dimension]],
                    y=company_rows[column],
                    text=[
                        value_label(column, value, currency)
                        for value, currency in zip(
                            company_rows[column], company_rows["currency"], strict=True
                        )
                    ],
                    textposition="outside",
                    constraintext="none",
                    cliponaxis=False,
                    name=names.get(company_id, company_id),
                    marker_color=colors[company_id],
                    legendgroup=company_id,
                    showlegend=position == 0,
                ),
                row=row + 1,
                col=col + 1,
            )
        style_kpi_axis(figure, column, row + 1, col + 1)
    figure.update_xaxes(
        categoryorder="array", categoryarray=[labels.get(value, value) for value in categories]
    )
    figure.update_layout(title=title, barmode="group", height=120 + 340 * grid_rows)
    return figure


def render_page(cards: list[KpiCard], figures: list[DashboardFigure]) -> str:
    # The first figure carries plotly.js inline; the others reuse it, so the page opens
    # offline and the file holds one copy of the library. Named element ids (plotly draws
    # random ones) keep two builds over the same data byte for byte the same.
    sections = [
        {
            "html": Markup(
                dashboard_figure.figure.to_html(
                    full_html=False,
                    include_plotlyjs=index == 0,
                    div_id=f"figure-{dashboard_figure.element_id}",
                )
            ),
            "note": dashboard_figure.note,
        }
        for index, dashboard_figure in enumerate(figures)
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
        figures=sections,
    )
