with

promise_records as (
    select * from {{ ref('stg_collections_desk__payment_promises') }}
),

receivable_movements as (
    select * from {{ ref('fct_receivable_movements') }}
),

dates as (
    select * from {{ ref('dim_dates') }}
),

-- the desk re-sends a promise when it changes (a cancellation): the latest
-- record holds its terms, the first tells when the promise became known
ranked_records as (
    select
        *,
        row_number() over (
            partition by company_id, promise_id
            order by arrived_at desc, file_id desc, record_number desc
        ) as recency_rank,
        min(arrived_at) over (
            partition by company_id, promise_id
        ) as first_known_at
    from promise_records
),

promises as (
    select * from ranked_records
    where recency_rank = 1
),

grace_ends as (
    select
        promises.company_id,
        promises.promise_id,
        grace_days.calendar_date as grace_end_date
    from promises
    inner join dates as promised_days
        on promises.promised_payment_date = promised_days.calendar_date
    inner join dates as grace_days
        on
            grace_days.business_day_number
            = promised_days.business_day_number
            + {{ var('promise_grace_business_days') }}
            and grace_days.is_business_day
),

windows as (
    select
        promises.*,
        -- a promise dated past the calendar's end is still running on any
        -- day this warehouse reports
        coalesce(
            grace_ends.grace_end_date, promises.promised_payment_date
        ) as grace_end_date
    from promises
    left join grace_ends
        on
            promises.company_id = grace_ends.company_id
            and promises.promise_id = grace_ends.promise_id
),

as_of as (
    select calendar_date as as_of_date
    from dates
    where is_as_of_date
),

-- tax the customer withheld from a payment counts as paid, like the cash;
-- a reversal of either takes it back
paid_in_window as (
    select
        windows.company_id,
        windows.promise_id,
        -sum(receivable_movements.movement_amount) as paid_amount
    from windows
    inner join receivable_movements
        on
            windows.company_id = receivable_movements.company_id
            and windows.document_id = receivable_movements.document_id
            and receivable_movements.movement_type
            in (
                'payment_applied',
                'withholding_applied',
                'payment_reversed',
                'withholding_reversed',
                'adjustment_applied'
            )
            and receivable_movements.posting_date
            between windows.promise_made_date and windows.grace_end_date
    inner join as_of
        on receivable_movements.posting_date <= as_of.as_of_date
    group by windows.company_id, windows.promise_id
),

final as (
    select
        windows.company_id,
        windows.promise_id,
        windows.customer_id,
        windows.document_id,
        windows.promised_amount,
        windows.currency,
        windows.contact_channel,
        windows.promise_made_date,
        windows.promised_payment_date,
        windows.grace_end_date,
        windows.cancelled_date,
        windows.promise_made_date as active_from_date,
        -- active through the grace period, and no longer from the day it is
        -- cancelled
        case
            when
                windows.cancelled_date is not null
                and windows.cancelled_date <= windows.grace_end_date
                then {{ add_days('windows.cancelled_date', -1) }}
            else windows.grace_end_date
        end as active_until_date,
        windows.first_known_at as known_at,
        cast(
            coalesce(paid_in_window.paid_amount, 0) as decimal(18, 2)
        ) as paid_in_window_amount,
        case
            when windows.cancelled_date <= as_of.as_of_date then 'cancelled'
            when
                coalesce(paid_in_window.paid_amount, 0)
                >= windows.promised_amount
                then 'kept'
            when windows.grace_end_date >= as_of.as_of_date then 'pending'
            when paid_in_window.paid_amount > 0 then 'partially_kept'
            else 'broken'
        end as promise_status
    from windows
    left join paid_in_window
        on
            windows.company_id = paid_in_window.company_id
            and windows.promise_id = paid_in_window.promise_id
    cross join as_of
)

select * from final
