with

reference_applications as (
    select * from {{ ref('int_reference_applications') }}
    where withheld_amount > 0
),

expected_withholdings as (
    select * from {{ ref('int_expected_withholdings') }}
),

-- Taxes are withheld only where the cash is applied, not on a suggestion.
payment_applications as (
    select * from {{ ref('int_payment_applications') }}
    where application_status != 'suggested'
),

applied_references as (
    select reference_applications.*
    from reference_applications
    inner join payment_applications
        on
            reference_applications.company_id = payment_applications.company_id
            and reference_applications.payment_id
            = payment_applications.payment_id
            and reference_applications.document_id
            = payment_applications.document_id
),

final as (
    select
        applied_references.company_id,
        {{ surrogate_key([
            'applied_references.payment_id',
            'applied_references.document_id',
            'expected_withholdings.tax_code',
        ]) }} as withholding_application_id,
        {{ surrogate_key([
            'applied_references.payment_id',
            'applied_references.document_id',
        ]) }} as application_id,
        applied_references.payment_id,
        applied_references.document_id,
        applied_references.customer_id,
        expected_withholdings.tax_code,
        expected_withholdings.account_code,
        expected_withholdings.expected_withheld_amount as withheld_amount,
        applied_references.currency,
        applied_references.application_date,
        applied_references.reconciled_at
    from applied_references
    inner join expected_withholdings
        on
            applied_references.company_id
            = expected_withholdings.company_id
            and applied_references.payment_id
            = expected_withholdings.payment_id
            and applied_references.document_id
            = expected_withholdings.document_id
)

select * from final
