with

payment_excesses as (
    select * from {{ ref('int_payment_excesses') }}
    where excess_treatment = 'customer_credit'
),

customers as (
    select * from {{ ref('int_customers') }}
),

as_of as (
    select calendar_date as as_of_date
    from {{ ref('dim_dates') }}
    where is_as_of_date
),

credits as (
    select
        payment_excesses.company_id,
        payment_excesses.customer_id,
        payment_excesses.currency,
        as_of.as_of_date,
        sum(payment_excesses.excess_amount) as credit_amount,
        count(*) as payment_count,
        min(payment_excesses.excess_date) as first_credit_date,
        max(payment_excesses.excess_date) as last_credit_date
    from payment_excesses
    inner join as_of
        on payment_excesses.excess_date <= as_of.as_of_date
    group by
        payment_excesses.company_id,
        payment_excesses.customer_id,
        payment_excesses.currency,
        as_of.as_of_date
),

final as (
    select
        credits.company_id,
        credits.customer_id,
        customers.customer_name,
        coalesce(customers.segment, 'unidentified') as segment,
        credits.as_of_date,
        cast(credits.credit_amount as decimal(18, 2)) as credit_amount,
        credits.currency,
        credits.payment_count,
        credits.first_credit_date,
        credits.last_credit_date
    from credits
    left join customers
        on
            credits.company_id = customers.company_id
            and credits.customer_id = customers.customer_id
)

select * from final
