"""The headline KPIs of each company, shared by the dashboard cards and the run summary.

DSO and promise coverage are positions on the as-of date. T+0 and cost per collected document
move a lot from one day to the next (a Saturday has few payments), so they are re-aggregated
from their numerators and denominators over a trailing window.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import duckdb


@dataclass(frozen=True)
class CompanyKpis:
    company_id: str
    kpi_date: date
    channel: str
    dso_days: Decimal | None
    t0_reconciled_rate: Decimal | None
    promise_coverage_rate: Decimal | None
    cost_per_collected_document_amount: Decimal | None
    currency: str


TRAILING_WINDOW_DAYS = 30


def headline_kpis(connection: duckdb.DuckDBPyConnection) -> list[CompanyKpis]:
    """DSO and promise coverage at the as-of date; T+0 and cost over the trailing window."""
    rows = connection.execute(
        """
        with company_days as (
            select * from kpi_daily where segment = 'all'
        ),

        as_of as (
            select company_id, max(kpi_date) as as_of_date
            from company_days
            group by company_id
        ),

        window_days as (
            select company_days.*, as_of.as_of_date
            from company_days
            inner join as_of on company_days.company_id = as_of.company_id
            where company_days.kpi_date > as_of.as_of_date - $window_days
        )

        select
            company_id,
            as_of_date,
            channel,
            max(dso_days) filter (where kpi_date = as_of_date),
            cast(
                sum(t0_reconciled_payment_count) / nullif(sum(booked_payment_count), 0)
                as decimal(9, 6)
            ),
            max(promise_coverage_rate) filter (where kpi_date = as_of_date),
            cast(
                sum(collection_cost_amount) / nullif(sum(collected_document_count), 0)
                as decimal(18, 2)
            ),
            any_value(currency),
        from window_days
        group by company_id, as_of_date, channel
        order by company_id, channel = 'all' desc, channel
        """,
        {"window_days": TRAILING_WINDOW_DAYS},
    ).fetchall()
    return [CompanyKpis(*row) for row in rows]
