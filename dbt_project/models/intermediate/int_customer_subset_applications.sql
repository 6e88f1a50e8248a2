with

matches as (
    select * from {{ ref('int_customer_subset_matches') }}
    where combination_count = 1
),

-- Two payments may each find one combination, sharing a document. The
-- earliest payment that claims a document keeps it; a later claimant is
-- left out whole, since part of its combination would not pay it in full.
claims as (
    select
        *,
        row_number() over (
            partition by company_id, document_id
            order by payment_date, payment_known_at, payment_id
        ) as claim_rank
    from matches
),

outranked_payments as (
    select distinct payment_id from claims
    where claim_rank > 1
),

final as (
    select
        claims.company_id,
        claims.payment_id,
        claims.document_id,
        claims.customer_id,
        claims.open_amount as applied_amount,
        claims.currency,
        'customer_subset_sum' as match_rule,
        -- As certain as customer_unique_amount: an identified payer and the
        -- only combination, among all searched, owing exactly the amount.
        80 as match_score,
        'payer identified by '
        || claims.identified_by
        || '; '
        || claims.combination_document_ids
        || ' are the only combination of the customer''s '
        || cast(claims.searched_document_count as varchar)
        || ' open documents in the date window that owes exactly the amount'
            as evidence,
        claims.payment_date as application_date,
        greatest(
            claims.payment_known_at, claims.candidates_known_at
        ) as reconciled_at
    from claims
    where
        claims.payment_id not in (
            select outranked_payments.payment_id from outranked_payments
        )
)

select * from final
