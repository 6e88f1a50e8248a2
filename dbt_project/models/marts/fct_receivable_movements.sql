with

documents as (
    select * from {{ ref('int_documents') }}
),

customers as (
    select * from {{ ref('int_customers') }}
),

payments as (
    select * from {{ ref('int_payments') }}
),

-- a suggestion awaiting a controller moves no balance and posts nothing
payment_applications as (
    select * from {{ ref('int_payment_applications') }}
    where application_status != 'suggested'
),

credit_note_applications as (
    select * from {{ ref('int_credit_note_applications') }}
),

withholding_applications as (
    select * from {{ ref('int_withholding_applications') }}
),

reversed_applications as (
    select * from {{ ref('int_reversed_applications') }}
),

settlement_adjustments as (
    select * from {{ ref('int_settlement_adjustments') }}
),

documents_issued as (
    select
        company_id,
        'document_issued' as movement_type,
        document_id,
        document_id as source_id,
        cast(null as varchar) as payment_id,
        issue_date as posting_date,
        known_at,
        signed_total_amount as movement_amount,
        currency
    from documents
),

-- an application cannot be posted before its document exists: a payment
-- received ahead of the invoice waits as unapplied cash until the issue date
payments_applied as (
    select
        payment_applications.company_id,
        'payment_applied' as movement_type,
        payment_applications.document_id,
        payment_applications.application_id as source_id,
        payment_applications.payment_id,
        greatest(
            payment_applications.application_date, documents.issue_date
        ) as posting_date,
        payment_applications.reconciled_at as known_at,
        -payment_applications.applied_amount as movement_amount,
        payment_applications.currency
    from payment_applications
    inner join documents
        on
            payment_applications.company_id = documents.company_id
            and payment_applications.document_id = documents.document_id
),

-- a tax the customer withheld from its payment settles the document on the
-- payment's posting date, one movement per tax
withholdings_applied as (
    select
        withholding_applications.company_id,
        'withholding_applied' as movement_type,
        withholding_applications.document_id,
        withholding_applications.withholding_application_id as source_id,
        withholding_applications.payment_id,
        greatest(
            withholding_applications.application_date, documents.issue_date
        ) as posting_date,
        withholding_applications.reconciled_at as known_at,
        -withholding_applications.withheld_amount as movement_amount,
        withholding_applications.currency
    from withholding_applications
    inner join documents
        on
            withholding_applications.company_id = documents.company_id
            and withholding_applications.document_id = documents.document_id
),

-- a returned or charged-back payment no longer pays the document: from the
-- reversal date the document owes again what the reversal undid (a
-- chargeback reversal, which restores the payment, moves it back down)
payments_reversed as (
    select
        company_id,
        'payment_reversed' as movement_type,
        document_id,
        reversed_application_id as source_id,
        payment_id,
        posting_date,
        known_at,
        reversed_applied_amount as movement_amount,
        currency
    from reversed_applications
    where reversed_applied_amount != 0
),

-- the taxes withheld with a payment fall with it, one movement per tax
withholdings_reversed as (
    select
        reversed_applications.company_id,
        'withholding_reversed' as movement_type,
        reversed_applications.document_id,
        {{ surrogate_key([
            'reversed_applications.reversal_id',
            'withholding_applications.withholding_application_id',
        ]) }} as source_id,
        reversed_applications.payment_id,
        reversed_applications.posting_date,
        reversed_applications.known_at,
        sign(reversed_applications.reversed_withheld_amount)
        * withholding_applications.withheld_amount as movement_amount,
        reversed_applications.currency
    from reversed_applications
    inner join withholding_applications
        on
            reversed_applications.company_id
            = withholding_applications.company_id
            and reversed_applications.application_id
            = withholding_applications.application_id
    where reversed_applications.reversed_withheld_amount != 0
),

-- a difference the payment settled (an early-payment discount, a small
-- shortfall written off, bank charges) closes the document with the payment
adjustments_applied as (
    select
        settlement_adjustments.company_id,
        'adjustment_applied' as movement_type,
        settlement_adjustments.document_id,
        settlement_adjustments.application_id as source_id,
        settlement_adjustments.payment_id,
        greatest(
            settlement_adjustments.application_date, documents.issue_date
        ) as posting_date,
        settlement_adjustments.reconciled_at as known_at,
        -settlement_adjustments.adjusted_amount as movement_amount,
        settlement_adjustments.currency
    from settlement_adjustments
    inner join documents
        on
            settlement_adjustments.company_id = documents.company_id
            and settlement_adjustments.document_id = documents.document_id
),

credit_note_links as (
    select
        credit_note_applications.company_id,
        credit_note_applications.credit_note_id,
        credit_note_applications.document_id,
        credit_note_applications.applied_amount,
        credit_note_applications.currency,
        credit_note_applications.reconciled_at,
        credit_note_applications.credit_note_id
        || '>' || credit_note_applications.document_id as source_id,
        greatest(
            credit_note_applications.application_date,
            credited_documents.issue_date,
            credit_notes.issue_date
        ) as posting_date
    from credit_note_applications
    inner join documents as credited_documents
        on
            credit_note_applications.company_id = credited_documents.company_id
            and credit_note_applications.document_id
            = credited_documents.document_id
    inner join documents as credit_notes
        on
            credit_note_applications.company_id = credit_notes.company_id
            and credit_note_applications.credit_note_id
            = credit_notes.document_id
),

-- a credit note offset moves value between two AR documents: the credited
-- invoice goes down and the credit note's negative balance goes up by the same
-- amount, so AR in total does not move
credit_notes_applied as (
    select
        company_id,
        'credit_note_applied' as movement_type,
        document_id,
        source_id,
        cast(null as varchar) as payment_id,
        posting_date,
        reconciled_at as known_at,
        -applied_amount as movement_amount,
        currency
    from credit_note_links
),

credit_notes_used as (
    select
        company_id,
        'credit_note_used' as movement_type,
        credit_note_id as document_id,
        source_id,
        cast(null as varchar) as payment_id,
        posting_date,
        reconciled_at as known_at,
        applied_amount as movement_amount,
        currency
    from credit_note_links
),

movements as (
    select * from documents_issued
    union all
    select * from payments_applied
    union all
    select * from withholdings_applied
    union all
    select * from payments_reversed
    union all
    select * from withholdings_reversed
    union all
    select * from adjustments_applied
    union all
    select * from credit_notes_applied
    union all
    select * from credit_notes_used
),

final as (
    select
        movements.company_id
        || '/' || movements.movement_type
        || '/' || movements.source_id as movement_id,
        movements.company_id,
        movements.movement_type,
        movements.document_id,
        documents.document_type,
        documents.customer_id,
        coalesce(customers.segment, 'unidentified') as segment,
        movements.source_id,
        movements.payment_id,
        payments.channel,
        movements.posting_date,
        movements.known_at,
        cast(movements.movement_amount as decimal(18, 2)) as movement_amount,
        movements.currency
    from movements
    inner join documents
        on
            movements.company_id = documents.company_id
            and movements.document_id = documents.document_id
    left join customers
        on
            documents.company_id = customers.company_id
            and documents.customer_id = customers.customer_id
    left join payments
        on
            movements.company_id = payments.company_id
            and movements.payment_id = payments.payment_id
)

select * from final
