{#- Rolling a date forward to the next business day, or adding business days
    of grace, looks past the ends of the data period; these margins keep those
    look-ups inside the calendar built here. -#}
{%- set days_before_period = 15 -%}
{%- set days_after_period = 60 -%}

with recursive

-- a date later than the day its file arrived is a typing error or a
-- post-dated record: it must not drag the as-of date (and every open item's
-- age) into the future
documents as (
    select issue_date as event_date
    from {{ ref('int_documents') }}
    where issue_date <= {{ to_local_date('known_at') }}
),

payments as (
    select payment_date as event_date
    from {{ ref('int_payments') }}
    where payment_date <= {{ to_local_date('known_at') }}
),

calendar as (
    select
        calendar_date,
        is_business_day,
        holiday_name
    from {{ ref('stg_platform__calendar') }}
    where country_code = '{{ var("calendar_country_code") }}'
),

event_dates as (
    select event_date from documents
    union all
    select event_date from payments
),

data_period as (
    select
        min(event_date) as period_start_date,
        {% if var('as_of_date') -%}
            cast('{{ var("as_of_date") }}' as date) as as_of_date
        {%- else -%}
            max(event_date) as as_of_date
        {%- endif %}
    from event_dates
),

-- recursion lists every day between two bounds read from the data, which
-- neither a fixed-size series nor a package-free date spine can do
day_spine (calendar_date) as (
    select
        {{ add_days('period_start_date', -days_before_period) }}
            as calendar_date
    from data_period
    where period_start_date is not null
    union all
    select {{ add_days('day_spine.calendar_date', 1) }}
    from day_spine
    inner join data_period
        on
            day_spine.calendar_date
            < {{ add_days('data_period.as_of_date', days_after_period) }}
),

business_days as (
    select
        day_spine.calendar_date,
        calendar.holiday_name,
        -- a day the calendar file does not cover falls back to Monday-Friday
        coalesce(
            calendar.is_business_day,
            extract(isodow from day_spine.calendar_date) < 6
        ) as is_business_day
    from day_spine
    left join calendar
        on day_spine.calendar_date = calendar.calendar_date
),

final as (
    select
        business_days.calendar_date,
        business_days.is_business_day,
        business_days.holiday_name,
        min(
            case
                when business_days.is_business_day
                    then business_days.calendar_date
            end
        ) over (
            order by business_days.calendar_date
            rows between current row and unbounded following
        ) as next_business_date,
        sum(case when business_days.is_business_day then 1 else 0 end) over (
            order by business_days.calendar_date
            rows between unbounded preceding and current row
        ) as business_day_number,
        coalesce(
            business_days.calendar_date
            between data_period.period_start_date and data_period.as_of_date,
            false
        ) as is_in_data_period,
        coalesce(
            business_days.calendar_date = data_period.as_of_date, false
        ) as is_as_of_date
    from business_days
    cross join data_period
)

select * from final
