-- Every profile observation of an account, stamped with when it was seen. Only exact duplicates
-- (the same profile at the same time, e.g. the same tweet ingested from two files) are removed.

with

observations as (

    select * from {{ source('raw', 'user_observations') }}
    where user_id is not null

),

ranked as (

    select
        observations.*,
        row_number() over (
            partition by
                user_id, observed_at, screen_name, name, description, location, url, created_at,
                lang, followers_count, friends_count, statuses_count, favourites_count,
                listed_count, verified, protected, geo_enabled, default_profile,
                default_profile_image, profile_use_background_image, profile_image_url
            order by source_file, source_line
        ) as duplicate_rank
    from observations

),

renamed as (

    select
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
        cast(profile_image_url as {{ dbt.type_string() }}) as profile_image_url,
        cast(api_version as {{ dbt.type_string() }}) as api_version,
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_line as {{ dbt.type_bigint() }}) as source_line
    from ranked
    where duplicate_rank = 1

)

select * from renamed
