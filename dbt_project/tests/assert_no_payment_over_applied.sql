-- A returned row is a payment whose applications add up to more than the
-- payment itself (application limits).
{{ config(meta={'dagster': {'ref': {'name': 'fct_payment_applications'}}}) }}
with

payments as (
    select * from {{ ref('int_payments') }}
),

applications as (
    select * from {{ ref('fct_payment_applications') }}
),

applied as (
    select
        company_id,
        payment_id,
        sum(applied_amount) as applied_amount
    from applications
    group by company_id, payment_id
)

select
    payments.company_id,
    payments.payment_id,
    payments.payment_amount,
    applied.applied_amount
from payments
inner join applied
    on
        payments.company_id = applied.company_id
        and payments.payment_id = applied.payment_id
where applied.applied_amount > payments.payment_amount
