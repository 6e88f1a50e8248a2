with

-- Only a payment whose applications are all made, not suggested, has its
-- excess booked.
suggested_payments as (
    select distinct
        company_id,
        payment_id
    from {{ ref('int_payment_applications') }}
    where application_status = 'suggested'
),

excess_applications as (
    select * from {{ ref('int_reference_applications') }}
    where
        match_rule in ('reference_excess_to_income', 'reference_overpayment')
),

reference_applications as (
    select excess_applications.*
    from excess_applications
    left join suggested_payments
        on
            excess_applications.company_id = suggested_payments.company_id
            and excess_applications.payment_id = suggested_payments.payment_id
    where suggested_payments.payment_id is null
),

-- A payment of documents of several customers credits the one that
-- received most of it.
customer_shares as (
    select
        company_id,
        payment_id,
        customer_id,
        row_number() over (
            partition by company_id, payment_id
            order by sum(applied_amount) desc, customer_id
        ) as share_rank
    from reference_applications
    group by company_id, payment_id, customer_id
),

payments as (
    select
        company_id,
        payment_id,
        max(payment_amount) as payment_amount,
        sum(applied_amount) as applied_amount,
        max(payment_excess_amount) as excess_amount,
        max(match_rule) as match_rule,
        max(currency) as currency,
        min(application_date) as excess_date,
        max(reconciled_at) as reconciled_at
    from reference_applications
    group by company_id, payment_id
),

final as (
    select
        payments.company_id,
        payments.payment_id,
        customer_shares.customer_id,
        case payments.match_rule
            when 'reference_excess_to_income' then 'other_income'
            else 'customer_credit'
        end as excess_treatment,
        payments.payment_amount,
        payments.applied_amount,
        payments.excess_amount,
        payments.currency,
        payments.excess_date,
        payments.reconciled_at
    from payments
    inner join customer_shares
        on
            payments.company_id = customer_shares.company_id
            and payments.payment_id = customer_shares.payment_id
            and customer_shares.share_rank = 1
)

select * from final
