-- overview_daily: the Overview trend, day by day, empty days included.
-- grain: one row per local day in [$from, $to).
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: day, fans_end (fans at the end of the day), new_fans, lost_fans, clicks, orders, gmv, net_gmv
with days as (
    select cast(d as timestamp) as day
    from generate_series($from, $to - interval 1 day, interval 1 day) g(d)
),
-- The follows by day, prepared (follow_days, _prepare.sql): $from and $to are midnights (a period is whole local
-- days), so the fans at a day's end are the fans_in − fans_out of the days up to its boundary. Every influencer for a
-- viewer who may see them all: the same days summed over the influencers (everyone_follow_days).
counts as (
    select fd.day, fd.fans_in, fd.fans_out, fd.new_fans, fd.lost_fans
    from follow_days fd
    where fd.day <= $to
      and not everyone_whole_days($from, $to, $influencers, $viewer_influencers, $viewer_merchants)
      and chosen(fd.influencer_id, $influencers)
      and visible_account(fd.influencer_id, $viewer_influencers, $viewer_merchants)
    union all
    select e.day, e.fans_in, e.fans_out, e.new_fans, e.lost_fans
    from everyone_follow_days e
    where e.day <= $to
      and everyone_whole_days($from, $to, $influencers, $viewer_influencers, $viewer_merchants)
),
fans_at_start as (
    select coalesce(sum(fans_in - fans_out), 0) as fans from counts where day <= $from
),
step_days as (
    select day - interval 1 day as day, sum(fans_in - fans_out) as step
    from counts where day > $from group by 1
),
fan_days as (
    select d.day,
           (select fans from fans_at_start)
             + cast(sum(coalesce(sd.step, 0)) over (order by d.day rows unbounded preceding) as bigint) as fans_end
    from days d
    left join step_days sd on sd.day = d.day
),
new_days as (
    select day, cast(sum(new_fans) as bigint) as new_fans, cast(sum(lost_fans) as bigint) as lost_fans
    from counts where day >= $from and day < $to group by 1
),
-- every influencer for a viewer who may see them all: everyone_clicks_by_day's prepared days, not every click
clicks_by_day as (
    select date_trunc('day', c.clicked_at) as day, count(*) as clicks
    from chosen_clicks($from, $to, $influencers, $viewer_influencers, $viewer_merchants) c
    where not everyone_whole_days($from, $to, $influencers, $viewer_influencers, $viewer_merchants)
    group by 1
    union all
    select d.day, d.clicks
    from everyone_clicks_by_day($from, $to, $influencers, $viewer_influencers, $viewer_merchants) d
),
-- every influencer for a viewer who may see them all, at the screens' window: everyone_orders_by_day's prepared days
order_days as (
    select date_trunc('day', a.ordered_at) as day, count(*) as orders,
           sum(a.amount) as gmv, sum(a.net_amount) as net_gmv
    from chosen_orders($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants) a
    where not everyone_summed_orders($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants)
    group by 1
    union all
    select d.day, d.orders, d.gmv, d.net_gmv
    from everyone_orders_by_day($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants) d
)
select d.day,
       fd.fans_end,
       coalesce(nd.new_fans, 0) as new_fans,
       coalesce(nd.lost_fans, 0) as lost_fans,
       coalesce(cd.clicks, 0) as clicks,
       coalesce(od.orders, 0) as orders,
       cast(coalesce(od.gmv, 0) as decimal(18, 2)) as gmv,
       cast(coalesce(od.net_gmv, 0) as decimal(18, 2)) as net_gmv
from days d
join fan_days fd on fd.day = d.day
left join new_days nd on nd.day = d.day
left join clicks_by_day cd on cd.day = d.day
left join order_days od on od.day = d.day
order by d.day
