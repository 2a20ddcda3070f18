-- _prepare: the fan definition and the tables derived once per connection (advisor/db.py), run before
-- _macros.sql. Not a named query. Each table holds what every window and period share, so no figure
-- depends on when it was made.
-- The tables keyed by influencer are written in influencer order (then time): each row group of the cached files
-- (and of the in-memory tables) then holds one or a few influencers, so a query for some influencers skips the rest
-- by the row groups' min/max (at the large scale 2 of 823 row groups of click_facts for the biggest account). The
-- order costs a sort at the first open of a dataset; no figure depends on it.

-- A user is a fan at moment t when the follow started at or before t and had not ended by t.
create or replace macro is_fan_at(followed_at, unfollowed_at, t) as
    followed_at <= t and (unfollowed_at is null or unfollowed_at > t);

-- The time a user was a fan of an influencer, as disjoint spans: overlapping or touching follows of the same
-- pair are merged, follows that never made a fan (no start, or ending at or before it) are left out. So a user
-- is a fan at t (is_fan_at over any follow) exactly when one span holds t, and a join on the pair and t finds
-- at most one span: an equality join instead of a correlated exists over every follow.
create or replace table fan_spans as
with follows as (
    select influencer_id, fan_id, followed_at, unfollowed_at
    from fans
    where influencer_id is not null and fan_id is not null and followed_at is not null
      and (unfollowed_at is null or unfollowed_at > followed_at)
), opened as (
    -- a follow opens a span when it starts after every earlier follow of the pair has ended
    select *, coalesce(followed_at > max(coalesce(unfollowed_at, 'infinity'::timestamp)) over (
                  partition by influencer_id, fan_id order by followed_at, unfollowed_at
                  rows between unbounded preceding and 1 preceding), true) as opens
    from follows
), numbered as (
    select *, sum(opens::integer) over (
                  partition by influencer_id, fan_id order by followed_at, unfollowed_at rows unbounded preceding) as span
    from opened
)
select influencer_id, fan_id, min(followed_at) as followed_at,
       if(bool_or(unfollowed_at is null), null, max(unfollowed_at)) as unfollowed_at
from numbered
group by influencer_id, fan_id, span
order by influencer_id, fan_id;

-- Every click with the author of its post (null for a post that does not exist), whether the user was a
-- fan of that author at the moment of the click (METRICS.md: a click from a fan), and whether it is the
-- user's first click on the post (one row per post and user, the earliest; ties: any one): the clickers
-- of a post up to any moment are its first clicks before that moment, a count instead of a count(distinct).
create or replace table click_facts as
select c.clicked_at, c.user_id, c.post_id, c.product_id, c.channel, c.campaign_id, p.influencer_id,
       s.fan_id is not null as from_fan,
       c.user_id is not null
           and row_number() over (partition by c.post_id, c.user_id order by c.clicked_at) = 1 as first_click
from clicks c
left join posts p on p.post_id = c.post_id
left join fan_spans s on s.influencer_id = p.influencer_id and s.fan_id = c.user_id
    and is_fan_at(s.followed_at, s.unfollowed_at, c.clicked_at)
order by p.influencer_id, c.clicked_at;

-- The first and last click per author of the clicked post (null for a post that does not exist) and product: the
-- span of the clicks a viewer may see (its influencers', its products') is the span of its rows, ~1 M of them at the
-- large scale instead of every click.
create or replace table click_extremes as
select influencer_id, product_id, min(clicked_at) as first_at, max(clicked_at) as last_at
from click_facts
group by influencer_id, product_id
order by influencer_id, product_id;

-- The latest click of the same user on the same product at or before each order, whatever its lag,
-- with the author of the clicked post (null for a post that does not exist). Ties at one instant go to
-- the higher post_id (then campaign, then channel, so the choice is always the same). Only the clicks of
-- a user and product that were ordered can be such a click, so only those are grouped.
create or replace table order_last_click as
with clicks_one_per_instant as (
    select c.user_id, c.product_id, c.clicked_at,
           arg_max(c.post_id, (c.post_id, coalesce(c.campaign_id, -1), c.channel)) as post_id,
           arg_max(c.channel, (c.post_id, coalesce(c.campaign_id, -1), c.channel)) as channel,
           arg_max(c.campaign_id, (c.post_id, coalesce(c.campaign_id, -1), c.channel)) as campaign_id
    from clicks c
    semi join orders o on o.user_id = c.user_id and o.product_id = c.product_id
    group by c.user_id, c.product_id, c.clicked_at
)
select o.order_id, o.ordered_at, o.user_id, o.product_id, o.quantity, o.amount, o.status, o.refunded_at,
       c.clicked_at, c.post_id, c.channel, c.campaign_id, p.influencer_id,
       -- whether the buyer was a fan of the clicked post's author when ordering
       s.fan_id is not null as from_fan
from orders o
asof left join clicks_one_per_instant c
    on o.user_id = c.user_id and o.product_id = c.product_id and c.clicked_at <= o.ordered_at
left join posts p on p.post_id = c.post_id
left join fan_spans s on s.influencer_id = p.influencer_id and s.fan_id = o.user_id
    and is_fan_at(s.followed_at, s.unfollowed_at, o.ordered_at)
order by p.influencer_id, o.ordered_at;
-- The interest buckets of a profile: each distinct tag once (NULL tags left out), ['unknown'] without any.
create or replace macro interest_tags(interests) as
    case when len(list_filter(coalesce(interests, []), lambda x: x is not null)) = 0 then ['unknown']
         else list_distinct(list_filter(interests, lambda x: x is not null)) end;

-- Every follow once per interest bucket of the follower's profile (interest_tags): the profile by interest
-- counts these rows, so the lists are taken apart once per connection rather than at every query.
-- (An unnest in the select list: the same rows as a lateral join on unnest, three times faster.)
create or replace table fan_interests as
select f.influencer_id, f.followed_at, f.unfollowed_at, unnest(interest_tags(f.interests)) as tag
from fans f
order by f.influencer_id;

-- The clicks on existing posts, each with the time of the same user's previous click on the same influencer's
-- posts (prev_at) and, for a click from a fan, of the user's previous click from a fan on that influencer's posts
-- in the same weekday × hour (prev_hour_at); nulls when there is none. The users who clicked an influencer's
-- posts in any [from, to) are then the clicks in it whose prev_at is null or before from: one row per user (ties at
-- one instant: the window orders them, so exactly one of them follows a click before from), a filter instead of a
-- distinct over every click of the period. Neither depends on a period, a window or a viewer.
create or replace table click_runs as
select c.influencer_id, c.user_id, c.clicked_at, c.from_fan,
       lag(c.clicked_at) over (partition by c.influencer_id, c.user_id order by c.clicked_at) as prev_at,
       case when c.from_fan then
           lag(c.clicked_at) over (partition by c.influencer_id, c.user_id, c.from_fan, isodow(c.clicked_at),
                                                hour(c.clicked_at) order by c.clicked_at)
       end as prev_hour_at
from click_facts c
where c.influencer_id is not null and c.clicked_at is not null
order by c.influencer_id, c.clicked_at;

-- Every click and order with the same user's next one (next_at; null for the user's last): the latest activity
-- of each user before any moment t is the row with active_at < t whose next_at is null or at or after t, one row
-- per user, a filter instead of a max over every click and order.
create or replace table user_activity as
with activity as (
    select user_id, clicked_at as active_at from click_facts where clicked_at is not null
    union all
    select user_id, ordered_at from order_last_click where ordered_at is not null
)
select user_id, active_at, lead(active_at) over (partition by user_id order by active_at) as next_at
from activity;
