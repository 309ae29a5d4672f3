{#- The profile of an account, renamed and cast: one definition for every staging model that
    holds profiles (observed in tweets, or labelled for training). Mirrors
    botwatch/schema.py PROFILE_COLUMNS. -#}
{% macro profile_columns() -%}
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(observed_at as {{ dbt.type_timestamp() }}) as observed_at,
        cast(screen_name as {{ dbt.type_string() }}) as screen_name,
        cast(name as {{ dbt.type_string() }}) as name,
        cast(description as {{ dbt.type_string() }}) as description,
        cast(location as {{ dbt.type_string() }}) as location,
        cast(url as {{ dbt.type_string() }}) as url,
        cast(created_at as {{ dbt.type_timestamp() }}) as account_created_at,
        cast(nullif(lower(trim(lang)), '') as {{ dbt.type_string() }}) as lang,
        cast(followers_count as {{ dbt.type_bigint() }}) as followers_count,
        cast(friends_count as {{ dbt.type_bigint() }}) as friends_count,
        cast(statuses_count as {{ dbt.type_bigint() }}) as statuses_count,
        cast(favourites_count as {{ dbt.type_bigint() }}) as favourites_count,
        cast(listed_count as {{ dbt.type_bigint() }}) as listed_count,
        cast(verified as {{ dbt.type_boolean() }}) as verified,
        cast(protected as {{ dbt.type_boolean() }}) as protected,
        cast(geo_enabled as {{ dbt.type_boolean() }}) as geo_enabled,
        cast(default_profile as {{ dbt.type_boolean() }}) as default_profile,
        cast(default_profile_image as {{ dbt.type_boolean() }}) as default_profile_image,
        cast(profile_use_background_image as {{ dbt.type_boolean() }}) as profile_use_background_image,
        cast(profile_image_url as {{ dbt.type_string() }}) as profile_image_url
{%- endmacro %}
