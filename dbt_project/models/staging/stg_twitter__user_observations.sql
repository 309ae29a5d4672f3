-- Every profile observation of an account, stamped with when it was seen. Only exact duplicates
-- (the same profile at the same time, e.g. the same tweet ingested from two files) are removed.

with

observations as (

    select * from {{ source('raw', 'user_observations') }}
    where user_id is not null

),

ranked as (

    select
        *,
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
        {{ profile_columns() }},
        cast(api_version as {{ dbt.type_string() }}) as api_version,
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_line as {{ dbt.type_bigint() }}) as source_line
    from ranked
    where duplicate_rank = 1

)

select * from renamed
