{#-
    Every combination of min_size to max_size rows of `relation` within one
    partition, as a union of self-joins over the rows ordered by their
    `candidate_rank` (1, 2, ... within the partition), so each combination
    appears once, its members in rank order. Portable SQL: no recursion, no
    arrays. One row per combination with the partition columns,
    combination_size, combination_amount (the sum of `amount`),
    <member>_1 ... <member>_<max_size> (null past combination_size) and,
    for each column in `carry_min` / `carry_max`, min_<column> / max_<column>
    over the members. With `ceiling`, a column of the relation equal on every
    row of a partition, partial sums above it are cut while joining; amounts
    must then be positive. The cost grows as the number of candidates to the
    power max_size, which is why callers cap both.
-#}
{% macro bounded_combinations(
    relation,
    partition_by,
    member,
    amount,
    max_size,
    min_size=1,
    ceiling=none,
    carry_min=[],
    carry_max=[]
) -%}
{%- for size in range(min_size, max_size + 1) %}
{%- set positions = range(1, size + 1) %}
{%- if not loop.first %}
union all
{%- endif %}
select
    {%- for column in partition_by %}
    item_1.{{ column }},
    {%- endfor %}
    {%- for position in range(1, max_size + 1) %}
    {%- if position <= size %}
    item_{{ position }}.{{ member }} as {{ member }}_{{ position }},
    {%- else %}
    cast(null as varchar) as {{ member }}_{{ position }},
    {%- endif %}
    {%- endfor %}
    {%- for column in carry_min %}
    {{ _combination_extreme('least', column, size) }} as min_{{ column }},
    {%- endfor %}
    {%- for column in carry_max %}
    {{ _combination_extreme('greatest', column, size) }} as max_{{ column }},
    {%- endfor %}
    {{ size }} as combination_size,
    {{ _combination_sum(amount, size) }} as combination_amount
from {{ relation }} as item_1
{%- for position in positions if position > 1 %}
inner join {{ relation }} as item_{{ position }}
    on
        {%- for column in partition_by %}
        item_{{ position }}.{{ column }} = item_1.{{ column }} and
        {%- endfor %}
        item_{{ position }}.candidate_rank
        > item_{{ position - 1 }}.candidate_rank
        {%- if ceiling is not none %}
        and {{ _combination_sum(amount, position) }}
        <= item_1.{{ ceiling }}
        {%- endif %}
{%- endfor %}
{%- if ceiling is not none and size == 1 %}
where item_1.{{ amount }} <= item_1.{{ ceiling }}
{%- endif %}
{%- endfor %}
{%- endmacro %}

{% macro _combination_sum(amount, size) -%}
    {%- for position in range(1, size + 1) -%}
        item_{{ position }}.{{ amount }}{% if not loop.last %} + {% endif %}
    {%- endfor -%}
{%- endmacro %}

{#- least/greatest of one argument is not portable, so one member is itself. -#}
{% macro _combination_extreme(function, column, size) -%}
    {%- if size == 1 -%}
        item_1.{{ column }}
    {%- else -%}
        {{ function }}(
        {%- for position in range(1, size + 1) -%}
            item_{{ position }}.{{ column }}{% if not loop.last %}, {% endif %}
        {%- endfor -%}
        )
    {%- endif -%}
{%- endmacro %}
