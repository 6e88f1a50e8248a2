with

matches as (
    select * from {{ ref('int_reference_matches') }}
    where is_selected
),

-- Pass 1. Each payment fills its referenced documents, oldest due date
-- first, against what each document owed before any payment ...
first_payment_fill as (
    select
        *,
        least(
            opening_open_amount,
            greatest(
                payment_amount - coalesce(sum(opening_open_amount) over (
                    partition by payment_id
                    order by due_date, issue_date, document_id
                    rows between unbounded preceding and 1 preceding
                ), 0),
                0
            )
        ) as first_proposed_amount
    from matches
),

-- ... and each document grants claims in payment order until it is spent.
first_document_cap as (
    select
        *,
        least(
            first_proposed_amount,
            greatest(
                opening_open_amount - coalesce(sum(first_proposed_amount) over (
                    partition by company_id, document_id
                    order by payment_date, payment_known_at, payment_id
                    rows between unbounded preceding and 1 preceding
                ), 0),
                0
            )
        ) as first_applied_amount
    from first_payment_fill
),

-- Pass 2 repeats both steps with what each document really had left when
-- the payment arrived, so money pass 1 offered to an already paid document
-- moves on to the payment's next document.
open_when_paid as (
    select
        *,
        opening_open_amount - coalesce(sum(first_applied_amount) over (
            partition by company_id, document_id
            order by payment_date, payment_known_at, payment_id
            rows between unbounded preceding and 1 preceding
        ), 0) as open_before_amount
    from first_document_cap
),

second_payment_fill as (
    select
        *,
        least(
            open_before_amount,
            greatest(
                payment_amount - coalesce(sum(open_before_amount) over (
                    partition by payment_id
                    order by due_date, issue_date, document_id
                    rows between unbounded preceding and 1 preceding
                ), 0),
                0
            )
        ) as second_proposed_amount,
        sum(open_before_amount) over (
            partition by payment_id
        ) as referenced_open_amount,
        count(*) over (partition by payment_id) as referenced_document_count
    from open_when_paid
),

second_document_cap as (
    select
        *,
        least(
            second_proposed_amount,
            greatest(
                opening_open_amount
                - coalesce(sum(second_proposed_amount) over (
                    partition by company_id, document_id
                    order by payment_date, payment_known_at, payment_id
                    rows between unbounded preceding and 1 preceding
                ), 0),
                0
            )
        ) as applied_amount
    from second_payment_fill
),

classified as (
    select
        *,
        case
            when channel = 'gateway' then 'gateway_merchant_reference'
            when payment_amount < referenced_open_amount
                then 'reference_partial'
            when referenced_document_count = 1 then 'reference_exact'
            else 'reference_multi'
        end as match_rule,
        case
            when is_self_verifying then 100
            when is_payer_consistent and is_amount_equal then 95
            when is_payer_consistent then 90
            else 85
        end
        - case
            when payment_amount != referenced_open_amount then 5 else 0
        end as match_score
    from second_document_cap
),

final as (
    select
        company_id,
        payment_id,
        document_id,
        customer_id,
        applied_amount,
        currency,
        match_rule,
        match_score,
        reference_type
        || ' '
        || reference_value
        || ' in '
        || source_field
        || coalesce('; payer identified by ' || payer_identified_by, '')
        || case
            when payment_amount = referenced_open_amount
                then '; amount equals open amount'
            when payment_amount < referenced_open_amount
                then '; amount below open amount'
            else '; amount above open amount'
        end as evidence,
        payment_date as application_date,
        greatest(payment_known_at, document_known_at) as reconciled_at,
        opening_open_amount,
        open_before_amount,
        referenced_open_amount,
        referenced_document_count
    from classified
    where applied_amount > 0
)

select * from final
