-- A returned row is a bank entry reference that names more than one entry
-- (another amount, direction or currency, or the same line twice in one
-- file): recaudo keeps every one as its own line, and a controller should
-- check whether the bank corrected or reused it.
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
