-- A returned row is a document that payments, the taxes withheld from them
-- and credit notes reduce by more than its total: an invoice paid or credited
-- beyond what it billed, or a credit note used beyond its amount (application
-- limits).
{{ config(meta={'dagster': {'ref': {'name': 'fct_payment_applications'}}}) }}
with

documents as (
    select * from {{ ref('int_documents') }}
),

payment_applications as (
    select * from {{ ref('fct_payment_applications') }}
),

credit_note_applications as (
    select * from {{ ref('int_credit_note_applications') }}
),

reductions as (
    select
        company_id,
        document_id,
        applied_amount + withheld_amount as applied_amount
    from payment_applications
    union all
    select
        company_id,
        document_id,
        applied_amount
    from credit_note_applications
    union all
    select
        company_id,
        credit_note_id as document_id,
        applied_amount
    from credit_note_applications
),

reduced as (
    select
        company_id,
        document_id,
        sum(applied_amount) as reduced_amount
    from reductions
    group by company_id, document_id
)

select
    documents.company_id,
    documents.document_id,
    documents.document_type,
    documents.total_amount,
    reduced.reduced_amount
from documents
inner join reduced
    on
        documents.company_id = reduced.company_id
        and documents.document_id = reduced.document_id
where reduced.reduced_amount > documents.total_amount
