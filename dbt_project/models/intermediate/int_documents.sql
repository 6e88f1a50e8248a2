with

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

versions as (
    select
        *,
        coalesce(
            prepaid_amount, cast(0 as decimal(18, 2))
        ) as consumed_prepaid_amount,
        lower(trim(document_uuid)) as cufe,
        lower(trim(related_document_uuid)) as related_cufe,
        row_number() over (
            partition by company_id, document_id
            order by arrived_at, file_id, record_number
        ) as arrival_rank
    from invoices
),

first_reports as (
    select * from versions
    where arrival_rank = 1
),

-- What a credit or debit note may amend.
amendable_documents as (
    select
        company_id,
        document_id,
        cufe
    from first_reports
    where document_type in ('invoice', 'debit_note')
),

amendable_by_cufe as (
    select
        company_id,
        cufe,
        min(document_id) as document_id,
        count(*) as document_count
    from amendable_documents
    where cufe is not null
    group by company_id, cufe
),

notes as (
    select
        company_id,
        document_id,
        related_document_id,
        related_cufe
    from first_reports
    where document_type in ('credit_note', 'debit_note')
),

note_targets as (
    select
        notes.company_id,
        notes.document_id,
        notes.related_document_id,
        notes.related_cufe,
        by_cufe.document_id as cufe_document_id,
        by_cufe.document_count as cufe_document_count,
        by_number.document_id as number_document_id,
        by_number.cufe as number_document_cufe
    from notes
    left join amendable_by_cufe as by_cufe
        on
            notes.company_id = by_cufe.company_id
            and notes.related_cufe = by_cufe.cufe
    left join amendable_documents as by_number
        on
            notes.company_id = by_number.company_id
            and notes.related_document_id = by_number.document_id
),

-- The CUFE is DIAN's key of the amended invoice and wins over its number; a
-- number that names another invoice, or a CUFE no invoice carries, is left
-- for a controller rather than guessed. A CUFE beside the number of an
-- invoice whose own CUFE is not on record (one from a source without CUFE)
-- cannot be checked: the note follows the number and is flagged.
note_links as (
    select
        company_id,
        document_id,
        case
            when cufe_document_count > 1
                then 'cufe_matches_several_documents'
            when
                cufe_document_id is not null
                and number_document_id is not null
                and number_document_id <> cufe_document_id
                then 'cufe_and_number_disagree'
            when cufe_document_id is not null then null
            when related_cufe is not null and number_document_cufe is not null
                then 'cufe_and_number_disagree'
            when related_cufe is not null and number_document_id is not null
                then 'cufe_unverified'
            when related_cufe is not null then 'cufe_not_found'
            when related_document_id is not null and number_document_id is null
                then 'document_number_not_found'
        end as amendment_link_issue,
        case
            when cufe_document_count > 1 then null
            when
                cufe_document_id is not null
                and (
                    number_document_id is null
                    or number_document_id = cufe_document_id
                )
                then 'cufe'
            when cufe_document_id is not null then null
            when related_cufe is null and number_document_id is not null
                then 'document_number'
            when number_document_id is not null and number_document_cufe is null
                then 'document_number'
        end as amendment_link_method,
        cufe_document_id,
        number_document_id
    from note_targets
),

final as (
    select
        first_reports.company_id,
        first_reports.document_id,
        first_reports.document_type,
        first_reports.customer_id,
        first_reports.related_document_id,
        first_reports.document_uuid,
        first_reports.related_document_uuid,
        case note_links.amendment_link_method
            when 'cufe' then note_links.cufe_document_id
            when 'document_number' then note_links.number_document_id
        end as amended_document_id,
        note_links.amendment_link_method,
        note_links.amendment_link_issue,
        first_reports.issue_date,
        first_reports.due_date,
        first_reports.currency,
        first_reports.net_amount,
        first_reports.tax_amount,
        first_reports.total_amount,
        first_reports.consumed_prepaid_amount as prepaid_amount,
        -- a prepaid part never enters the receivable; the rest is opened
        case
            when first_reports.document_type = 'credit_note'
                then -(
                        first_reports.total_amount
                        - first_reports.consumed_prepaid_amount
                    )
            else
                first_reports.total_amount
                - first_reports.consumed_prepaid_amount
        end as signed_total_amount,
        upper(
            replace(trim(first_reports.payment_reference), ' ', '')
        ) as payment_reference,
        first_reports.collection_reference,
        first_reports.arrived_at as known_at,
        first_reports.file_id,
        first_reports.record_number
    from first_reports
    left join note_links
        on
            first_reports.company_id = note_links.company_id
            and first_reports.document_id = note_links.document_id
)

select * from final
