with

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

versions as (
    select
        *,
        coalesce(
            prepaid_amount, cast(0 as decimal(18, 2))
        ) as consumed_prepaid_amount,
        row_number() over (
            partition by company_id, document_id
            order by arrived_at, file_id, record_number
        ) as arrival_rank
    from invoices
),

final as (
    select
        company_id,
        document_id,
        document_type,
        customer_id,
        related_document_id,
        issue_date,
        due_date,
        currency,
        net_amount,
        tax_amount,
        total_amount,
        consumed_prepaid_amount as prepaid_amount,
        -- a prepaid part never enters the receivable; the rest is opened
        case
            when document_type = 'credit_note'
                then -(total_amount - consumed_prepaid_amount)
            else total_amount - consumed_prepaid_amount
        end as signed_total_amount,
        upper(
            replace(trim(payment_reference), ' ', '')
        ) as payment_reference,
        collection_reference,
        arrived_at as known_at,
        file_id,
        record_number
    from versions
    where arrival_rank = 1
)

select * from final
