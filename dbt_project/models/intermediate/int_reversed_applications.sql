with

reversals as (
    select * from {{ ref('int_payment_reversals') }}
    where payment_id is not null
),

payments as (
    select * from {{ ref('int_payments') }}
),

-- a suggestion awaiting a controller moved nothing, so nothing to undo
payment_applications as (
    select * from {{ ref('int_payment_applications') }}
    where application_status != 'suggested'
),

withholding_applications as (
    select * from {{ ref('int_withholding_applications') }}
),

documents as (
    select * from {{ ref('int_documents') }}
),

withheld as (
    select
        company_id,
        application_id,
        sum(withheld_amount) as withheld_amount
    from withholding_applications
    group by company_id, application_id
),

-- What the payment's reversals have taken back after each of them, never
-- more than the payment nor less than nothing: a chargeback reversal gives
-- back what its chargeback took.
reversal_positions as (
    select
        reversals.*,
        payments.payment_amount,
        greatest(
            least(
                sum(reversals.reversed_amount) over (
                    partition by reversals.company_id, reversals.payment_id
                    order by
                        reversals.reversal_date,
                        reversals.known_at,
                        reversals.reversal_id
                    rows between unbounded preceding and current row
                ),
                payments.payment_amount
            ),
            0
        ) as cumulative_reversed_amount,
        row_number() over (
            partition by reversals.company_id, reversals.payment_id
            order by
                reversals.reversal_date,
                reversals.known_at,
                reversals.reversal_id
        ) as reversal_order
    from reversals
    inner join payments
        on
            reversals.company_id = payments.company_id
            and reversals.payment_id = payments.payment_id
),

-- Money taken back comes first out of what the payment left unapplied, then
-- out of its applications, the last document it paid first.
application_order as (
    select
        payment_applications.*,
        greatest(
            payment_applications.application_date, documents.issue_date
        ) as posting_date,
        coalesce(withheld.withheld_amount, 0) as withheld_amount,
        sum(payment_applications.applied_amount) over (
            partition by
                payment_applications.company_id,
                payment_applications.payment_id
        ) as payment_applied_amount,
        coalesce(sum(payment_applications.applied_amount) over (
            partition by
                payment_applications.company_id,
                payment_applications.payment_id
            order by
                payment_applications.application_date desc,
                documents.due_date desc,
                payment_applications.document_id desc
            rows between unbounded preceding and 1 preceding
        ), 0) as undone_first_amount
    from payment_applications
    inner join documents
        on
            payment_applications.company_id = documents.company_id
            and payment_applications.document_id = documents.document_id
    left join withheld
        on
            payment_applications.company_id = withheld.company_id
            and payment_applications.application_id = withheld.application_id
),

undone_after as (
    select
        reversal_positions.company_id,
        reversal_positions.reversal_id,
        reversal_positions.reversal_type,
        reversal_positions.reversal_order,
        reversal_positions.reversal_date,
        reversal_positions.known_at,
        application_order.application_id,
        application_order.payment_id,
        application_order.document_id,
        application_order.customer_id,
        application_order.currency,
        application_order.posting_date as application_posting_date,
        application_order.reconciled_at,
        application_order.applied_amount,
        application_order.withheld_amount,
        least(
            application_order.applied_amount,
            greatest(
                reversal_positions.cumulative_reversed_amount
                - (
                    reversal_positions.payment_amount
                    - application_order.payment_applied_amount
                )
                - application_order.undone_first_amount,
                0
            )
        ) as undone_amount
    from reversal_positions
    inner join application_order
        on
            reversal_positions.company_id = application_order.company_id
            and reversal_positions.payment_id = application_order.payment_id
),

-- Taxes withheld with the payment fall with the cash they came with: once
-- an application's cash is undone in full, so are its withholdings.
undone_with_taxes as (
    select
        *,
        case
            when undone_amount = applied_amount then withheld_amount else 0
        end as undone_withheld_amount
    from undone_after
),

changes as (
    select
        *,
        undone_amount - coalesce(lag(undone_amount) over (
            partition by company_id, application_id
            order by reversal_order
        ), 0) as reversed_applied_amount,
        undone_withheld_amount
        - coalesce(lag(undone_withheld_amount) over (
            partition by company_id, application_id
            order by reversal_order
        ), 0) as reversed_withheld_amount
    from undone_with_taxes
),

final as (
    select
        company_id,
        {{ surrogate_key(['reversal_id', 'application_id']) }}
            as reversed_application_id,
        reversal_id,
        reversal_type,
        application_id,
        payment_id,
        document_id,
        customer_id,
        reversed_applied_amount,
        reversed_withheld_amount,
        currency,
        reversal_date,
        -- an application cannot be undone before the ledger took it
        greatest(reversal_date, application_posting_date) as posting_date,
        greatest(known_at, reconciled_at) as known_at
    from changes
    where reversed_applied_amount != 0 or reversed_withheld_amount != 0
)

select * from final
