with

payments as (
    select * from {{ ref('int_payments') }}
),

-- a suggestion awaiting a controller applies nothing yet
applications as (
    select * from {{ ref('int_payment_applications') }}
    where application_status != 'suggested'
),

exceptions as (
    select * from {{ ref('int_payment_exceptions') }}
),

payment_reversals as (
    select * from {{ ref('int_payment_reversals') }}
),

reversed_applications as (
    select * from {{ ref('int_reversed_applications') }}
),

customers as (
    select * from {{ ref('int_customers') }}
),

dates as (
    select * from {{ ref('dim_dates') }}
),

excesses as (
    select * from {{ ref('int_payment_excesses') }}
),

application_totals as (
    select
        company_id,
        payment_id,
        sum(applied_amount) as applied_amount,
        sum(
            case
                when application_status = 'automatic' then applied_amount
                else 0
            end
        ) as automatic_applied_amount,
        count(*) as application_count,
        count(distinct document_id) as document_count,
        max(reconciled_at) as last_reconciled_at
    from applications
    group by company_id, payment_id
),

-- what returns, refunds and chargebacks took back (less what chargeback
-- reversals gave back), and how much of the applications that undid
reversal_totals as (
    select
        company_id,
        payment_id,
        sum(reversed_amount) as reversed_amount
    from payment_reversals
    where payment_id is not null
    group by company_id, payment_id
),

undone_totals as (
    select
        reversed_applications.company_id,
        reversed_applications.payment_id,
        sum(reversed_applications.reversed_applied_amount) as undone_amount,
        sum(
            case
                when applications.application_status = 'automatic'
                    then reversed_applications.reversed_applied_amount
                else 0
            end
        ) as automatic_undone_amount
    from reversed_applications
    inner join applications
        on
            reversed_applications.company_id = applications.company_id
            and reversed_applications.application_id
            = applications.application_id
    group by reversed_applications.company_id, reversed_applications.payment_id
),

-- a payment that settles documents of several customers is attributed to the
-- one that received most of it, so each payment falls in a single segment
customer_shares as (
    select
        company_id,
        payment_id,
        customer_id,
        row_number() over (
            partition by company_id, payment_id
            order by sum(applied_amount) desc, customer_id
        ) as share_rank
    from applications
    group by company_id, payment_id, customer_id
),

payment_customers as (
    select
        company_id,
        payment_id,
        customer_id
    from customer_shares
    where share_rank = 1
),

amounts as (
    select
        payments.*,
        payment_customers.customer_id,
        coalesce(application_totals.application_count, 0)
            as application_count,
        coalesce(application_totals.document_count, 0) as document_count,
        cast(
            coalesce(application_totals.applied_amount, 0)
            - coalesce(undone_totals.undone_amount, 0) as decimal(18, 2)
        ) as applied_amount,
        cast(
            coalesce(application_totals.automatic_applied_amount, 0)
            - coalesce(undone_totals.automatic_undone_amount, 0)
            as decimal(18, 2)
        ) as automatic_applied_amount,
        cast(
            coalesce(reversal_totals.reversed_amount, 0) as decimal(18, 2)
        ) as reversed_amount,
        cast(
            coalesce(
                case
                    when excesses.excess_treatment = 'other_income'
                        then excesses.excess_amount
                end,
                0
            ) as decimal(18, 2)
        ) as excess_to_income_amount,
        cast(
            coalesce(
                case
                    when excesses.excess_treatment = 'customer_credit'
                        then excesses.excess_amount
                end,
                0
            ) as decimal(18, 2)
        ) as customer_credit_amount,
        greatest(
            application_totals.last_reconciled_at, excesses.reconciled_at
        ) as last_reconciled_at
    from payments
    left join application_totals
        on
            payments.company_id = application_totals.company_id
            and payments.payment_id = application_totals.payment_id
    left join undone_totals
        on
            payments.company_id = undone_totals.company_id
            and payments.payment_id = undone_totals.payment_id
    left join reversal_totals
        on
            payments.company_id = reversal_totals.company_id
            and payments.payment_id = reversal_totals.payment_id
    left join payment_customers
        on
            payments.company_id = payment_customers.company_id
            and payments.payment_id = payment_customers.payment_id
    left join excesses
        on
            payments.company_id = excesses.company_id
            and payments.payment_id = excesses.payment_id
),

-- an excess taken to income or to the customer's credit is accounted for, so
-- it is not unapplied cash
statuses as (
    select
        *,
        cast(
            payment_amount
            - reversed_amount
            - applied_amount
            - excess_to_income_amount
            - customer_credit_amount
            as decimal(18, 2)
        ) as unapplied_amount,
        case
            when reversed_amount >= payment_amount then 'reversed'
            when
                applied_amount > 0
                and applied_amount
                + excess_to_income_amount
                + customer_credit_amount
                = payment_amount - reversed_amount
                then 'applied'
            when applied_amount > 0 then 'partially_applied'
            else 'unapplied'
        end as payment_status
    from amounts
),

-- a payment counts as reconciled only once all of it is applied, and then at
-- the moment its last piece of evidence arrived
reconciliations as (
    select
        *,
        case
            when payment_status = 'applied' then last_reconciled_at
        end as reconciled_at
    from statuses
),

final as (
    select
        reconciliations.company_id,
        reconciliations.payment_id,
        reconciliations.channel,
        reconciliations.source_format,
        reconciliations.source_reference,
        reconciliations.bank_account,
        reconciliations.payment_date,
        reconciliations.date_issue,
        reconciliations.payment_amount,
        reconciliations.currency,
        reconciliations.payer_name,
        reconciliations.payer_account,
        reconciliations.payer_tax_id_base,
        reconciliations.customer_id,
        customers.segment,
        reconciliations.payment_status,
        reconciliations.applied_amount,
        reconciliations.reversed_amount,
        reconciliations.unapplied_amount,
        reconciliations.excess_to_income_amount,
        reconciliations.customer_credit_amount,
        reconciliations.automatic_applied_amount,
        reconciliations.application_count,
        reconciliations.document_count,
        exceptions.reason_code as exception_reason_code,
        reconciliations.known_at,
        reconciliations.reconciled_at,
        {{ to_local_date('reconciliations.reconciled_at') }}
            as reconciled_local_date,
        booking_days.next_business_date as t0_deadline_date,
        coalesce(
            {{ to_local_date('reconciliations.reconciled_at') }}
            <= booking_days.next_business_date,
            false
        ) as is_reconciled_t0,
        coalesce(
            reconciliations.payment_status = 'applied'
            and reconciliations.automatic_applied_amount
            = reconciliations.applied_amount,
            false
        ) as is_straight_through,
        reconciliations.file_id,
        reconciliations.record_number
    from reconciliations
    left join customers
        on
            reconciliations.company_id = customers.company_id
            and reconciliations.customer_id = customers.customer_id
    left join exceptions
        on
            reconciliations.company_id = exceptions.company_id
            and reconciliations.payment_id = exceptions.payment_id
    left join dates as booking_days
        on reconciliations.payment_date = booking_days.calendar_date
)

select * from final
