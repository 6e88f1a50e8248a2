with

source as (
    select * from {{ source('billing', 'invoices') }}
),

renamed as (
    select
        company_id,
        document_id,
        document_type,
        related_document_id,
        customer_id,
        issue_date,
        due_date,
        currency,
        net_amount,
        tax_amount,
        total_amount,
        prepaid_amount,
        payment_reference,
        collection_reference,
        document_uuid,
        related_document_uuid,
        file_id,
        record_number,
        arrived_at
    from source
)

select * from renamed
