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
        {{ profile_columns() }},
        cast(is_bot as {{ dbt.type_boolean() }}) as is_bot
    from labelled
    where observation_rank = 1

)

select * from renamed
