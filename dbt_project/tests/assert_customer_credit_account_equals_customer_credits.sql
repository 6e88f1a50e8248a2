-- A returned row is a company and currency whose customer-credit account at
-- the as-of date differs from the credit fct_customer_credits holds for its
-- customers (the per-customer subledger equals the general ledger).
{{ config(meta={'dagster': {'ref': {'name': 'fct_customer_credits'}}}) }}
with

journal_lines as (
    select * from {{ ref('fct_journal_entries') }}
),

customer_credits as (
    select * from {{ ref('fct_customer_credits') }}
),

as_of as (
    select calendar_date as as_of_date
    from {{ ref('dim_dates') }}
    where is_as_of_date
),

ledger_balances as (
    select
        journal_lines.company_id,
        journal_lines.currency,
        sum(
            journal_lines.credit_amount - journal_lines.debit_amount
        ) as ledger_amount
    from journal_lines
    inner join as_of
        on journal_lines.entry_date <= as_of.as_of_date
    where journal_lines.account_code = '{{ var("customer_credit") }}'
    group by journal_lines.company_id, journal_lines.currency
),

subledger_balances as (
    select
        company_id,
        currency,
        sum(credit_amount) as credit_amount
    from customer_credits
    group by company_id, currency
),

final as (
    select
        coalesce(
            ledger_balances.company_id, subledger_balances.company_id
        ) as company_id,
        coalesce(
            ledger_balances.currency, subledger_balances.currency
        ) as currency,
        coalesce(ledger_balances.ledger_amount, 0) as ledger_amount,
        coalesce(subledger_balances.credit_amount, 0) as credit_amount
    from ledger_balances
    full outer join subledger_balances
        on
            ledger_balances.company_id = subledger_balances.company_id
            and ledger_balances.currency = subledger_balances.currency
)

select * from final
where ledger_amount <> credit_amount
