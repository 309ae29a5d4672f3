-- Campaign volume over time: tweets and distinct accounts per hour, account class and language.

with

campaign_tweets as (

    select * from {{ ref('fct_campaign_tweets') }}

)

select
    campaign_id,
    {{ dbt.date_trunc('hour', 'created_at') }} as activity_hour,
    account_class,
    lang,
    cast(count(*) as {{ dbt.type_bigint() }}) as tweets,
    cast(count(distinct author_id) as {{ dbt.type_bigint() }}) as accounts
from campaign_tweets
group by 1, 2, 3, 4
