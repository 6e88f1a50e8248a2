-- A returned row is a document whose issue date is later than the day its file
-- reached recaudo: a typing error or a post-dated document, left out of the
-- as-of date until it is corrected at the source.
{{ config(severity='warn') }}

with

documents as (
    select * from {{ ref('int_documents') }}
)

select
    company_id,
    document_id,
    issue_date,
    known_at
from documents
where issue_date > {{ to_local_date('known_at') }}
