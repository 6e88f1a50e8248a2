with

payments as (
    select * from {{ ref('int_payments') }}
),

payment_applications as (
    select * from {{ ref('int_payment_applications') }}
),

payment_references as (
    select * from {{ ref('int_payment_references') }}
),

reference_matches as (
    select * from {{ ref('int_reference_matches') }}
),

customer_amount_matches as (
    select * from {{ ref('int_customer_amount_matches') }}
),

payment_customers as (
    select * from {{ ref('int_payment_customers') }}
),

customer_subset_matches as (
    select * from {{ ref('int_customer_subset_matches') }}
),

subset_combinations as (
    select
        payment_id,
        max(combination_count) as combination_count,
        string_agg(
            distinct '(' || combination_document_ids || ')', ' or '
            order by '(' || combination_document_ids || ')'
        ) as combination_lists
    from customer_subset_matches
    group by payment_id
),

payment_reversals as (
    select * from {{ ref('int_payment_reversals') }}
),

reversed_applications as (
    select * from {{ ref('int_reversed_applications') }}
),

excesses as (
    select * from {{ ref('int_payment_excesses') }}
),

applied as (
    select
        payment_id,
        sum(applied_amount) as applied_amount,
        string_agg(document_id, ', ' order by document_id) as document_ids
    from payment_applications
    where application_status != 'suggested'
    group by payment_id
),

suggested as (
    select
        payment_id,
        count(*) as suggestion_count,
        string_agg(
            match_rule
            || ' suggests '
            || cast(applied_amount as varchar)
            || ' to '
            || document_id
            || ' (score '
            || cast(match_score as varchar)
            || ')',
            '; '
            order by document_id
        ) as suggestions
    from payment_applications
    where application_status = 'suggested'
    group by payment_id
),

-- what returns, refunds and chargebacks took back is no longer the
-- payment's to apply, and what they undid no longer applied
reversed as (
    select
        payment_id,
        sum(reversed_amount) as reversed_amount
    from payment_reversals
    where payment_id is not null
    group by payment_id
),

undone as (
    select
        payment_id,
        sum(reversed_applied_amount) as undone_amount
    from reversed_applications
    group by payment_id
),

references_found as (
    select
        payment_id,
        string_agg(
            distinct reference_value
            || case
                when is_check_digit_valid = false
                    then ' (check digit fails)'
                else ''
            end,
            ', '
        ) as reference_values
    from payment_references
    group by payment_id
),

reference_hits as (
    select
        payment_id,
        count(distinct document_id) as hit_document_count,
        count(distinct case when is_selected then document_id end)
            as selected_document_count,
        string_agg(
            distinct case when is_selected then document_id end, ', '
        ) as selected_document_ids,
        string_agg(
            distinct document_id || ' of customer ' || customer_id, ', '
        ) as hit_documents
    from reference_matches
    group by payment_id
),

payer_candidates as (
    select
        payment_id,
        count(*) as customer_count
    from payment_customers
    group by payment_id
),

assessed as (
    select
        payments.company_id,
        payments.payment_id,
        payments.payment_date,
        payments.date_issue,
        payments.payment_amount,
        payments.currency,
        coalesce(applied.applied_amount, 0)
        - coalesce(undone.undone_amount, 0) as applied_amount,
        payments.payment_amount
        - coalesce(reversed.reversed_amount, 0)
        - coalesce(applied.applied_amount, 0)
        + coalesce(undone.undone_amount, 0)
        -- an excess taken to income or the customer's credit is settled
        - coalesce(excesses.excess_amount, 0) as unapplied_amount,
        applied.document_ids as applied_document_ids,
        coalesce(suggested.suggestion_count, 0) as suggestion_count,
        suggested.suggestions,
        references_found.reference_values,
        coalesce(reference_hits.hit_document_count, 0) as hit_document_count,
        coalesce(reference_hits.selected_document_count, 0)
            as selected_document_count,
        reference_hits.selected_document_ids,
        reference_hits.hit_documents,
        customer_amount_matches.customer_id as identified_customer_id,
        customer_amount_matches.identified_by,
        customer_amount_matches.open_document_count,
        customer_amount_matches.candidate_count as equal_amount_count,
        coalesce(payer_candidates.customer_count, 0) as payer_customer_count,
        coalesce(subset_combinations.combination_count, 0)
            as combination_count,
        subset_combinations.combination_lists
    from payments
    left join applied
        on payments.payment_id = applied.payment_id
    left join suggested
        on payments.payment_id = suggested.payment_id
    left join reversed
        on payments.payment_id = reversed.payment_id
    left join undone
        on payments.payment_id = undone.payment_id
    left join references_found
        on payments.payment_id = references_found.payment_id
    left join reference_hits
        on payments.payment_id = reference_hits.payment_id
    left join customer_amount_matches
        on payments.payment_id = customer_amount_matches.payment_id
    left join payer_candidates
        on payments.payment_id = payer_candidates.payment_id
    left join subset_combinations
        on payments.payment_id = subset_combinations.payment_id
    left join excesses
        on payments.payment_id = excesses.payment_id
),

classified as (
    select
        *,
        case
            when payment_date is null then 'undated_payment'
            when suggestion_count > 0 then 'suggestion_awaiting_review'
            when applied_amount > 0 or selected_document_count > 0
                then 'unapplied_remainder'
            when
                equal_amount_count > 1
                or payer_customer_count > 1
                or combination_count > 0
                then 'ambiguous_candidates'
            when hit_document_count > 0 then 'amount_mismatch'
            when equal_amount_count = 1 then 'unapplied_remainder'
            when identified_customer_id is not null then 'amount_mismatch'
            when reference_values is not null then 'reference_not_found'
            else 'no_reference_no_customer'
        end as reason_code,
        case
            when payment_date is null then 0
            when suggestion_count > 0 then suggestion_count
            when applied_amount > 0 or selected_document_count > 0
                then selected_document_count
            when equal_amount_count > 1 then equal_amount_count
            when payer_customer_count > 1 then payer_customer_count
            when combination_count > 0 then combination_count
            when hit_document_count > 0 then hit_document_count
            when equal_amount_count = 1 then 1
            when identified_customer_id is not null then open_document_count
            else 0
        end as candidate_count
    from assessed
),

explained as (
    select
        *,
        case
            when payment_date is null
                then 'The payment has no date: '
                    || coalesce(date_issue, 'its file gives none')
                    || ', and no rule declared for the account dated it'
                    || ' (invalid_dates in config/companies.yml). It is not'
                    || ' applied until someone dates it.'
            when suggestion_count > 0
                then 'Awaiting review: '
                    || suggestions
                    || ', below the automatic threshold of '
                    || '{{ var("automatic_min_score") }}'
                    || '; a controller confirms or rejects it.'
            when applied_amount > 0
                then 'Applied '
                    || cast(applied_amount as varchar)
                    || ' to '
                    || applied_document_ids
                    || '; the remaining '
                    || cast(unapplied_amount as varchar)
                    || ' exceeds what the referenced documents owe.'
            when selected_document_count > 0
                then 'The payment references '
                    || selected_document_ids
                    || ', which an earlier payment already settled.'
            when equal_amount_count > 1
                then 'Payer identified as customer '
                    || identified_customer_id
                    || ' by '
                    || identified_by
                    || ', but '
                    || cast(equal_amount_count as varchar)
                    || ' of its open documents owe exactly '
                    || cast(payment_amount as varchar)
                    || '; choose one by hand.'
            when payer_customer_count > 1
                then 'The payer details point at '
                    || cast(payer_customer_count as varchar)
                    || ' different customers.'
            when combination_count > 1
                then 'Payer identified as customer '
                    || identified_customer_id
                    || ' by '
                    || identified_by
                    || ', but '
                    || cast(combination_count as varchar)
                    || ' combinations of its open documents owe exactly '
                    || cast(payment_amount as varchar)
                    || ': '
                    || combination_lists
                    || '; choose one by hand.'
            when combination_count = 1
                then 'Payer identified as customer '
                    || identified_customer_id
                    || '; the only combination of its open documents owing'
                    || ' this amount, '
                    || combination_lists
                    || ', shares a document with the combination of an'
                    || ' earlier payment; choose by hand.'
            when hit_document_count > 0
                then 'The payment quotes '
                    || hit_documents
                    || ', but neither the payer nor the amount agrees with'
                    || ' that document, so the number may be mistyped.'
            when equal_amount_count = 1
                then 'Payer identified as customer '
                    || identified_customer_id
                    || '; its only document owing this amount was already'
                    || ' settled by an earlier payment.'
            when identified_customer_id is not null and open_document_count > 0
                then 'Payer identified as customer '
                    || identified_customer_id
                    || ' by '
                    || identified_by
                    || ', but none of its '
                    || cast(open_document_count as varchar)
                    || ' open documents owes exactly '
                    || cast(payment_amount as varchar)
                    || ', nor any combination of up to '
                    || '{{ var("subset_sum_max_combination_size") }}'
                    || ' of them due within '
                    || '{{ var("subset_sum_window_days") }}'
                    || ' days of the payment.'
            when identified_customer_id is not null
                then 'Payer identified as customer '
                    || identified_customer_id
                    || ' by '
                    || identified_by
                    || ', who has no open documents.'
            when reference_values is not null
                then 'References '
                    || reference_values
                    || ' match no open document.'
            else 'No reference to a document and no tax id, account or'
                || ' e-mail of a known customer in the payment.'
        end as reason
    from classified
),

-- a return, refund or chargeback that names no payment we know: the money
-- left, and a person must find what it took back
unmatched_reversals as (
    select
        company_id,
        reversal_id as payment_id,
        'reversal_without_payment' as reason_code,
        'The '
        || replace(reversal_type, '_', ' ')
        || ' '
        || coalesce(source_reference, reversal_id)
        || ' of '
        || cast(reversal_amount as varchar)
        || ' '
        || currency
        || case
            when reversal_type = 'gateway_chargeback_reversal'
                then ' matches no chargeback of a known charge.'
            else ' matches no payment received earlier on the same account.'
        end as reason,
        0 as candidate_count,
        reversal_amount as payment_amount,
        0 as applied_amount,
        reversal_amount as unapplied_amount,
        currency
    from payment_reversals
    where payment_id is null
),

final as (
    select
        company_id,
        payment_id,
        reason_code,
        reason,
        candidate_count,
        payment_amount,
        applied_amount,
        unapplied_amount,
        currency
    from explained
    where unapplied_amount > 0
    union all
    select
        company_id,
        payment_id,
        reason_code,
        reason,
        candidate_count,
        payment_amount,
        applied_amount,
        unapplied_amount,
        currency
    from unmatched_reversals
)

select * from final
