{%- set name_threshold = var('payer_name_similarity_threshold') -%}

with

-- An undated payment (its file printed no calendar date and no declared
-- rule dated it) waits for a controller: it is listed as an exception.
payments as (
    select * from {{ ref('int_payments') }}
    where payment_date is not null
),

payment_references as (
    select * from {{ ref('int_payment_references') }}
),

payable_documents as (
    select * from {{ ref('int_payable_documents') }}
),

customers as (
    select * from {{ ref('int_customers') }}
),

payment_customers as (
    select * from {{ ref('int_payment_customers') }}
),

-- Each identifier a payer may quote, compared without dashes or case.
document_identifiers as (
    select
        company_id,
        document_id,
        'document_id' as identifier_type,
        replace(upper(document_id), '-', '') as identifier_value
    from payable_documents
    union all
    select
        company_id,
        document_id,
        'payment_reference' as identifier_type,
        replace(upper(payment_reference), '-', '') as identifier_value
    from payable_documents
    where payment_reference is not null
    union all
    select
        company_id,
        document_id,
        'collection_reference' as identifier_type,
        ltrim(collection_reference, '0') as identifier_value
    from payable_documents
    where collection_reference is not null
),

hits as (
    select
        payment_references.company_id,
        payment_references.payment_id,
        document_identifiers.document_id,
        payment_references.reference_type,
        payment_references.reference_value,
        payment_references.source_field,
        payment_references.field_priority,
        payment_references.is_self_verifying
    from payment_references
    inner join document_identifiers
        on
            payment_references.company_id = document_identifiers.company_id
            and replace(payment_references.reference_value, '-', '')
            = document_identifiers.identifier_value
    where coalesce(payment_references.is_check_digit_valid, true)
),

-- One row per payment and document, keeping the strongest reference.
strongest_hits as (
    select
        *,
        row_number() over (
            partition by company_id, payment_id, document_id
            order by
                is_self_verifying desc,
                field_priority asc,
                reference_type asc,
                reference_value asc
        ) as strength_rank
    from hits
),

assessed as (
    select
        strongest_hits.company_id,
        strongest_hits.payment_id,
        strongest_hits.document_id,
        payable_documents.customer_id,
        payments.channel,
        payments.payment_date,
        payments.known_at as payment_known_at,
        payments.payment_amount,
        payments.currency,
        payable_documents.issue_date,
        payable_documents.due_date,
        payable_documents.opening_open_amount,
        payable_documents.known_at as document_known_at,
        strongest_hits.reference_type,
        strongest_hits.reference_value,
        strongest_hits.source_field,
        strongest_hits.field_priority,
        strongest_hits.is_self_verifying,
        payment_customers.identified_by as payer_identified_by,
        {{ name_similarity(
            'payments.payer_name_normalized',
            'customers.customer_name_normalized',
        ) }} as payer_name_similarity,
        payments.currency = payable_documents.currency as is_same_currency,
        payments.payment_amount
        = payable_documents.opening_open_amount as is_amount_equal
    from strongest_hits
    inner join payments
        on
            strongest_hits.company_id = payments.company_id
            and strongest_hits.payment_id = payments.payment_id
    inner join payable_documents
        on
            strongest_hits.company_id = payable_documents.company_id
            and strongest_hits.document_id = payable_documents.document_id
    inner join customers
        on
            payable_documents.company_id = customers.company_id
            and payable_documents.customer_id = customers.customer_id
    left join payment_customers
        on
            strongest_hits.company_id = payment_customers.company_id
            and strongest_hits.payment_id = payment_customers.payment_id
            and payable_documents.customer_id = payment_customers.customer_id
    where strongest_hits.strength_rank = 1
),

-- A bare invoice number may be mistyped: it only counts when the payer is
-- the document's customer or the amount is exactly what the document owes.
usable as (
    select
        *,
        payer_identified_by is not null
        or coalesce(
            payer_name_similarity >= {{ name_threshold }}, false
        ) as is_payer_consistent,
        is_same_currency
        and (
            is_self_verifying
            or payer_identified_by is not null
            or coalesce(
                payer_name_similarity >= {{ name_threshold }}, false
            )
            or is_amount_equal
        ) as is_usable
    from assessed
),

-- Only the most deliberate field with a usable reference speaks for the
-- payment: an RF reference in the structured field outranks invoice
-- numbers mentioned in the free text.
final as (
    select
        *,
        is_usable
        and field_priority = min(
            case when is_usable then field_priority end
        ) over (partition by company_id, payment_id) as is_selected
    from usable
)

select * from final
