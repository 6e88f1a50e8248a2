{#- One account per adjustment type, from the chart-of-accounts roles. -#}
{%- set accounts = {
    'early_payment_discount': var('early_payment_discounts'),
    'short_payment_write_off': var('short_payment_write_offs'),
    'bank_charge': var('bank_charges'),
} -%}

with

reference_applications as (
    select * from {{ ref('int_reference_applications') }}
    where adjusted_amount > 0
),

-- A difference is settled only where the cash is applied, not on a
-- suggestion.
payment_applications as (
    select * from {{ ref('int_payment_applications') }}
    where application_status != 'suggested'
),

final as (
    select
        reference_applications.company_id,
        payment_applications.application_id,
        reference_applications.payment_id,
        reference_applications.document_id,
        reference_applications.customer_id,
        reference_applications.adjustment_type,
        case reference_applications.adjustment_type
            {%- for adjustment_type, account_code in accounts.items() %}
                when '{{ adjustment_type }}' then '{{ account_code }}'
            {%- endfor %}
        end as account_code,
        reference_applications.adjusted_amount,
        reference_applications.currency,
        reference_applications.match_rule,
        reference_applications.application_date,
        reference_applications.reconciled_at
    from reference_applications
    inner join payment_applications
        on
            reference_applications.company_id = payment_applications.company_id
            and reference_applications.payment_id
            = payment_applications.payment_id
            and reference_applications.document_id
            = payment_applications.document_id
)

select * from final
