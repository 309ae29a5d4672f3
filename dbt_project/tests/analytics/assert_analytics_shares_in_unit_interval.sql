-- Every share in the campaign analytics marts is a proportion, and the creation cohorts of a
-- campaign's class add up to all of that class.
with

shares as (

    select 'fct_promoter_threshold_sensitivity' as model, campaign_id, bot_share as share
    from {{ ref('fct_promoter_threshold_sensitivity') }}
    union all
    select 'fct_reused_bots_summary' as model, later_campaign_id, share_of_later_bot_tweets
    from {{ ref('fct_reused_bots_summary') }}
    union all
    select 'fct_promoter_creation_cohorts' as model, campaign_id, share_of_class
    from {{ ref('fct_promoter_creation_cohorts') }}
    union all
    select 'fct_promoter_hashtags' as model, campaign_id, share_of_audience
    from {{ ref('fct_promoter_hashtags') }}
    union all
    select 'fct_amplified_accounts' as model, campaign_id, bot_amplification_share
    from {{ ref('fct_amplified_accounts') }}
    union all
    select 'fct_amplified_domains' as model, campaign_id, bot_share
    from {{ ref('fct_amplified_domains') }}
    union all
    select 'fct_campaign_volume_peaks' as model, campaign_id, peak_bot_tweet_share
    from {{ ref('fct_campaign_volume_peaks') }}

),

cohort_totals as (

    select campaign_id, account_class, sum(share_of_class) as total_share
    from {{ ref('fct_promoter_creation_cohorts') }}
    group by campaign_id, account_class

)

select model, campaign_id, share
from shares
where share < 0 or share > 1
union all
select 'fct_promoter_creation_cohorts (sum per class)' as model, campaign_id, total_share
from cohort_totals
where abs(total_share - 1) > 1e-9
