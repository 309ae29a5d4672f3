{#- The sources on each engine. On DuckDB the ingest writes raw.* and ml.* into the warehouse
    itself: nothing to do. On Spark they arrive as Parquet under BOTWATCH_SPARK_DIR/lake
    (botwatch/lake.py); each source table is (re)registered there as an external table with the
    columns its YAML declares, so a missing folder reads as an empty table and new files are seen.
    Called from on-run-start. -#}
{% macro register_sources() -%}
    {{ return(adapter.dispatch('register_sources', 'botwatch')()) }}
{%- endmacro %}

{% macro default__register_sources() -%}
{%- endmacro %}

{% macro spark__register_sources() -%}
    {%- if execute -%}
        {%- set lake = env_var('BOTWATCH_SPARK_DIR') ~ '/lake' -%}
        {%- for source in graph.sources.values() | sort(attribute='unique_id') -%}
            {%- set columns = [] -%}
            {%- for column in source.columns.values() -%}
                {%- do columns.append('`' ~ column.name ~ '` ' ~ column.data_type) -%}
            {%- endfor -%}
            {%- do run_query('create database if not exists ' ~ source.schema) -%}
            {%- do run_query('drop table if exists ' ~ source.schema ~ '.' ~ source.identifier) -%}
            {%- do run_query(
                'create table ' ~ source.schema ~ '.' ~ source.identifier
                ~ ' (' ~ columns | join(', ') ~ ') using parquet location '
                ~ "'" ~ lake ~ '/' ~ source.schema ~ '/' ~ source.identifier ~ "'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
