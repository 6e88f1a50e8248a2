-- A returned row is a document that arrived again with another total, customer
-- or due date. recaudo keeps the first version it received (corrections are
-- credit or debit notes, never edits); a controller should check the source.
{{ config(severity='warn') }}

with

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
)

select
    company_id,
    document_id,
    count(
        distinct concat_ws('|', total_amount, customer_id, due_date)
    ) as version_count
from invoices
group by company_id, document_id
having
    count(distinct concat_ws('|', total_amount, customer_id, due_date)) > 1
