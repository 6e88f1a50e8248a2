with

bank_lines as (
    select * from {{ ref('stg_bank__bank_lines') }}
),

keyed as (
    select
        *,
        -- The bank's own entry reference identifies an entry across the
        -- intraday and end-of-day statements; without one, a line is only
        -- ever itself, so a re-sent line cannot be merged by guesswork. A
        -- reference that comes back with another amount, direction or
        -- currency is another entry: both are kept, never one replacing the
        -- other (a dbt warning lists them).
        {{ surrogate_key([
            'company_id',
            'bank_account',
            "coalesce(
                nullif(upper(trim(entry_reference)), 'NONREF'),
                file_id || '#' || cast(record_number as varchar)
            )",
            'direction',
            'cast(entry_amount as varchar)',
            'currency',
        ]) }} as bank_line_id
    from bank_lines
),

versions as (
    select
        *,
        row_number() over (
            partition by bank_line_id
            order by
                case when status = 'booked' then 0 else 1 end,
                arrived_at desc,
                file_id desc,
                record_number desc
        ) as version_rank,
        min(arrived_at) over (partition by bank_line_id) as first_arrived_at
    from keyed
),

final as (
    select
        bank_line_id,
        company_id,
        source_format,
        bank_account,
        statement_id,
        entry_reference,
        booking_date,
        value_date,
        direction,
        entry_amount,
        currency,
        status,
        bank_transaction_code,
        counterparty_name,
        nullif(
            ltrim({{ digits_only('counterparty_account') }}, '0'), ''
        ) as counterparty_account,
        end_to_end_id,
        structured_reference,
        remittance_text,
        upper(concat_ws(
            ' ',
            structured_reference,
            end_to_end_id,
            remittance_text,
            counterparty_name
        )) as search_text,
        first_arrived_at as known_at,
        file_id,
        record_number
    from versions
    where version_rank = 1
)

select * from final
