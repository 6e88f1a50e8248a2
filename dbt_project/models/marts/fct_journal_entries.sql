{#- Account codes come from the chart-of-accounts roles in dbt_project.yml, so
    a client with another chart changes vars, not SQL. -#}
{%- set receivable = "'" ~ var('account_receivable') ~ "'" -%}
{%- set bank = "'" ~ var('bank') ~ "'" -%}
{%- set revenue = "'" ~ var('revenue') ~ "'" -%}
{%- set vat_payable = "'" ~ var('vat_payable') ~ "'" -%}
{%- set sales_returns = "'" ~ var('sales_returns') ~ "'" -%}
{%- set unapplied_cash = "'" ~ var('unapplied_cash') ~ "'" -%}
{%- set gateway_clearing = "'" ~ var('gateway_clearing') ~ "'" -%}
{%- set gateway_fees = "'" ~ var('gateway_fees') ~ "'" -%}
{%- set vat_deductible = "'" ~ var('vat_deductible') ~ "'" -%}
{%- set customer_credit = "'" ~ var('customer_credit') ~ "'" -%}
{%- set payment_excess_income = "'" ~ var('payment_excess_income') ~ "'" -%}
{%- set bank_charges = "'" ~ var('bank_charges') ~ "'" -%}
{%- set gateway_hidden_deductions =
    "'" ~ var('gateway_hidden_deductions') ~ "'" -%}

with

documents as (
    select * from {{ ref('int_documents') }}
),

payments as (
    select * from {{ ref('int_payments') }}
),

gateway_transactions as (
    select * from {{ ref('int_gateway_transactions') }}
),

gateway_payouts as (
    select * from {{ ref('int_gateway_payouts') }}
),

receivable_movements as (
    select * from {{ ref('fct_receivable_movements') }}
),

withholding_applications as (
    select * from {{ ref('int_withholding_applications') }}
),

payment_reversals as (
    select * from {{ ref('int_payment_reversals') }}
),

reversed_applications as (
    select * from {{ ref('int_reversed_applications') }}
),

settlement_adjustments as (
    select * from {{ ref('int_settlement_adjustments') }}
),

payment_excesses as (
    select * from {{ ref('int_payment_excesses') }}
),

charged_bank_lines as (
    select * from {{ ref('int_bank_charges') }}
),

chart_of_accounts as (
    select * from {{ ref('chart_of_accounts') }}
),

-- each event below yields signed lines: positive debits, negative credits
invoices as (
    select
        company_id,
        document_id as source_id,
        issue_date as entry_date,
        currency,
        net_amount,
        tax_amount,
        total_amount,
        prepaid_amount,
        case
            when document_type = 'debit_note' then 'debit_note_issued'
            else 'invoice_issued'
        end as event_type,
        'Document ' || document_id || ' to customer ' || customer_id
            as description
    from documents
    where document_type in ('invoice', 'debit_note')
),

-- a prepaid part was received before the invoice: it leaves the customer's
-- advances instead of entering the receivable
invoice_lines as (
    select
        *,
        1 as line_order,
        {{ receivable }} as account_code,
        total_amount - prepaid_amount as signed_amount
    from invoices
    union all
    select
        *,
        4 as line_order,
        {{ unapplied_cash }} as account_code,
        prepaid_amount as signed_amount
    from invoices
    union all
    select
        *,
        2 as line_order,
        {{ revenue }} as account_code,
        -net_amount as signed_amount
    from invoices
    union all
    select
        *,
        3 as line_order,
        {{ vat_payable }} as account_code,
        -tax_amount as signed_amount
    from invoices
),

credit_notes as (
    select
        company_id,
        document_id as source_id,
        issue_date as entry_date,
        currency,
        net_amount,
        tax_amount,
        total_amount,
        prepaid_amount,
        'credit_note_issued' as event_type,
        'Credit note ' || document_id || ' to customer ' || customer_id
            as description
    from documents
    where document_type = 'credit_note'
),

credit_note_lines as (
    select
        *,
        1 as line_order,
        {{ sales_returns }} as account_code,
        net_amount as signed_amount
    from credit_notes
    union all
    select
        *,
        2 as line_order,
        {{ vat_payable }} as account_code,
        tax_amount as signed_amount
    from credit_notes
    union all
    select
        *,
        3 as line_order,
        {{ receivable }} as account_code,
        -(total_amount - prepaid_amount) as signed_amount
    from credit_notes
    union all
    select
        *,
        4 as line_order,
        {{ unapplied_cash }} as account_code,
        -prepaid_amount as signed_amount
    from credit_notes
),

-- cash lands in suspense first; it leaves suspense only when applied to a
-- document, so the suspense balance is the unapplied cash. A payment whose
-- file printed no calendar date is in the bank all the same: it is posted on
-- the day its file arrived, and stays in suspense until someone dates it.
receipts as (
    select
        company_id,
        payment_id as source_id,
        coalesce(
            payment_date, {{ to_local_date('known_at') }}
        ) as entry_date,
        currency,
        payment_amount,
        case
            when channel = 'gateway' then 'gateway_charge_captured'
            else 'payment_received'
        end as event_type,
        case
            when channel = 'gateway' then {{ gateway_clearing }}
            else {{ bank }}
        end as debit_account_code,
        'Payment ' || coalesce(source_reference, payment_id) || ' via '
        || channel as description
    from payments
),

receipt_lines as (
    {{ journal_line(
        'receipts', 1, "debit_account_code", "payment_amount"
    ) }}
    union all
    {{ journal_line(
        'receipts', 2, unapplied_cash, "-payment_amount"
    ) }}
),

-- a payout the bank settled (int_gateway_payouts): the bank takes what it
-- credited, fees and their VAT their accounts, and clearing gives up the
-- transactions' gross. A deduction the bank credit shows and no row explains
-- is an expense of its own; what the gateway carried between payouts stays
-- in clearing, labelled in fct_gateway_payouts.
payouts as (
    select
        company_id,
        payout_id as source_id,
        booking_date as entry_date,
        currency,
        bank_amount,
        gross_amount,
        fee_amount,
        fee_tax_amount,
        hidden_deduction_amount,
        clearing_residual_amount,
        'gateway_payout_settled' as event_type,
        'Gateway payout ' || payout_id as description
    from gateway_payouts
    where bank_line_id is not null
),

payout_lines_signed as (
    {{ journal_line(
        'payouts', 1, bank, "bank_amount"
    ) }}
    union all
    {{ journal_line(
        'payouts', 2, gateway_fees, "fee_amount"
    ) }}
    union all
    {{ journal_line(
        'payouts', 3, vat_deductible, "fee_tax_amount"
    ) }}
    union all
    {{ journal_line(
        'payouts', 4, gateway_clearing, "-gross_amount"
    ) }}
    union all
    select
        company_id,
        source_id,
        entry_date,
        currency,
        event_type,
        'Gateway payout ' || source_id
        || ': deducted from the bank credit without detail' as description,
        5 as line_order,
        {{ gateway_hidden_deductions }} as account_code,
        hidden_deduction_amount as signed_amount
    from payouts
    union all
    select
        company_id,
        source_id,
        entry_date,
        currency,
        event_type,
        'Gateway payout ' || source_id
        || ': balance carried in the gateway' as description,
        6 as line_order,
        {{ gateway_clearing }} as account_code,
        clearing_residual_amount as signed_amount
    from payouts
),

-- the money a refund or chargeback takes back was the customer's; it leaves
-- the customer's unapplied balance, where undoing the charge's applications
-- (application_reversals below) has put it back. A chargeback reversal gives
-- it back, and an adjustment moves it by its own sign.
customer_reversals as (
    select
        company_id,
        gateway_transaction_id as source_id,
        payment_date as entry_date,
        currency,
        case
            when transaction_type in ('refund', 'chargeback')
                then -gross_amount
            else gross_amount
        end as clearing_amount,
        case transaction_type
            when 'refund' then 'gateway_refund_issued'
            when 'chargeback' then 'gateway_chargeback_received'
            when 'chargeback_reversal' then 'gateway_chargeback_reversed'
            else 'gateway_adjustment_booked'
        end as event_type,
        'Gateway ' || replace(transaction_type, '_', ' ') || ' '
        || transaction_id || ' of '
        || coalesce(merchant_reference, 'no reference') as description
    from gateway_transactions
    where
        transaction_type in (
            'refund', 'chargeback', 'chargeback_reversal', 'adjustment'
        )
),

customer_reversal_lines as (
    {{ journal_line(
        'customer_reversals', 1, unapplied_cash, "-clearing_amount"
    ) }}
    union all
    {{ journal_line(
        'customer_reversals', 2, gateway_clearing, "clearing_amount"
    ) }}
),

-- a fee row (a monthly invoice, a chargeback fee) is the gateway's own cost,
-- taken from the balance it pays out; no customer is involved
gateway_fee_charges as (
    select
        company_id,
        gateway_transaction_id as source_id,
        payment_date as entry_date,
        currency,
        fee_amount,
        coalesce(fee_tax_amount, 0) as fee_tax_amount,
        'gateway_fee_charged' as event_type,
        'Gateway fee ' || transaction_id || ' of ' || gateway
        || ' account ' || merchant_account as description
    from gateway_transactions
    where transaction_type = 'fee'
),

gateway_fee_lines as (
    {{ journal_line(
        'gateway_fee_charges', 1, gateway_fees, "fee_amount"
    ) }}
    union all
    {{ journal_line(
        'gateway_fee_charges', 2, vat_deductible, "fee_tax_amount"
    ) }}
    union all
    {{ journal_line(
        'gateway_fee_charges', 3, gateway_clearing, "-(fee_amount + fee_tax_amount)"
    ) }}
),

applications as (
    select
        receivable_movements.company_id,
        receivable_movements.source_id,
        receivable_movements.posting_date as entry_date,
        receivable_movements.currency,
        -receivable_movements.movement_amount as applied_amount,
        'payment_applied' as event_type,
        'Payment '
        || coalesce(payments.source_reference, payments.payment_id)
        || ' applied to ' || receivable_movements.document_id as description
    from receivable_movements
    inner join payments
        on
            receivable_movements.company_id = payments.company_id
            and receivable_movements.payment_id = payments.payment_id
    where receivable_movements.movement_type = 'payment_applied'
),

application_lines as (
    {{ journal_line(
        'applications', 1, unapplied_cash, "applied_amount"
    ) }}
    union all
    {{ journal_line(
        'applications', 2, receivable, "-applied_amount"
    ) }}
),

-- taxes a customer withheld are an advance on our own taxes (anticipo de
-- impuestos), booked when its net payment is applied; the certificate that
-- supports them comes later. One entry per payment and document: a debit per
-- tax to its account and one credit to the receivable.
withholdings as (
    select
        receivable_movements.company_id,
        withholding_applications.application_id as source_id,
        receivable_movements.posting_date as entry_date,
        receivable_movements.currency,
        withholding_applications.account_code,
        -receivable_movements.movement_amount as withheld_amount,
        'withholding_certified' as event_type,
        'Taxes withheld by customer ' || withholding_applications.customer_id
        || ' from payment '
        || coalesce(payments.source_reference, payments.payment_id)
        || ' on ' || receivable_movements.document_id as description
    from receivable_movements
    inner join withholding_applications
        on
            receivable_movements.company_id
            = withholding_applications.company_id
            and receivable_movements.source_id
            = withholding_applications.withholding_application_id
    inner join payments
        on
            receivable_movements.company_id = payments.company_id
            and receivable_movements.payment_id = payments.payment_id
    where receivable_movements.movement_type = 'withholding_applied'
),

withholding_lines as (
    select
        company_id,
        source_id,
        entry_date,
        currency,
        event_type,
        description,
        row_number() over (
            partition by company_id, source_id
            order by account_code
        ) as line_order,
        account_code,
        withheld_amount as signed_amount
    from withholdings
    union all
    select
        company_id,
        source_id,
        entry_date,
        currency,
        event_type,
        description,
        count(*) + 1 as line_order,
        {{ receivable }} as account_code,
        -sum(withheld_amount) as signed_amount
    from withholdings
    group by
        company_id,
        source_id,
        entry_date,
        currency,
        event_type,
        description
),

-- a bank return or a returned collection takes the money back out of the
-- bank; it was the customer's, so it leaves unapplied cash, where undoing
-- the payment's applications has put it back (gateway refunds and
-- chargebacks do the same against gateway clearing above)
returns as (
    select
        company_id,
        reversal_id as source_id,
        reversal_date as entry_date,
        currency,
        reversed_amount,
        'payment_returned' as event_type,
        'Payment ' || payment_id || ' returned by '
        || replace(reversal_type, '_', ' ') || ' '
        || coalesce(source_reference, reversal_id) as description
    from payment_reversals
    where
        reversal_type in ('bank_return', 'collection_return')
        and payment_id is not null
),

return_lines as (
    {{ journal_line(
        'returns', 1, unapplied_cash, "reversed_amount"
    ) }}
    union all
    {{ journal_line(
        'returns', 2, bank, "-reversed_amount"
    ) }}
),

-- undoing an application puts the document back in the receivable and the
-- money back in unapplied cash; a chargeback reversal applies it again
application_reversals as (
    select
        receivable_movements.company_id,
        receivable_movements.source_id,
        receivable_movements.posting_date as entry_date,
        receivable_movements.currency,
        receivable_movements.movement_amount as reversed_amount,
        case
            when receivable_movements.movement_amount > 0
                then 'payment_application_reversed'
            else 'payment_application_restored'
        end as event_type,
        'Payment '
        || coalesce(payments.source_reference, payments.payment_id)
        || ' on ' || receivable_movements.document_id || ': '
        || replace(reversed_applications.reversal_type, '_', ' ') || ' '
        || reversed_applications.reversal_id as description
    from receivable_movements
    inner join reversed_applications
        on
            receivable_movements.company_id = reversed_applications.company_id
            and receivable_movements.source_id
            = reversed_applications.reversed_application_id
    inner join payments
        on
            receivable_movements.company_id = payments.company_id
            and receivable_movements.payment_id = payments.payment_id
    where receivable_movements.movement_type = 'payment_reversed'
),

application_reversal_lines as (
    {{ journal_line(
        'application_reversals', 1, receivable, "reversed_amount"
    ) }}
    union all
    {{ journal_line(
        'application_reversals', 2, unapplied_cash, "-reversed_amount"
    ) }}
),

-- the taxes withheld with a reversed payment are no advance any more: the
-- receivable takes them back, one credit per tax account
withholding_reversals as (
    select
        reversed_applications.company_id,
        reversed_applications.reversed_application_id as source_id,
        reversed_applications.posting_date as entry_date,
        reversed_applications.currency,
        withholding_applications.account_code,
        sign(reversed_applications.reversed_withheld_amount)
        * withholding_applications.withheld_amount as reversed_amount,
        case
            when reversed_applications.reversed_withheld_amount > 0
                then 'withholding_reversed'
            else 'withholding_restored'
        end as event_type,
        'Taxes withheld by customer ' || reversed_applications.customer_id
        || ' on ' || reversed_applications.document_id || ': '
        || replace(reversed_applications.reversal_type, '_', ' ') || ' '
        || reversed_applications.reversal_id as description
    from reversed_applications
    inner join withholding_applications
        on
            reversed_applications.company_id
            = withholding_applications.company_id
            and reversed_applications.application_id
            = withholding_applications.application_id
    where reversed_applications.reversed_withheld_amount <> 0
),

withholding_reversal_lines as (
    select
        company_id,
        source_id,
        entry_date,
        currency,
        event_type,
        description,
        1 as line_order,
        {{ receivable }} as account_code,
        sum(reversed_amount) as signed_amount
    from withholding_reversals
    group by
        company_id,
        source_id,
        entry_date,
        currency,
        event_type,
        description
    union all
    select
        company_id,
        source_id,
        entry_date,
        currency,
        event_type,
        description,
        1 + row_number() over (
            partition by company_id, source_id
            order by account_code
        ) as line_order,
        account_code,
        -reversed_amount as signed_amount
    from withholding_reversals
),

-- a difference a payment settled on a document: the discount granted, the
-- small shortfall written off or the bank charges, each to its own account
-- (int_settlement_adjustments), against the receivable
adjustments as (
    select
        receivable_movements.company_id,
        settlement_adjustments.application_id as source_id,
        receivable_movements.posting_date as entry_date,
        receivable_movements.currency,
        settlement_adjustments.account_code,
        -receivable_movements.movement_amount as adjusted_amount,
        case settlement_adjustments.adjustment_type
            when 'early_payment_discount' then 'early_payment_discount_granted'
            when 'short_payment_write_off' then 'short_payment_written_off'
            else 'bank_charge_deducted'
        end as event_type,
        replace(settlement_adjustments.adjustment_type, '_', ' ')
        || ' on payment '
        || coalesce(payments.source_reference, payments.payment_id)
        || ' of ' || receivable_movements.document_id as description
    from receivable_movements
    inner join settlement_adjustments
        on
            receivable_movements.company_id
            = settlement_adjustments.company_id
            and receivable_movements.source_id
            = settlement_adjustments.application_id
    inner join payments
        on
            receivable_movements.company_id = payments.company_id
            and receivable_movements.payment_id = payments.payment_id
    where receivable_movements.movement_type = 'adjustment_applied'
),

adjustment_lines as (
    {{ journal_line(
        'adjustments', 1, "account_code", "adjusted_amount"
    ) }}
    union all
    {{ journal_line(
        'adjustments', 2, receivable, "-adjusted_amount"
    ) }}
),

-- what a payment brought beyond the documents it settled leaves suspense:
-- a small excess to other income, a larger one to the customer's credit,
-- a liability to that customer (int_payment_excesses)
excesses as (
    select
        payment_excesses.company_id,
        payment_excesses.payment_id as source_id,
        payment_excesses.excess_date as entry_date,
        payment_excesses.currency,
        payment_excesses.excess_amount,
        case payment_excesses.excess_treatment
            when 'other_income' then {{ payment_excess_income }}
            else {{ customer_credit }}
        end as credit_account_code,
        case payment_excesses.excess_treatment
            when 'other_income' then 'payment_excess_to_income'
            else 'customer_credit_received'
        end as event_type,
        'Excess of payment '
        || coalesce(payments.source_reference, payments.payment_id)
        || ' from customer ' || payment_excesses.customer_id as description
    from payment_excesses
    inner join payments
        on
            payment_excesses.company_id = payments.company_id
            and payment_excesses.payment_id = payments.payment_id
),

excess_lines as (
    {{ journal_line(
        'excesses', 1, unapplied_cash, "excess_amount"
    ) }}
    union all
    {{ journal_line(
        'excesses', 2, "credit_account_code", "-excess_amount"
    ) }}
),

-- charges the bank debited on its own line (int_bank_charges), such as those
-- it took out of a batch entry
bank_charge_events as (
    select
        company_id,
        bank_line_id as source_id,
        booking_date as entry_date,
        currency,
        charge_amount,
        'bank_charge_booked' as event_type,
        'Bank charges ' || coalesce(entry_reference, bank_line_id)
        || ' on account ' || bank_account as description
    from charged_bank_lines
),

bank_charge_lines as (
    {{ journal_line(
        'bank_charge_events', 1, bank_charges, "charge_amount"
    ) }}
    union all
    {{ journal_line(
        'bank_charge_events', 2, bank, "-charge_amount"
    ) }}
),

signed_lines as (
    {%- for lines in [
        'invoice_lines',
        'credit_note_lines',
        'receipt_lines',
        'payout_lines_signed',
        'customer_reversal_lines',
        'gateway_fee_lines',
        'application_lines',
        'withholding_lines',
        'return_lines',
        'application_reversal_lines',
        'withholding_reversal_lines',
        'adjustment_lines',
        'excess_lines',
        'bank_charge_lines'
    ] %}
        {{ journal_line(lines, 'line_order', 'account_code', 'signed_amount') }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

-- zero lines (an invoice without VAT, a payout that ties) carry no meaning
nonzero_lines as (
    select
        *,
        company_id || '/' || event_type || '/' || source_id as entry_id
    from signed_lines
    where signed_amount <> 0
),

final as (
    select
        nonzero_lines.entry_id
        || '#' || cast(
            row_number() over (
                partition by nonzero_lines.entry_id
                order by nonzero_lines.line_order
            ) as varchar
        ) as journal_line_id,
        nonzero_lines.company_id,
        nonzero_lines.entry_id,
        row_number() over (
            partition by nonzero_lines.entry_id
            order by nonzero_lines.line_order
        ) as line_number,
        nonzero_lines.entry_date,
        nonzero_lines.event_type,
        nonzero_lines.source_id,
        nonzero_lines.account_code,
        chart_of_accounts.account_name,
        cast(
            case
                when nonzero_lines.signed_amount > 0
                    then nonzero_lines.signed_amount
                else 0
            end as decimal(18, 2)
        ) as debit_amount,
        cast(
            case
                when nonzero_lines.signed_amount < 0
                    then -nonzero_lines.signed_amount
                else 0
            end as decimal(18, 2)
        ) as credit_amount,
        nonzero_lines.currency,
        nonzero_lines.description
    from nonzero_lines
    left join chart_of_accounts
        on nonzero_lines.account_code = chart_of_accounts.account_code
)

select * from final
