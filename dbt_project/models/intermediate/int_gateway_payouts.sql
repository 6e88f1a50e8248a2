with

payouts as (
    select * from {{ ref('stg_gateway__gateway_payouts') }}
),

gateway_transactions as (
    select * from {{ ref('int_gateway_transactions') }}
),

payout_lines as (
    select * from {{ ref('int_bank_payout_lines') }}
),

payout_versions as (
    select
        *,
        row_number() over (
            partition by company_id, gateway, payout_id
            order by arrived_at, file_id, record_number
        ) as arrival_rank
    from payouts
),

-- each row moves the merchant's gateway balance by its stored amounts times
-- its sign (ingest/parsers/_gateway.py): a refund or chargeback gives back
-- its gross, less the fee the gateway returns. A fee row was already moved
-- out of clearing into fees on its own, so the payout clears that amount.
transaction_totals as (
    select
        company_id,
        payout_id,
        count(*) as transaction_count,
        sum(
            case
                when transaction_type = 'fee'
                    then -(fee_amount + coalesce(fee_tax_amount, 0))
                when transaction_type in ('refund', 'chargeback')
                    then -gross_amount
                else gross_amount
            end
        ) as gross_amount,
        sum(
            case
                when transaction_type = 'fee' then 0
                when transaction_type in ('refund', 'chargeback')
                    then -fee_amount
                else fee_amount
            end
        ) as fee_amount,
        sum(
            case
                when transaction_type = 'fee' then 0
                when transaction_type in ('refund', 'chargeback')
                    then -fee_tax_amount
                else fee_tax_amount
            end
        ) as fee_tax_amount
    from gateway_transactions
    where payout_id is not null
    group by company_id, payout_id
),

measured as (
    select
        payout_versions.company_id,
        payout_versions.gateway,
        payout_versions.merchant_account,
        payout_versions.payout_id,
        payout_versions.payout_date,
        payout_versions.currency,
        coalesce(transaction_totals.transaction_count, 0)
            as transaction_count,
        coalesce(transaction_totals.gross_amount, 0) as gross_amount,
        coalesce(transaction_totals.fee_amount, 0) as fee_amount,
        coalesce(transaction_totals.fee_tax_amount, 0) as fee_tax_amount,
        coalesce(transaction_totals.gross_amount, 0)
        - coalesce(transaction_totals.fee_amount, 0)
        - coalesce(transaction_totals.fee_tax_amount, 0)
            as transactions_net_amount,
        payout_versions.payout_amount,
        payout_lines.bank_line_id,
        payout_lines.booking_date,
        payout_lines.bank_amount,
        payout_lines.known_at
    from payout_versions
    left join transaction_totals
        on
            payout_versions.company_id = transaction_totals.company_id
            and payout_versions.payout_id = transaction_totals.payout_id
    left join payout_lines
        on
            payout_versions.company_id = payout_lines.company_id
            and payout_versions.payout_id = payout_lines.payout_id
    where payout_versions.arrival_rank = 1
),

-- Two differences can part the bank credit from the transactions: the
-- gateway's report pays out more or less than the transactions because it
-- carries a balance between payouts (Adyen balance transfers, PayPal and
-- Mercado Pago balances), and the bank credits less than the report says,
-- a deduction no row explains.
split as (
    select
        *,
        payout_amount - transactions_net_amount as carried_balance_amount,
        case
            when bank_amount < payout_amount then payout_amount - bank_amount
            else 0
        end as hidden_deduction_amount,
        transactions_net_amount - bank_amount as residual_amount
    from measured
),

final as (
    select
        company_id,
        gateway,
        merchant_account,
        payout_id,
        payout_date,
        currency,
        transaction_count,
        gross_amount,
        fee_amount,
        fee_tax_amount,
        transactions_net_amount,
        payout_amount,
        bank_line_id,
        booking_date,
        bank_amount,
        residual_amount,
        case
            when bank_line_id is null then 'awaiting_bank'
            when residual_amount = 0 then 'ties'
            when hidden_deduction_amount > 0 then 'hidden_deduction'
            when bank_amount > payout_amount then 'unexplained_excess'
            else 'balance_carried_forward'
        end as residual_label,
        carried_balance_amount,
        case
            when bank_line_id is not null then hidden_deduction_amount
        end as hidden_deduction_amount,
        -- what the payout leaves in gateway clearing: the carried balance
        -- (a debit while the gateway still holds money of these
        -- transactions) and any excess the bank paid beyond the report
        case
            when bank_line_id is not null
                then residual_amount - hidden_deduction_amount
        end as clearing_residual_amount,
        known_at
    from split
)

select * from final
