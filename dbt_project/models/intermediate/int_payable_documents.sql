with

documents as (
    select * from {{ ref('int_documents') }}
),

credit_note_applications as (
    select * from {{ ref('int_credit_note_applications') }}
),

credited as (
    select
        company_id,
        document_id,
        sum(applied_amount) as credited_amount
    from credit_note_applications
    group by company_id, document_id
),

final as (
    select
        documents.company_id,
        documents.document_id,
        documents.document_type,
        documents.customer_id,
        documents.issue_date,
        documents.due_date,
        documents.currency,
        documents.total_amount,
        documents.prepaid_amount,
        coalesce(credited.credited_amount, 0) as credited_amount,
        documents.total_amount
        - coalesce(credited.credited_amount, 0)
        - documents.prepaid_amount as opening_open_amount,
        documents.payment_reference,
        documents.collection_reference,
        documents.known_at
    from documents
    left join credited
        on
            documents.company_id = credited.company_id
            and documents.document_id = credited.document_id
    where documents.document_type in ('invoice', 'debit_note')
)

select * from final
