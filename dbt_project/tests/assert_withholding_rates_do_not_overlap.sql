-- A returned row is a pair of rates of the same tax in force on a common day,
-- which would withhold that tax twice from one payment.
with

withholding_rates as (
    select * from {{ ref('withholding_rates') }}
)

select
    earlier.tax_code,
    earlier.effective_from_date,
    earlier.effective_to_date,
    later.effective_from_date as overlapping_from_date
from withholding_rates as earlier
inner join withholding_rates as later
    on
        earlier.tax_code = later.tax_code
        and earlier.effective_from_date < later.effective_from_date
        and (
            earlier.effective_to_date is null
            or earlier.effective_to_date >= later.effective_from_date
        )
