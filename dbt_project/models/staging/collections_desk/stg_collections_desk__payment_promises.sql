with

source as (
    select * from {{ source('collections_desk', 'payment_promises') }}
),

renamed as (
    select
        company_id,
        promise_id,
        customer_id,
        document_id,
        promised_amount,
        currency,
        promise_made_date,
        promised_payment_date,
        contact_channel,
        cancelled_date,
        file_id,
        record_number,
        arrived_at
    from source
)

select * from renamed
