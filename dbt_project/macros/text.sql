{#- Case- and accent-insensitive form of a string, for matching hashtags and keywords. One
    definition for every engine (DuckDB's strip_accents folds more letters than Spark can, so
    the engines would match different tweets): lower case, then the accented letters of the
    campaigns' languages folded by translate, which both engines have. -#}
{% macro normalize_text(expression) -%}
    translate(lower({{ expression }}), 'àáâãäåāçćčèéêëēęìíîïīñńòóôõöøōùúûüūýÿžźżšśł', 'aaaaaaaccceeeeeeiiiiinnooooooouuuuuyyzzzssl')
{%- endmacro %}
