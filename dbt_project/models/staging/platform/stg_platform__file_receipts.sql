with

source as (
    select * from {{ source('platform', 'file_receipts') }}
),

renamed as (
    select
        file_id,
        file_name,
        source_format,
        company_id,
        arrived_at,
        landed_at,
        size_bytes,
        outcome,
        row_count,
        error_message,
        warning_message
    from source
)

select * from renamed
