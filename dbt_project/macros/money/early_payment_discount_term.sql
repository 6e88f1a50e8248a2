{#-
    The `attribute` (discount_percent or days_from_issue) of the first term in
    var early_payment_discount_terms that fits a document: its customer's
    `segment`, its `company_id` when the term names one, and a `payment_date`
    within the term's days from its `issue_date`. Null when none fits.
-#}
{% macro early_payment_discount_term(
    attribute, segment, company_id, payment_date, issue_date
) -%}
    {%- set terms = var('early_payment_discount_terms') or [] -%}
    {%- if terms %}
        case
            {%- for term in terms %}
                when
                    {{ segment }} = '{{ term.segment }}'
                    {%- if term.company_id %}
                        and {{ company_id }} = '{{ term.company_id }}'
                    {%- endif %}
                    and {{ payment_date }}
                    <= {{ add_days(issue_date, term.days_from_issue) }}
                    then cast({{ term[attribute] }} as decimal(9, 4))
            {%- endfor %}
        end
    {%- else -%}
        cast(null as decimal(9, 4))
    {%- endif %}
{%- endmacro %}
