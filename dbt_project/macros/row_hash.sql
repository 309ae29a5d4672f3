{#- A hash of the given columns' values (nulls and separators included, so ('a', 'bc') and
    ('ab', 'c') differ): a tie-breaker that orders rows by their content, the same on every
    engine and whatever order the engine reads them in. -#}
{% macro content_hash(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '\\x00')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{#- The profile columns of an observation (staging names), for content_hash. -#}
{% macro profile_column_names() -%}
    {{ return([
        'screen_name', 'name', 'description', 'location', 'url', 'account_created_at', 'lang',
        'followers_count', 'friends_count', 'statuses_count', 'favourites_count', 'listed_count',
        'verified', 'protected', 'geo_enabled', 'default_profile', 'default_profile_image',
        'profile_use_background_image', 'profile_image_url'
    ]) }}
{%- endmacro %}
