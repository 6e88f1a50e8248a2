{#
    True when `reference` (compact, upper case, e.g. 'RF18539007547034') passes
    the ISO 11649 check: move the first four characters to the end, replace
    each letter by two digits (A=10 ... Z=35) and the number must leave
    remainder 1 modulo 97 (ISO 7064 MOD 97-10). The number has up to 50 digits,
    more than any integer type holds, so the remainder is folded digit by digit.
#}
{% macro is_valid_creditor_reference(reference) -%}
    {{ return(adapter.dispatch('is_valid_creditor_reference', 'recaudo')(reference)) }}
{%- endmacro %}

{% macro duckdb__is_valid_creditor_reference(reference) -%}
    coalesce(
        regexp_full_match({{ reference }}, 'RF[0-9]{2}[0-9A-Z]{1,21}')
        and list_reduce(
            list_transform(
                string_split(
                    array_to_string(
                        list_transform(
                            string_split(
                                substr({{ reference }}, 5)
                                || substr({{ reference }}, 1, 4),
                                ''
                            ),
                            lambda character: case
                                when character between '0' and '9'
                                    then character
                                else cast(ascii(character) - 55 as varchar)
                            end
                        ),
                        ''
                    ),
                    ''
                ),
                lambda digit: cast(digit as integer)
            ),
            lambda remainder, digit: (remainder * 10 + digit) % 97,
            0
        ) = 1,
        false
    )
{%- endmacro %}
