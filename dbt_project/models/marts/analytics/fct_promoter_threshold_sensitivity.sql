-- How the bot share among a campaign's promoters depends on the classification threshold: the
-- study's 18% is one point of this curve. Thresholds 0.05, 0.10, ..., 0.95; a promoter counts as a
-- bot at a threshold when its bot_score is at or above it (as the classifier's is_bot).

with

campaigns as (

    select campaign_id from {{ ref('campaigns') }}

),

thresholds as (

    {% for step in range(1, 20) -%}
        select cast({{ step * 5 }} as {{ botwatch.type_double() }}) / 100 as threshold
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

scored_promoters as (

    select campaign_id, bot_score
    from {{ ref('fct_account_campaign_activity') }}
    where bot_score is not null

),

classifier as (

    select max(threshold) as classifier_threshold from {{ ref('stg_ml__account_bot_scores') }}

),

curve as (

    select
        campaigns.campaign_id,
        thresholds.threshold,
        count(scored_promoters.bot_score) as promoters,
        sum(case when scored_promoters.bot_score >= thresholds.threshold then 1 else 0 end) as bots
    from campaigns
    cross join thresholds
    left join scored_promoters on campaigns.campaign_id = scored_promoters.campaign_id
    group by campaigns.campaign_id, thresholds.threshold

)

select
    curve.campaign_id,
    curve.threshold,
    cast(curve.promoters as {{ dbt.type_bigint() }}) as promoters,
    cast(coalesce(curve.bots, 0) as {{ dbt.type_bigint() }}) as bots,
    case
        when curve.promoters > 0
            then cast(coalesce(curve.bots, 0) as {{ botwatch.type_double() }}) / curve.promoters
    end as bot_share,
    classifier.classifier_threshold
from curve
cross join classifier
