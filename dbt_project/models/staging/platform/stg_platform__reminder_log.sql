with

source as (
    select * from {{ source('platform', 'reminder_log') }}
),

renamed as (
    select
        company_id,
        reminder_id,
        document_id,
        customer_id,
        cadence_step,
        contact_channel,
        reminder_date,
        outbox_path,
        written_at
    from source
)

select * from renamed
