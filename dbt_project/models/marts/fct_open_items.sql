with

documents as (
    select * from {{ ref('int_documents') }}
),

receivable_movements as (
    select * from {{ ref('fct_receivable_movements') }}
),

promises as (
    select * from {{ ref('fct_payment_promises') }}
),

as_of as (
    select calendar_date as as_of_date
    from {{ ref('dim_dates') }}
    where is_as_of_date
),

balances as (
    select
        receivable_movements.company_id,
        receivable_movements.document_id,
        receivable_movements.customer_id,
        receivable_movements.segment,
        as_of.as_of_date,
        sum(receivable_movements.movement_amount) as open_amount,
        sum(
            case
                when
                    receivable_movements.movement_type
                    in ('payment_applied', 'payment_reversed')
                    then -receivable_movements.movement_amount
                else 0
            end
        ) as applied_amount,
        sum(
            case
                when
                    receivable_movements.movement_type
                    in ('withholding_applied', 'withholding_reversed')
                    then -receivable_movements.movement_amount
                else 0
            end
        ) as withheld_amount,
        sum(
            case
                when receivable_movements.movement_type = 'adjustment_applied'
                    then -receivable_movements.movement_amount
                else 0
            end
        ) as adjusted_amount,
        sum(
            case
                when
                    receivable_movements.movement_type
                    in ('credit_note_applied', 'credit_note_used')
                    then -receivable_movements.movement_amount
                else 0
            end
        ) as credit_note_offset_amount
    from receivable_movements
    inner join as_of
        on receivable_movements.posting_date <= as_of.as_of_date
    group by
        receivable_movements.company_id,
        receivable_movements.document_id,
        receivable_movements.customer_id,
        receivable_movements.segment,
        as_of.as_of_date
),

active_promises as (
    select distinct
        promises.company_id,
        promises.document_id
    from promises
    inner join as_of
        on
            as_of.as_of_date
            between promises.active_from_date and promises.active_until_date
),

aged as (
    select
        balances.*,
        documents.document_type,
        documents.issue_date,
        documents.due_date,
        documents.total_amount,
        documents.currency,
        documents.payment_reference,
        documents.amended_document_id,
        documents.amendment_link_issue,
        case
            when documents.document_type <> 'credit_note'
                then
                    greatest(balances.as_of_date - documents.due_date, 0)
        end as days_past_due
    from balances
    inner join documents
        on
            balances.company_id = documents.company_id
            and balances.document_id = documents.document_id
    where balances.open_amount <> 0
),

final as (
    select
        aged.company_id,
        aged.document_id,
        aged.document_type,
        aged.customer_id,
        aged.segment,
        aged.issue_date,
        aged.due_date,
        aged.as_of_date,
        aged.total_amount,
        cast(aged.applied_amount as decimal(18, 2)) as applied_amount,
        cast(aged.withheld_amount as decimal(18, 2)) as withheld_amount,
        cast(aged.adjusted_amount as decimal(18, 2)) as adjusted_amount,
        -- on an invoice: credit notes set against it; on a credit note: the
        -- part of it already used (negative)
        cast(aged.credit_note_offset_amount as decimal(18, 2))
            as credit_note_offset_amount,
        cast(aged.open_amount as decimal(18, 2)) as open_amount,
        aged.currency,
        aged.payment_reference,
        aged.amended_document_id,
        aged.amendment_link_issue,
        aged.days_past_due,
        case
            when aged.document_type = 'credit_note' then 'unapplied_credit'
            when aged.days_past_due = 0 then 'current'
            when aged.days_past_due <= 30 then '1-30'
            when aged.days_past_due <= 60 then '31-60'
            when aged.days_past_due <= 90 then '61-90'
            else '91+'
        end as aging_bucket,
        active_promises.document_id is not null as has_active_promise
    from aged
    left join active_promises
        on
            aged.company_id = active_promises.company_id
            and aged.document_id = active_promises.document_id
)

select * from final
