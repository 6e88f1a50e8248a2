with

transactions as (
    select * from {{ ref('stg_gateway__gateway_transactions') }}
),

versions as (
    select
        *,
        -- The settlement report carries the fees and the payout; it wins
        -- over the intraday notification of the same transaction.
        row_number() over (
            partition by company_id, gateway, transaction_id
            order by
                case when payout_id is not null then 0 else 1 end,
                arrived_at desc,
                file_id desc,
                record_number desc
        ) as version_rank,
        min(arrived_at) over (
            partition by company_id, gateway, transaction_id
        ) as first_known_at,
        min(case when payout_id is not null then arrived_at end) over (
            partition by company_id, gateway, transaction_id
        ) as settled_known_at
    from transactions
),

final as (
    select
        company_id,
        gateway,
        merchant_account,
        transaction_id,
        transaction_type,
        case
            when transaction_type = 'charge'
                then {{ surrogate_key([
                    "'gateway'", 'company_id', 'gateway', 'transaction_id',
                ]) }}
        end as payment_id,
        created_at,
        {{ to_local_date('created_at') }} as payment_date,
        upper(trim(merchant_reference)) as merchant_reference,
        payment_method,
        payer_name,
        payer_email,
        gross_amount,
        fee_amount,
        fee_tax_amount,
        net_amount,
        payout_id,
        currency,
        first_known_at,
        settled_known_at,
        file_id,
        record_number
    from versions
    where version_rank = 1
)

select * from final
