-- A returned row is a journal entry whose debits and credits in one currency
-- differ: the entry does not balance.
select
    entry_id,
    currency,
    sum(debit_amount) as debit_amount,
    sum(credit_amount) as credit_amount
from {{ ref('fct_journal_entries') }}
group by entry_id, currency
having sum(debit_amount) <> sum(credit_amount)
