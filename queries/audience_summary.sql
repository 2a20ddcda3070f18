-- audience_summary: how big each chosen influencer's audience is, how it moved and how much of it acts.
-- grain: one row per influencer (chosen, or all the viewer may see), influencers without fans included.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: influencer_id, fans_start, fans_end, new_fans, lost_fans, engaged_fans, buying_fans, fan_buyer_rate
-- engaged_fans: fans at the end who clicked the influencer's posts in the period; buying_fans: fans at
-- the end with an order in the period attributed to the influencer's posts.
with picked as (
    select i.influencer_id
    from influencers i
    where chosen(i.influencer_id, $influencers)
      and visible_account(i.influencer_id, $viewer_influencers, $viewer_merchants)
),
follows as (
    select f.influencer_id, f.fan_id, f.followed_at, f.unfollowed_at
    from fans f
    join picked using (influencer_id)
),
fan_figures as (
    select influencer_id,
           count(*) filter (where is_fan_at(followed_at, unfollowed_at, $from)) as fans_start,
           count(*) filter (where is_fan_at(followed_at, unfollowed_at, $to)) as fans_end,
           count(*) filter (where followed_at >= $from and followed_at < $to) as new_fans,
           count(*) filter (where unfollowed_at >= $from and unfollowed_at < $to) as lost_fans
    from follows
    group by influencer_id
),
fans_at_end as (
    select distinct influencer_id, fan_id
    from follows
    where is_fan_at(followed_at, unfollowed_at, $to)
),
clickers as (
    select distinct c.influencer_id, c.user_id
    from chosen_clicks($from, $to, $influencers, $viewer_influencers, $viewer_merchants) c
),
buyers as (
    select distinct a.influencer_id, a.user_id
    from chosen_orders($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants) a
),
acting as (
    select e.influencer_id,
           count(c.user_id) as engaged_fans,
           count(b.user_id) as buying_fans
    from fans_at_end e
    left join clickers c on c.influencer_id = e.influencer_id and c.user_id = e.fan_id
    left join buyers b on b.influencer_id = e.influencer_id and b.user_id = e.fan_id
    group by e.influencer_id
)
select k.influencer_id,
       coalesce(ff.fans_start, 0) as fans_start,
       coalesce(ff.fans_end, 0) as fans_end,
       coalesce(ff.new_fans, 0) as new_fans,
       coalesce(ff.lost_fans, 0) as lost_fans,
       coalesce(a.engaged_fans, 0) as engaged_fans,
       coalesce(a.buying_fans, 0) as buying_fans,
       coalesce(a.buying_fans, 0) / nullif(ff.fans_end, 0) as fan_buyer_rate
from picked k
left join fan_figures ff on ff.influencer_id = k.influencer_id
left join acting a on a.influencer_id = k.influencer_id
order by fans_end desc, k.influencer_id
