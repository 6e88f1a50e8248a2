with

source as (
    select * from {{ source('collections_desk', 'payment_agreements') }}
),

renamed as (
    select
        company_id,
        agreement_id,
        customer_id,
        document_id,
        agreement_date,
        instalment_number,
        instalment_due_date,
        instalment_amount,
        currency,
        file_id,
        record_number,
        arrived_at
    from source
)

select * from renamed
