with

payments as (
    select * from {{ ref('int_payments') }}
),

-- Fields in the order a payer's reference is most likely deliberate: the
-- structured reference, then the end-to-end id, then free text
-- (ISO 20022 remittance fields first).
searchable_fields as (
    select
        company_id,
        payment_id,
        channel,
        'structured_reference' as source_field,
        1 as field_priority,
        upper(structured_reference) as field_text
    from payments
    where structured_reference is not null
    union all
    select
        company_id,
        payment_id,
        channel,
        'end_to_end_id' as source_field,
        2 as field_priority,
        upper(end_to_end_id) as field_text
    from payments
    where end_to_end_id is not null
    union all
    select
        company_id,
        payment_id,
        channel,
        'remittance_text' as source_field,
        3 as field_priority,
        upper(remittance_text) as field_text
    from payments
    where remittance_text is not null
),

-- RF creditor references (ISO 11649). Payers often type them in groups of
-- four; a field that holds one reference is compacted before searching,
-- free text is not, since compacting would glue the next word on.
creditor_references as (
    select
        company_id,
        payment_id,
        source_field,
        field_priority,
        'creditor_reference' as reference_type,
        {{ unnest_regex_matches(
            "case
                when source_field = 'remittance_text' then field_text
                else replace(field_text, ' ', '')
            end",
            'RF[0-9]{2}[0-9A-Z]{1,21}',
        ) }} as reference_value
    from searchable_fields
),

-- Invoice numbers with their DIAN prefix, written FEA-000123, FEA000123.
-- An RF reference embeds the number it was made from; that copy is the RF
-- reference's to vouch for, so RF references are blanked out first.
invoice_number_hits as (
    select
        company_id,
        payment_id,
        source_field,
        field_priority,
        {{ unnest_regex_matches(
            regex_replace_all(
                'field_text', 'RF[0-9]{2}[0-9A-Z]{1,21}', ' '
            ),
            '(FE[AP])-?([0-9]{6})(?:[^0-9]|$)',
            0,
        ) }} as matched_text
    from searchable_fields
),

invoice_numbers as (
    select
        company_id,
        payment_id,
        source_field,
        field_priority,
        'invoice_number' as reference_type,
        left(matched_text, 3)
        || '-'
        || substr({{ digits_only('matched_text') }}, 1, 6) as reference_value
    from invoice_number_hits
),

-- The Asobancaria reference is zero-padded to 48 characters; the document
-- carries it unpadded.
collection_references as (
    select
        company_id,
        payment_id,
        'structured_reference' as source_field,
        1 as field_priority,
        'collection_reference' as reference_type,
        ltrim(trim(structured_reference), '0') as reference_value
    from payments
    where channel = 'bank_collection'
),

-- The gateway charge's merchant reference, compared whole with the
-- document's identifiers. The customer may have typed it into a payment
-- link, so it is no safer than a bare invoice number.
merchant_references as (
    select
        company_id,
        payment_id,
        'structured_reference' as source_field,
        1 as field_priority,
        'merchant_reference' as reference_type,
        structured_reference as reference_value
    from payments
    where channel = 'gateway' and structured_reference is not null
),

references_found as (
    select * from creditor_references
    union all
    select * from invoice_numbers
    union all
    select * from collection_references
    union all
    select * from merchant_references
),

checked as (
    select
        company_id,
        payment_id,
        reference_type,
        reference_value,
        source_field,
        field_priority,
        case reference_type
            when 'creditor_reference'
                then {{ is_valid_creditor_reference('reference_value') }}
            when 'collection_reference'
                then {{ is_valid_luhn('reference_value') }}
        end as is_check_digit_valid,
        -- A check digit catches any single mistyped digit; a bare invoice
        -- number or merchant reference may point at the wrong document.
        reference_type in (
            'creditor_reference', 'collection_reference'
        ) as is_self_verifying
    from references_found
    where reference_value is not null and reference_value != ''
),

final as (
    select distinct
        company_id,
        payment_id,
        reference_type,
        reference_value,
        source_field,
        field_priority,
        is_check_digit_valid,
        is_self_verifying
    from checked
)

select * from final
