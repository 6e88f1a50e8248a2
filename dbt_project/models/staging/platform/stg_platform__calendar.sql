with

source as (
    select * from {{ source('platform', 'calendar') }}
),

renamed as (
    select
        calendar_date,
        country_code,
        is_business_day,
        holiday_name
    from source
)

select * from renamed
