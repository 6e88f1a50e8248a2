-- A returned row is a company and currency whose unapplied-cash (suspense)
-- account differs from what its payments still have unapplied (after what
-- returns, refunds and chargebacks of them took back), less the gateway
-- refunds and chargebacks of no known charge paid out of it (plus their
-- reversals and adjustments) and the advances documents consumed as prepaid.
{{ config(meta={'dagster': {'ref': {'name': 'fct_journal_entries'}}}) }}
with

journal_lines as (
    select * from {{ ref('fct_journal_entries') }}
),

payments as (
    select * from {{ ref('fct_payments') }}
),

gateway_transactions as (
    select * from {{ ref('int_gateway_transactions') }}
),

documents as (
    select * from {{ ref('int_documents') }}
),

payment_reversals as (
    select * from {{ ref('int_payment_reversals') }}
    where payment_id is not null
),

ledger_balances as (
    select
        company_id,
        currency,
        sum(credit_amount - debit_amount) as ledger_amount
    from journal_lines
    where account_code = '{{ var("unapplied_cash") }}'
    group by company_id, currency
),

unapplied_movements as (
    select
        company_id,
        currency,
        unapplied_amount as amount
    from payments
    union all
    select
        company_id,
        currency,
        case
            when transaction_type in ('refund', 'chargeback')
                then -gross_amount
            else gross_amount
        end as amount
    from gateway_transactions
    where
        transaction_type in (
            'refund', 'chargeback', 'chargeback_reversal', 'adjustment'
        )
        and gateway_transaction_id not in (
            select payment_reversals.reversal_id from payment_reversals
        )
    union all
    select
        company_id,
        currency,
        case
            when document_type = 'credit_note' then prepaid_amount
            else -prepaid_amount
        end as amount
    from documents
),

unapplied_balances as (
    select
        company_id,
        currency,
        sum(amount) as unapplied_amount
    from unapplied_movements
    group by company_id, currency
),

final as (
    select
        coalesce(
            ledger_balances.company_id, unapplied_balances.company_id
        ) as company_id,
        coalesce(
            ledger_balances.currency, unapplied_balances.currency
        ) as currency,
        coalesce(ledger_balances.ledger_amount, 0) as ledger_amount,
        coalesce(unapplied_balances.unapplied_amount, 0) as unapplied_amount
    from ledger_balances
    full outer join unapplied_balances
        on
            ledger_balances.company_id = unapplied_balances.company_id
            and ledger_balances.currency = unapplied_balances.currency
)

select * from final
where ledger_amount <> unapplied_amount
