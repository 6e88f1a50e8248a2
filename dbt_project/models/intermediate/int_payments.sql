with

bank_lines as (
    select * from {{ ref('int_bank_lines') }}
),

payout_lines as (
    select * from {{ ref('int_bank_payout_lines') }}
),

collection_lines as (
    select * from {{ ref('stg_collections__collection_lines') }}
),

gateway_transactions as (
    select * from {{ ref('int_gateway_transactions') }}
),

customers as (
    select * from {{ ref('int_customers') }}
),

-- A payout credit is the gateway settling charges already counted one by
-- one below; counting it again would pay the same invoices twice.
bank_transfers as (
    select
        company_id,
        bank_line_id as payment_id,
        'bank_transfer' as channel,
        source_format,
        entry_reference as source_reference,
        bank_account,
        booking_date as payment_date,
        date_issue,
        entry_amount as payment_amount,
        currency,
        counterparty_name as payer_name,
        counterparty_account as payer_account,
        cast(null as varchar) as payer_email,
        structured_reference,
        end_to_end_id,
        remittance_text,
        search_text,
        known_at,
        file_id,
        record_number
    from bank_lines
    where
        direction = 'credit'
        and status = 'booked'
        and bank_line_id not in (
            select payout_lines.bank_line_id from payout_lines
        )
),

collection_versions as (
    select
        *,
        {{ surrogate_key([
            "'collection'", 'company_id', 'bank_account', 'collection_date',
            'payment_reference', 'authorization_number', 'sequence_number',
        ]) }} as payment_id,
        row_number() over (
            partition by
                company_id, bank_account, collection_date, payment_reference,
                authorization_number, sequence_number
            order by arrived_at, file_id, record_number
        ) as arrival_rank
    from collection_lines
    -- A line with a return reason (causal de devolución) is money the bank
    -- handed back, not a payment.
    where coalesce(ltrim(return_reason_code, '0 '), '') = ''
),

bank_collections as (
    select
        company_id,
        payment_id,
        'bank_collection' as channel,
        source_format,
        authorization_number as source_reference,
        bank_account,
        collection_date as payment_date,
        date_issue,
        collected_amount as payment_amount,
        currency,
        cast(null as varchar) as payer_name,
        cast(null as varchar) as payer_account,
        cast(null as varchar) as payer_email,
        payment_reference as structured_reference,
        cast(null as varchar) as end_to_end_id,
        cast(null as varchar) as remittance_text,
        upper(payment_reference) as search_text,
        arrived_at as known_at,
        file_id,
        record_number
    from collection_versions
    where arrival_rank = 1
),

gateway_charges as (
    select
        company_id,
        payment_id,
        'gateway' as channel,
        'gateway' as source_format,
        transaction_id as source_reference,
        merchant_account as bank_account,
        payment_date,
        cast(null as varchar) as date_issue,
        gross_amount as payment_amount,
        currency,
        payer_name,
        cast(null as varchar) as payer_account,
        payer_email,
        merchant_reference as structured_reference,
        cast(null as varchar) as end_to_end_id,
        cast(null as varchar) as remittance_text,
        merchant_reference as search_text,
        first_known_at as known_at,
        file_id,
        record_number
    from gateway_transactions
    where transaction_type = 'charge'
),

payments as (
    select * from bank_transfers
    union all
    select * from bank_collections
    union all
    select * from gateway_charges
),

-- A NIT written with its check digit: 9 digits in groups of three, then
-- the digit, not glued to other digits (DIAN check-digit rule).
written_nits as (
    select
        company_id,
        payment_id,
        {{ unnest_regex_matches(
            'search_text',
            '(?:^|[^0-9])([0-9]{3}[.]?[0-9]{3}[.]?[0-9]{3}-?[0-9])(?:[^0-9]|$)',
            1,
        ) }} as written_tax_id
    from payments
),

-- An id the payer states as such: after NIT or CC (cédulas carry no check
-- digit), or typed at the PSE button instead of the collection reference.
stated_ids as (
    select
        company_id,
        payment_id,
        {{ unnest_regex_matches(
            'search_text', '(?:NIT|CC|C[.]C[.])[ .:#]*([0-9][0-9.-]{5,14})', 1,
        ) }} as written_tax_id
    from payments
    where channel = 'bank_transfer'
    union all
    select
        company_id,
        payment_id,
        ltrim(structured_reference, '0') as written_tax_id
    from payments
    where channel = 'bank_collection'
),

-- Every reading of what was written: the digits as they stand, and the
-- digits without a last check digit when that digit is valid.
tax_id_readings as (
    select
        company_id,
        payment_id,
        {{ nit_base('written_tax_id') }} as tax_id_base,
        true as has_valid_check_digit
    from written_nits
    where {{ is_valid_nit('written_tax_id') }}
    union all
    select
        company_id,
        payment_id,
        {{ digits_only('written_tax_id') }} as tax_id_base,
        false as has_valid_check_digit
    from stated_ids
    union all
    select
        company_id,
        payment_id,
        {{ nit_base('written_tax_id') }} as tax_id_base,
        true as has_valid_check_digit
    from stated_ids
    where {{ is_valid_nit('written_tax_id') }}
),

-- The text may also name the payee's own NIT or an unrelated number; a
-- customer's id wins, then a NIT whose check digit holds.
payer_tax_ids as (
    select
        tax_id_readings.company_id,
        tax_id_readings.payment_id,
        tax_id_readings.tax_id_base,
        row_number() over (
            partition by
                tax_id_readings.company_id, tax_id_readings.payment_id
            order by
                customers.customer_id is not null desc,
                tax_id_readings.has_valid_check_digit desc,
                tax_id_readings.tax_id_base asc
        ) as preference_rank
    from tax_id_readings
    left join customers
        on
            tax_id_readings.company_id = customers.company_id
            and tax_id_readings.tax_id_base = customers.tax_id_base
    where
        customers.customer_id is not null
        or tax_id_readings.has_valid_check_digit
),

final as (
    select
        payments.company_id,
        payments.payment_id,
        payments.channel,
        payments.source_format,
        payments.source_reference,
        payments.bank_account,
        payments.payment_date,
        payments.date_issue,
        payments.payment_amount,
        payments.currency,
        payments.payer_name,
        {{ normalize_party_name('payments.payer_name') }}
            as payer_name_normalized,
        payments.payer_account,
        payments.payer_email,
        payer_tax_ids.tax_id_base as payer_tax_id_base,
        payments.structured_reference,
        payments.end_to_end_id,
        payments.remittance_text,
        payments.search_text,
        payments.known_at,
        payments.file_id,
        payments.record_number
    from payments
    left join payer_tax_ids
        on
            payments.company_id = payer_tax_ids.company_id
            and payments.payment_id = payer_tax_ids.payment_id
            and payer_tax_ids.preference_rank = 1
)

select * from final
