with

matches as (
    select * from {{ ref('int_reference_matches') }}
    where is_selected
),

expected_withholdings as (
    select * from {{ ref('int_expected_withholdings') }}
),

document_withholdings as (
    select
        company_id,
        payment_id,
        document_id,
        sum(expected_withheld_amount) as expected_withholding_amount
    from expected_withholdings
    group by company_id, payment_id, document_id
),

withholding_matches as (
    select
        matches.*,
        coalesce(
            document_withholdings.expected_withholding_amount, 0
        ) as expected_withholding_amount
    from matches
    left join document_withholdings
        on
            matches.company_id = document_withholdings.company_id
            and matches.payment_id = document_withholdings.payment_id
            and matches.document_id = document_withholdings.document_id
),

withholding_totals as (
    select
        *,
        sum(opening_open_amount) over (
            partition by payment_id
        ) as opening_referenced_amount,
        sum(expected_withholding_amount) over (
            partition by payment_id
        ) as referenced_withholding_amount
    from withholding_matches
),

-- A withholding agent pays what its documents owe less the taxes it
-- withholds; such a payment settles its documents for its amount plus those
-- withholdings. Any other payment settles its amount.
first_settling as (
    select
        *,
        payment_amount
        + case
            when
                referenced_withholding_amount > 0
                and payment_amount
                = opening_referenced_amount - referenced_withholding_amount
                then referenced_withholding_amount
            else 0
        end as first_settling_amount
    from withholding_totals
),

-- Pass 1. Each payment fills its referenced documents, oldest due date
-- first, against what each document owed before any payment ...
first_payment_fill as (
    select
        *,
        least(
            opening_open_amount,
            greatest(
                first_settling_amount
                - coalesce(sum(opening_open_amount) over (
                    partition by payment_id
                    order by due_date, issue_date, document_id
                    rows between unbounded preceding and 1 preceding
                ), 0),
                0
            )
        ) as first_proposed_amount
    from first_settling
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

referenced_totals as (
    select
        *,
        sum(open_before_amount) over (
            partition by payment_id
        ) as referenced_open_amount,
        min(open_before_amount - expected_withholding_amount) over (
            partition by payment_id
        ) as least_net_open_amount,
        count(*) over (partition by payment_id) as referenced_document_count
    from open_when_paid
),

-- Rule reference_withholding: what the documents still owe less the
-- withholdings expected on them, to the peso. Any other amount below what
-- they owe stays a partial payment, and an exact one stays exact.
second_settling as (
    select
        *,
        coalesce(
            referenced_withholding_amount > 0
            and least_net_open_amount > 0
            and payment_amount
            = referenced_open_amount - referenced_withholding_amount,
            false
        ) as is_withholding_payment
    from referenced_totals
),

second_payment_fill as (
    select
        *,
        least(
            open_before_amount,
            greatest(
                payment_amount
                + case
                    when is_withholding_payment
                        then referenced_withholding_amount
                    else 0
                end
                - coalesce(sum(open_before_amount) over (
                    partition by payment_id
                    order by due_date, issue_date, document_id
                    rows between unbounded preceding and 1 preceding
                ), 0),
                0
            )
        ) as second_proposed_amount
    from second_settling
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
        ) as settled_amount
    from second_payment_fill
),

-- The tax withheld comes out of what the document settles and the rest is
-- cash. When an earlier payment's claim cuts the settlement, the cash takes
-- the cut and stays unapplied; a settlement too small to cover the
-- withholding withholds nothing.
cash_and_withholding as (
    select
        *,
        case
            when is_withholding_payment
                then greatest(settled_amount - expected_withholding_amount, 0)
            else settled_amount
        end as applied_amount,
        case
            when
                is_withholding_payment
                and settled_amount > expected_withholding_amount
                then expected_withholding_amount
            else 0
        end as withheld_amount
    from second_document_cap
),

classified as (
    select
        *,
        case
            when channel = 'gateway' then 'gateway_merchant_reference'
            when is_withholding_payment then 'reference_withholding'
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
            when
                payment_amount != referenced_open_amount
                and not is_withholding_payment
                then 5
            else 0
        end as match_score
    from cash_and_withholding
),

final as (
    select
        company_id,
        payment_id,
        document_id,
        customer_id,
        applied_amount,
        withheld_amount,
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
            when is_withholding_payment
                then '; amount equals open amount less expected withholdings'
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
