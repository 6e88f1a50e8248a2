{#
    The DIAN check digit (dígito de verificación) of a Colombian NIT base, as
    a one-character string: the base's digits, right to left, times the
    weights below, summed modulo 11; remainders 0 and 1 are the digit itself,
    any other remainder r gives 11 - r. Weights: DIAN, as implemented by
    python-stdnum's stdnum.co.nit (DIAN check-digit rule). Null for a non-numeric base.
#}
{% macro nit_check_digit(tax_id_base) -%}
    {{ return(adapter.dispatch('nit_check_digit', 'recaudo')(tax_id_base)) }}
{%- endmacro %}

{% macro duckdb__nit_check_digit(tax_id_base) -%}
    case
        when regexp_full_match({{ tax_id_base }}, '[0-9]{1,15}')
            then cast(
                list_transform(
                    [
                        list_sum(
                            list_transform(
                                string_split(reverse({{ tax_id_base }}), ''),
                                lambda character, position:
                                    cast(character as integer)
                                    * [3, 7, 13, 17, 19, 23, 29, 37, 41, 43,
                                       47, 53, 59, 67, 71][position]
                            )
                        ) % 11
                    ],
                    lambda remainder: case
                        when remainder < 2 then remainder
                        else 11 - remainder
                    end
                )[1]
                as varchar
            )
    end
{%- endmacro %}
