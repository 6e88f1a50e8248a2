with

-- suggestions awaiting a controller are in fct_suggested_applications
applications as (
    select * from {{ ref('int_payment_applications') }}
    where application_status != 'suggested'
),

payments as (
    select * from {{ ref('int_payments') }}
),

documents as (
    select * from {{ ref('int_documents') }}
),

withholding_applications as (
    select * from {{ ref('int_withholding_applications') }}
),

settlement_adjustments as (
    select * from {{ ref('int_settlement_adjustments') }}
),

withheld as (
    select
        company_id,
        application_id,
        sum(withheld_amount) as withheld_amount
    from withholding_applications
    group by company_id, application_id
),

final as (
    select
        applications.company_id,
        applications.application_id,
        applications.payment_id,
        applications.document_id,
        applications.customer_id,
        documents.document_type,
        payments.channel,
        payments.source_format,
        payments.source_reference,
        applications.applied_amount,
        -- taxes the customer withheld beside the cash: together they are
        -- what the application settled on the document
        cast(
            coalesce(withheld.withheld_amount, 0) as decimal(18, 2)
        ) as withheld_amount,
        -- a difference the application settled beside the cash, and why
        cast(
            coalesce(settlement_adjustments.adjusted_amount, 0)
            as decimal(18, 2)
        ) as adjusted_amount,
        settlement_adjustments.adjustment_type,
        applications.currency,
        applications.match_rule,
        applications.match_score,
        applications.evidence,
        applications.application_status,
        applications.application_date,
        -- the date the ledger takes the application: a payment that arrived
        -- before its invoice is applied on the invoice's issue date
        greatest(
            applications.application_date, documents.issue_date
        ) as posting_date,
        documents.due_date,
        applications.application_date - documents.due_date as days_after_due,
        applications.reconciled_at,
        {{ to_local_date('applications.reconciled_at') }}
            as reconciled_local_date
    from applications
    left join payments
        on
            applications.company_id = payments.company_id
            and applications.payment_id = payments.payment_id
    left join documents
        on
            applications.company_id = documents.company_id
            and applications.document_id = documents.document_id
    left join withheld
        on
            applications.company_id = withheld.company_id
            and applications.application_id = withheld.application_id
    left join settlement_adjustments
        on
            applications.company_id = settlement_adjustments.company_id
            and applications.application_id
            = settlement_adjustments.application_id
)

select * from final
