{%- set window_days = var('payout_match_window_days') -%}

with

payouts as (
    select * from {{ ref('stg_gateway__gateway_payouts') }}
),

bank_lines as (
    select * from {{ ref('int_bank_lines') }}
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

first_reported_payouts as (
    select
        company_id,
        gateway,
        payout_id,
        payout_date,
        payout_amount,
        currency,
        arrived_at as known_at
    from payout_versions
    where arrival_rank = 1
),

booked_credits as (
    select
        bank_line_id,
        company_id,
        bank_account,
        booking_date,
        entry_amount,
        currency,
        search_text,
        known_at
    from bank_lines
    where direction = 'credit' and status = 'booked'
),

-- Most banks copy the gateway's payout id into the narrative.
by_payout_id as (
    select
        first_reported_payouts.company_id,
        first_reported_payouts.payout_id,
        booked_credits.bank_line_id,
        'payout_id_in_text' as match_method,
        row_number() over (
            partition by
                first_reported_payouts.company_id,
                first_reported_payouts.payout_id
            order by booked_credits.booking_date, booked_credits.bank_line_id
        ) as line_rank
    from first_reported_payouts
    inner join booked_credits
        on
            first_reported_payouts.company_id = booked_credits.company_id
            and first_reported_payouts.currency = booked_credits.currency
            and strpos(
                booked_credits.search_text,
                upper(first_reported_payouts.payout_id)
            ) > 0
),

matched_by_payout_id as (
    select * from by_payout_id
    where line_rank = 1
),

-- Otherwise pair a payout with a credit of the same amount booked within a
-- few days after the payout date, each side taking its closest partner.
amount_and_date_pairs as (
    select
        first_reported_payouts.company_id,
        first_reported_payouts.payout_id,
        booked_credits.bank_line_id,
        row_number() over (
            partition by
                first_reported_payouts.company_id,
                first_reported_payouts.payout_id
            order by
                booked_credits.booking_date
                - first_reported_payouts.payout_date,
                booked_credits.bank_line_id
        ) as line_rank,
        row_number() over (
            partition by booked_credits.bank_line_id
            order by
                booked_credits.booking_date
                - first_reported_payouts.payout_date,
                first_reported_payouts.payout_id
        ) as payout_rank
    from first_reported_payouts
    inner join booked_credits
        on
            first_reported_payouts.company_id = booked_credits.company_id
            and first_reported_payouts.currency = booked_credits.currency
            and first_reported_payouts.payout_amount
            = booked_credits.entry_amount
            and booked_credits.booking_date
            between first_reported_payouts.payout_date
            and {{ add_days(
                'first_reported_payouts.payout_date', window_days
            ) }}
    where
        not exists (
            select 1 from matched_by_payout_id
            where
                matched_by_payout_id.company_id
                = first_reported_payouts.company_id
                and matched_by_payout_id.payout_id
                = first_reported_payouts.payout_id
        )
        and not exists (
            select 1 from matched_by_payout_id
            where
                matched_by_payout_id.bank_line_id
                = booked_credits.bank_line_id
        )
),

matched_by_amount_and_date as (
    select
        company_id,
        payout_id,
        bank_line_id,
        'amount_and_date' as match_method
    from amount_and_date_pairs
    where line_rank = 1 and payout_rank = 1
),

matches as (
    select
        company_id,
        payout_id,
        bank_line_id,
        match_method
    from matched_by_payout_id
    union all
    select
        company_id,
        payout_id,
        bank_line_id,
        match_method
    from matched_by_amount_and_date
),

final as (
    select
        matches.company_id,
        matches.payout_id,
        first_reported_payouts.gateway,
        matches.bank_line_id,
        booked_credits.bank_account,
        booked_credits.booking_date,
        first_reported_payouts.payout_date,
        first_reported_payouts.payout_amount,
        booked_credits.entry_amount as bank_amount,
        booked_credits.entry_amount
        - first_reported_payouts.payout_amount as difference_amount,
        first_reported_payouts.currency,
        matches.match_method,
        greatest(
            first_reported_payouts.known_at, booked_credits.known_at
        ) as known_at
    from matches
    inner join first_reported_payouts
        on
            matches.company_id = first_reported_payouts.company_id
            and matches.payout_id = first_reported_payouts.payout_id
    inner join booked_credits
        on matches.bank_line_id = booked_credits.bank_line_id
)

select * from final
