-- The summary counts exactly the rows of fct_reused_bots, and its reused bots by is_reused_bot.
with

detail as (

    select
        earlier_campaign_id,
        later_campaign_id,
        count(*) as reused_accounts,
        sum(case when is_reused_bot then 1 else 0 end) as reused_bots
    from {{ ref('fct_reused_bots') }}
    group by earlier_campaign_id, later_campaign_id

)

select detail.*, summary.reused_accounts as summary_accounts, summary.reused_bots as summary_bots
from detail
left join {{ ref('fct_reused_bots_summary') }} as summary
    on detail.earlier_campaign_id = summary.earlier_campaign_id
    and detail.later_campaign_id = summary.later_campaign_id
where summary.reused_accounts is null
    or summary.reused_accounts <> detail.reused_accounts
    or summary.reused_bots <> detail.reused_bots
