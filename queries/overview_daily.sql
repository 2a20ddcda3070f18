-- overview_daily: the Overview trend, day by day, empty days included.
-- grain: one row per local day in [$from, $to).
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: day, fans_end (fans at the end of the day), new_fans, lost_fans, clicks, orders, gmv, net_gmv
with days as (
    select cast(d as timestamp) as day
    from generate_series($from, $to - interval 1 day, interval 1 day) g(d)
),
follows as (
    select f.followed_at, f.unfollowed_at
    from fans f
    where chosen(f.influencer_id, $influencers)
      and visible_account(f.influencer_id, $viewer_influencers, $viewer_merchants)
),
-- Fans at a day's end = follows begun by then minus follows ended by then; each follow moves the
-- count at the first day boundary at or after its time.
fan_steps as (
    select ceil_day(followed_at) as boundary, 1 as step from follows where followed_at <= $to
    union all
    select ceil_day(unfollowed_at), -1 from follows where unfollowed_at <= $to
),
fans_at_start as (
    select coalesce(sum(step), 0) as fans from fan_steps where boundary <= $from
),
step_days as (
    select boundary - interval 1 day as day, sum(step) as step
    from fan_steps where boundary > $from group by 1
),
fan_days as (
    select d.day,
           (select fans from fans_at_start)
             + cast(sum(coalesce(sd.step, 0)) over (order by d.day rows unbounded preceding) as bigint) as fans_end
    from days d
    left join step_days sd on sd.day = d.day
),
new_days as (
    select date_trunc('day', followed_at) as day, count(*) as new_fans
    from follows where followed_at >= $from and followed_at < $to group by 1
),
lost_days as (
    select date_trunc('day', unfollowed_at) as day, count(*) as lost_fans
    from follows where unfollowed_at >= $from and unfollowed_at < $to group by 1
),
click_days as (
    select date_trunc('day', c.clicked_at) as day, count(*) as clicks
    from chosen_clicks($from, $to, $influencers, $viewer_influencers, $viewer_merchants) c
    group by 1
),
order_days as (
    select date_trunc('day', a.ordered_at) as day, count(*) as orders,
           sum(a.amount) as gmv, sum(a.net_amount) as net_gmv
    from chosen_orders($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants) a
    group by 1
)
select d.day,
       fd.fans_end,
       coalesce(nd.new_fans, 0) as new_fans,
       coalesce(ld.lost_fans, 0) as lost_fans,
       coalesce(cd.clicks, 0) as clicks,
       coalesce(od.orders, 0) as orders,
       cast(coalesce(od.gmv, 0) as decimal(18, 2)) as gmv,
       cast(coalesce(od.net_gmv, 0) as decimal(18, 2)) as net_gmv
from days d
join fan_days fd on fd.day = d.day
left join new_days nd on nd.day = d.day
left join lost_days ld on ld.day = d.day
left join click_days cd on cd.day = d.day
left join order_days od on od.day = d.day
order by d.day
