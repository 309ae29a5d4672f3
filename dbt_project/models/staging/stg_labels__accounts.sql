-- Accounts labelled bot or human for training, one row per dataset and account (an account listed
-- twice in one dataset keeps its most recent observation).

with

labelled as (

    select
        *,
        row_number() over (
            partition by dataset, user_id
            order by observed_at desc nulls last
        ) as observation_rank
    from {{ source('raw', 'labelled_accounts') }}
    where user_id is not null

),

renamed as (

    select
        cast(dataset as {{ dbt.type_string() }}) as dataset,
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
        cast(is_bot as {{ dbt.type_boolean() }}) as is_bot
    from labelled
    where observation_rank = 1

)

select * from renamed
