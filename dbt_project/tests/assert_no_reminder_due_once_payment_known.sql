-- A returned row is a reminder scheduled as due on a day when the full
-- settlement of its document was already known before the 07:00 send time.
{{ config(meta={'dagster': {'ref': {'name': 'fct_reminder_schedule'}}}) }}
with

reminders as (
    select * from {{ ref('fct_reminder_schedule') }}
),

balances as (
    select * from {{ ref('int_document_balances') }}
)

select
    reminders.reminder_id,
    reminders.document_id,
    reminders.reminder_date,
    balances.fully_paid_known_at
from reminders
inner join balances
    on
        reminders.company_id = balances.company_id
        and reminders.document_id = balances.document_id
where
    reminders.is_due
    and {{ to_local_date(
        "(balances.fully_paid_known_at - interval '7 hours')"
    ) }} < reminders.reminder_date
