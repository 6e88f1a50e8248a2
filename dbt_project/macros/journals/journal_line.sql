{#-
    One leg of a journal entry, read from a relation that carries the entry's
    columns (company, source, date, currency, event, description). Each event
    in fct_journal_entries is a union of its legs; the amount is signed:
    positive debits, negative credits.
-#}
{% macro journal_line(relation, line_order, account_code, signed_amount) -%}
    select
        company_id,
        source_id,
        entry_date,
        currency,
        event_type,
        description,
        {{ line_order }} as line_order,
        {{ account_code }} as account_code,
        {{ signed_amount }} as signed_amount
    from {{ relation }}
{%- endmacro %}
