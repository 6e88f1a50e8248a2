{%- set max_size = var('subset_sum_max_combination_size') -%}

with

customer_amount_matches as (
    select * from {{ ref('int_customer_amount_matches') }}
),

payable_documents as (
    select * from {{ ref('int_payable_documents') }}
),

reference_applications as (
    select * from {{ ref('int_reference_applications') }}
),

customer_amount_applications as (
    select * from {{ ref('int_customer_amount_applications') }}
),

earlier_applications as (
    select
        company_id,
        document_id,
        applied_amount + withheld_amount + adjusted_amount as settled_amount,
        reconciled_at
    from reference_applications
    union all
    select
        company_id,
        document_id,
        applied_amount as settled_amount,
        reconciled_at
    from customer_amount_applications
),

-- What the earlier rules left open on each document, and when they last
-- changed it.
open_documents as (
    select
        payable_documents.company_id,
        payable_documents.document_id,
        payable_documents.customer_id,
        payable_documents.currency,
        payable_documents.issue_date,
        payable_documents.due_date,
        payable_documents.known_at,
        cast(
            payable_documents.opening_open_amount
            - coalesce(sum(earlier_applications.settled_amount), 0)
            as decimal(18, 2)
        ) as open_amount,
        max(earlier_applications.reconciled_at) as last_settled_at
    from payable_documents
    left join earlier_applications
        on
            payable_documents.company_id = earlier_applications.company_id
            and payable_documents.document_id
            = earlier_applications.document_id
    group by
        payable_documents.company_id,
        payable_documents.document_id,
        payable_documents.customer_id,
        payable_documents.currency,
        payable_documents.issue_date,
        payable_documents.due_date,
        payable_documents.known_at,
        payable_documents.opening_open_amount
),

-- Searched: identified payments without a usable reference for which no
-- single open document owes the amount (customer_unique_amount found none).
searched_payments as (
    select
        company_id,
        payment_id,
        customer_id,
        identified_by,
        payment_date,
        payment_known_at,
        payment_amount,
        currency
    from customer_amount_matches
    where candidate_count = 0
),

window_documents as (
    select
        searched_payments.company_id,
        searched_payments.payment_id,
        searched_payments.payment_amount,
        open_documents.document_id,
        open_documents.open_amount,
        open_documents.known_at,
        open_documents.last_settled_at,
        row_number() over (
            partition by searched_payments.payment_id
            order by
                open_documents.due_date,
                open_documents.issue_date,
                open_documents.document_id
        ) as candidate_rank
    from searched_payments
    inner join open_documents
        on
            searched_payments.company_id = open_documents.company_id
            and searched_payments.customer_id = open_documents.customer_id
            and searched_payments.currency = open_documents.currency
    where
        open_documents.open_amount > 0
        and open_documents.issue_date <= searched_payments.payment_date
        and open_documents.due_date
        between {{ add_days(
            'searched_payments.payment_date',
            '-' ~ var('subset_sum_window_days'),
        ) }}
        and {{ add_days(
            'searched_payments.payment_date',
            var('subset_sum_window_days'),
        ) }}
),

candidate_documents as (
    select * from window_documents
    where candidate_rank <= {{ var('subset_sum_max_documents') }}
),

-- A combination is only certain once every document it was chosen among
-- is known, with what the earlier rules did to each.
candidates_known as (
    select
        payment_id,
        count(*) as searched_document_count,
        max(greatest(known_at, coalesce(last_settled_at, known_at)))
            as candidates_known_at
    from candidate_documents
    group by payment_id
),

-- Single documents are left out: none owes the amount.
combinations as (
    {{ bounded_combinations(
        'candidate_documents',
        partition_by=['company_id', 'payment_id', 'payment_amount'],
        member='document_id',
        amount='open_amount',
        max_size=max_size,
        min_size=2,
        ceiling='payment_amount',
    ) }}
),

exact_combinations as (
    select
        *,
        {{ combination_list('document_id', max_size) }} as document_ids,
        row_number() over (
            partition by payment_id
            order by
                combination_size,
                {{ combination_list('document_id', max_size) }}
        ) as combination_number,
        count(*) over (partition by payment_id) as combination_count
    from combinations
    where combination_amount = payment_amount
),

members as (
    {{ combination_members(
        'exact_combinations',
        key_columns=[
            'payment_id', 'combination_number', 'combination_count',
            'combination_size', 'document_ids',
        ],
        member='document_id',
        max_size=max_size,
    ) }}
),

final as (
    select
        searched_payments.company_id,
        searched_payments.payment_id,
        searched_payments.customer_id,
        searched_payments.identified_by,
        searched_payments.payment_date,
        searched_payments.payment_known_at,
        searched_payments.payment_amount,
        searched_payments.currency,
        members.combination_number,
        members.combination_count,
        members.combination_size,
        members.document_ids as combination_document_ids,
        members.document_id,
        candidate_documents.open_amount,
        candidate_documents.known_at as document_known_at,
        candidates_known.searched_document_count,
        candidates_known.candidates_known_at
    from members
    inner join searched_payments
        on members.payment_id = searched_payments.payment_id
    inner join candidate_documents
        on
            members.payment_id = candidate_documents.payment_id
            and members.document_id = candidate_documents.document_id
    inner join candidates_known
        on members.payment_id = candidates_known.payment_id
)

select * from final
