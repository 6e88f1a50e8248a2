with

documents as (
    select * from {{ ref('int_documents') }}
),

credit_note_applications as (
    select * from {{ ref('int_credit_note_applications') }}
),

-- A suggestion awaiting a controller moves no balance.
payment_applications as (
    select * from {{ ref('int_payment_applications') }}
    where application_status != 'suggested'
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

withheld as (
    select
        company_id,
        document_id,
        payment_id,
        sum(withheld_amount) as withheld_amount,
        min(application_date) as application_date,
        max(reconciled_at) as reconciled_at
    from withholding_applications
    group by company_id, document_id, payment_id
),

-- Everything that reduces a document: credit notes, payments, the taxes
-- withheld from them and the differences they settle (discounts, write-offs,
-- bank charges) on an invoice, invoices absorbing a credit note; and, with a
-- minus sign, what reversals of those payments undid.
settlements as (
    select
        company_id,
        document_id,
        'credit_note' as settlement_type,
        applied_amount,
        application_date,
        reconciled_at,
        credit_note_id as settlement_id
    from credit_note_applications
    union all
    select
        company_id,
        credit_note_id as document_id,
        'credit_note_use' as settlement_type,
        applied_amount,
        application_date,
        reconciled_at,
        document_id as settlement_id
    from credit_note_applications
    union all
    select
        company_id,
        document_id,
        'payment' as settlement_type,
        applied_amount,
        application_date,
        reconciled_at,
        payment_id as settlement_id
    from payment_applications
    union all
    select
        company_id,
        document_id,
        'withholding' as settlement_type,
        withheld_amount as applied_amount,
        application_date,
        reconciled_at,
        payment_id as settlement_id
    from withheld
    union all
    select
        company_id,
        document_id,
        'payment_reversal' as settlement_type,
        -reversed_applied_amount as applied_amount,
        posting_date as application_date,
        known_at as reconciled_at,
        reversal_id as settlement_id
    from reversed_applications
    union all
    select
        company_id,
        document_id,
        'withholding_reversal' as settlement_type,
        -reversed_withheld_amount as applied_amount,
        posting_date as application_date,
        known_at as reconciled_at,
        reversal_id as settlement_id
    from reversed_applications
    where reversed_withheld_amount != 0
    union all
    select
        company_id,
        document_id,
        'adjustment' as settlement_type,
        adjusted_amount as applied_amount,
        application_date,
        reconciled_at,
        payment_id as settlement_id
    from settlement_adjustments
),

running as (
    select
        settlements.*,
        documents.total_amount - documents.prepaid_amount as opened_amount,
        sum(settlements.applied_amount) over (
            partition by settlements.company_id, settlements.document_id
            order by
                settlements.application_date,
                settlements.reconciled_at,
                settlements.settlement_id
            rows between unbounded preceding and current row
        ) as cumulative_amount,
        max(settlements.reconciled_at) over (
            partition by settlements.company_id, settlements.document_id
            order by
                settlements.application_date,
                settlements.reconciled_at,
                settlements.settlement_id
            rows between unbounded preceding and current row
        ) as cumulative_known_at
    from settlements
    inner join documents
        on
            settlements.company_id = documents.company_id
            and settlements.document_id = documents.document_id
),

-- The settlement that brought the balance to zero for good (a reversal may
-- reopen it), and the moment the warehouse had every piece of evidence.
settled_from as (
    select
        *,
        min(cumulative_amount) over (
            partition by company_id, document_id
            order by application_date, reconciled_at, settlement_id
            rows between current row and unbounded following
        ) as least_later_cumulative_amount
    from running
),

closing as (
    select
        company_id,
        document_id,
        min(application_date) as fully_paid_date,
        min(cumulative_known_at) as fully_paid_known_at
    from settled_from
    where least_later_cumulative_amount >= opened_amount
    group by company_id, document_id
),

totals as (
    select
        company_id,
        document_id,
        sum(
            case when settlement_type = 'credit_note' then applied_amount end
        ) as credited_amount,
        sum(
            case
                when
                    settlement_type
                    in ('payment', 'credit_note_use', 'payment_reversal')
                    then applied_amount
            end
        ) as applied_amount,
        sum(
            case
                when settlement_type in ('withholding', 'withholding_reversal')
                    then applied_amount
            end
        ) as withheld_amount,
        -sum(
            case
                when
                    settlement_type
                    in ('payment_reversal', 'withholding_reversal')
                    then applied_amount
            end
        ) as reversed_amount,
        sum(
            case when settlement_type = 'adjustment' then applied_amount end
        ) as adjusted_amount
    from settlements
    group by company_id, document_id
),

final as (
    select
        documents.company_id,
        documents.document_id,
        documents.customer_id,
        documents.document_type,
        documents.issue_date,
        documents.due_date,
        documents.currency,
        documents.total_amount,
        coalesce(totals.credited_amount, 0) as credited_amount,
        coalesce(totals.applied_amount, 0) as applied_amount,
        coalesce(totals.withheld_amount, 0) as withheld_amount,
        coalesce(totals.reversed_amount, 0) as reversed_amount,
        coalesce(totals.adjusted_amount, 0) as adjusted_amount,
        -- A credit note's unused part is money owed back to the customer,
        -- so it counts against the receivable with a minus sign.
        case
            when documents.document_type = 'credit_note' then -1 else 1
        end
        * (
            documents.total_amount
            - documents.prepaid_amount
            - coalesce(totals.credited_amount, 0)
            - coalesce(totals.applied_amount, 0)
            - coalesce(totals.withheld_amount, 0)
            - coalesce(totals.adjusted_amount, 0)
        ) as open_amount,
        closing.fully_paid_date,
        closing.fully_paid_known_at
    from documents
    left join totals
        on
            documents.company_id = totals.company_id
            and documents.document_id = totals.document_id
    left join closing
        on
            documents.company_id = closing.company_id
            and documents.document_id = closing.document_id
)

select * from final
