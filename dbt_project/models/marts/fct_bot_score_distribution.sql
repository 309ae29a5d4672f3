-- How the bot scores of every scored account spread: accounts per score bin of width 1/20 and
-- account class (the model page's histogram; the threshold falls between the classes).

{%- set bins = 20 %}

with

scored as (

    select account_class, bot_score from {{ ref('dim_accounts') }}
    where bot_score is not null

),

binned as (

    select
        account_class,
        -- a score of exactly 1 belongs to the last bin
        least(cast(floor(bot_score * {{ bins }}) as {{ dbt.type_bigint() }}), {{ bins - 1 }}) as bin
    from scored

)

select
    cast(bin as {{ botwatch.type_double() }}) / {{ bins }} as bin_low,
    cast(bin + 1 as {{ botwatch.type_double() }}) / {{ bins }} as bin_high,
    account_class,
    cast(count(*) as {{ dbt.type_bigint() }}) as accounts
from binned
group by bin, account_class
