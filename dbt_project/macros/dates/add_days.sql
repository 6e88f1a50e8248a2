{# The date `days` calendar days after `date` (before it when negative). #}
{% macro add_days(date, days) -%}
    {{ return(adapter.dispatch('add_days', 'recaudo')(date, days)) }}
{%- endmacro %}

{% macro default__add_days(date, days) -%}
    cast({{ date }} + cast({{ days }} as integer) * interval '1 day' as date)
{%- endmacro %}

{% macro duckdb__add_days(date, days) -%}
    cast({{ date }} + to_days(cast({{ days }} as integer)) as date)
{%- endmacro %}
