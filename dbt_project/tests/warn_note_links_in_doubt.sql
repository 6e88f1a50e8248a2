-- A returned row is a credit or debit note whose link to the invoice it
-- amends is in doubt: its CUFE and number disagree, its CUFE matches no
-- document, or its number matches none. Unless the issue is cufe_unverified
-- (linked by number), the note reduces no invoice until a controller links it.
{{ config(severity='warn') }}

with

documents as (
    select * from {{ ref('int_documents') }}
)

select
    company_id,
    document_id,
    document_type,
    related_document_id,
    related_document_uuid,
    amended_document_id,
    amendment_link_issue
from documents
where amendment_link_issue is not null
