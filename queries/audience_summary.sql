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
-- The period's buyers, one row per influencer × user, counted when they are fans at the end (a semi join: a user
-- followed twice at the end counts once, and no distinct of the fans is needed) against the fan spans of the pairs
-- with an order (buyer_spans, _prepare.sql: one holds $to exactly when a follow of the pair does); its clickers so
-- counted are engaged_fans (_macros.sql). At the summed window without a merchant scope (orders_suffice) each pair's
-- first order of the period with the span holding $to, from buyer_order_spans (_prepare.sql): a filter, no distinct
-- and no join; over whole days that end when the fans are settled (fans_settled_by: every sidebar preset's end) the
-- sums of settled_fan_days from $from on. The other guards are constants, whose ruled-out branches are not planned;
-- fans_settled_by is a subquery of one row, and the branch it rules out reads nothing.
buyers as (
    select distinct a.influencer_id, a.user_id
    from chosen_orders($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants) a
    where not orders_suffice($window, $viewer_merchants)
),
buying_fans as (
    select o.influencer_id, cast(sum(o.buyers) as bigint) as buying_fans
    from settled_fan_days o
    where orders_suffice($window, $viewer_merchants) and whole_days($from, $to) and fans_settled_by($to)
      and o.day >= $from
      and chosen(o.influencer_id, $influencers)
      and visible_influencer(o.influencer_id, $viewer_influencers)
    group by o.influencer_id
    having sum(o.buyers) > 0
    union all
    select o.influencer_id, count(*) as buying_fans
    from buyer_order_spans o
    where orders_suffice($window, $viewer_merchants)
      and not (whole_days($from, $to) and fans_settled_by($to))
      and o.ordered_at >= $from and o.ordered_at < $to
      and (o.prev_at is null or o.prev_at < $from)
      and is_fan_at(o.followed_at, o.unfollowed_at, $to)
      and chosen(o.influencer_id, $influencers)
      and visible_influencer(o.influencer_id, $viewer_influencers)
    group by o.influencer_id
    union all
    select b.influencer_id, count(*) as buying_fans
    from buyers b
    semi join buyer_spans f on f.influencer_id = b.influencer_id and f.fan_id = b.user_id
                           and is_fan_at(f.followed_at, f.unfollowed_at, $to)
    group by b.influencer_id
)
select k.influencer_id,
       coalesce(ff.fans_start, 0) as fans_start,
       coalesce(ff.fans_end, 0) as fans_end,
       coalesce(ff.new_fans, 0) as new_fans,
       coalesce(ff.lost_fans, 0) as lost_fans,
       coalesce(e.engaged_fans, 0) as engaged_fans,
       coalesce(b.buying_fans, 0) as buying_fans,
       coalesce(b.buying_fans, 0) / nullif(ff.fans_end, 0) as fan_buyer_rate
from picked k
left join period_fans($from, $to, ids := $influencers) ff on ff.influencer_id = k.influencer_id
left join engaged_fans($from, $to, $influencers, $viewer_influencers, $viewer_merchants) e
       on e.influencer_id = k.influencer_id
left join buying_fans b on b.influencer_id = k.influencer_id
order by fans_end desc, k.influencer_id
