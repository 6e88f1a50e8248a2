with

exceptions as (
    select * from {{ ref('int_payment_exceptions') }}
),

payments as (
    select * from {{ ref('int_payments') }}
),

-- an exception about a reversal that names no payment describes the reversal
payment_reversals as (
    select * from {{ ref('int_payment_reversals') }}
    where payment_id is null
),

as_of as (
    select calendar_date as as_of_date
    from {{ ref('dim_dates') }}
    where is_as_of_date
),

final as (
    select
        exceptions.company_id,
        exceptions.payment_id,
        exceptions.reason_code,
        exceptions.reason,
        exceptions.candidate_count,
        coalesce(payments.channel, payment_reversals.channel) as channel,
        payments.source_format,
        coalesce(
            payments.source_reference, payment_reversals.source_reference
        ) as source_reference,
        payments.bank_account,
        payments.payer_name,
        payments.payer_account,
        coalesce(payments.payment_date, payment_reversals.reversal_date)
            as payment_date,
        coalesce(payments.known_at, payment_reversals.known_at) as known_at,
        exceptions.payment_amount,
        exceptions.unapplied_amount,
        exceptions.currency,
        as_of.as_of_date
        - coalesce(payments.payment_date, payment_reversals.reversal_date)
            as days_open,
        -- every exception is assumed to need one manual touch (cost_model)
        cast(
            {{ var('cost_model')['manual_exception_cost_amount'] }}
            as decimal(18, 2)
        ) as handling_cost_amount,
        '{{ var("cost_model")["currency"] }}' as handling_cost_currency
    from exceptions
    left join payments
        on
            exceptions.company_id = payments.company_id
            and exceptions.payment_id = payments.payment_id
    left join payment_reversals
        on
            exceptions.company_id = payment_reversals.company_id
            and exceptions.payment_id = payment_reversals.reversal_id
    cross join as_of
)

select * from final
