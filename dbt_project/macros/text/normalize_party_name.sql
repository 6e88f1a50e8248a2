{#
    A person's or company's name reduced to what identifies it: upper case,
    no accents or punctuation, legal-form tokens (S.A.S., LTDA, ...) dropped,
    single spaces. Payer names in bank files and customer names in the master
    differ mostly in exactly these ways. Dots are removed
    before other punctuation so that 'S.A.S.' becomes the token 'SAS'; spaces
    are doubled so that adjacent legal-form tokens each keep their own
    delimiters through one non-overlapping regex pass.
#}
{% macro normalize_party_name(name) -%}
    {{ return(adapter.dispatch('normalize_party_name', 'recaudo')(name)) }}
{%- endmacro %}

{% macro duckdb__normalize_party_name(name) -%}
    nullif(
        trim(
            regexp_replace(
                regexp_replace(
                    replace(
                        ' ' || regexp_replace(
                            replace(upper(strip_accents({{ name }})), '.', ''),
                            '[^A-Z0-9]+',
                            ' ',
                            'g'
                        ) || ' ',
                        ' ',
                        '  '
                    ),
                    ' (SAS|SA|LTDA|LIMITADA|EU|ESP|SCA|CIA|S  EN  C|BIC) ',
                    ' ',
                    'g'
                ),
                ' +',
                ' ',
                'g'
            )
        ),
        ''
    )
{%- endmacro %}
