{#- Array (list) helpers. DuckDB spells these with lists and `lambda x: expr`; Spark with arrays
    and `x -> expr`. Models call only these macros, never the engine's list syntax directly. -#}

{% macro type_string_array() -%}
    {{ return(adapter.dispatch('type_string_array', 'botwatch')()) }}
{%- endmacro %}
{% macro default__type_string_array() -%} array<string> {%- endmacro %}
{% macro duckdb__type_string_array() -%} varchar[] {%- endmacro %}


{#- Split a delimited string into an array of trimmed, non-empty items (null or '' gives []). -#}
{% macro split_to_array(expression, delimiter) -%}
    {{ return(adapter.dispatch('split_to_array', 'botwatch')(expression, delimiter)) }}
{%- endmacro %}
{% macro default__split_to_array(expression, delimiter) -%}
    filter(transform(split(coalesce({{ expression }}, ''), '\\{{ delimiter }}'), item -> trim(item)), item -> item <> '')
{%- endmacro %}
{% macro duckdb__split_to_array(expression, delimiter) -%}
    list_filter(list_transform(string_split(coalesce({{ expression }}, ''), '{{ delimiter }}'), lambda item: trim(item)), lambda item: item <> '')
{%- endmacro %}


{#- Every item through normalize_text (lower case, accents stripped). -#}
{% macro normalize_array(expression) -%}
    {{ return(adapter.dispatch('normalize_array', 'botwatch')(expression)) }}
{%- endmacro %}
{% macro default__normalize_array(expression) -%}
    transform({{ expression }}, item -> {{ botwatch.normalize_text('item') }})
{%- endmacro %}
{% macro duckdb__normalize_array(expression) -%}
    list_transform({{ expression }}, lambda item: {{ botwatch.normalize_text('item') }})
{%- endmacro %}


{% macro arrays_overlap(left, right) -%}
    {{ return(adapter.dispatch('arrays_overlap', 'botwatch')(left, right)) }}
{%- endmacro %}
{% macro default__arrays_overlap(left, right) -%}
    coalesce(arrays_overlap({{ left }}, {{ right }}), false)
{%- endmacro %}
{% macro duckdb__arrays_overlap(left, right) -%}
    coalesce(list_has_any({{ left }}, {{ right }}), false)
{%- endmacro %}


{% macro array_contains(array, value) -%}
    {{ return(adapter.dispatch('array_contains', 'botwatch')(array, value)) }}
{%- endmacro %}
{% macro default__array_contains(array, value) -%}
    coalesce(array_contains({{ array }}, {{ value }}), false)
{%- endmacro %}
{% macro duckdb__array_contains(array, value) -%}
    coalesce(list_contains({{ array }}, {{ value }}), false)
{%- endmacro %}


{% macro array_size(array) -%}
    {{ return(adapter.dispatch('array_size', 'botwatch')(array)) }}
{%- endmacro %}
{% macro default__array_size(array) -%} size({{ array }}) {%- endmacro %}
{% macro duckdb__array_size(array) -%} len({{ array }}) {%- endmacro %}


{#- True when the text contains any item of the array (prefixed, e.g. '#' for hashtags). -#}
{% macro text_contains_any(text, array, prefix='') -%}
    {{ return(adapter.dispatch('text_contains_any', 'botwatch')(text, array, prefix)) }}
{%- endmacro %}
{% macro default__text_contains_any(text, array, prefix) -%}
    coalesce(exists({{ array }}, item -> instr({{ text }}, concat('{{ prefix }}', item)) > 0), false)
{%- endmacro %}
{% macro duckdb__text_contains_any(text, array, prefix) -%}
    coalesce(len(list_filter({{ array }}, lambda item: contains({{ text }}, '{{ prefix }}' || item))) > 0, false)
{%- endmacro %}


{#- A FROM-clause fragment giving one row per array item, as <relation_alias>.<column_alias>.
    Rows whose array is null or empty are dropped. -#}
{% macro cross_join_unnest(array, relation_alias, column_alias) -%}
    {{ return(adapter.dispatch('cross_join_unnest', 'botwatch')(array, relation_alias, column_alias)) }}
{%- endmacro %}
{% macro default__cross_join_unnest(array, relation_alias, column_alias) -%}
    lateral view explode({{ array }}) {{ relation_alias }} as {{ column_alias }}
{%- endmacro %}
{% macro duckdb__cross_join_unnest(array, relation_alias, column_alias) -%}
    cross join unnest({{ array }}) as {{ relation_alias }}({{ column_alias }})
{%- endmacro %}
