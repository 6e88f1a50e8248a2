with

-- An undated payment (its file printed no calendar date and no declared
-- rule dated it) waits for a controller: it is listed as an exception.
payments as (
    select * from {{ ref('int_payments') }}
    where payment_date is not null
),

reference_matches as (
    select * from {{ ref('int_reference_matches') }}
),

reference_applications as (
    select * from {{ ref('int_reference_applications') }}
),

payment_customers as (
    select * from {{ ref('int_payment_customers') }}
),

payable_documents as (
    select * from {{ ref('int_payable_documents') }}
),

-- The customer rule only sees what the reference rules left open, taxes
-- withheld and differences settled included.
open_after_references as (
    select
        payable_documents.company_id,
        payable_documents.document_id,
        payable_documents.customer_id,
        payable_documents.currency,
        payable_documents.issue_date,
        payable_documents.known_at,
        payable_documents.opening_open_amount,
        payable_documents.opening_open_amount
        - coalesce(sum(
            reference_applications.applied_amount
            + reference_applications.withheld_amount
            + reference_applications.adjusted_amount
        ), 0) as open_amount,
        max(reference_applications.reconciled_at)
            as last_reference_reconciled_at
    from payable_documents
    left join reference_applications
        on
            payable_documents.company_id = reference_applications.company_id
            and payable_documents.document_id
            = reference_applications.document_id
    group by
        payable_documents.company_id,
        payable_documents.document_id,
        payable_documents.customer_id,
        payable_documents.currency,
        payable_documents.issue_date,
        payable_documents.known_at,
        payable_documents.opening_open_amount
),

unreferenced_payments as (
    select
        payments.company_id,
        payments.payment_id,
        payments.payment_date,
        payments.known_at as payment_known_at,
        payments.payment_amount,
        payments.currency,
        payment_customers.customer_id,
        payment_customers.identified_by
    from payments
    inner join payment_customers
        on
            payments.company_id = payment_customers.company_id
            and payments.payment_id = payment_customers.payment_id
            and payment_customers.is_sole_candidate
    where
        not exists (
            select 1 from reference_matches
            where
                reference_matches.company_id = payments.company_id
                and reference_matches.payment_id = payments.payment_id
                and reference_matches.is_selected
        )
),

customer_documents as (
    select
        unreferenced_payments.company_id,
        unreferenced_payments.payment_id,
        open_after_references.document_id,
        open_after_references.known_at as document_known_at,
        open_after_references.open_amount > 0 as is_open,
        open_after_references.open_amount
        = unreferenced_payments.payment_amount as is_amount_equal,
        -- A document that owed this amount until a referenced payment
        -- reduced it was a candidate too; the match is only certain once
        -- that payment is known.
        case
            when
                open_after_references.opening_open_amount
                = unreferenced_payments.payment_amount
                and open_after_references.open_amount
                != unreferenced_payments.payment_amount
                then open_after_references.last_reference_reconciled_at
        end as candidate_eliminated_at
    from unreferenced_payments
    inner join open_after_references
        on
            unreferenced_payments.company_id
            = open_after_references.company_id
            and unreferenced_payments.customer_id
            = open_after_references.customer_id
            and unreferenced_payments.currency
            = open_after_references.currency
            -- An amount alone cannot pay an invoice not yet issued: next
            -- month's invoice of the same fee is no candidate.
            and unreferenced_payments.payment_date
            >= open_after_references.issue_date
),

counted as (
    select
        company_id,
        payment_id,
        count(case when is_open then 1 end) as open_document_count,
        count(case when is_open and is_amount_equal then 1 end)
            as candidate_count,
        min(case when is_open and is_amount_equal then document_id end)
            as candidate_document_id,
        min(case when is_open and is_amount_equal then document_known_at end)
            as candidate_document_known_at,
        max(candidate_eliminated_at) as last_candidate_eliminated_at
    from customer_documents
    group by company_id, payment_id
),

final as (
    select
        unreferenced_payments.company_id,
        unreferenced_payments.payment_id,
        unreferenced_payments.customer_id,
        unreferenced_payments.identified_by,
        unreferenced_payments.payment_date,
        unreferenced_payments.payment_known_at,
        unreferenced_payments.payment_amount,
        unreferenced_payments.currency,
        coalesce(counted.open_document_count, 0) as open_document_count,
        coalesce(counted.candidate_count, 0) as candidate_count,
        case
            when counted.candidate_count = 1
                then counted.candidate_document_id
        end as document_id,
        case
            when counted.candidate_count = 1
                then counted.candidate_document_known_at
        end as document_known_at,
        counted.last_candidate_eliminated_at
    from unreferenced_payments
    left join counted
        on
            unreferenced_payments.company_id = counted.company_id
            and unreferenced_payments.payment_id = counted.payment_id
)

select * from final
