{#- Ley 2300 de 2023 opens collection contact at 07:00 on weekdays: a reminder
    acts on what was known before that hour of its day. A fact
    known at `known_at` is first acted on by the reminders of
    actionable_from_date: the local day of known_at less the send hour, plus
    one. -#}
{%- set send_hour = 7 -%}
{%- set reminder_prices = var('cost_model')['reminder_cost_amount'] -%}
{%- set actionable_from_date = add_days(
    to_local_date("(known_at - interval '" ~ send_hour ~ " hours')"), 1
) -%}

with

documents as (
    select * from {{ ref('int_documents') }}
),

customers as (
    select * from {{ ref('int_customers') }}
),

receivable_movements as (
    select * from {{ ref('fct_receivable_movements') }}
),

promises as (
    select * from {{ ref('fct_payment_promises') }}
),

agreement_records as (
    select * from {{ ref('stg_collections_desk__payment_agreements') }}
),

dates as (
    select * from {{ ref('dim_dates') }}
),

candidate_documents as (
    select * from {{ ref('int_payment_candidate_documents') }}
),

cadence as (
    {%- for step in var('reminder_cadence') %}
        select
            '{{ step.name }}' as cadence_step,
            {{ step.days_from_due }} as days_from_due,
            '{{ step.channel }}' as contact_channel
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

-- what each reminder could know: documents, payments and credit notes, promises
known_documents as (
    select
        *,
        {{ actionable_from_date }} as actionable_from_date
    from documents
),

known_movements as (
    select
        *,
        {{ actionable_from_date }} as actionable_from_date
    from receivable_movements
),

known_promises as (
    select
        *,
        {{ actionable_from_date }} as actionable_from_date
    from promises
),

-- a known payment that may be paying the document, still waiting for review
pending_candidates as (
    select
        *,
        {{ actionable_from_date.replace('known_at', 'candidate_from_at') }}
            as actionable_from_date,
        {{ actionable_from_date.replace('known_at', 'candidate_until_at') }}
            as resolved_from_date
    from candidate_documents
),

channel_costs as (
    {%- for channel, cost in reminder_prices.items() %}
        select
            '{{ channel }}' as contact_channel,
            cast({{ cost }} as decimal(18, 2)) as reminder_cost_amount
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

steps as (
    select
        known_documents.company_id,
        known_documents.document_id,
        known_documents.customer_id,
        known_documents.issue_date,
        known_documents.due_date,
        known_documents.total_amount,
        known_documents.currency,
        known_documents.actionable_from_date as document_actionable_from_date,
        cadence.cadence_step,
        cadence.days_from_due,
        cadence.contact_channel,
        {{ add_days(
            'known_documents.due_date', 'cadence.days_from_due'
        ) }} as scheduled_date
    from known_documents
    cross join cadence
    where known_documents.document_type <> 'credit_note'
),

-- a reminder falling on a weekend or holiday goes out the next business day;
-- steps before the invoice existed, or before it reached us, are not sent
scheduled as (
    select
        steps.*,
        scheduled_days.next_business_date as reminder_date
    from steps
    inner join dates as scheduled_days
        on steps.scheduled_date = scheduled_days.calendar_date
    inner join dates as reminder_days
        on scheduled_days.next_business_date = reminder_days.calendar_date
    where
        reminder_days.is_in_data_period
        and scheduled_days.next_business_date >= steps.issue_date
        and steps.document_actionable_from_date
        <= scheduled_days.next_business_date
),

known_balances as (
    select
        scheduled.company_id,
        scheduled.document_id,
        scheduled.cadence_step,
        sum(known_movements.movement_amount) as open_amount_known
    from scheduled
    inner join known_movements
        on
            scheduled.company_id = known_movements.company_id
            and scheduled.document_id = known_movements.document_id
            and scheduled.reminder_date >= known_movements.actionable_from_date
    group by
        scheduled.company_id,
        scheduled.document_id,
        scheduled.cadence_step
),

-- what actually happened, known or not: the date the document's balance
-- reached zero
settlements as (
    select
        company_id,
        document_id,
        max(posting_date) as fully_paid_date
    from receivable_movements
    group by company_id, document_id
    having sum(movement_amount) = 0
),

promised_steps as (
    select distinct
        scheduled.company_id,
        scheduled.document_id,
        scheduled.cadence_step
    from scheduled
    inner join known_promises
        on
            scheduled.company_id = known_promises.company_id
            and scheduled.document_id = known_promises.document_id
            and scheduled.reminder_date
            between known_promises.active_from_date
            and known_promises.active_until_date
            and scheduled.reminder_date >= known_promises.actionable_from_date
),

ranked_agreement_records as (
    select
        *,
        row_number() over (
            partition by company_id, agreement_id, instalment_number
            order by arrived_at desc, file_id desc, record_number desc
        ) as recency_rank,
        min(arrived_at) over (
            partition by company_id, agreement_id
        ) as known_at
    from agreement_records
),

instalments as (
    select
        *,
        {{ actionable_from_date }} as actionable_from_date
    from ranked_agreement_records
    where recency_rank = 1
),

-- under an agreement the customer is left alone while every instalment due
-- before the reminder is covered by what was paid since the agreement
agreement_positions as (
    select
        scheduled.company_id,
        scheduled.document_id,
        scheduled.cadence_step,
        scheduled.reminder_date,
        instalments.agreement_id,
        instalments.agreement_date,
        sum(
            case
                when instalments.instalment_due_date < scheduled.reminder_date
                    then instalments.instalment_amount
                else 0
            end
        ) as instalments_due_amount,
        max(instalments.instalment_due_date) as last_instalment_due_date
    from scheduled
    inner join instalments
        on
            scheduled.company_id = instalments.company_id
            and scheduled.document_id = instalments.document_id
            and scheduled.reminder_date >= instalments.agreement_date
            and scheduled.reminder_date >= instalments.actionable_from_date
    group by
        scheduled.company_id,
        scheduled.document_id,
        scheduled.cadence_step,
        scheduled.reminder_date,
        instalments.agreement_id,
        instalments.agreement_date
),

latest_agreements as (
    select
        *,
        row_number() over (
            partition by company_id, document_id, cadence_step
            order by agreement_date desc, agreement_id desc
        ) as agreement_rank
    from agreement_positions
),

-- tax the customer withheld from a payment counts as paid, like the cash;
-- a reversal of either takes it back
agreement_payments as (
    select
        latest_agreements.company_id,
        latest_agreements.document_id,
        latest_agreements.cadence_step,
        -sum(known_movements.movement_amount) as paid_amount
    from latest_agreements
    inner join known_movements
        on
            latest_agreements.company_id = known_movements.company_id
            and latest_agreements.document_id = known_movements.document_id
            and known_movements.movement_type
            in (
                'payment_applied',
                'withholding_applied',
                'payment_reversed',
                'withholding_reversed',
                'adjustment_applied'
            )
            and latest_agreements.agreement_date <= known_movements.posting_date
            and latest_agreements.reminder_date
            >= known_movements.actionable_from_date
    where latest_agreements.agreement_rank = 1
    group by
        latest_agreements.company_id,
        latest_agreements.document_id,
        latest_agreements.cadence_step
),

current_agreements as (
    select
        latest_agreements.company_id,
        latest_agreements.document_id,
        latest_agreements.cadence_step
    from latest_agreements
    left join agreement_payments
        on
            latest_agreements.company_id = agreement_payments.company_id
            and latest_agreements.document_id = agreement_payments.document_id
            and latest_agreements.cadence_step = agreement_payments.cadence_step
    where
        latest_agreements.agreement_rank = 1
        and latest_agreements.reminder_date
        <= latest_agreements.last_instalment_due_date
        and coalesce(agreement_payments.paid_amount, 0)
        >= latest_agreements.instalments_due_amount
),

under_review_steps as (
    select distinct
        scheduled.company_id,
        scheduled.document_id,
        scheduled.cadence_step
    from scheduled
    inner join pending_candidates
        on
            scheduled.company_id = pending_candidates.company_id
            and scheduled.document_id = pending_candidates.document_id
            and scheduled.reminder_date
            >= pending_candidates.actionable_from_date
            and (
                pending_candidates.resolved_from_date is null
                or scheduled.reminder_date
                < pending_candidates.resolved_from_date
            )
),

suppressions as (
    select
        scheduled.*,
        cast(
            coalesce(known_balances.open_amount_known, 0) as decimal(18, 2)
        ) as open_amount_known,
        settlements.fully_paid_date,
        case
            when coalesce(known_balances.open_amount_known, 0) <= 0
                then 'paid_known'
            when promised_steps.document_id is not null
                then 'active_promise'
            when under_review_steps.document_id is not null
                then 'payment_under_review'
            when current_agreements.document_id is not null
                then 'agreement_instalment_not_due'
        end as suppression_reason
    from scheduled
    left join known_balances
        on
            scheduled.company_id = known_balances.company_id
            and scheduled.document_id = known_balances.document_id
            and scheduled.cadence_step = known_balances.cadence_step
    left join settlements
        on
            scheduled.company_id = settlements.company_id
            and scheduled.document_id = settlements.document_id
    left join promised_steps
        on
            scheduled.company_id = promised_steps.company_id
            and scheduled.document_id = promised_steps.document_id
            and scheduled.cadence_step = promised_steps.cadence_step
    left join current_agreements
        on
            scheduled.company_id = current_agreements.company_id
            and scheduled.document_id = current_agreements.document_id
            and scheduled.cadence_step = current_agreements.cadence_step
    left join under_review_steps
        on
            scheduled.company_id = under_review_steps.company_id
            and scheduled.document_id = under_review_steps.document_id
            and scheduled.cadence_step = under_review_steps.cadence_step
),

final as (
    select
        suppressions.company_id,
        {{ surrogate_key([
            'suppressions.company_id',
            'suppressions.document_id',
            'suppressions.cadence_step',
        ]) }} as reminder_id,
        suppressions.document_id,
        suppressions.customer_id,
        customers.customer_name,
        coalesce(customers.segment, 'unidentified') as segment,
        suppressions.cadence_step,
        suppressions.days_from_due,
        suppressions.contact_channel,
        case
            when suppressions.contact_channel = 'email' then customers.email
            else customers.phone
        end as contact_address,
        suppressions.due_date,
        suppressions.scheduled_date,
        suppressions.reminder_date,
        suppressions.total_amount,
        suppressions.open_amount_known,
        suppressions.currency,
        suppressions.suppression_reason is not null as is_suppressed,
        suppressions.suppression_reason,
        suppressions.suppression_reason is null as is_due,
        -- the customer had already settled through a channel we had not yet
        -- heard from: the reminder goes out, and is counted as wasted
        coalesce(
            suppressions.suppression_reason is null
            and suppressions.fully_paid_date <= suppressions.reminder_date,
            false
        ) as was_already_paid,
        cast(
            case
                when suppressions.suppression_reason is null
                    then channel_costs.reminder_cost_amount
                else 0
            end as decimal(18, 2)
        ) as reminder_cost_amount,
        '{{ var("cost_model")["currency"] }}' as cost_currency
    from suppressions
    left join customers
        on
            suppressions.company_id = customers.company_id
            and suppressions.customer_id = customers.customer_id
    left join channel_costs
        on suppressions.contact_channel = channel_costs.contact_channel
)

select * from final
