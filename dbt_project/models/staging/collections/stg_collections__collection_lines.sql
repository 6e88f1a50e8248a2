with

source as (
    select * from {{ source('collections', 'collection_lines') }}
),

renamed as (
    select
        company_id,
        source_format,
        biller_tax_id,
        collecting_bank_code,
        bank_account,
        collection_date,
        date_issue,
        date_rule,
        service_code,
        batch_number,
        payment_reference,
        amount as collected_amount,
        currency,
        payment_origin_code,
        payment_method_code,
        operation_number,
        authorization_number,
        debited_bank_code,
        branch_code,
        sequence_number,
        return_reason_code,
        file_id,
        record_number,
        arrived_at
    from source
)

select * from renamed
