{#- Host names of expanded URLs, lower case, without "www.": the unit of "which sites spread". -#}
{% macro url_domains(urls) -%}
    {{ return(adapter.dispatch('url_domains', 'botwatch')(urls)) }}
{%- endmacro %}
{% macro default__url_domains(urls) -%}
    filter(transform({{ urls }}, url -> lower(regexp_extract(url, '^[A-Za-z][A-Za-z0-9+.-]*://(www\\.)?([^/:?#]+)', 2))), domain -> domain <> '')
{%- endmacro %}
{% macro duckdb__url_domains(urls) -%}
    list_filter(list_transform({{ urls }}, lambda url: lower(regexp_extract(url, '^[A-Za-z][A-Za-z0-9+.-]*://(www\.)?([^/:?#]+)', 2))), lambda domain: domain <> '')
{%- endmacro %}
