with

applications as (
    select * from {{ ref('int_payment_applications') }}
    where application_status = 'suggested'
),

payments as (
    select * from {{ ref('int_payments') }}
),

document_balances as (
    select * from {{ ref('int_document_balances') }}
),

final as (
    select
        applications.company_id,
        applications.application_id,
        applications.payment_id,
        applications.document_id,
        applications.customer_id,
        payments.channel,
        payments.source_format,
        payments.source_reference,
        payments.payer_name,
        payments.payment_date,
        payments.payment_amount,
        -- what confirming the suggestion would apply
        applications.applied_amount as suggested_amount,
        applications.currency,
        -- what the document owes now, without the suggestion
        document_balances.open_amount as document_open_amount,
        applications.match_rule,
        applications.match_score,
        applications.evidence,
        applications.application_date,
        applications.reconciled_at as suggested_at
    from applications
    inner join payments
        on
            applications.company_id = payments.company_id
            and applications.payment_id = payments.payment_id
    left join document_balances
        on
            applications.company_id = document_balances.company_id
            and applications.document_id = document_balances.document_id
)

select * from final
