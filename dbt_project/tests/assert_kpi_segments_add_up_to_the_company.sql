-- A returned row is a company, day and channel where the counts and amounts
-- of the individual segments do not add up to the 'all' segment: a controller
-- re-aggregating kpi_daily would not get the company's figures back.
with

kpis as (
    select * from {{ ref('kpi_daily') }}
),

segment_sums as (
    select
        company_id,
        kpi_date,
        channel,
        sum(booked_payment_count) as booked_payment_count,
        sum(t0_reconciled_payment_count) as t0_reconciled_payment_count,
        sum(booked_payment_amount) as booked_payment_amount,
        sum(receivable_amount) as receivable_amount,
        sum(credit_sales_amount) as credit_sales_amount,
        sum(open_invoice_count) as open_invoice_count,
        sum(collection_cost_amount) as collection_cost_amount,
        sum(collected_document_count) as collected_document_count
    from kpis
    where segment <> 'all'
    group by company_id, kpi_date, channel
)

select
    totals.company_id,
    totals.kpi_date,
    totals.channel
from kpis as totals
inner join segment_sums
    on
        totals.company_id = segment_sums.company_id
        and totals.kpi_date = segment_sums.kpi_date
        and totals.channel = segment_sums.channel
where
    totals.segment = 'all'
    and (
        totals.booked_payment_count <> segment_sums.booked_payment_count
        or totals.t0_reconciled_payment_count
        <> segment_sums.t0_reconciled_payment_count
        or totals.booked_payment_amount <> segment_sums.booked_payment_amount
        or totals.receivable_amount <> segment_sums.receivable_amount
        or totals.credit_sales_amount <> segment_sums.credit_sales_amount
        or totals.open_invoice_count <> segment_sums.open_invoice_count
        or totals.collection_cost_amount <> segment_sums.collection_cost_amount
        or totals.collected_document_count
        <> segment_sums.collected_document_count
    )
