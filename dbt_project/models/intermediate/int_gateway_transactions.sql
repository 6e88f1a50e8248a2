with

transactions as (
    select * from {{ ref('stg_gateway__gateway_transactions') }}
),

-- Ids are the gateway's per merchant account, and a charge and the refund
-- or chargeback of it may share one. Two rows of one file under the same id
-- and type are two transactions (a notification and a settlement never share
-- a file): numbering them within the file keeps both, while the other
-- report of the same transactions merges with them occurrence by occurrence.
occurrences as (
    select
        *,
        row_number() over (
            partition by
                file_id,
                company_id,
                gateway,
                merchant_account,
                transaction_id,
                transaction_type
            order by record_number
        ) as occurrence_number
    from transactions
),

keyed as (
    select
        *,
        {{ surrogate_key([
            "'gateway'",
            'company_id',
            'gateway',
            'merchant_account',
            'transaction_id',
            'transaction_type',
            'cast(occurrence_number as varchar)',
        ]) }} as gateway_transaction_id
    from occurrences
),

versions as (
    select
        *,
        -- The settlement report carries the fees and the payout; it wins
        -- over the intraday notification of the same transaction.
        row_number() over (
            partition by gateway_transaction_id
            order by
                case when payout_id is not null then 0 else 1 end,
                arrived_at desc,
                file_id desc,
                record_number desc
        ) as version_rank,
        min(arrived_at) over (
            partition by gateway_transaction_id
        ) as first_known_at,
        min(case when payout_id is not null then arrived_at end) over (
            partition by gateway_transaction_id
        ) as settled_known_at
    from keyed
),

final as (
    select
        gateway_transaction_id,
        company_id,
        gateway,
        merchant_account,
        transaction_id,
        transaction_type,
        -- Only a charge is money a customer paid; refunds, chargebacks, fees
        -- and adjustments are booked from here by fct_journal_entries.
        case
            when transaction_type = 'charge' then gateway_transaction_id
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
