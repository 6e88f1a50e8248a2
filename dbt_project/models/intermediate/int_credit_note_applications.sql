with

documents as (
    select * from {{ ref('int_documents') }}
),

-- A note reduces the invoice int_documents linked it to, by CUFE or number;
-- one whose link is in doubt reduces nothing until a controller settles it.
credit_notes as (
    select * from documents
    where document_type = 'credit_note' and amended_document_id is not null
),

invoices as (
    select * from documents
    where document_type in ('invoice', 'debit_note')
),

-- Several credit notes on one invoice consume it in issue order; none may
-- take the invoice below zero. Only what was not prepaid is there to credit.
claims as (
    select
        credit_notes.company_id,
        credit_notes.document_id as credit_note_id,
        invoices.document_id,
        credit_notes.total_amount
        - credit_notes.prepaid_amount as credit_note_amount,
        invoices.total_amount - invoices.prepaid_amount as invoice_amount,
        coalesce(sum(
            credit_notes.total_amount - credit_notes.prepaid_amount
        ) over (
            partition by invoices.company_id, invoices.document_id
            order by credit_notes.issue_date, credit_notes.document_id
            rows between unbounded preceding and 1 preceding
        ), 0) as earlier_credit_amount,
        credit_notes.currency,
        credit_notes.issue_date as application_date,
        greatest(credit_notes.known_at, invoices.known_at) as reconciled_at
    from credit_notes
    inner join invoices
        on
            credit_notes.company_id = invoices.company_id
            and credit_notes.amended_document_id = invoices.document_id
            and credit_notes.currency = invoices.currency
),

final as (
    select
        company_id,
        credit_note_id,
        document_id,
        least(
            credit_note_amount,
            greatest(invoice_amount - earlier_credit_amount, 0)
        ) as applied_amount,
        currency,
        application_date,
        reconciled_at
    from claims
    where invoice_amount - earlier_credit_amount > 0
)

select * from final
