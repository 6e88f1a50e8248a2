{#-
    The members of each combination of `relation` (as bounded_combinations
    writes them, <member>_1 ... <member>_<max_size>) as rows: one per
    combination and member, with `key_columns` and member_position.
-#}
{% macro combination_members(relation, key_columns, member, max_size) -%}
{%- for position in range(1, max_size + 1) %}
{%- if not loop.first %}
union all
{%- endif %}
select
    {%- for column in key_columns %}
    {{ column }},
    {%- endfor %}
    {{ position }} as member_position,
    {{ member }}_{{ position }} as {{ member }}
from {{ relation }}
where {{ member }}_{{ position }} is not null
{%- endfor %}
{%- endmacro %}

{#- The members of a combination in rank order, as one comma-separated text. -#}
{% macro combination_list(member, max_size) -%}
    concat_ws(
        ', '
        {%- for position in range(1, max_size + 1) %},
        {{ member }}_{{ position }}
        {%- endfor %}
    )
{%- endmacro %}
