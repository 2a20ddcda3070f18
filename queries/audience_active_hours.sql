-- audience_active_hours: when each chosen influencer's fans click, by weekday and hour of the dataset's zone.
-- grain: one row per influencer × weekday × hour with at least one click by a fan in the period; with $combine,
--        one row per weekday × hour for all chosen influencers as one audience (fan_clicks and fans summed,
--        influencer_id null), so 10,000 influencers × 168 hours need not leave the database to be summed.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all), $combine BOOLEAN
-- columns: influencer_id, weekday (1 = Monday … 7 = Sunday), hour (0-23), fan_clicks, fans
-- A click is a fan's when the user was a fan of the post's author at the moment of the click.
-- fans: distinct users. Without a merchant scope each user's fan clicks of the period in one weekday × hour count
-- once, as the click that follows none of theirs there since $from (click_runs.prev_hour_at, _prepare.sql: the
-- clicks on existing posts, which every fan click is): a count instead of a count(distinct). A merchant sees only
-- its products' clicks: there the count(distinct) stays, in a branch whose filter reads no row without a scope
-- (DuckDB does not fold the parameter).
with hours as (
    select r.influencer_id, isodow(r.clicked_at) as weekday, hour(r.clicked_at) as hour, count(*) as fan_clicks,
           count(*) filter (where r.user_id is not null and (r.prev_hour_at is null or r.prev_hour_at < $from))
               as fans
    from click_runs r
    where $viewer_merchants is null
      and r.clicked_at >= $from and r.clicked_at < $to
      and r.from_fan
      and chosen(r.influencer_id, $influencers)
      and visible_influencer(r.influencer_id, $viewer_influencers)
    group by all
    union all
    select c.influencer_id, isodow(c.clicked_at) as weekday, hour(c.clicked_at) as hour, count(*) as fan_clicks,
           count(distinct c.user_id) as fans
    from click_facts c
    where $viewer_merchants is not null
      and c.clicked_at >= $from and c.clicked_at < $to
      and c.from_fan
      and chosen(c.influencer_id, $influencers)
      and visible_influencer(c.influencer_id, $viewer_influencers)
      and visible_product(c.product_id, $viewer_merchants)
    group by all
)
select influencer_id, weekday, hour, fan_clicks, fans
from hours
where not $combine
union all
select cast(null as bigint) as influencer_id, weekday, hour, cast(sum(fan_clicks) as bigint) as fan_clicks,
       cast(sum(fans) as bigint) as fans
from hours
where $combine and not everyone_whole_days($from, $to, $influencers, $viewer_influencers, $viewer_merchants)
group by weekday, hour
union all
-- every influencer as one audience for a viewer who may see them all, over whole days: the prepared hours
-- (everyone_fan_hours, _prepare.sql), not the period's fan clicks; the guards are constants: one branch is planned
select cast(null as bigint), isodow(e.day), e.hour, cast(sum(e.fan_clicks) as bigint),
       cast(coalesce(sum(e.fan_clicks) filter (where e.prev_day is null or e.prev_day < $from), 0)
            as bigint)
from everyone_fan_hours e
where $combine and everyone_whole_days($from, $to, $influencers, $viewer_influencers, $viewer_merchants)
  and e.day >= $from and e.day < $to
group by isodow(e.day), e.hour
order by influencer_id, weekday, hour
