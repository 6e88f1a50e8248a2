{#
    Fails with one row per combination of `column_names` values that occurs
    more than once: the columns together are meant to be the model's key.
#}
{% test unique_column_combination(model, column_names) %}

select
    {{ column_names | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ column_names | join(', ') }}
having count(*) > 1

{% endtest %}
