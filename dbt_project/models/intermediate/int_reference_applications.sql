with

matches as (
    select * from {{ ref('int_reference_matches') }}
    where is_selected
),

expected_withholdings as (
    select * from {{ ref('int_expected_withholdings') }}
),

customers as (
    select * from {{ ref('int_customers') }}
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

-- The early-payment discount a document offers on the payment's date: the
-- first declared term that fits its customer, while the payment is dated
-- within the term's days from the issue date (var
-- early_payment_discount_terms). Null when no term applies.
discountable_matches as (
    select
        withholding_matches.*,
        {{ early_payment_discount_term(
            'discount_percent',
            'customers.segment',
            'withholding_matches.company_id',
            'withholding_matches.payment_date',
            'withholding_matches.issue_date',
        ) }} as discount_percent,
        {{ early_payment_discount_term(
            'days_from_issue',
            'customers.segment',
            'withholding_matches.company_id',
            'withholding_matches.payment_date',
            'withholding_matches.issue_date',
        ) }} as discount_days,
        withholding_matches.payment_date
        - withholding_matches.issue_date as days_after_issue
    from withholding_matches
    left join customers
        on
            withholding_matches.company_id = customers.company_id
            and withholding_matches.customer_id = customers.customer_id
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
    from discountable_matches
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

discounts_when_paid as (
    select
        *,
        sum(coalesce(
            cast(
                round(open_before_amount * discount_percent / 100, 2)
                as decimal(18, 2)
            ),
            0
        )) over (partition by payment_id) as referenced_discount_amount
    from referenced_totals
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
        ) as is_withholding_payment,
        referenced_open_amount - payment_amount as shortfall_amount
    from discounts_when_paid
),

-- A shortfall that is not the withholdings settles the documents when a
-- rule explains it, in this order: the early-payment discount the documents
-- offer (to within the tolerance), a small difference within the tolerance
-- (written off), and, for a bank transfer, charges the banks took on the
-- way. Gateway charges are for the amount the payer authorised, so a
-- difference there is left to a person. Any other shortfall stays partial.
adjusted_settling as (
    select
        *,
        case
            when
                is_withholding_payment
                or channel = 'gateway'
                or shortfall_amount <= 0
                then null
            when
                referenced_discount_amount > 0
                and (
                    shortfall_amount = referenced_discount_amount
                    or {{ within_tolerance(
                        'abs(shortfall_amount - referenced_discount_amount)',
                        'referenced_open_amount',
                        'currency',
                        'settlement_difference_tolerances',
                    ) }}
                )
                then 'early_payment_discount'
            when {{ within_tolerance(
                    'shortfall_amount',
                    'referenced_open_amount',
                    'currency',
                    'settlement_difference_tolerances',
                ) }}
                then 'short_payment_write_off'
            when
                channel = 'bank_transfer'
                and {{ within_tolerance(
                    'shortfall_amount',
                    'referenced_open_amount',
                    'currency',
                    'bank_charge_tolerances',
                ) }}
                then 'bank_charge'
        end as adjustment_type
    from second_settling
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
                    when adjustment_type is not null then shortfall_amount
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
    from adjusted_settling
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

-- Of an adjusted settlement the cash fills the documents in order and the
-- adjustment takes what the cash leaves, so on a payment of several documents
-- the difference falls on the last ones.
cash_fill as (
    select
        *,
        least(
            settled_amount,
            greatest(
                payment_amount - coalesce(sum(settled_amount) over (
                    partition by payment_id
                    order by due_date, issue_date, document_id
                    rows between unbounded preceding and 1 preceding
                ), 0),
                0
            )
        ) as cash_filled_amount
    from second_document_cap
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
            when adjustment_type is not null then cash_filled_amount
            else settled_amount
        end as applied_amount,
        case
            when
                is_withholding_payment
                and settled_amount > expected_withholding_amount
                then expected_withholding_amount
            else 0
        end as withheld_amount,
        case
            when adjustment_type is not null
                then settled_amount - cash_filled_amount
            else 0
        end as adjusted_amount
    from cash_fill
),

-- What the payment brought beyond what it settled: a small excess is income,
-- a larger one the customer's credit (int_payment_excesses).
excess as (
    select
        *,
        payment_amount
        - sum(applied_amount) over (partition by payment_id)
            as payment_excess_amount
    from cash_and_withholding
),

classified as (
    select
        *,
        case
            when channel = 'gateway' then 'gateway_merchant_reference'
            when is_withholding_payment then 'reference_withholding'
            when adjustment_type = 'early_payment_discount'
                then 'reference_early_payment_discount'
            when adjustment_type = 'short_payment_write_off'
                then 'reference_short_written_off'
            when adjustment_type = 'bank_charge' then 'reference_bank_charge'
            when payment_amount < referenced_open_amount
                then 'reference_partial'
            when
                payment_excess_amount > 0
                and {{ within_tolerance(
                    'payment_excess_amount',
                    'referenced_open_amount',
                    'currency',
                    'settlement_difference_tolerances',
                ) }}
                then 'reference_excess_to_income'
            when payment_excess_amount > 0 then 'reference_overpayment'
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
                and coalesce(adjustment_type, '') != 'early_payment_discount'
                then 5
            else 0
        end as match_score
    from excess
),

final as (
    select
        company_id,
        payment_id,
        document_id,
        customer_id,
        applied_amount,
        withheld_amount,
        adjusted_amount,
        adjustment_type,
        payment_amount,
        payment_excess_amount,
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
            when match_rule = 'reference_early_payment_discount'
                then '; amount equals open amount less the early-payment'
                    || ' discount of '
                    || cast(referenced_discount_amount as varchar)
                    || coalesce(
                        ' ('
                        || cast(
                            cast(discount_percent as decimal(9, 2)) as varchar
                        )
                        || ' % within '
                        || cast(cast(discount_days as integer) as varchar)
                        || ' days of issue, paid '
                        || cast(days_after_issue as varchar)
                        || ' days after)',
                        ''
                    )
                    || '; discount '
                    || cast(shortfall_amount as varchar)
                    || ' booked'
            when match_rule = 'reference_short_written_off'
                then '; amount '
                    || cast(shortfall_amount as varchar)
                    || ' below open amount, within the '
                    || currency
                    || ' tolerance: difference written off'
            when match_rule = 'reference_bank_charge'
                then '; amount '
                    || cast(shortfall_amount as varchar)
                    || ' below open amount, within the '
                    || currency
                    || ' bank-charge tolerance: difference booked as bank'
                    || ' charges'
            when match_rule = 'reference_excess_to_income'
                then '; amount '
                    || cast(payment_excess_amount as varchar)
                    || ' above what the documents owe, within the '
                    || currency
                    || ' tolerance: excess taken to income'
            when match_rule = 'reference_overpayment'
                then '; amount '
                    || cast(payment_excess_amount as varchar)
                    || ' above what the documents owe: excess kept as the'
                    || ' customer''s credit'
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
