-- A payment from a known customer that carries no usable reference could be
-- paying any of that customer's documents that owed exactly its amount. Until
-- the payment is applied, those documents are "paid, pending review": the
-- customer must not be chased for them.
with

customer_amount_matches as (
    select * from {{ ref('int_customer_amount_matches') }}
),

payable_documents as (
    select * from {{ ref('int_payable_documents') }}
),

-- A suggestion still awaiting review resolves nothing.
payment_applications as (
    select * from {{ ref('int_payment_applications') }}
    where application_status != 'suggested'
),

resolutions as (
    select
        company_id,
        payment_id,
        max(reconciled_at) as resolved_at
    from payment_applications
    group by company_id, payment_id
),

final as (
    select
        customer_amount_matches.company_id,
        customer_amount_matches.payment_id,
        payable_documents.document_id,
        customer_amount_matches.customer_id,
        customer_amount_matches.payment_amount,
        customer_amount_matches.currency,
        greatest(
            customer_amount_matches.payment_known_at,
            payable_documents.known_at
        ) as candidate_from_at,
        resolutions.resolved_at as candidate_until_at
    from customer_amount_matches
    inner join payable_documents
        on
            customer_amount_matches.company_id = payable_documents.company_id
            and customer_amount_matches.customer_id
            = payable_documents.customer_id
            and customer_amount_matches.currency = payable_documents.currency
            and customer_amount_matches.payment_amount
            = payable_documents.opening_open_amount
    left join resolutions
        on
            customer_amount_matches.company_id = resolutions.company_id
            and customer_amount_matches.payment_id = resolutions.payment_id
)

select * from final
