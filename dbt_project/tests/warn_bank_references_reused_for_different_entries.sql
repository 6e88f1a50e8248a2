-- A returned row is a bank entry reference that arrived with more than one
-- amount, direction or currency: recaudo keeps every version as its own line,
-- and a controller should check whether the bank corrected or reused it.
{{ config(severity='warn') }}

with

bank_lines as (
    select * from {{ ref('int_bank_lines') }}
)

select
    company_id,
    bank_account,
    entry_reference,
    count(*) as version_count
from bank_lines
where entry_reference is not null
group by company_id, bank_account, entry_reference
having count(*) > 1
