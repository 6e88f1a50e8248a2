-- A returned row is a document or payment in a currency other than the
-- cost-model currency: kpi_daily adds amounts without converting them, so
-- its figures for that company mix currencies.
{{ config(
    severity='warn',
    meta={'dagster': {'ref': {'name': 'kpi_daily'}}},
) }}

with

documents as (
    select * from {{ ref('int_documents') }}
),

payments as (
    select * from {{ ref('int_payments') }}
),

amounts as (
    select
        company_id,
        'document' as record_type,
        document_id as record_id,
        currency
    from documents
    union all
    select
        company_id,
        'payment' as record_type,
        payment_id as record_id,
        currency
    from payments
)

select * from amounts
where currency <> '{{ var("cost_model")["currency"] }}'
