{#- dbt.type_float() is a 4-byte FLOAT on DuckDB: scores and shares need 8 bytes. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'botwatch')()) }}
{%- endmacro %}
{% macro default__type_double() -%} double {%- endmacro %}
{% macro postgres__type_double() -%} double precision {%- endmacro %}
