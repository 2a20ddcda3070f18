-- audience_quality: 粉丝质量 — how much of each chosen influencer's audience at the period end is real and alive.
-- grain: one row per influencer (chosen, or all the viewer may see).
-- params: $to TIMESTAMP (period end, exclusive), $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: influencer_id, fans_end, dormant_fans, dormant_share, burst_fans, burst_share, unknown_fans,
--          unknown_share, burst_minutes, burst_threshold, quality_score
-- dormant: a fan with no click and no order anywhere in the 90 days before the period end.
-- burst: a follow made in a minute with at least burst_threshold follows of the influencer, where
--   burst_threshold = max(10, 5 × the influencer's median follows per minute over minutes with any follow),
--   by a user with no click and no order at all since the follow.
-- unknown: a fan whose gender, birth year and province are all unknown.
-- quality_score = 100 − 40 × dormant_share − 40 × burst_share − 20 × unknown_share (0-100, null without fans).
with picked as (
    select i.influencer_id
    from influencers i
    where chosen(i.influencer_id, $influencers)
      and visible_account(i.influencer_id, $viewer_influencers, $viewer_merchants)
),
follows as (
    select f.influencer_id, f.fan_id, f.followed_at, f.unfollowed_at, f.gender, f.birth_year, f.province
    from fans f
    join picked using (influencer_id)
    where f.followed_at <= $to
),
follow_minutes as (
    select influencer_id, date_trunc('minute', followed_at) as minute, count(*) as follows
    from follows group by all
),
thresholds as (
    select influencer_id, greatest(10, 5 * median(follows)) as burst_threshold
    from follow_minutes group by influencer_id
),
burst_minutes as (
    select m.influencer_id, m.minute
    from follow_minutes m join thresholds t using (influencer_id)
    where m.follows >= t.burst_threshold
),
-- Each user's latest click or order before the period end: of the clicks and orders prepared per connection with
-- the user's next one (user_activity, _prepare.sql), the one before $to whose next is not, one row per user.
last_activity as (
    select a.user_id, a.active_at as last_at
    from user_activity a
    where a.active_at < $to and (a.next_at is null or a.next_at >= $to)
),
-- Dormant: a fan whose user has no activity in the 90 days before $to (a membership test, not a join of every fan to
-- its latest activity); burst: the few fans followed in a burst minute, joined to their latest activity.
active_users as (
    select user_id from last_activity where last_at >= $to - interval 90 day
),
audience as (
    select f.influencer_id,
           not coalesce(f.fan_id in (select user_id from active_users), false) as dormant,
           f.gender is null and f.birth_year is null and f.province is null as unknown_profile
    from follows f
    where is_fan_at(f.followed_at, f.unfollowed_at, $to)
),
bursts as (
    select f.influencer_id, count(*) as burst_fans
    from follows f
    join burst_minutes bm on bm.influencer_id = f.influencer_id and bm.minute = date_trunc('minute', f.followed_at)
    left join last_activity la on la.user_id = f.fan_id
    where is_fan_at(f.followed_at, f.unfollowed_at, $to)
      and (la.last_at is null or la.last_at < f.followed_at)
    group by f.influencer_id
),
figures as (
    select a.influencer_id, a.fans_end, a.dormant_fans, coalesce(b.burst_fans, 0) as burst_fans, a.unknown_fans
    from (select influencer_id,
                 count(*) as fans_end,
                 count(*) filter (where dormant) as dormant_fans,
                 count(*) filter (where unknown_profile) as unknown_fans
          from audience group by influencer_id) a
    left join bursts b on b.influencer_id = a.influencer_id
)
select k.influencer_id,
       coalesce(g.fans_end, 0) as fans_end,
       coalesce(g.dormant_fans, 0) as dormant_fans,
       g.dormant_fans / nullif(g.fans_end, 0) as dormant_share,
       coalesce(g.burst_fans, 0) as burst_fans,
       g.burst_fans / nullif(g.fans_end, 0) as burst_share,
       coalesce(g.unknown_fans, 0) as unknown_fans,
       g.unknown_fans / nullif(g.fans_end, 0) as unknown_share,
       (select count(*) from burst_minutes b where b.influencer_id = k.influencer_id) as burst_minutes,
       t.burst_threshold,
       100 - 40 * g.dormant_fans / nullif(g.fans_end, 0) - 40 * g.burst_fans / nullif(g.fans_end, 0)
           - 20 * g.unknown_fans / nullif(g.fans_end, 0) as quality_score
from picked k
left join figures g on g.influencer_id = k.influencer_id
left join thresholds t on t.influencer_id = k.influencer_id
order by k.influencer_id
