{%- set agent_segments = var('withholding_agent_segments') -%}

with

matches as (
    select * from {{ ref('int_reference_matches') }}
    where is_selected
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

-- A gateway charge is for the amount the payer authorised at checkout: the
-- customer cannot withhold from it (the gateway's own withholdings come off
-- the payout instead).
agent_matches as (
    select
        matches.company_id,
        matches.payment_id,
        matches.document_id,
        matches.payment_date,
        documents.net_amount,
        documents.tax_amount,
        documents.currency
    from matches
    inner join documents
        on
            matches.company_id = documents.company_id
            and matches.document_id = documents.document_id
    inner join customers
        on
            documents.company_id = customers.company_id
            and documents.customer_id = customers.customer_id
    where
        matches.channel <> 'gateway'
        {%- if agent_segments %}
            and customers.segment in (
                {%- for segment in agent_segments %}
                    '{{ segment }}'{{ ',' if not loop.last }}
                {%- endfor %}
            )
        {%- else %}
            and false
        {%- endif %}
),

final as (
    select
        agent_matches.company_id,
        agent_matches.payment_id,
        agent_matches.document_id,
        withholding_rates.tax_code,
        withholding_rates.account_code,
        withholding_rates.base,
        withholding_rates.rate,
        -- each tax is rounded to the peso on its own, as certificates show it
        cast(
            round(
                case withholding_rates.base
                    when 'net_amount' then agent_matches.net_amount
                    when 'tax_amount' then agent_matches.tax_amount
                end
                * withholding_rates.rate,
                0
            ) as decimal(18, 2)
        ) as expected_withheld_amount,
        agent_matches.currency
    from agent_matches
    inner join withholding_rates
        on
            agent_matches.payment_date >= withholding_rates.effective_from_date
            and (
                withholding_rates.effective_to_date is null
                or agent_matches.payment_date
                <= withholding_rates.effective_to_date
            )
)

select * from final
where expected_withheld_amount > 0
