with

bank_lines as (
    select * from {{ ref('stg_bank__bank_lines') }}
),

-- What identifies an entry across files. The bank's own entry reference
-- identifies it across the intraday and end-of-day statements. A mapped
-- export (bank_mapped) names no statement and gives most movements no
-- reference, and treasuries download overlapping "last days" exports daily:
-- its line is identified by what it says, its booking and value dates and
-- texts, so the movement that two downloads share merges. Its running balance
-- is left out: a movement the bank inserts earlier in the day would change
-- every later balance and double the rest of that day. Any other line
-- without a reference is only ever itself, so a re-sent line of a format
-- with statement numbers cannot be merged by guesswork.
contents as (
    select
        *,
        concat_ws(
            '|',
            'content',
            coalesce(cast(booking_date as varchar), ''),
            coalesce(cast(value_date as varchar), ''),
            coalesce(upper(trim(bank_transaction_code)), ''),
            coalesce(upper(trim(counterparty_name)), ''),
            coalesce(upper(trim(counterparty_account)), ''),
            coalesce(upper(trim(end_to_end_id)), ''),
            coalesce(upper(trim(structured_reference)), ''),
            coalesce(upper(trim(remittance_text)), '')
        ) as content_key
    from bank_lines
),

line_keys as (
    select
        *,
        coalesce(
            nullif(upper(trim(entry_reference)), 'NONREF'),
            case when source_format = 'bank_mapped' then content_key end,
            file_id || '#' || cast(record_number as varchar)
        ) as line_key
    from contents
),

-- Two lines of one file with the same key, direction, amount and currency
-- are two entries (two equal transfers the bank gave one reference, two
-- identical movements of one day): numbering them within the file keeps
-- both, while another file reporting them merges with them occurrence by
-- occurrence. An export cut mid-day reports the first k of a day's identical
-- movements, which are occurrences 1 to k of the full day's export too.
occurrences as (
    select
        *,
        row_number() over (
            partition by
                file_id,
                company_id,
                bank_account,
                line_key,
                direction,
                entry_amount,
                currency
            order by record_number
        ) as occurrence_number
    from line_keys
),

keyed as (
    select
        *,
        -- A reference that comes back with another amount, direction or
        -- currency is another entry: both are kept, never one replacing the
        -- other (a dbt warning lists them).
        {{ surrogate_key([
            'company_id',
            'bank_account',
            'line_key',
            'direction',
            'cast(entry_amount as varchar)',
            'currency',
            'cast(occurrence_number as varchar)',
        ]) }} as bank_line_id
    from occurrences
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

latest as (
    select * from versions
    where version_rank = 1
),

-- A pending entry the bank later booked under a reference of its own is the
-- same money: the booked line carries the payer's end-to-end id, and the same
-- account, direction, amount and currency. Twins that share the entry
-- reference are already one bank_line_id above.
pending_twins as (
    select
        pending.bank_line_id as pending_line_id,
        booked.bank_line_id as booked_line_id,
        pending.first_arrived_at as pending_arrived_at
    from latest as pending
    inner join latest as booked
        on
            pending.company_id = booked.company_id
            and pending.bank_account = booked.bank_account
            and pending.currency = booked.currency
            and pending.direction = booked.direction
            and pending.entry_amount = booked.entry_amount
            and pending.end_to_end_id = booked.end_to_end_id
    where
        pending.status = 'pending'
        and booked.status = 'booked'
),

twin_arrivals as (
    select
        booked_line_id,
        min(pending_arrived_at) as pending_arrived_at
    from pending_twins
    group by booked_line_id
),

-- The pending twin leaves; the booked line was known as soon as it arrived.
without_pending_twins as (
    select
        latest.*,
        least(
            latest.first_arrived_at,
            coalesce(twin_arrivals.pending_arrived_at, latest.first_arrived_at)
        ) as known_at
    from latest
    left join twin_arrivals
        on latest.bank_line_id = twin_arrivals.booked_line_id
    where
        latest.bank_line_id not in (
            select pending_twins.pending_line_id from pending_twins
        )
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
        date_issue,
        date_rule,
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
        is_reversal,
        upper(concat_ws(
            ' ',
            structured_reference,
            end_to_end_id,
            remittance_text,
            counterparty_name
        )) as search_text,
        known_at,
        file_id,
        record_number
    from without_pending_twins
)

select * from final
