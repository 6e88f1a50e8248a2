with

source as (
    select * from {{ source('billing', 'customers') }}
),

renamed as (
    select
        company_id,
        customer_id,
        customer_name,
        tax_id,
        tax_id_base,
        tax_id_check_digit,
        segment,
        lower(trim(email)) as email,
        phone,
        bank_account,
        payment_terms_days,
        file_id,
        record_number,
        arrived_at
    from source
)

select * from renamed
