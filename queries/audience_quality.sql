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
-- Minutes and activity are counted up to $to, which may be any instant (a follow at $to counts, an activity at $to
-- does not). How: the chosen influencers' follows are read once (counts); the rest comes from three prepared tables
-- (_prepare.sql), read in part: active_spans (is a user active at $to), busy_minutes (the minutes of
-- two or more follows, for the median) and burst_follows (the follows that can be in a burst, with the follower's
-- first activity since). At the large scale this replaced a group by of every follow's minute (20 M groups) and a
-- scan of every click and order (106 M rows of user_activity): docs/benchmarks.md.
with picked as (
    select i.influencer_id
    from influencers i
    where chosen(i.influencer_id, $influencers)
      and visible_account(i.influencer_id, $viewer_influencers, $viewer_merchants)
),
-- The influencers whose fans at $to may not be final_follow_counts' (_prepare.sql): one follows at $to or later (at
-- $to itself: the boundary minute), or unfollows after $to. At a midnight the others' counts are read from that table
-- and only these influencers' follows are read (none at the exports' last day, the end of every sidebar preset); at
-- another instant every chosen influencer's follows are (the dormant fans need them).
unsettled as (
    select c.influencer_id
    from final_follow_counts c
    where c.last_followed_at >= $to or c.last_unfollowed_at > $to
),
follows as (
    select f.influencer_id, f.fan_id, f.followed_at, f.unfollowed_at, f.gender, f.birth_year, f.province
    from fan_follows f
    join picked using (influencer_id)
    where f.followed_at <= $to
      and (not at_midnight($to) or f.influencer_id in (select influencer_id from unsettled))
),
-- The users with a click or an order in the 90 days before $to, when $to is not a midnight: the one span of each
-- (active_spans, _prepare.sql) that holds $to. With influencers chosen, only their fans (a semi join on their few
-- follows, so the membership test below builds on those fans rather than on the ~10 M active users at the large
-- scale); without, every active user (the same test, and no join of them to 20 M follows). DuckDB plans with the
-- parameters' values: the branch whose guard is false is left out of the plan.
active_users as (
    select s.user_id from active_spans s
    where s.first_at < $to and s.last_at >= $to - interval 90 day
      and len($influencers) = 0 and not at_midnight($to)
    union all
    select s.user_id from active_spans s
    where s.first_at < $to and s.last_at >= $to - interval 90 day
      and len($influencers) > 0 and not at_midnight($to) and s.user_id in (select fan_id from follows)
),
-- At a midnight (every period end of the screens), the dormant fans are sums of dormant_days (_prepare.sql) instead:
-- active_users above reads nothing there (the guards are constants), so the test below finds no one active.
dormant as (
    select d.influencer_id, cast(sum(d.follows) as bigint) as dormant_fans
    from dormant_days d
    join picked using (influencer_id)
    where at_midnight($to)
      and d.first_end <= cast($to as date) and (d.last_end is null or d.last_end >= cast($to as date))
    group by d.influencer_id
),
-- One pass over the follows: the fans at $to with their parts, and the follows before the minute holding $to
-- (settled: their minutes are whole) and in it up to $to (the boundary minute, counted here, never from a table).
counts as (
    select f.influencer_id,
           count(*) filter (where f.followed_at < date_trunc('minute', $to)) as settled_follows,
           count(*) filter (where f.followed_at >= date_trunc('minute', $to)) as boundary_follows,
           count(*) filter (where is_fan_at(f.followed_at, f.unfollowed_at, $to)) as fans_end,
           count(*) filter (where is_fan_at(f.followed_at, f.unfollowed_at, $to)
                              and not coalesce(f.fan_id in (select user_id from active_users), false)) as dormant_fans,
           count(*) filter (where is_fan_at(f.followed_at, f.unfollowed_at, $to)
                              and f.gender is null and f.birth_year is null and f.province is null) as unknown_fans
    from follows f
    group by f.influencer_id
    union all
    -- every follow of such an influencer started before $to; its fans are the follows without an end (dormant_fans
    -- is read from dormant_days at a midnight)
    select c.influencer_id, c.follows, 0, c.fans, 0, c.unknown_fans
    from final_follow_counts c
    join picked using (influencer_id)
    where at_midnight($to)
      and c.influencer_id not in (select influencer_id from unsettled)
),
-- The influencer's minutes with a follow up to $to and their follows: the whole minutes with two or more before the
-- boundary minute (busy_minutes, _prepare.sql), and the boundary minute itself.
minute_counts as (
    select m.influencer_id, m.minute, m.follows
    from busy_minutes m
    join picked using (influencer_id)
    where m.minute < date_trunc('minute', $to)
    union all
    select c.influencer_id, date_trunc('minute', $to), c.boundary_follows
    from counts c
    where c.boundary_follows > 0
),
-- How many minutes hold k follows, per influencer: the minutes above, and the settled minutes with one follow (the
-- settled follows less those in busy minutes).
histogram as (
    select influencer_id, follows, sum(minutes) as minutes
    from (select influencer_id, follows, count(*) as minutes from minute_counts group by all
          union all
          select c.influencer_id, 1, c.settled_follows - coalesce(b.busy_follows, 0)
          from counts c
          left join (select influencer_id, sum(follows) as busy_follows
                     from minute_counts where minute < date_trunc('minute', $to) group by influencer_id) b
              using (influencer_id))
    where minutes > 0
    group by all
),
-- The median follows per minute, as median() would take it over the minutes (the mean of the two middle ones for an
-- even count), from the running count of minutes by follows.
ranked as (
    select influencer_id, follows,
           sum(minutes) over (partition by influencer_id order by follows) as minutes_upto,
           sum(minutes) over (partition by influencer_id) as minutes_all
    from histogram
),
thresholds as (
    select influencer_id, greatest(10, 5 * (low + (high - low) * 0.5)) as burst_threshold
    from (select influencer_id,
                 min(follows) filter (where minutes_upto > (minutes_all - 1) // 2)::double as low,
                 min(follows) filter (where minutes_upto > minutes_all // 2)::double as high
          from ranked group by influencer_id)
),
burst_minutes as (
    select m.influencer_id, m.minute
    from minute_counts m join thresholds t using (influencer_id)
    where m.follows >= t.burst_threshold
),
-- Burst fans: fans at $to followed in a burst minute whose first activity since the follow is not before $to. Every
-- follow in a burst minute is in burst_follows (_prepare.sql: minutes holding 10 or more follows in all).
bursts as (
    select f.influencer_id, count(*) as burst_fans
    from burst_follows f
    join burst_minutes bm on bm.influencer_id = f.influencer_id and bm.minute = date_trunc('minute', f.followed_at)
    where is_fan_at(f.followed_at, f.unfollowed_at, $to)
      and (f.first_active_at is null or f.first_active_at >= $to)
    group by f.influencer_id
),
figures as (
    select c.influencer_id, c.fans_end,
           if(at_midnight($to), coalesce(d.dormant_fans, 0), c.dormant_fans) as dormant_fans,
           coalesce(b.burst_fans, 0) as burst_fans, c.unknown_fans
    from counts c
    left join bursts b on b.influencer_id = c.influencer_id
    left join dormant d on d.influencer_id = c.influencer_id
    where c.fans_end > 0
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
