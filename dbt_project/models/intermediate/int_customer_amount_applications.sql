with

matches as (
    select * from {{ ref('int_customer_amount_matches') }}
    where document_id is not null
),

-- Two payments of the same amount may both find the same single document;
-- the first in payment order takes it, the second gets nothing.
capped as (
    select
        *,
        case
            when row_number() over (
                    partition by company_id, document_id
                    order by payment_date, payment_known_at, payment_id
                ) = 1
                then payment_amount
            else 0
        end as applied_amount
    from matches
),

final as (
    select
        company_id,
        payment_id,
        document_id,
        customer_id,
        applied_amount,
        currency,
        'customer_unique_amount' as match_rule,
        80 as match_score,
        'payer identified by '
        || identified_by
        || '; the only open document of the customer with this amount'
            as evidence,
        payment_date as application_date,
        greatest(
            payment_known_at,
            document_known_at,
            coalesce(last_candidate_eliminated_at, payment_known_at)
        ) as reconciled_at
    from capped
    where applied_amount > 0
)

select * from final
