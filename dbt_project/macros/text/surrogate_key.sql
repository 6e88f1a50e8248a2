{#
    A stable text key from several columns: the md5 of their values joined
    with '|', nulls written as empty strings so that a missing part still
    yields a key.
#}
{% macro surrogate_key(columns) -%}
    md5(concat_ws(
        '|'
        {%- for column in columns %},
        coalesce(cast({{ column }} as varchar), '')
        {%- endfor %}
    ))
{%- endmacro %}
