-- The summary's tweet and promoter counts agree with the campaign tweet facts they summarise.
with

facts as (

    select campaign_id, count(*) as tweets, count(distinct author_id) as promoters
    from {{ ref('fct_campaign_tweets') }}
    group by campaign_id

)

select summary.campaign_id, summary.tweets, facts.tweets as fact_tweets
from {{ ref('fct_campaign_summary') }} as summary
left join facts on summary.campaign_id = facts.campaign_id
where summary.tweets <> coalesce(facts.tweets, 0)
    or summary.promoters <> coalesce(facts.promoters, 0)
