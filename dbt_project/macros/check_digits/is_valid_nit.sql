{#
    True when `tax_id` (a NIT as written, e.g. '900.417.352-3' or
    '9004173523') ends in the DIAN check digit of the digits before it.
#}
{% macro is_valid_nit(tax_id) -%}
    {{ return(adapter.dispatch('is_valid_nit', 'recaudo')(tax_id)) }}
{%- endmacro %}

{% macro default__is_valid_nit(tax_id) -%}
    coalesce(
        length({{ recaudo.digits_only(tax_id) }}) between 8 and 16
        and right({{ recaudo.digits_only(tax_id) }}, 1)
        = {{ recaudo.nit_check_digit(recaudo.nit_base(tax_id)) }},
        false
    )
{%- endmacro %}

{#
    The NIT without its check digit: the digits of `tax_id` minus the last.
#}
{% macro nit_base(tax_id) -%}
    left(
        {{ recaudo.digits_only(tax_id) }},
        length({{ recaudo.digits_only(tax_id) }}) - 1
    )
{%- endmacro %}
