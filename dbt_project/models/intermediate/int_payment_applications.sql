{%- set automatic_min_score = var('automatic_min_score') -%}
{%- set suggested_min_score = var('suggested_min_score') -%}

with

reference_applications as (
    select * from {{ ref('int_reference_applications') }}
),

customer_amount_applications as (
    select * from {{ ref('int_customer_amount_applications') }}
),

customer_subset_applications as (
    select * from {{ ref('int_customer_subset_applications') }}
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
    from customer_subset_applications
),

-- A rule's score decides whether it may move balances on its own; below the
-- automatic threshold it is a suggestion for a controller, lower still it
-- is not proposed at all.
statused as (
    select
        *,
        case
            when match_score >= {{ automatic_min_score }} then 'automatic'
            when match_score >= {{ suggested_min_score }} then 'suggested'
        end as application_status
    from applications
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
        application_status,
        application_date,
        reconciled_at
    from statused
    where application_status is not null
)

select * from final
