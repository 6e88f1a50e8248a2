{#
    Fails with one row per row of the model whose `column_names` values
    (all non-null) have no row in `to` with the same values in `to_columns`
    (default: the same names): a composite foreign key that points nowhere.
#}
{% test relationships_on_columns(model, to, column_names, to_columns=none) %}

{%- set target_columns = to_columns or column_names -%}

{#- a `where` config turns the model into an aliased subquery: wrap it -#}
select child.*
from (select * from {{ model }}) as child
where
    {% for column in column_names -%}
    child.{{ column }} is not null
    and {% endfor -%}
    not exists (
        select 1 from {{ to }} as parent
        where
            {% for column in column_names -%}
            parent.{{ target_columns[loop.index0] }} = child.{{ column }}
            {%- if not loop.last %} and {% endif %}
            {% endfor %}
    )

{% endtest %}
