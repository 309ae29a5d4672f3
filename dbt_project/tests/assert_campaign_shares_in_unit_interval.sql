{{ config(severity='warn') }}
-- Shares in the campaign summary are proportions; promoters split exactly into the three classes.
select campaign_id, bot_share_among_promoters, retweet_share
from {{ ref('fct_campaign_summary') }}
where bot_share_among_promoters < 0 or bot_share_among_promoters > 1
    or retweet_share < 0 or retweet_share > 1
    or bot_promoters + human_promoters + unscored_promoters <> promoters
