-- A returned row is a mapped bank export whose closing balance does not follow
-- from its opening balance and the movements recaudo kept for its days that
-- were known when it arrived: some movement of those days is counted twice
-- (two downloads described it differently, so they did not merge) or was
-- reported by an earlier download and not by this one. A controller should
-- compare the export with the kept lines of those days.
{{ config(
    severity='warn',
    meta={'dagster': {'ref': {'name': 'int_bank_lines'}}},
) }}

with

statements as (
    select * from {{ ref('stg_bank__bank_statements') }}
),

bank_lines as (
    select * from {{ ref('int_bank_lines') }}
),

exports as (
    select * from statements
    where
        source_format = 'bank_mapped'
        and opening_balance_amount is not null
        and closing_balance_amount is not null
),

-- Movements a later download added to the export's days (the rest of a day
-- it was cut in) were not known to it, and are left out.
kept_movements as (
    select
        exports.file_id,
        exports.statement_id,
        sum(
            case
                when bank_lines.direction = 'credit'
                    then bank_lines.entry_amount
                else -bank_lines.entry_amount
            end
        ) as net_amount
    from exports
    inner join bank_lines
        on
            exports.company_id = bank_lines.company_id
            and exports.bank_account = bank_lines.bank_account
            and exports.currency = bank_lines.currency
            and exports.opening_balance_date <= bank_lines.booking_date
            and exports.closing_balance_date >= bank_lines.booking_date
            and exports.arrived_at >= bank_lines.known_at
    where bank_lines.status = 'booked'
    group by exports.file_id, exports.statement_id
),

final as (
    select
        exports.company_id,
        exports.bank_account,
        exports.statement_id,
        exports.file_id,
        exports.closing_balance_amount,
        exports.opening_balance_amount
        + coalesce(kept_movements.net_amount, 0) as kept_closing_amount,
        exports.currency
    from exports
    left join kept_movements
        on
            exports.file_id = kept_movements.file_id
            and exports.statement_id = kept_movements.statement_id
)

select * from final
where kept_closing_amount != closing_balance_amount
