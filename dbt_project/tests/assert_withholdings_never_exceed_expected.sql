-- A returned row is a payment and tax whose recorded withholding exceeds what
-- the rate in force on the payment date allows on the documents the payment
-- settled; documents of customers outside the withholding-agent segments
-- allow none.
{{ config(
    meta={'dagster': {'ref': {'name': 'int_withholding_applications'}}},
) }}
{%- set agent_segments = var('withholding_agent_segments') %}
with

withholding_applications as (
    select * from {{ ref('int_withholding_applications') }}
),

payments as (
    select * from {{ ref('int_payments') }}
),

documents as (
    select * from {{ ref('int_documents') }}
),

customers as (
    select * from {{ ref('int_customers') }}
),

withholding_rates as (
    select * from {{ ref('withholding_rates') }}
),

withheld as (
    select
        company_id,
        payment_id,
        tax_code,
        sum(withheld_amount) as withheld_amount
    from withholding_applications
    group by company_id, payment_id, tax_code
),

settled_documents as (
    select distinct
        company_id,
        payment_id,
        document_id
    from withholding_applications
),

allowed as (
    select
        settled_documents.company_id,
        settled_documents.payment_id,
        withholding_rates.tax_code,
        sum(
            round(
                case withholding_rates.base
                    when 'net_amount' then documents.net_amount
                    when 'tax_amount' then documents.tax_amount
                end
                * withholding_rates.rate,
                0
            )
        ) as allowed_amount
    from settled_documents
    inner join payments
        on
            settled_documents.company_id = payments.company_id
            and settled_documents.payment_id = payments.payment_id
    inner join documents
        on
            settled_documents.company_id = documents.company_id
            and settled_documents.document_id = documents.document_id
    inner join customers
        on
            documents.company_id = customers.company_id
            and documents.customer_id = customers.customer_id
    inner join withholding_rates
        on
            payments.payment_date >= withholding_rates.effective_from_date
            and (
                withholding_rates.effective_to_date is null
                or payments.payment_date <= withholding_rates.effective_to_date
            )
    where
        {%- if agent_segments %}
            customers.segment in (
                {%- for segment in agent_segments %}
                    '{{ segment }}'{{ ',' if not loop.last }}
                {%- endfor %}
            )
        {%- else %}
            false
        {%- endif %}
    group by
        settled_documents.company_id,
        settled_documents.payment_id,
        withholding_rates.tax_code
)

select
    withheld.company_id,
    withheld.payment_id,
    withheld.tax_code,
    withheld.withheld_amount,
    coalesce(allowed.allowed_amount, 0) as allowed_amount
from withheld
left join allowed
    on
        withheld.company_id = allowed.company_id
        and withheld.payment_id = allowed.payment_id
        and withheld.tax_code = allowed.tax_code
where withheld.withheld_amount > coalesce(allowed.allowed_amount, 0)
