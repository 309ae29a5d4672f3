-- Languages of each campaign's tweets, overall and per account class.

with

campaign_tweets as (

    select * from {{ ref('fct_campaign_tweets') }}

),

counts as (

    select campaign_id, lang, account_class, count(*) as tweets
    from campaign_tweets
    group by campaign_id, lang, account_class

)

select
    campaign_id,
    lang,
    account_class,
    cast(tweets as {{ dbt.type_bigint() }}) as tweets,
    (
        cast(tweets as {{ botwatch.type_double() }})
        / sum(tweets) over (partition by campaign_id)
    ) as share_of_campaign,
    (
        cast(tweets as {{ botwatch.type_double() }})
        / sum(tweets) over (partition by campaign_id, account_class)
    ) as share_of_class
from counts
