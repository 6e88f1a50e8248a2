{# The digits of `expression`, every other character removed. #}
{% macro digits_only(expression) -%}
    {{ return(adapter.dispatch('digits_only', 'recaudo')(expression)) }}
{%- endmacro %}

{% macro default__digits_only(expression) -%}
    regexp_replace({{ expression }}, '[^0-9]', '', 'g')
{%- endmacro %}
