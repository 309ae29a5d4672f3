-- When the promoters' accounts were created, by month and account class: bots created just before
-- a campaign stand out against the humans' long-established accounts.

with

campaigns as (

    select campaign_id, start_at from {{ ref('campaigns') }}

),

promoters as (

    select campaign_id, user_id, account_class, account_created_at
    from {{ ref('fct_account_campaign_activity') }}
    where account_created_at is not null

),

cohorts as (

    select
        campaign_id,
        {{ dbt.date_trunc('month', 'account_created_at') }} as cohort_month,
        account_class,
        count(*) as promoters
    from promoters
    group by 1, 2, 3

)

select
    cohorts.campaign_id,
    cast(cohorts.cohort_month as {{ dbt.type_timestamp() }}) as cohort_month,
    cohorts.account_class,
    cast(cohorts.promoters as {{ dbt.type_bigint() }}) as promoters,
    (
        cast(cohorts.promoters as {{ botwatch.type_double() }})
        / sum(cohorts.promoters) over (partition by cohorts.campaign_id, cohorts.account_class)
    ) as share_of_class,
    cast(
        {{ dbt.datediff('cohorts.cohort_month', dbt.date_trunc('month', 'campaigns.start_at'), 'month') }}
        as {{ dbt.type_bigint() }}
    ) as months_before_campaign
from cohorts
inner join campaigns on cohorts.campaign_id = campaigns.campaign_id
