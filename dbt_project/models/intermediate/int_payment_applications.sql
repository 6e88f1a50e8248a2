with

reference_applications as (
    select * from {{ ref('int_reference_applications') }}
),

customer_amount_applications as (
    select * from {{ ref('int_customer_amount_applications') }}
),

applications as (
    select
        company_id,
        payment_id,
        document_id,
        customer_id,
        applied_amount,
        currency,
        match_rule,
        match_score,
        evidence,
        application_date,
        reconciled_at
    from reference_applications
    union all
    select
        company_id,
        payment_id,
        document_id,
        customer_id,
        applied_amount,
        currency,
        match_rule,
        match_score,
        evidence,
        application_date,
        reconciled_at
    from customer_amount_applications
),

final as (
    select
        company_id,
        {{ surrogate_key(['payment_id', 'document_id']) }} as application_id,
        payment_id,
        document_id,
        customer_id,
        applied_amount,
        currency,
        match_rule,
        match_score,
        evidence,
        -- Every rule above applies without review; manual applications
        -- would arrive with false here.
        true as is_automatic,
        application_date,
        reconciled_at
    from applications
)

select * from final
