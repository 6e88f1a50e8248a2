with

source as (
    select * from {{ source('bank', 'bank_statements') }}
),

renamed as (
    select
        company_id,
        source_format,
        bank_account,
        statement_id,
        currency,
        opening_balance_date,
        opening_balance_amount,
        closing_balance_date,
        closing_balance_amount,
        entry_count,
        credit_total_amount,
        debit_total_amount,
        balances_tie,
        file_id,
        record_number,
        arrived_at
    from source
)

select * from renamed
