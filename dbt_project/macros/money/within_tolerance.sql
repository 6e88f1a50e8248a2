{#-
    True when `difference` (a non-negative amount) is within the tolerance
    declared for `currency_column` in the var `tolerance_var`: at most its
    absolute_amount and at most its percent of `base`. A currency the var does
    not list has no tolerance. Decimal arithmetic only.
-#}
{% macro within_tolerance(difference, base, currency_column, tolerance_var) -%}
    {%- set tolerances = var(tolerance_var) or {} -%}
    case
        {%- for currency, tolerance in tolerances.items() %}
            when {{ currency_column }} = '{{ currency }}'
                then
                    {{ difference }}
                    <= cast({{ tolerance['absolute_amount'] }} as decimal(18, 2))
                    and {{ difference }} * 100
                    <= cast({{ tolerance['percent'] }} as decimal(9, 4))
                    * {{ base }}
        {%- endfor %}
        else false
    end
{%- endmacro %}
