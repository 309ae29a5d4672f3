-- Bot scores from the classifier, one row per account: the latest scoring when scored more than once.

with

scores as (

    select
        *,
        row_number() over (partition by user_id order by scored_at desc nulls last) as score_rank
    from {{ source('ml', 'account_bot_scores') }}
    where user_id is not null

),

renamed as (

    select
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(bot_score as {{ botwatch.type_double() }}) as bot_score,
        cast(is_bot as {{ dbt.type_boolean() }}) as is_bot,
        cast(threshold as {{ botwatch.type_double() }}) as threshold,
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast(field_set as {{ dbt.type_string() }}) as field_set,
        missing_fields,
        cast(top_reasons as {{ dbt.type_string() }}) as top_reasons,
        cast(scored_at as {{ dbt.type_timestamp() }}) as scored_at
    from scores
    where score_rank = 1

)

select * from renamed
