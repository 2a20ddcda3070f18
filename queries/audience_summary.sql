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
    from fan_follows f
    join picked using (influencer_id)
),
-- The period's clickers and buyers, one row per influencer × user, counted when they are fans at the end (a semi
-- join: a user followed twice at the end counts once, and no distinct of the fans is needed).
clickers as (
    select c.influencer_id, c.user_id
    from chosen_clickers($from, $to, $influencers, $viewer_influencers, $viewer_merchants) c
),
buyers as (
    select distinct a.influencer_id, a.user_id
    from chosen_orders($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants) a
),
acting_fans as (
    -- one semi join for both: each influencer × user as a clicker and/or a buyer, kept when a fan at the end
    select m.influencer_id,
           count(*) filter (where m.act = 'click') as engaged_fans,
           count(*) filter (where m.act = 'order') as buying_fans
    from (select 'click' as act, influencer_id, user_id from clickers
          union all
          select 'order', influencer_id, user_id from buyers) m
    semi join follows f on f.influencer_id = m.influencer_id and f.fan_id = m.user_id
                       and is_fan_at(f.followed_at, f.unfollowed_at, $to)
    group by m.influencer_id
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
left join period_fans($from, $to, ids := $influencers) ff on ff.influencer_id = k.influencer_id
left join acting_fans a on a.influencer_id = k.influencer_id
order by fans_end desc, k.influencer_id
