{#
    A set-returning expression: one row per non-overlapping match of `pattern`
    in `text`, the value of capture group `group` (0 = the whole match). Use
    it in a select list; rows without a match disappear.
#}
{% macro unnest_regex_matches(text, pattern, group=0) -%}
    {{ return(adapter.dispatch('unnest_regex_matches', 'recaudo')(text, pattern, group)) }}
{%- endmacro %}

{% macro duckdb__unnest_regex_matches(text, pattern, group) -%}
    unnest(regexp_extract_all({{ text }}, '{{ pattern }}', {{ group }}))
{%- endmacro %}

{% macro postgres__unnest_regex_matches(text, pattern, group) -%}
    (regexp_matches({{ text }}, '{{ pattern }}', 'g'))[{{ [group, 1] | max }}]
{%- endmacro %}
