with

reference_applications as (
    select * from {{ ref('int_reference_applications') }}
    where withheld_amount > 0
),

expected_withholdings as (
    select * from {{ ref('int_expected_withholdings') }}
),

final as (
    select
        reference_applications.company_id,
        {{ surrogate_key([
            'reference_applications.payment_id',
            'reference_applications.document_id',
            'expected_withholdings.tax_code',
        ]) }} as withholding_application_id,
        {{ surrogate_key([
            'reference_applications.payment_id',
            'reference_applications.document_id',
        ]) }} as application_id,
        reference_applications.payment_id,
        reference_applications.document_id,
        reference_applications.customer_id,
        expected_withholdings.tax_code,
        expected_withholdings.account_code,
        expected_withholdings.expected_withheld_amount as withheld_amount,
        reference_applications.currency,
        reference_applications.application_date,
        reference_applications.reconciled_at
    from reference_applications
    inner join expected_withholdings
        on
            reference_applications.company_id
            = expected_withholdings.company_id
            and reference_applications.payment_id
            = expected_withholdings.payment_id
            and reference_applications.document_id
            = expected_withholdings.document_id
)

select * from final
