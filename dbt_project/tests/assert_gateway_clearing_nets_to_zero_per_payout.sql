-- A returned row is a gateway payout the bank has settled whose transactions
-- (charges, refunds, chargebacks, fees, adjustments) and payout entry do not
-- clear to zero in the gateway clearing account once the balance the gateway
-- states it carried between payouts is set aside (gateway clearing control):
-- a difference between the bank credit and the transactions' gross less fees
-- that no label in int_gateway_payouts explains.
{{ config(meta={'dagster': {'ref': {'name': 'fct_journal_entries'}}}) }}
with

journal_lines as (
    select * from {{ ref('fct_journal_entries') }}
),

gateway_transactions as (
    select * from {{ ref('int_gateway_transactions') }}
),

gateway_payouts as (
    select * from {{ ref('int_gateway_payouts') }}
    where bank_line_id is not null
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
        gateway_payouts.company_id,
        gateway_payouts.payout_id,
        gateway_payouts.residual_label,
        gateway_payouts.clearing_residual_amount,
        coalesce(sum(clearing_movements.amount), 0) as clearing_balance_amount
    from gateway_payouts
    left join clearing_movements
        on
            gateway_payouts.company_id = clearing_movements.company_id
            and gateway_payouts.payout_id = clearing_movements.payout_id
    group by
        gateway_payouts.company_id,
        gateway_payouts.payout_id,
        gateway_payouts.residual_label,
        gateway_payouts.clearing_residual_amount
)

select * from final
where
    clearing_balance_amount <> clearing_residual_amount
    or (
        clearing_residual_amount <> 0
        and residual_label
        not in ('balance_carried_forward', 'unexplained_excess')
    )
