with

gateway_payouts as (
    select * from {{ ref('int_gateway_payouts') }}
),

final as (
    select
        company_id,
        gateway,
        merchant_account,
        payout_id,
        payout_date,
        booking_date,
        transaction_count,
        cast(transactions_net_amount as decimal(18, 2))
            as transactions_net_amount,
        cast(payout_amount as decimal(18, 2)) as payout_amount,
        cast(bank_amount as decimal(18, 2)) as bank_amount,
        cast(residual_amount as decimal(18, 2)) as residual_amount,
        currency,
        residual_label,
        cast(carried_balance_amount as decimal(18, 2))
            as carried_balance_amount,
        cast(hidden_deduction_amount as decimal(18, 2))
            as hidden_deduction_amount,
        cast(clearing_residual_amount as decimal(18, 2))
            as clearing_residual_amount,
        case residual_label
            when 'awaiting_bank'
                then 'No bank credit of this payout yet.'
            when 'ties'
                then 'The bank credited the net of the payout''s transactions.'
            when 'hidden_deduction'
                then 'The bank credited '
                    || cast(hidden_deduction_amount as varchar)
                    || ' less than the gateway reported, a deduction no'
                    || ' transaction explains; booked as an expense.'
            when 'unexplained_excess'
                then 'The bank credited '
                    || cast(bank_amount - payout_amount as varchar)
                    || ' more than the gateway reported; left in clearing.'
            else 'The gateway paid out '
                || cast(payout_amount as varchar)
                || ' for transactions netting '
                || cast(transactions_net_amount as varchar)
                || ': a balance carried between payouts, left in clearing.'
        end as residual_explanation,
        bank_line_id,
        known_at
    from gateway_payouts
)

select * from final
