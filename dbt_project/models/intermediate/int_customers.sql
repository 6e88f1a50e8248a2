with

customers as (
    select * from {{ ref('stg_billing__customers') }}
),

versions as (
    select
        *,
        row_number() over (
            partition by company_id, customer_id
            order by arrived_at desc, file_id desc, record_number desc
        ) as recency_rank,
        min(arrived_at) over (
            partition by company_id, customer_id
        ) as first_arrived_at
    from customers
),

final as (
    select
        company_id,
        customer_id,
        customer_name,
        {{ normalize_party_name('customer_name') }}
            as customer_name_normalized,
        -- ERPs store the NIT with or without its check digit; only a dash
        -- says for sure that the last digit is one.
        coalesce(
            nullif({{ digits_only('tax_id_base') }}, ''),
            case
                when tax_id like '%-%'
                    then {{ digits_only("split_part(tax_id, '-', 1)") }}
                else nullif({{ digits_only('tax_id') }}, '')
            end
        ) as tax_id_base,
        coalesce(
            tax_id_check_digit,
            case
                when tax_id like '%-%'
                    then {{ digits_only("split_part(tax_id, '-', 2)") }}
            end
        ) as tax_id_check_digit,
        segment,
        email,
        phone,
        nullif(
            ltrim({{ digits_only('bank_account') }}, '0'), ''
        ) as bank_account,
        payment_terms_days,
        first_arrived_at as known_at
    from versions
    where recency_rank = 1
)

select * from final
