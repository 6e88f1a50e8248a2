{%- set return_codes = var('bank_return_subfamily_codes') -%}

with

payments as (
    select * from {{ ref('int_payments') }}
),

gateway_transactions as (
    select * from {{ ref('int_gateway_transactions') }}
),

bank_lines as (
    select * from {{ ref('int_bank_lines') }}
),

collection_lines as (
    select * from {{ ref('stg_collections__collection_lines') }}
),

-- A refund or chargeback takes back money a charge brought in; it names the
-- charge by sharing its transaction id, or else its merchant reference.
gateway_takebacks as (
    select * from gateway_transactions
    where transaction_type in ('refund', 'chargeback')
),

gateway_charges as (
    select * from gateway_transactions
    where transaction_type = 'charge'
),

takeback_candidates as (
    select
        gateway_takebacks.gateway_transaction_id as reversal_id,
        gateway_charges.payment_id,
        case
            when
                gateway_takebacks.transaction_id
                = gateway_charges.transaction_id
                then 'same gateway transaction id '
                    || gateway_charges.transaction_id
            else 'same merchant reference '
                || gateway_charges.merchant_reference
        end as match_evidence,
        row_number() over (
            partition by gateway_takebacks.gateway_transaction_id
            order by
                gateway_takebacks.transaction_id
                = gateway_charges.transaction_id desc,
                gateway_charges.gross_amount
                = gateway_takebacks.gross_amount desc,
                gateway_charges.created_at desc,
                gateway_charges.gateway_transaction_id asc
        ) as candidate_rank
    from gateway_takebacks
    inner join gateway_charges
        on
            gateway_takebacks.company_id = gateway_charges.company_id
            and gateway_takebacks.gateway = gateway_charges.gateway
            and gateway_takebacks.merchant_account
            = gateway_charges.merchant_account
            and gateway_takebacks.currency = gateway_charges.currency
            and gateway_takebacks.gross_amount <= gateway_charges.gross_amount
            and gateway_takebacks.created_at >= gateway_charges.created_at
            and (
                gateway_takebacks.transaction_id
                = gateway_charges.transaction_id
                or gateway_takebacks.merchant_reference
                = gateway_charges.merchant_reference
            )
),

gateway_takeback_events as (
    select
        gateway_takebacks.company_id,
        gateway_takebacks.gateway_transaction_id as reversal_id,
        'gateway_' || gateway_takebacks.transaction_type as reversal_type,
        'gateway' as channel,
        gateway_takebacks.transaction_id as source_reference,
        gateway_takebacks.payment_date as reversal_date,
        gateway_takebacks.first_known_at as known_at,
        gateway_takebacks.gross_amount as reversal_amount,
        gateway_takebacks.gross_amount as reversed_amount,
        gateway_takebacks.currency,
        takeback_candidates.payment_id,
        cast(null as varchar) as reversed_reversal_id,
        takeback_candidates.match_evidence,
        cast(null as varchar) as return_reason_code,
        gateway_takebacks.file_id,
        gateway_takebacks.record_number
    from gateway_takebacks
    left join takeback_candidates
        on
            gateway_takebacks.gateway_transaction_id
            = takeback_candidates.reversal_id
            and takeback_candidates.candidate_rank = 1
),

-- A chargeback reversal gives back what a chargeback took: the merchant won
-- the dispute, and the charge stands again.
chargeback_reversals as (
    select * from gateway_transactions
    where transaction_type = 'chargeback_reversal'
),

chargeback_candidates as (
    select
        chargeback_reversals.gateway_transaction_id as reversal_id,
        chargebacks.reversal_id as reversed_reversal_id,
        chargebacks.payment_id,
        case
            when
                chargeback_reversals.transaction_id
                = chargebacks.source_reference
                then 'same gateway transaction id as chargeback '
                    || chargebacks.source_reference
            else 'same merchant reference as chargeback '
                || chargebacks.source_reference
        end as match_evidence,
        row_number() over (
            partition by chargeback_reversals.gateway_transaction_id
            order by
                chargeback_reversals.transaction_id
                = chargebacks.source_reference desc,
                chargebacks.reversal_amount
                = chargeback_reversals.gross_amount desc,
                chargebacks.known_at desc,
                chargebacks.reversal_id asc
        ) as candidate_rank
    from chargeback_reversals
    inner join gateway_takeback_events as chargebacks
        on
            chargeback_reversals.company_id = chargebacks.company_id
            and chargeback_reversals.currency = chargebacks.currency
            and chargebacks.reversal_type = 'gateway_chargeback'
            and chargebacks.payment_id is not null
            and chargeback_reversals.gross_amount <= chargebacks.reversal_amount
            and chargeback_reversals.payment_date >= chargebacks.reversal_date
    inner join gateway_transactions as chargeback_rows
        on
            chargebacks.reversal_id = chargeback_rows.gateway_transaction_id
            and chargeback_reversals.gateway = chargeback_rows.gateway
            and chargeback_reversals.merchant_account
            = chargeback_rows.merchant_account
            and (
                chargeback_reversals.transaction_id
                = chargeback_rows.transaction_id
                or chargeback_reversals.merchant_reference
                = chargeback_rows.merchant_reference
            )
),

chargeback_reversal_events as (
    select
        chargeback_reversals.company_id,
        chargeback_reversals.gateway_transaction_id as reversal_id,
        'gateway_chargeback_reversal' as reversal_type,
        'gateway' as channel,
        chargeback_reversals.transaction_id as source_reference,
        chargeback_reversals.payment_date as reversal_date,
        chargeback_reversals.first_known_at as known_at,
        chargeback_reversals.gross_amount as reversal_amount,
        -chargeback_reversals.gross_amount as reversed_amount,
        chargeback_reversals.currency,
        chargeback_candidates.payment_id,
        chargeback_candidates.reversed_reversal_id,
        chargeback_candidates.match_evidence,
        cast(null as varchar) as return_reason_code,
        chargeback_reversals.file_id,
        chargeback_reversals.record_number
    from chargeback_reversals
    left join chargeback_candidates
        on
            chargeback_reversals.gateway_transaction_id
            = chargeback_candidates.reversal_id
            and chargeback_candidates.candidate_rank = 1
),

-- A collection line with a return reason (causal de devolución) is the bank
-- handing back a collection it had reported, usually in a later file; the
-- same return sent twice is one return.
collection_return_versions as (
    select
        *,
        {{ surrogate_key([
            "'collection_return'", 'company_id', 'bank_account',
            'collection_date', 'payment_reference', 'authorization_number',
            'sequence_number',
        ]) }} as reversal_id,
        row_number() over (
            partition by
                company_id, bank_account, collection_date, payment_reference,
                authorization_number, sequence_number
            order by arrived_at, file_id, record_number
        ) as arrival_rank
    from collection_lines
    where coalesce(ltrim(return_reason_code, '0 '), '') != ''
),

collection_returns as (
    select * from collection_return_versions
    where arrival_rank = 1
),

collection_candidates as (
    select
        collection_returns.reversal_id,
        payments.payment_id,
        'same collection reference '
        || payments.structured_reference
        || coalesce(
            ' and authorization number ' || case
                when
                    collection_returns.authorization_number
                    = payments.source_reference
                    then payments.source_reference
            end,
            ''
        )
        || ' and amount' as match_evidence,
        row_number() over (
            partition by collection_returns.reversal_id
            order by
                coalesce(
                    collection_returns.authorization_number
                    = payments.source_reference,
                    false
                ) desc,
                payments.payment_date desc,
                payments.payment_id asc
        ) as candidate_rank
    from collection_returns
    inner join payments
        on
            collection_returns.company_id = payments.company_id
            and payments.channel = 'bank_collection'
            and collection_returns.bank_account = payments.bank_account
            and collection_returns.payment_reference
            = payments.structured_reference
            and collection_returns.currency = payments.currency
            and collection_returns.collected_amount = payments.payment_amount
            and collection_returns.collection_date >= payments.payment_date
            and collection_returns.arrived_at >= payments.known_at
),

collection_return_events as (
    select
        collection_returns.company_id,
        collection_returns.reversal_id,
        'collection_return' as reversal_type,
        'bank_collection' as channel,
        collection_returns.authorization_number as source_reference,
        collection_returns.collection_date as reversal_date,
        collection_returns.arrived_at as known_at,
        collection_returns.collected_amount as reversal_amount,
        collection_returns.collected_amount as reversed_amount,
        collection_returns.currency,
        collection_candidates.payment_id,
        cast(null as varchar) as reversed_reversal_id,
        collection_candidates.match_evidence,
        collection_returns.return_reason_code,
        collection_returns.file_id,
        collection_returns.record_number
    from collection_returns
    left join collection_candidates
        on
            collection_returns.reversal_id = collection_candidates.reversal_id
            and collection_candidates.candidate_rank = 1
),

-- A booked debit gives back an earlier credit when the bank marks it as a
-- reversal (camt RvslInd, MT940 RC) or a return, or when it carries the
-- credit's end-to-end id.
bank_debits as (
    select
        *,
        is_reversal
        or coalesce(
            split_part(bank_transaction_code, '-', 3) in (
                {%- for code in return_codes %}
                    '{{ code }}'{% if not loop.last %},{% endif %}
                {%- endfor %}
            ),
            false
        ) as is_marked_return
    from bank_lines
    where direction = 'debit' and status = 'booked'
),

bank_credits as (
    select * from payments
    where channel = 'bank_transfer'
),

bank_candidates as (
    select
        bank_debits.bank_line_id as reversal_id,
        bank_debits.is_marked_return,
        bank_credits.payment_id,
        case
            when bank_debits.end_to_end_id = bank_credits.end_to_end_id
                then 'same end-to-end id ' || bank_credits.end_to_end_id
            when
                bank_debits.structured_reference
                = bank_credits.structured_reference
                then 'same reference ' || bank_credits.structured_reference
            else 'names the entry reference ' || bank_credits.source_reference
        end
        || ', same account and amount' as match_evidence,
        row_number() over (
            partition by bank_debits.bank_line_id
            order by
                coalesce(
                    bank_debits.end_to_end_id = bank_credits.end_to_end_id,
                    false
                ) desc,
                coalesce(
                    bank_debits.structured_reference
                    = bank_credits.structured_reference,
                    false
                ) desc,
                bank_credits.payment_date desc,
                bank_credits.payment_id asc
        ) as candidate_rank
    from bank_debits
    inner join bank_credits
        on
            bank_debits.company_id = bank_credits.company_id
            and bank_debits.bank_account = bank_credits.bank_account
            and bank_debits.currency = bank_credits.currency
            and bank_debits.entry_amount = bank_credits.payment_amount
            and bank_debits.booking_date >= bank_credits.payment_date
            and (
                bank_debits.end_to_end_id = bank_credits.end_to_end_id
                or bank_debits.is_marked_return
                and (
                    bank_debits.structured_reference
                    = bank_credits.structured_reference
                    or length(bank_credits.source_reference) >= 6
                    and contains(
                        bank_debits.search_text,
                        upper(bank_credits.source_reference)
                    )
                )
            )
),

bank_return_events as (
    select
        bank_debits.company_id,
        bank_debits.bank_line_id as reversal_id,
        'bank_return' as reversal_type,
        'bank_transfer' as channel,
        bank_debits.entry_reference as source_reference,
        bank_debits.booking_date as reversal_date,
        bank_debits.known_at,
        bank_debits.entry_amount as reversal_amount,
        bank_debits.entry_amount as reversed_amount,
        bank_debits.currency,
        bank_candidates.payment_id,
        cast(null as varchar) as reversed_reversal_id,
        bank_candidates.match_evidence,
        cast(null as varchar) as return_reason_code,
        bank_debits.file_id,
        bank_debits.record_number
    from bank_debits
    left join bank_candidates
        on
            bank_debits.bank_line_id = bank_candidates.reversal_id
            and bank_candidates.candidate_rank = 1
    -- an unmarked debit that returns no credit is an ordinary payment out
    where bank_debits.is_marked_return or bank_candidates.payment_id is not null
),

reversals as (
    select * from gateway_takeback_events
    union all
    select * from chargeback_reversal_events
    union all
    select * from collection_return_events
    union all
    select * from bank_return_events
),

final as (
    select
        reversals.company_id,
        reversals.reversal_id,
        reversals.reversal_type,
        reversals.channel,
        reversals.source_reference,
        reversals.reversal_date,
        reversals.known_at,
        reversals.reversal_amount,
        reversals.reversed_amount,
        reversals.currency,
        reversals.payment_id,
        reversals.reversed_reversal_id,
        reversals.match_evidence,
        reversals.return_reason_code,
        reversals.file_id,
        reversals.record_number
    from reversals
)

select * from final
