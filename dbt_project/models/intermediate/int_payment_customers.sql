with

payments as (
    select * from {{ ref('int_payments') }}
),

customers as (
    select * from {{ ref('int_customers') }}
),

by_tax_id as (
    select
        payments.company_id,
        payments.payment_id,
        customers.customer_id,
        'tax_id' as identified_by
    from payments
    inner join customers
        on
            payments.company_id = customers.company_id
            and payments.payer_tax_id_base = customers.tax_id_base
),

by_bank_account as (
    select
        payments.company_id,
        payments.payment_id,
        customers.customer_id,
        'bank_account' as identified_by
    from payments
    inner join customers
        on
            payments.company_id = customers.company_id
            and payments.payer_account = customers.bank_account
),

by_email as (
    select
        payments.company_id,
        payments.payment_id,
        customers.customer_id,
        'email' as identified_by
    from payments
    inner join customers
        on
            payments.company_id = customers.company_id
            and payments.payer_email = customers.email
),

identifications as (
    select * from by_tax_id
    union all
    select * from by_bank_account
    union all
    select * from by_email
),

final as (
    select
        company_id,
        payment_id,
        customer_id,
        string_agg(identified_by, ', ' order by identified_by) as identified_by,
        -- Evidence pointing at two customers identifies neither.
        count(*) over (
            partition by company_id, payment_id
        ) = 1 as is_sole_candidate
    from identifications
    group by company_id, payment_id, customer_id
)

select * from final
