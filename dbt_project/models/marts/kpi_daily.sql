{%- set window_days = var('dso_window_days') -%}

with

dates as (
    select * from {{ ref('dim_dates') }}
),

customers as (
    select * from {{ ref('int_customers') }}
),

gateway_transactions as (
    select * from {{ ref('int_gateway_transactions') }}
),

receivable_movements as (
    select * from {{ ref('fct_receivable_movements') }}
),

-- An undated payment (undated_payment) has no day to count it on until
-- someone dates it.
payments as (
    select * from {{ ref('fct_payments') }}
    where payment_date is not null
),

exceptions as (
    select * from {{ ref('fct_payment_exceptions') }}
    where payment_date is not null
),

reminders as (
    select * from {{ ref('fct_reminder_schedule') }}
),

promises as (
    select * from {{ ref('fct_payment_promises') }}
),

kpi_dates as (
    select calendar_date as kpi_date
    from dates
    where is_in_data_period
),

companies as (
    select company_id from customers
    union
    select company_id from receivable_movements
    union
    select company_id from payments
),

-- payments and documents without a known customer still count, under a
-- segment of their own, so that segments add up to the company total
segments as (
    select
        company_id,
        segment
    from customers
    union
    select
        company_id,
        'unidentified' as segment
    from companies
),

channels as (
    select distinct
        company_id,
        channel
    from payments
),

segment_days as (
    select
        segments.company_id,
        segments.segment,
        kpi_dates.kpi_date
    from segments
    cross join kpi_dates
),

daily_receivable_movements as (
    select
        company_id,
        segment,
        posting_date,
        sum(movement_amount) as movement_amount,
        sum(
            case
                when movement_type = 'document_issued' then movement_amount
                else 0
            end
        ) as credit_sales_amount
    from receivable_movements
    group by company_id, segment, posting_date
),

-- DSO, standard method (period method): receivables at the end of the day over
-- the credit sales (tax included, net of credit notes) of the trailing window
receivable_positions as (
    select
        segment_days.company_id,
        segment_days.kpi_date,
        segment_days.segment,
        'all' as channel,
        sum(coalesce(daily_receivable_movements.movement_amount, 0)) over (
            partition by segment_days.company_id, segment_days.segment
            order by segment_days.kpi_date
            rows between unbounded preceding and current row
        ) as receivable_amount,
        sum(
            coalesce(daily_receivable_movements.credit_sales_amount, 0)
        ) over (
            partition by segment_days.company_id, segment_days.segment
            order by segment_days.kpi_date
            rows between {{ window_days - 1 }} preceding and current row
        ) as credit_sales_amount
    from segment_days
    left join daily_receivable_movements
        on
            segment_days.company_id = daily_receivable_movements.company_id
            and segment_days.segment = daily_receivable_movements.segment
            and segment_days.kpi_date
            = daily_receivable_movements.posting_date
),

document_days as (
    select
        company_id,
        document_id,
        segment,
        posting_date,
        sum(movement_amount) as movement_amount,
        sum(
            case
                when movement_type = 'payment_applied' then 1 else 0
            end
        ) as payment_count
    from receivable_movements
    where document_type <> 'credit_note'
    group by company_id, document_id, segment, posting_date
),

document_balances as (
    select
        *,
        sum(movement_amount) over (
            partition by company_id, document_id
            order by posting_date
            rows between unbounded preceding and current row
        ) as balance_amount,
        sum(payment_count) over (
            partition by company_id, document_id
            order by posting_date
            rows between unbounded preceding and current row
        ) as payments_so_far_count,
        lead(posting_date) over (
            partition by company_id, document_id
            order by posting_date
        ) as next_posting_date
    from document_days
),

document_reopenings as (
    select
        *,
        coalesce(max(balance_amount) over (
            partition by company_id, document_id
            order by posting_date
            rows between 1 following and unbounded following
        ) > 0, false) as is_reopened_later
    from document_balances
),

open_document_days as (
    select
        document_balances.company_id,
        document_balances.document_id,
        document_balances.segment,
        kpi_dates.kpi_date
    from document_balances
    inner join kpi_dates
        on
            document_balances.posting_date <= kpi_dates.kpi_date
            and (
                document_balances.next_posting_date is null
                or document_balances.next_posting_date > kpi_dates.kpi_date
            )
    where document_balances.balance_amount > 0
),

promised_document_days as (
    select distinct
        open_document_days.company_id,
        open_document_days.document_id,
        open_document_days.kpi_date
    from open_document_days
    inner join promises
        on
            open_document_days.company_id = promises.company_id
            and open_document_days.document_id = promises.document_id
            and open_document_days.kpi_date
            between promises.active_from_date and promises.active_until_date
),

promise_coverage as (
    select
        open_document_days.company_id,
        open_document_days.kpi_date,
        open_document_days.segment,
        'all' as channel,
        count(*) as open_invoice_count,
        count(promised_document_days.document_id)
            as promised_open_invoice_count
    from open_document_days
    left join promised_document_days
        on
            open_document_days.company_id = promised_document_days.company_id
            and open_document_days.document_id
            = promised_document_days.document_id
            and open_document_days.kpi_date = promised_document_days.kpi_date
    group by
        open_document_days.company_id,
        open_document_days.kpi_date,
        open_document_days.segment
),

-- a document is collected on the day its balance reaches zero, provided a
-- payment (not only credit notes) went into it and no reversal of a payment
-- reopens it later; the channel is that of the last payment applied
collections as (
    select
        company_id,
        document_id,
        segment,
        posting_date as collected_date
    from document_reopenings
    where
        balance_amount <= 0
        and balance_amount - movement_amount > 0
        and payments_so_far_count > 0
        and not is_reopened_later
),

collection_channels as (
    select
        collections.company_id,
        collections.document_id,
        collections.segment,
        collections.collected_date,
        receivable_movements.channel,
        row_number() over (
            partition by
                collections.company_id,
                collections.document_id,
                collections.collected_date
            order by
                receivable_movements.posting_date desc,
                receivable_movements.movement_amount asc,
                receivable_movements.payment_id desc
        ) as payment_rank
    from collections
    inner join receivable_movements
        on
            collections.company_id = receivable_movements.company_id
            and collections.document_id = receivable_movements.document_id
            and receivable_movements.movement_type = 'payment_applied'
            and collections.collected_date >= receivable_movements.posting_date
),

collected_documents as (
    select
        company_id,
        collected_date as kpi_date,
        segment,
        channel,
        count(*) as collected_document_count
    from collection_channels
    where payment_rank = 1
    group by company_id, collected_date, segment, channel
),

-- T+0 (same-day reconciliation): of the payments booked on the day, those fully
-- reconciled by the end of the booking day, rolled to a business day
booked_payments as (
    select
        company_id,
        payment_date as kpi_date,
        coalesce(segment, 'unidentified') as segment,
        channel,
        count(*) as booked_payment_count,
        sum(case when is_reconciled_t0 then 1 else 0 end)
            as t0_reconciled_payment_count,
        sum(payment_amount) as booked_payment_amount,
        sum(case when is_reconciled_t0 then payment_amount else 0 end)
            as t0_reconciled_payment_amount
    from payments
    group by
        company_id,
        payment_date,
        coalesce(segment, 'unidentified'),
        channel
),

gateway_fees as (
    select
        gateway_transactions.company_id,
        gateway_transactions.payment_date as kpi_date,
        coalesce(payments.segment, 'unidentified') as segment,
        coalesce(payments.channel, 'gateway') as channel,
        sum(
            coalesce(gateway_transactions.fee_amount, 0)
            + coalesce(gateway_transactions.fee_tax_amount, 0)
        ) as gateway_fee_amount
    from gateway_transactions
    left join payments
        on
            gateway_transactions.company_id = payments.company_id
            and gateway_transactions.payment_id = payments.payment_id
    group by
        gateway_transactions.company_id,
        gateway_transactions.payment_date,
        coalesce(payments.segment, 'unidentified'),
        coalesce(payments.channel, 'gateway')
),

exception_costs as (
    select
        exceptions.company_id,
        exceptions.payment_date as kpi_date,
        coalesce(payments.segment, 'unidentified') as segment,
        exceptions.channel,
        count(*) as exception_count,
        sum(exceptions.handling_cost_amount)
            as exception_handling_cost_amount
    from exceptions
    left join payments
        on
            exceptions.company_id = payments.company_id
            and exceptions.payment_id = payments.payment_id
    group by
        exceptions.company_id,
        exceptions.payment_date,
        coalesce(payments.segment, 'unidentified'),
        exceptions.channel
),

-- a reminder is not tied to a payment channel, so its cost is only ever
-- counted on the 'all' channel rows
reminder_costs as (
    select
        company_id,
        reminder_date as kpi_date,
        segment,
        'all' as channel,
        count(*) as due_reminder_count,
        sum(reminder_cost_amount) as reminder_cost_amount
    from reminders
    where is_due
    group by company_id, reminder_date, segment
),

facts as (
    select
        company_id,
        kpi_date,
        segment,
        channel,
        receivable_amount,
        credit_sales_amount,
        null as booked_payment_count,
        null as t0_reconciled_payment_count,
        null as booked_payment_amount,
        null as t0_reconciled_payment_amount,
        null as open_invoice_count,
        null as promised_open_invoice_count,
        null as gateway_fee_amount,
        null as due_reminder_count,
        null as reminder_cost_amount,
        null as exception_count,
        null as exception_handling_cost_amount,
        null as collected_document_count
    from receivable_positions
    union all
    select
        company_id,
        kpi_date,
        segment,
        channel,
        null as receivable_amount,
        null as credit_sales_amount,
        booked_payment_count,
        t0_reconciled_payment_count,
        booked_payment_amount,
        t0_reconciled_payment_amount,
        null as open_invoice_count,
        null as promised_open_invoice_count,
        null as gateway_fee_amount,
        null as due_reminder_count,
        null as reminder_cost_amount,
        null as exception_count,
        null as exception_handling_cost_amount,
        null as collected_document_count
    from booked_payments
    union all
    select
        company_id,
        kpi_date,
        segment,
        channel,
        null as receivable_amount,
        null as credit_sales_amount,
        null as booked_payment_count,
        null as t0_reconciled_payment_count,
        null as booked_payment_amount,
        null as t0_reconciled_payment_amount,
        open_invoice_count,
        promised_open_invoice_count,
        null as gateway_fee_amount,
        null as due_reminder_count,
        null as reminder_cost_amount,
        null as exception_count,
        null as exception_handling_cost_amount,
        null as collected_document_count
    from promise_coverage
    union all
    select
        company_id,
        kpi_date,
        segment,
        channel,
        null as receivable_amount,
        null as credit_sales_amount,
        null as booked_payment_count,
        null as t0_reconciled_payment_count,
        null as booked_payment_amount,
        null as t0_reconciled_payment_amount,
        null as open_invoice_count,
        null as promised_open_invoice_count,
        gateway_fee_amount,
        null as due_reminder_count,
        null as reminder_cost_amount,
        null as exception_count,
        null as exception_handling_cost_amount,
        null as collected_document_count
    from gateway_fees
    union all
    select
        company_id,
        kpi_date,
        segment,
        channel,
        null as receivable_amount,
        null as credit_sales_amount,
        null as booked_payment_count,
        null as t0_reconciled_payment_count,
        null as booked_payment_amount,
        null as t0_reconciled_payment_amount,
        null as open_invoice_count,
        null as promised_open_invoice_count,
        null as gateway_fee_amount,
        due_reminder_count,
        reminder_cost_amount,
        null as exception_count,
        null as exception_handling_cost_amount,
        null as collected_document_count
    from reminder_costs
    union all
    select
        company_id,
        kpi_date,
        segment,
        channel,
        null as receivable_amount,
        null as credit_sales_amount,
        null as booked_payment_count,
        null as t0_reconciled_payment_count,
        null as booked_payment_amount,
        null as t0_reconciled_payment_amount,
        null as open_invoice_count,
        null as promised_open_invoice_count,
        null as gateway_fee_amount,
        null as due_reminder_count,
        null as reminder_cost_amount,
        exception_count,
        exception_handling_cost_amount,
        null as collected_document_count
    from exception_costs
    union all
    select
        company_id,
        kpi_date,
        segment,
        channel,
        null as receivable_amount,
        null as credit_sales_amount,
        null as booked_payment_count,
        null as t0_reconciled_payment_count,
        null as booked_payment_amount,
        null as t0_reconciled_payment_amount,
        null as open_invoice_count,
        null as promised_open_invoice_count,
        null as gateway_fee_amount,
        null as due_reminder_count,
        null as reminder_cost_amount,
        null as exception_count,
        null as exception_handling_cost_amount,
        collected_document_count
    from collected_documents
),

-- every fact counts on its own row, on its segment's 'all' channel row, on
-- the company's row for its channel and on the company's 'all' row; facts
-- already on 'all' channel rows are not rolled up the channel a second time
rollup_levels as (
    select
        false as is_segment_rolled,
        false as is_channel_rolled
    union all
    select
        false as is_segment_rolled,
        true as is_channel_rolled
    union all
    select
        true as is_segment_rolled,
        false as is_channel_rolled
    union all
    select
        true as is_segment_rolled,
        true as is_channel_rolled
),

rollups as (
    select
        facts.*,
        rollup_levels.is_segment_rolled,
        rollup_levels.is_channel_rolled
    from facts
    cross join rollup_levels
    where not (rollup_levels.is_channel_rolled and facts.channel = 'all')
),

rolled_up as (
    select
        company_id,
        kpi_date,
        case when is_segment_rolled then 'all' else segment end as segment,
        case when is_channel_rolled then 'all' else channel end as channel,
        sum(receivable_amount) as receivable_amount,
        sum(credit_sales_amount) as credit_sales_amount,
        sum(booked_payment_count) as booked_payment_count,
        sum(t0_reconciled_payment_count) as t0_reconciled_payment_count,
        sum(booked_payment_amount) as booked_payment_amount,
        sum(t0_reconciled_payment_amount) as t0_reconciled_payment_amount,
        sum(open_invoice_count) as open_invoice_count,
        sum(promised_open_invoice_count) as promised_open_invoice_count,
        sum(gateway_fee_amount) as gateway_fee_amount,
        sum(due_reminder_count) as due_reminder_count,
        sum(reminder_cost_amount) as reminder_cost_amount,
        sum(exception_count) as exception_count,
        sum(exception_handling_cost_amount)
            as exception_handling_cost_amount,
        sum(collected_document_count) as collected_document_count
    from rollups
    group by
        company_id,
        kpi_date,
        case when is_segment_rolled then 'all' else segment end,
        case when is_channel_rolled then 'all' else channel end
),

grid_segments as (
    select
        company_id,
        segment
    from segments
    union all
    select
        company_id,
        'all' as segment
    from companies
),

grid_channels as (
    select
        company_id,
        channel
    from channels
    union all
    select
        company_id,
        'all' as channel
    from companies
),

grid as (
    select
        grid_segments.company_id,
        kpi_dates.kpi_date,
        grid_segments.segment,
        grid_channels.channel
    from grid_segments
    inner join grid_channels
        on grid_segments.company_id = grid_channels.company_id
    cross join kpi_dates
),

data_period as (
    select min(kpi_date) as period_start_date
    from kpi_dates
),

-- measures that have no channel (receivables, promises, reminders) are null
-- on channel rows rather than zero, so nobody reads them as "none"
measures as (
    select
        grid.company_id,
        grid.kpi_date,
        grid.segment,
        grid.channel,
        grid.channel = 'all' as is_channel_total,
        grid.kpi_date - data_period.period_start_date + 1
        >= {{ window_days }} as is_dso_window_complete,
        coalesce(rolled_up.receivable_amount, 0) as receivable_amount,
        coalesce(rolled_up.credit_sales_amount, 0) as credit_sales_amount,
        coalesce(rolled_up.booked_payment_count, 0) as booked_payment_count,
        coalesce(rolled_up.t0_reconciled_payment_count, 0)
            as t0_reconciled_payment_count,
        coalesce(rolled_up.booked_payment_amount, 0) as booked_payment_amount,
        coalesce(rolled_up.t0_reconciled_payment_amount, 0)
            as t0_reconciled_payment_amount,
        coalesce(rolled_up.open_invoice_count, 0) as open_invoice_count,
        coalesce(rolled_up.promised_open_invoice_count, 0)
            as promised_open_invoice_count,
        coalesce(rolled_up.gateway_fee_amount, 0) as gateway_fee_amount,
        coalesce(rolled_up.due_reminder_count, 0) as due_reminder_count,
        coalesce(rolled_up.reminder_cost_amount, 0) as reminder_cost_amount,
        coalesce(rolled_up.exception_count, 0) as exception_count,
        coalesce(rolled_up.exception_handling_cost_amount, 0)
            as exception_handling_cost_amount,
        coalesce(rolled_up.collected_document_count, 0)
            as collected_document_count
    from grid
    cross join data_period
    left join rolled_up
        on
            grid.company_id = rolled_up.company_id
            and grid.kpi_date = rolled_up.kpi_date
            and grid.segment = rolled_up.segment
            and grid.channel = rolled_up.channel
),

final as (
    select
        company_id,
        kpi_date,
        segment,
        channel,
        case
            when is_channel_total
                then cast(receivable_amount as decimal(18, 2))
        end as receivable_amount,
        case
            when is_channel_total
                then cast(credit_sales_amount as decimal(18, 2))
        end as credit_sales_amount,
        {{ window_days }} as dso_window_days,
        is_dso_window_complete,
        case
            when is_channel_total and credit_sales_amount > 0
                then
                    cast(
                        greatest(receivable_amount, 0) * {{ window_days }}
                        / credit_sales_amount as decimal(12, 2)
                    )
        end as dso_days,
        booked_payment_count,
        t0_reconciled_payment_count,
        cast(
            cast(t0_reconciled_payment_count as decimal(18, 6))
            / nullif(booked_payment_count, 0) as decimal(9, 6)
        ) as t0_reconciled_rate,
        cast(booked_payment_amount as decimal(18, 2)) as booked_payment_amount,
        cast(t0_reconciled_payment_amount as decimal(18, 2))
            as t0_reconciled_payment_amount,
        cast(
            t0_reconciled_payment_amount
            / nullif(booked_payment_amount, 0) as decimal(9, 6)
        ) as t0_reconciled_amount_rate,
        case when is_channel_total then open_invoice_count end
            as open_invoice_count,
        case when is_channel_total then promised_open_invoice_count end
            as promised_open_invoice_count,
        case
            when is_channel_total
                then
                    cast(
                        cast(promised_open_invoice_count as decimal(18, 6))
                        / nullif(open_invoice_count, 0) as decimal(9, 6)
                    )
        end as promise_coverage_rate,
        cast(gateway_fee_amount as decimal(18, 2)) as gateway_fee_amount,
        case when is_channel_total then due_reminder_count end
            as due_reminder_count,
        case
            when is_channel_total
                then cast(reminder_cost_amount as decimal(18, 2))
        end as reminder_cost_amount,
        exception_count,
        cast(exception_handling_cost_amount as decimal(18, 2))
            as exception_handling_cost_amount,
        cast(
            gateway_fee_amount
            + case when is_channel_total then reminder_cost_amount else 0 end
            + exception_handling_cost_amount as decimal(18, 2)
        ) as collection_cost_amount,
        collected_document_count,
        cast(
            (
                gateway_fee_amount
                + case
                    when is_channel_total then reminder_cost_amount else 0
                end
                + exception_handling_cost_amount
            )
            / nullif(collected_document_count, 0) as decimal(18, 2)
        ) as cost_per_collected_document_amount,
        '{{ var("cost_model")["currency"] }}' as currency
    from measures
)

select * from final
