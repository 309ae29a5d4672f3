-- Raising the threshold can only turn bots into humans: per campaign, bots and the bot share never
-- grow from one threshold to the next, and the promoters counted stay the same.
with

curve as (

    select
        campaign_id,
        threshold,
        promoters,
        bots,
        bot_share,
        lag(promoters) over (partition by campaign_id order by threshold) as previous_promoters,
        lag(bots) over (partition by campaign_id order by threshold) as previous_bots,
        lag(bot_share) over (partition by campaign_id order by threshold) as previous_bot_share
    from {{ ref('fct_promoter_threshold_sensitivity') }}

)

select *
from curve
where bots > previous_bots
    or bot_share > previous_bot_share + 1e-12
    or promoters <> previous_promoters
