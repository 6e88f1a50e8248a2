{%- set charge_codes = var('bank_charge_transaction_codes') -%}

with

bank_lines as (
    select * from {{ ref('int_bank_lines') }}
),

-- A booked debit the bank coded as its own charges, such as the line ingest
-- adds for the charges a bank took out of a batch entry.
final as (
    select
        company_id,
        bank_line_id,
        bank_account,
        statement_id,
        entry_reference,
        booking_date,
        entry_amount as charge_amount,
        currency,
        bank_transaction_code,
        remittance_text,
        known_at,
        file_id,
        record_number
    from bank_lines
    where
        direction = 'debit'
        and status = 'booked'
        and bank_transaction_code in (
            {%- for code in charge_codes %}
                '{{ code }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )
)

select * from final
