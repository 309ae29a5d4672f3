{#- Case- and accent-insensitive form of a string, for matching hashtags and keywords. -#}
{% macro normalize_text(expression) -%}
    {{ return(adapter.dispatch('normalize_text', 'botwatch')(expression)) }}
{%- endmacro %}

{% macro default__normalize_text(expression) -%}
    translate(lower({{ expression }}), 'àáâãäåāçćčèéêëēęìíîïīñńòóôõöøōùúûüūýÿžźżšśł', 'aaaaaaaccceeeeeeiiiiinnooooooouuuuuyyzzzssl')
{%- endmacro %}

{% macro duckdb__normalize_text(expression) -%}
    strip_accents(lower({{ expression }}))
{%- endmacro %}
