{#
    Similarity between two normalised names, from 0 (nothing in common) to 1
    (equal). Jaro-Winkler favours a shared beginning, which suits company
    names whose tails (branch, legal form) vary between systems.
    Engines without it only recognise equal names.
#}
{% macro name_similarity(left_name, right_name) -%}
    {{ return(adapter.dispatch('name_similarity', 'recaudo')(left_name, right_name)) }}
{%- endmacro %}

{% macro default__name_similarity(left_name, right_name) -%}
    case when {{ left_name }} = {{ right_name }} then 1.0 else 0.0 end
{%- endmacro %}

{% macro duckdb__name_similarity(left_name, right_name) -%}
    jaro_winkler_similarity({{ left_name }}, {{ right_name }})
{%- endmacro %}
