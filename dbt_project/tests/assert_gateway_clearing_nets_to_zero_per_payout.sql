-- A returned row is a gateway payout the bank has settled whose transactions
-- (charges, refunds, chargebacks, fees, adjustments) and payout entry do not
-- clear to zero in the gateway clearing account: the payout differs from its
-- transactions' gross less fees (gateway clearing control).
{{ config(meta={'dagster': {'ref': {'name': 'fct_journal_entries'}}}) }}
with

journal_lines as (
    select * from {{ ref('fct_journal_entries') }}
),

gateway_transactions as (
    select * from {{ ref('int_gateway_transactions') }}
),

payout_lines as (
    select * from {{ ref('int_bank_payout_lines') }}
),

clearing_lines as (
    select * from journal_lines
    where account_code = '{{ var("gateway_clearing") }}'
),

transaction_lines as (
    select
        gateway_transactions.company_id,
        gateway_transactions.payout_id,
        clearing_lines.debit_amount - clearing_lines.credit_amount as amount
    from clearing_lines
    inner join gateway_transactions
        on
            clearing_lines.company_id = gateway_transactions.company_id
            and clearing_lines.source_id
            = gateway_transactions.gateway_transaction_id
            and clearing_lines.event_type in (
                'gateway_charge_captured',
                'gateway_refund_issued',
                'gateway_chargeback_received',
                'gateway_chargeback_reversed',
                'gateway_adjustment_booked',
                'gateway_fee_charged'
            )
),

payout_entry_lines as (
    select
        company_id,
        source_id as payout_id,
        debit_amount - credit_amount as amount
    from clearing_lines
    where event_type = 'gateway_payout_settled'
),

clearing_movements as (
    select * from transaction_lines
    union all
    select * from payout_entry_lines
),

final as (
    select
        payout_lines.company_id,
        payout_lines.payout_id,
        coalesce(sum(clearing_movements.amount), 0) as clearing_balance_amount
    from payout_lines
    left join clearing_movements
        on
            payout_lines.company_id = clearing_movements.company_id
            and payout_lines.payout_id = clearing_movements.payout_id
    group by payout_lines.company_id, payout_lines.payout_id
)

select * from final
where clearing_balance_amount <> 0
