{#
    The business date of a UTC timestamp in the companies' timezone (var
    `timezone`, America/Bogota: UTC-5 all year). A charge at 23:30 local time
    is booked on that local day, not on the UTC day after it.
#}
{% macro to_local_date(timestamp) -%}
    {{ return(adapter.dispatch('to_local_date', 'recaudo')(timestamp)) }}
{%- endmacro %}

{% macro default__to_local_date(timestamp) -%}
    cast(({{ timestamp }} at time zone '{{ var("timezone") }}') as date)
{%- endmacro %}
