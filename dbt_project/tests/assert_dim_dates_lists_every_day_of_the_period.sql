-- A returned row is a data period whose calendar misses days: dim_dates does
-- not hold exactly one row per calendar day from its first to its last date.
with

dates as (
    select * from {{ ref('dim_dates') }}
),

bounds as (
    select
        min(calendar_date) as first_date,
        max(calendar_date) as last_date,
        count(*) as day_count,
        count(distinct calendar_date) as distinct_day_count
    from dates
)

select *
from bounds
where
    day_count <> distinct_day_count
    or day_count <> last_date - first_date + 1
