with

source as (
    select * from {{ source('gateway', 'gateway_payouts') }}
),

renamed as (
    select
        company_id,
        gateway,
        merchant_account,
        payout_id,
        payout_date,
        currency,
        payout_amount,
        transaction_count,
        file_id,
        record_number,
        arrived_at
    from source
)

select * from renamed
