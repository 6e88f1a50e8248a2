with

customers as (
    select * from {{ ref('int_customers') }}
),

open_items as (
    select * from {{ ref('fct_open_items') }}
),

open_positions as (
    select
        company_id,
        customer_id,
        sum(open_amount) as open_amount,
        sum(
            case when days_past_due > 0 then open_amount else 0 end
        ) as past_due_amount,
        count(
            case when document_type <> 'credit_note' then document_id end
        ) as open_document_count,
        max(days_past_due) as max_days_past_due,
        min(currency) as currency
    from open_items
    group by company_id, customer_id
),

final as (
    select
        customers.company_id,
        customers.customer_id,
        customers.customer_name,
        customers.customer_name_normalized,
        customers.tax_id_base,
        customers.tax_id_check_digit,
        customers.segment,
        customers.email,
        customers.phone,
        customers.bank_account,
        customers.payment_terms_days,
        cast(
            coalesce(open_positions.open_amount, 0) as decimal(18, 2)
        ) as open_amount,
        cast(
            coalesce(open_positions.past_due_amount, 0) as decimal(18, 2)
        ) as past_due_amount,
        coalesce(
            open_positions.currency, '{{ var("cost_model")["currency"] }}'
        ) as currency,
        coalesce(open_positions.open_document_count, 0)
            as open_document_count,
        open_positions.max_days_past_due,
        customers.known_at
    from customers
    left join open_positions
        on
            customers.company_id = open_positions.company_id
            and customers.customer_id = open_positions.customer_id
)

select * from final
