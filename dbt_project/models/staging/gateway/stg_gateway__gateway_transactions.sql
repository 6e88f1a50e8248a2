with

source as (
    select * from {{ source('gateway', 'gateway_transactions') }}
),

renamed as (
    select
        company_id,
        gateway,
        merchant_account,
        transaction_id,
        transaction_type,
        created_at,
        merchant_reference,
        payment_method,
        payer_name,
        lower(trim(payer_email)) as payer_email,
        currency,
        gross_amount,
        fee_amount,
        fee_tax_amount,
        net_amount,
        payout_id,
        file_id,
        record_number,
        arrived_at
    from source
)

select * from renamed
