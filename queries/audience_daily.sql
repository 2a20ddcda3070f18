-- audience_daily: each chosen influencer's audience day by day, with where the new fans came from.
-- grain: one row per influencer × local day in [$from, $to) (empty days included); with $combine, one row per
--        day for all chosen influencers as one audience (every figure summed, influencer_id null), so 10,000
--        influencers × 184 days need not leave the database to be summed.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all), $combine BOOLEAN
-- columns: influencer_id, day, new_fans, lost_fans, net_fans, fans_end, new_organic, new_fan_headline,
--          new_passerby_to_fan, new_account_recommend, new_other
-- fans_end: fans at the end of the day (00:00 of the next day); new_<source> split new_fans by the
-- follow's source (unknown sources count as other).
with picked as (
    select i.influencer_id
    from influencers i
    where chosen(i.influencer_id, $influencers)
      and visible_account(i.influencer_id, $viewer_influencers, $viewer_merchants)
),
-- With $combine the chosen influencers are one audience from here on: their day rows are summed under one null id
-- before the running sums, so the window runs over the days, not the influencers × days.
keys as (
    select distinct case when $combine then null else influencer_id end as influencer_id from picked
),
days as (
    select k.influencer_id, cast(d as timestamp) as day
    from keys k, generate_series($from, $to - interval 1 day, interval 1 day) g(d)
),
-- The follows by day, prepared (follow_days, _prepare.sql): $from and $to are midnights (a period is whole local
-- days), so the fans at a day's end are the fans_in − fans_out of the days up to its boundary. Every influencer as one
-- audience for a viewer who may see them all: the same days summed over the listed influencers (listed_follow_days;
-- the guards are constants, so one branch is planned).
counts as (
    select case when $combine then null else fd.influencer_id end as influencer_id, fd.day,
           cast(sum(fd.fans_in) as bigint) as fans_in, cast(sum(fd.fans_out) as bigint) as fans_out,
           cast(sum(fd.new_fans) as bigint) as new_fans, cast(sum(fd.new_organic) as bigint) as new_organic,
           cast(sum(fd.new_fan_headline) as bigint) as new_fan_headline,
           cast(sum(fd.new_passerby_to_fan) as bigint) as new_passerby_to_fan,
           cast(sum(fd.new_account_recommend) as bigint) as new_account_recommend,
           cast(sum(fd.lost_fans) as bigint) as lost_fans
    from follow_days fd
    join picked using (influencer_id)
    where fd.day <= $to
      and not ($combine and everyone_whole_days($from, $to, $influencers, $viewer_influencers, $viewer_merchants))
    group by all
    union all
    select null, e.day, e.fans_in, e.fans_out, e.new_fans, e.new_organic, e.new_fan_headline, e.new_passerby_to_fan,
           e.new_account_recommend, e.lost_fans
    from listed_follow_days e
    where e.day <= $to
      and $combine and everyone_whole_days($from, $to, $influencers, $viewer_influencers, $viewer_merchants)
),
fans_at_start as (
    select influencer_id, sum(fans_in - fans_out) as fans from counts where day <= $from group by influencer_id
),
step_days as (
    select influencer_id, day - interval 1 day as day, sum(fans_in - fans_out) as step
    from counts where day > $from group by all
),
new_days as (
    select influencer_id, day, new_fans, new_organic, new_fan_headline, new_passerby_to_fan, new_account_recommend
    from counts where day >= $from and day < $to and new_fans > 0
),
lost_days as (
    select influencer_id, day, lost_fans from counts where day >= $from and day < $to and lost_fans > 0
),
daily as (
    select d.influencer_id, d.day,
           coalesce(n.new_fans, 0) as new_fans,
           coalesce(l.lost_fans, 0) as lost_fans,
           coalesce(n.new_fans, 0) - coalesce(l.lost_fans, 0) as net_fans,
           cast(coalesce(s.fans, 0) + sum(coalesce(sd.step, 0)) over (
               partition by d.influencer_id order by d.day rows unbounded preceding) as bigint) as fans_end,
           coalesce(n.new_organic, 0) as new_organic,
           coalesce(n.new_fan_headline, 0) as new_fan_headline,
           coalesce(n.new_passerby_to_fan, 0) as new_passerby_to_fan,
           coalesce(n.new_account_recommend, 0) as new_account_recommend,
           coalesce(n.new_fans, 0) - coalesce(n.new_organic, 0) - coalesce(n.new_fan_headline, 0)
             - coalesce(n.new_passerby_to_fan, 0) - coalesce(n.new_account_recommend, 0) as new_other
    from days d
    left join fans_at_start s on s.influencer_id is not distinct from d.influencer_id
    left join step_days sd on sd.influencer_id is not distinct from d.influencer_id and sd.day = d.day
    left join new_days n on n.influencer_id is not distinct from d.influencer_id and n.day = d.day
    left join lost_days l on l.influencer_id is not distinct from d.influencer_id and l.day = d.day
)
select * from daily
order by influencer_id, day
