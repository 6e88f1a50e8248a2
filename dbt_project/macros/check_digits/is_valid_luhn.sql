{#
    True when the digit string `digits` ends in a valid Luhn (mod 10) check
    digit: from the right, every second digit is doubled (minus 9 when above
    9) and the sum must be a multiple of 10. Asobancaria collection references
    use it; leading zeros of the zero-padded field do not change the result.
#}
{% macro is_valid_luhn(digits) -%}
    {{ return(adapter.dispatch('is_valid_luhn', 'recaudo')(digits)) }}
{%- endmacro %}

{% macro duckdb__is_valid_luhn(digits) -%}
    coalesce(
        regexp_full_match({{ digits }}, '[0-9]{2,}')
        and list_sum(
            list_transform(
                string_split(reverse({{ digits }}), ''),
                lambda character, position: case
                    when position % 2 = 1 then cast(character as integer)
                    when cast(character as integer) * 2 > 9
                        then cast(character as integer) * 2 - 9
                    else cast(character as integer) * 2
                end
            )
        ) % 10 = 0,
        false
    )
{%- endmacro %}
