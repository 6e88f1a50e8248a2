with

source as (
    select * from {{ source('bank', 'bank_lines') }}
),

renamed as (
    select
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
        amount as entry_amount,
        currency,
        status,
        bank_transaction_code,
        counterparty_name,
        counterparty_account,
        end_to_end_id,
        structured_reference,
        remittance_text,
        coalesce(is_reversal, false) as is_reversal,
        file_id,
        record_number,
        arrived_at
    from source
)

select * from renamed
