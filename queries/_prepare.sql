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

-- The first day boundary at or after x: a follow at x counts as a fan from that boundary on.
create or replace macro ceil_day(x) as
    case when x = date_trunc('day', x) then x else date_trunc('day', x) + interval 1 day end;

-- What an order brings net of refunds (METRICS.md: net GMV): nothing when it was refunded, else its amount.
create or replace macro net_of(status, amount) as
    case when status = 'refunded' then 0 else amount end;

-- Every post of the export (the posts view, less the _file of each row), in influencer order, then by posting time:
-- every named query and every table below reads this copy. The export's file holds each influencer's posts in every
-- row group at the large scale (1.6 M posts), so one account's posts were a read of every post's columns, titles
-- included (~0.1–0.6 s a query); here they are one row group, in memory up to db.MATERIALISE_ROWS.
create or replace table influencer_posts as
select * exclude (_file)
from posts
order by influencer_id, posted_at;

-- Every follow of the export (the fans view, less the _file of each row), in influencer order, then by follow time:
-- every named query reads this copy. The export's own files may hold an influencer's follows in every row group (they
-- do at the large scale: each of its 21 row groups spans nearly all 10,000 influencers), so one account's follows were
-- a scan of all 21 M rows; here they are a row group or two (~0.1 s less per query at the large scale,
-- docs/benchmarks.md). The tables below that read every follow once (fan_spans, order_last_click's fan test,
-- follow_days) read the fans view instead, so that the Overview, which needs them, does not wait for this copy (15 s
-- to sort and write at the large scale). The integrity rules read the fans view, whose rows name their file.
create or replace table fan_follows as
select * exclude (_file)
from fans
order by influencer_id, followed_at;

-- The time a user was a fan of an influencer, as disjoint spans: overlapping or touching follows of the same
-- pair are merged, follows that never made a fan (no start, or ending at or before it) are left out. So a user
-- is a fan at t (is_fan_at over any follow) exactly when one span holds t, and a join on the pair and t finds
-- at most one span: an equality join instead of a correlated exists over every follow. A pair's only follow is its
-- span; the windows that merge follows sort the pairs with two or more only (none at the large scale, where this
-- takes 5-7 s instead of 8-10 s). Read from the export (the fans view), not from fan_follows, which the clicks' fan
-- test does not need (the follows in influencer order take 15 s to sort and write at that scale).
create or replace table fan_spans as
with follows as (
    select influencer_id, fan_id, followed_at, unfollowed_at
    from fans
    where influencer_id is not null and fan_id is not null and followed_at is not null
      and (unfollowed_at is null or unfollowed_at > followed_at)
), pairs as (
    -- with one follow, min() is that follow's own start and end (a null end stays null)
    select influencer_id, fan_id, count(*) as follows, min(followed_at) as followed_at,
           min(unfollowed_at) as unfollowed_at
    from follows
    group by influencer_id, fan_id
), repeated as (
    select f.*
    from follows f
    semi join pairs p on p.influencer_id = f.influencer_id and p.fan_id = f.fan_id and p.follows > 1
), opened as (
    -- a follow opens a span when it starts after every earlier follow of the pair has ended
    select *, coalesce(followed_at > max(coalesce(unfollowed_at, 'infinity'::timestamp)) over (
                  partition by influencer_id, fan_id order by followed_at, unfollowed_at
                  rows between unbounded preceding and 1 preceding), true) as opens
    from repeated
), numbered as (
    select *, sum(opens::integer) over (
                  partition by influencer_id, fan_id order by followed_at, unfollowed_at rows unbounded preceding) as span
    from opened
)
select influencer_id, fan_id, followed_at, unfollowed_at
from pairs
where follows = 1
union all
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
left join influencer_posts p on p.post_id = c.post_id
left join fan_spans s on s.influencer_id = p.influencer_id and s.fan_id = c.user_id
    and is_fan_at(s.followed_at, s.unfollowed_at, c.clicked_at)
order by p.influencer_id, c.clicked_at;

-- The first and last click per author of the clicked post (null for a post that does not exist) and product: the
-- span of the clicks a viewer may see (its influencers', its products') is the span of its rows, ~1 M of them at the
-- large scale instead of every click. From the clicks' span per post and product (2.1 M pairs there), so that only
-- those meet the posts: 4.3-4.6 s at that scale, where joining every click to its post took 6.7-7.2 s.
create or replace table click_extremes as
with per_post as (
    select post_id, product_id, min(clicked_at) as first_at, max(clicked_at) as last_at
    from clicks
    group by post_id, product_id
)
select p.influencer_id, c.product_id, min(c.first_at) as first_at, max(c.last_at) as last_at
from per_post c
left join influencer_posts p on p.post_id = c.post_id
group by p.influencer_id, c.product_id
order by p.influencer_id, c.product_id;

-- Every click on an existing post counted by local day (day) and by the local day of the same user's previous such
-- click, on any influencer's post (prev_day; null for the user's first, and for the clicks without a user, has_user
-- false). The users who clicked in a period of whole days [from, to) are then the clicks of its days whose prev_day is
-- null or before from (one per user, as click_runs per influencer), so the view of every influencer sums ~17 k rows
-- at the large scale instead of a count(distinct) over 101 M clicks (4.2 s). Built with one narrow window over the
-- clicks, by the user and the day as a DATE, a narrower sort key than the instant (the same order of days, and a day's
-- clicks after the first have their own day as prev_day whichever comes first): 12.3-12.7 s at the large scale against
-- 14.3-15.2 s by the instant.
create or replace table daily_clicks as
with days as (
    select cast(c.clicked_at as date) as day, c.user_id
    from clicks c
    join influencer_posts p on p.post_id = c.post_id
    where p.influencer_id is not null and c.clicked_at is not null
), runs as (
    select day, user_id, lag(day) over (partition by user_id order by day) as prev_day
    from days
)
select cast(day as timestamp) as day, case when user_id is not null then cast(prev_day as timestamp) end as prev_day,
       user_id is not null as has_user,
       count(*) as clicks
from runs
group by all
order by day, prev_day, has_user;

-- The clicks by post, local day, channel and fan status (from_fan): how many, and how many are the user's first click
-- on the post (first_click). The post figures of a view without a merchant scope sum these rows over the days before
-- the period end (click_days_suffice, _macros.sql): 9.2 M rows at the large scale instead of 101 M clicks. A merchant
-- sees only its products' clicks, which these rows do not tell apart: its figures read the clicks. In influencer
-- order, as the clicks.
create or replace table post_click_days as
select influencer_id, post_id, date_trunc('day', clicked_at) as day, channel, from_fan,
       count(*) as clicks, count(*) filter (where first_click) as first_clicks
from click_facts
where clicked_at is not null
group by all
order by influencer_id, post_id, day;

-- post_click_days summed over the days, by post, channel and fan status, with the post's last day of clicks (last_day,
-- the same on each of its rows): the post events up to a period end after a post's last day are its rows here (2.5 M
-- at the large scale instead of 9.2 M by day), and its post figures their sums (post_sums). Only the posts clicked on
-- the period end's day or later read their days (post_figures, post_events, _macros.sql); every sidebar preset ends at
-- the exports' last day, where none is.
create or replace table post_click_totals as
select influencer_id, post_id, channel, from_fan,
       cast(sum(clicks) as bigint) as clicks, cast(sum(first_clicks) as bigint) as first_clicks,
       max(max(day)) over (partition by post_id) as last_day
from post_click_days
group by influencer_id, post_id, channel, from_fan
order by influencer_id, post_id;

-- The clicks on existing posts by merchant (a product row's merchant_id, none for a product without one), author and
-- local day, with the pair's previous day of clicks (prev_day; null for its first). merchant_list's clicks of a period
-- of whole days [from, to) are sums of these rows, and the influencers that clicked a merchant's products in it are
-- its rows of the period whose prev_day is null or before from, one per influencer: a filter instead of a distinct
-- (7.5 M rows at the large scale instead of 101 M clicks). A product id exported twice counts once per row, as a join
-- to the products does. In merchant order, then by day.
create or replace table merchant_click_days as
with product_days as (
    select influencer_id, product_id, date_trunc('day', clicked_at) as day, count(*) as clicks
    from click_facts
    where influencer_id is not null and clicked_at is not null
    group by all
), merchant_days as (
    select p.merchant_id, d.influencer_id, d.day, cast(sum(d.clicks) as bigint) as clicks
    from product_days d
    join products p on p.product_id = d.product_id
    where p.merchant_id is not null
    group by all
)
select merchant_id, influencer_id, day, clicks,
       lag(day) over (partition by merchant_id, influencer_id order by day) as prev_day
from merchant_days
order by merchant_id, day;

-- The users who clicked a merchant's products (as merchant_click_days) on an author's posts, by their local day of
-- clicks there and the user's previous such day (prev_day; null for the first): a user's first day of a period of
-- whole days [from, to) is its row with from <= day < to and prev_day null or before from, so the clickers of the
-- merchant's products per influencer (influencer_compare) are sums of these rows instead of a count(distinct) over
-- every click of the products (4.1 M for the top merchant at the large scale, ~0.8 s a call). 11.5 M rows there
-- for 99.8 M days with a click of a user (nearly one per click, so no distinct first: the window runs over the
-- clicks, and a user's later clicks of a day, whose prev_day is that day, are left out): 26-30 s. A product id
-- exported twice adds a click of the same day, left out as well. In merchant order, then by day.
create or replace table merchant_clicker_days as
with runs as (
    select p.merchant_id, c.influencer_id, cast(c.clicked_at as date) as day,
           lag(cast(c.clicked_at as date)) over (partition by p.merchant_id, c.influencer_id, c.user_id
                                                 order by cast(c.clicked_at as date)) as prev_day
    from click_facts c
    join products p on p.product_id = c.product_id
    where c.influencer_id is not null and c.clicked_at is not null and p.merchant_id is not null
)
select merchant_id, influencer_id, cast(day as timestamp) as day, cast(prev_day as timestamp) as prev_day,
       count(*) as clickers
from runs
where prev_day is null or prev_day < day
group by all
order by merchant_id, day;

-- The paid clicks (the clicks carrying a campaign's id, as click_facts holds them: a click of a post exported twice
-- twice) by campaign and local day: a campaign's paid clicks up to a period end at midnight, without a merchant scope,
-- are sums of these rows (campaign_paid_clicks, _macros.sql) rather than a scan of every click's campaign column.
create or replace table campaign_click_days as
select campaign_id, date_trunc('day', clicked_at) as day, count(*) as clicks
from click_facts
where campaign_id is not null and clicked_at is not null
group by all
order by campaign_id, day;

-- The latest click of the same user on the same product at or before each order, whatever its lag, with the author of
-- the clicked post (null for a post that does not exist). Ties at one instant go to the higher post_id, then campaign
-- (none counting as -1), then channel, a null post or channel losing, so the choice is always the same and every column
-- is of the chosen click. Only the clicks of a user and product that were ordered can be such a click, so only those
-- are read (6.4 M of 101 M at the large scale), and only the instants with two or more of them are grouped: the
-- instant's greatest click as a struct compared field by field. The ASOF join takes any one click of an instant; at
-- those instants the greatest replaces it. (Grouping every instant took 5.4 s of CPU at the large scale: the table
-- 14.8-15.9 s against 13.8-14.5 s now; an arg_max per column took twice as long and could take each column from
-- another click when a post or channel was null.)
create or replace table order_last_click as
with ordered_clicks as materialized (
    select c.user_id, c.product_id, c.clicked_at, c.post_id, c.channel, c.campaign_id
    from clicks c
    semi join orders o on o.user_id = c.user_id and o.product_id = c.product_id
), tied as (
    select c.user_id, c.product_id, c.clicked_at,
           max({'has_post': c.post_id is not null, 'post_id': c.post_id, 'campaign': coalesce(c.campaign_id, -1),
                'has_channel': c.channel is not null, 'channel': c.channel, 'campaign_id': c.campaign_id}) as chosen
    from ordered_clicks c
    semi join (select user_id, product_id, clicked_at from ordered_clicks group by all having count(*) > 1) t
        on t.user_id = c.user_id and t.product_id = c.product_id and t.clicked_at = c.clicked_at
    group by c.user_id, c.product_id, c.clicked_at
), last_click as (
    select o.*, c.clicked_at,
           if(t.user_id is null, c.post_id, t.chosen.post_id) as post_id,
           if(t.user_id is null, c.channel, t.chosen.channel) as channel,
           if(t.user_id is null, c.campaign_id, t.chosen.campaign_id) as campaign_id
    from orders o
    asof left join ordered_clicks c
        on o.user_id = c.user_id and o.product_id = c.product_id and c.clicked_at <= o.ordered_at
    left join tied t on t.user_id = c.user_id and t.product_id = c.product_id and t.clicked_at = c.clicked_at
)
select o.order_id, o.ordered_at, o.user_id, o.product_id, o.quantity, o.amount, o.status, o.refunded_at,
       o.clicked_at, o.post_id, o.channel, o.campaign_id, p.influencer_id,
       -- whether the buyer was a fan of the clicked post's author when ordering: any follow of the pair holding that
       -- moment (from the export, not fan_spans: the Overview needs this table first, and the spans took 7 s to build
       -- at the large scale, where this test costs 2 s more than a join to them)
       exists (select 1 from fans f
               where f.influencer_id = p.influencer_id and f.fan_id = o.user_id
                 and is_fan_at(f.followed_at, f.unfollowed_at, o.ordered_at)) as from_fan
from last_click o
left join influencer_posts p on p.post_id = o.post_id
order by p.influencer_id, o.ordered_at;

-- The orders whose latest click (order_last_click) is on an existing post, with its lag (ordered_at − clicked_at; the
-- order is attributed to the post when the lag fits the window) and, for the post's distinct buyers, the least lag of
-- the same user's earlier orders of the post (earlier_lag; null for the first): an order is its user's first attributed
-- order of the post exactly when the window holds its lag but not earlier_lag. The buyers of a post up to any moment
-- are then such orders before it, one per user whatever the window: a count instead of a count(distinct) (post
-- figures without a merchant scope, post_figures). Ties at one instant: any one first, as either is before the same
-- moments. Lags in microseconds (BIGINT): Parquet keeps an INTERVAL to the millisecond only. In influencer and post
-- order, as the posts.
create or replace table post_orders as
select influencer_id, post_id, ordered_at, user_id, amount, status = 'refunded' as refunded,
       net_of(status, amount) as net_amount,
       epoch_us(ordered_at) - epoch_us(clicked_at) as lag_us,
       min(epoch_us(ordered_at) - epoch_us(clicked_at)) over (
           partition by post_id, user_id order by ordered_at, order_id
           rows between unbounded preceding and 1 preceding) as earlier_lag_us
from order_last_click
where influencer_id is not null
order by influencer_id, post_id, ordered_at;

-- The attribution window every screen opens with (METRICS.md: 7 days; metrics.DEFAULT_WINDOW, a test holds them
-- equal). The post figures at that window up to a period end after a post's last order are sums of the two tables
-- below (post_figures, post_events, _macros.sql) rather than of every attributed order; at another window they are
-- counted from the orders.
create or replace macro summed_window() as interval 7 day;

-- The orders attributed within summed_window() (their latest click, order_last_click, on an existing post's author
-- and at most that long before) counted by local day and by the local day of the same user's previous such order
-- (prev_day; null for the user's first, and for the orders without a user, has_user false), with their amounts and
-- refunds. As daily_clicks the clicks: the buyers of a period of whole days [from, to) are its rows' orders whose
-- prev_day is null or before from (one per user), so the Overview of every influencer at the screens' window sums
-- ~17 k rows at the large scale instead of a count(distinct) over 4.5 M attributed orders (~0.35 s a query).
create or replace table daily_orders as
with days as (
    select cast(lc.ordered_at as date) as day, lc.user_id, lc.amount, net_of(lc.status, lc.amount) as net_amount,
           lc.status = 'refunded' as refunded
    from order_last_click lc
    where lc.influencer_id is not null and lc.ordered_at - lc.clicked_at <= summed_window()
), runs as (
    select *, lag(day) over (partition by user_id order by day) as prev_day
    from days
)
select cast(day as timestamp) as day, case when user_id is not null then cast(prev_day as timestamp) end as prev_day,
       user_id is not null as has_user,
       count(*) as orders, cast(sum(amount) as decimal(18, 2)) as gmv,
       cast(sum(net_amount) as decimal(18, 2)) as net_gmv, count(*) filter (where refunded) as refunded_orders
from runs
group by all
order by day, prev_day, has_user;

-- An order's delay after its click in whole hours rounded up: the delay bands' bounds are whole hours, so a delay is
-- above a bound (or at most a bound) exactly when its hours are (purchase_delay).
create or replace macro delay_hours(ordered_at, clicked_at) as
    ceil(epoch(ordered_at - clicked_at) / 3600);

-- The orders attributed within 30 days (the longest window) to an author's posts (order_last_click), by local day and
-- by their delay_hours: every influencer's delays over whole days are sums of these rows (43 k at the large scale
-- instead of 5 M orders).
create or replace table everyone_order_lags as
select date_trunc('day', ordered_at) as day, delay_hours(ordered_at, clicked_at) as hours, count(*) as orders
from order_last_click
where influencer_id is not null and ordered_at - clicked_at <= interval 30 day
group by all
order by day, hours;

-- The figures of each post id summed over the whole exports: its clicks, first clicks (one per clicker) and clicks from
-- fans, with its last day of clicks (last_day; from post_click_totals), and the orders attributed within
-- summed_window() (post_orders): how many, how many are their user's first attributed order of the post (buyers, as
-- post_figures counts them), the amounts, the refunded ones, with its last such order (last_at). The post figures up
-- to a period end (post_figures, _macros.sql) are a post's click sums as they are when it was last clicked before the
-- period end, and at the summed window its order sums when it was last ordered before then: 1.3 M rows at the large
-- scale, met by the posts in one join, instead of 2.5 M rows of clicks and 4.5 M orders summed at every query. One row
-- per post id (its author's id the least, were a post id exported twice).
create or replace table post_sums as
with clicked as (
    select min(influencer_id) as influencer_id, post_id, cast(sum(clicks) as bigint) as clicks,
           cast(sum(first_clicks) as bigint) as first_clicks,
           cast(coalesce(sum(clicks) filter (where from_fan), 0) as bigint) as fan_clicks, max(last_day) as last_day
    from post_click_totals
    group by post_id
), ordered as (
    select min(influencer_id) as influencer_id, post_id, count(*) as orders,
           count(*) filter (where earlier_lag_us is null or to_microseconds(earlier_lag_us) > summed_window())
               as buyers,
           cast(sum(amount) as decimal(18, 2)) as gmv, cast(sum(net_amount) as decimal(18, 2)) as net_gmv,
           count(*) filter (where refunded) as refunded_orders, max(ordered_at) as last_at
    from post_orders
    where to_microseconds(lag_us) <= summed_window()
    group by post_id
)
select coalesce(c.influencer_id, o.influencer_id) as influencer_id, coalesce(c.post_id, o.post_id) as post_id,
       c.clicks, c.first_clicks, c.fan_clicks, c.last_day,
       o.orders, o.buyers, o.gmv, o.net_gmv, o.refunded_orders, o.last_at
from clicked c
full join ordered o on o.post_id = c.post_id
order by influencer_id, post_id;

-- Every row of influencer_posts with what the screens show of it (its category, or its influencer's; interactions)
-- and its post_sums row (summed_influencer_id, the sums' author, and the sums; all null for a post never clicked or
-- ordered): the post figures (picked_posts, post_figures, _macros.sql) are a scan of these rows rather than a join of
-- the posts (1.6 M at the large scale) to the influencers and to the sums (1.3 M), which took 0.15-0.25 s at every
-- query of the Posts screen's ranking. Each post row once per row of its influencer in the influencers export (one,
-- but for an id exported twice), as that join gives. In influencer order, then by posting time, as the posts.
create or replace table post_cards as
select p.post_id, p.influencer_id, p.posted_at, p.content_type, p.title, coalesce(p.category, i.category) as category,
       p.impressions, p.reads, p.reposts + p.comments + p.likes as interactions,
       s.influencer_id as summed_influencer_id, s.clicks, s.first_clicks, s.fan_clicks, s.last_day, s.orders,
       s.buyers, s.gmv, s.net_gmv, s.refunded_orders, s.last_at
from influencer_posts p
left join influencers i on i.influencer_id = p.influencer_id
left join post_sums s on s.post_id = p.post_id
order by p.influencer_id, p.posted_at;

-- The posts of each author (a post row's influencer_id, as post_cards has it) by local calendar month of posting, at
-- summed_window(): their impressions and reads, and each post's clicks (post_click_days) and attributed orders
-- (post_orders) before its month's end, once per row of the post (a post id exported twice has two), as the cohort
-- trend counts them for a month (benchmark_monthly_figures, _macros.sql). Its whole months at that window are these
-- rows: ~60 k at the large scale instead of a category's posts joined to 9.2 M clicks by day and 4.5 M orders at every
-- query. In influencer order, then by month.
create or replace table post_months as
with posts as (
    select influencer_id, post_id, cast(date_trunc('month', posted_at) as date) as month, impressions, reads
    from post_cards
    where posted_at is not null
), ends as (
    select distinct post_id, month from posts
), clicks as (
    select e.post_id, e.month, sum(d.clicks) as clicks
    from ends e
    join post_click_days d on d.post_id = e.post_id and d.day < e.month + interval 1 month
    group by e.post_id, e.month
), orders as (
    select e.post_id, e.month, count(*) as orders, sum(o.amount) as gmv
    from ends e
    join post_orders o on o.post_id = e.post_id and o.ordered_at < e.month + interval 1 month
    where to_microseconds(o.lag_us) <= summed_window()
    group by e.post_id, e.month
)
select p.influencer_id, p.month, cast(sum(p.impressions) as bigint) as impressions,
       cast(sum(p.reads) as bigint) as reads, cast(sum(coalesce(c.clicks, 0)) as bigint) as clicks,
       cast(sum(coalesce(o.orders, 0)) as bigint) as orders, sum(cast(coalesce(o.gmv, 0) as decimal(18, 2))) as gmv
from posts p
left join clicks c on c.post_id = p.post_id and c.month = p.month
left join orders o on o.post_id = p.post_id and o.month = p.month
group by p.influencer_id, p.month
order by p.influencer_id, p.month;

-- The orders attributed within summed_window() by post, channel and fan status (as post_click_totals the clicks; from
-- order_last_click, which holds the channel and whether the buyer was a fan): how many and their amounts, with the
-- post's last such order (last_at, the same on each of its rows). The post events at summed_window() (post_events,
-- _macros.sql) are these rows for the posts last ordered before the period end: 1.3 M rows at the large scale instead
-- of 4.5 M orders. In influencer order, as the posts.
create or replace table post_order_totals as
select influencer_id, post_id, channel, from_fan, count(*) as orders, cast(sum(amount) as decimal(18, 2)) as gmv,
       cast(sum(net_of(status, amount)) as decimal(18, 2)) as net_gmv,
       max(max(ordered_at)) over (partition by post_id) as last_at
from order_last_click
where post_id is not null and ordered_at - clicked_at <= summed_window()
group by influencer_id, post_id, channel, from_fan
order by influencer_id, post_id;

-- The rows of post_click_totals and post_order_totals with their posts' columns (post_events, _macros.sql): each row
-- once per row of its post in influencer_posts (a post id exported twice has two), with the post row's influencer_id,
-- posted_at and content_type, and the row's own author (event_influencer_id, which the chosen influencers filter as
-- they filter the totals). A click row has clicks and no orders, an order row the reverse; last_at is the start of a
-- click row's last_day, an order row's last_at. The post events at the summed window up to a period end after the
-- posts' last clicks and orders are a scan of these rows rather than a join of the totals (3.8 M rows at the large
-- scale) to the posts (1.6 M), which took ~0.2 s at every query of the Posts and Benchmarks screens. In influencer
-- order, then by posting time, as the posts.
create or replace table post_event_totals as
select k.influencer_id, k.posted_at, k.content_type, t.influencer_id as event_influencer_id, t.channel, t.from_fan,
       t.clicks, cast(0 as bigint) as orders, cast(null as decimal(18, 2)) as gmv,
       cast(null as decimal(18, 2)) as net_gmv, cast(t.last_day as timestamp) as last_at
from post_click_totals t
join influencer_posts k on k.post_id = t.post_id
union all
select k.influencer_id, k.posted_at, k.content_type, t.influencer_id, t.channel, t.from_fan,
       cast(0 as bigint), t.orders, t.gmv, t.net_gmv, t.last_at
from post_order_totals t
join influencer_posts k on k.post_id = t.post_id
order by influencer_id, posted_at;

-- Every influencer's posts as one, by local day of posting and content type: the post rows (post_cards, as
-- picked_posts reads them), their impressions and reads; and their events (post_event_totals) by the same, channel and
-- fan status, with the last of them (last_at). The post summaries of every influencer over whole days
-- (content_type_summary; posts_channel_split through post_event_sums, _macros.sql) are sums of these rows, the
-- events' once the period end is after every event's last_at (post_events_settled): a few thousand rows at the large
-- scale instead of 1.6 M posts and 3.8 M totals.
create or replace table everyone_post_days as
select date_trunc('day', posted_at) as day, content_type, count(*) as posts,
       cast(sum(impressions) as bigint) as impressions, cast(sum(reads) as bigint) as reads
from post_cards
where posted_at is not null
group by all
order by day, content_type;

create or replace table everyone_event_days as
select date_trunc('day', posted_at) as day, content_type, channel, from_fan, cast(sum(clicks) as bigint) as clicks,
       cast(sum(orders) as bigint) as orders, cast(sum(gmv) as decimal(18, 2)) as gmv,
       cast(sum(net_gmv) as decimal(18, 2)) as net_gmv, max(last_at) as last_at
from post_event_totals
where posted_at is not null and last_at is not null
group by all
order by day, content_type, channel, from_fan;

-- Each author's posts (a post row's influencer_id) by local day of posting: as everyone_post_days, the post rows'
-- impressions and reads (post_cards), and their events' clicks, attributed orders and amounts (post_event_totals). The
-- post sums of the category benchmarks over whole days once every event is before the period end
-- (benchmark_figures, post_events_settled, _macros.sql) are these rows summed by influencer: ~1 M rows at the large
-- scale instead of 1.6 M posts and 3.8 M totals, of which a period reads its days' row groups. In day order.
create or replace table influencer_post_days as
with posts as (
    select influencer_id, date_trunc('day', posted_at) as day, cast(sum(impressions) as bigint) as impressions,
           cast(sum(reads) as bigint) as reads
    from post_cards
    where posted_at is not null
    group by all
), events as (
    select influencer_id, date_trunc('day', posted_at) as day, cast(sum(clicks) as bigint) as clicks,
           cast(sum(orders) as bigint) as orders, cast(sum(gmv) as decimal(18, 2)) as gmv
    from post_event_totals
    where posted_at is not null and last_at is not null
    group by all
)
select coalesce(p.day, e.day) as day, coalesce(p.influencer_id, e.influencer_id) as influencer_id, p.impressions,
       p.reads, e.clicks, e.orders, e.gmv
from posts p
full join events e on e.influencer_id is not distinct from p.influencer_id and e.day = p.day
order by day, influencer_id;

-- The orders attributed within summed_window() to a campaign's paid clicks (order_last_click: the latest click before
-- the order carries the campaign's id), by campaign: how many, their amounts, the CPS commission (each order's net
-- amount × its product's commission_rate to 8 decimals, an exact sum; nothing for a product missing from products), and
-- the last of them (last_at). A campaign's orders up to a period end after its last one are its row here
-- (campaign_orders, _macros.sql): 10 k rows at the large scale instead of 5.5 M orders read at every query.
create or replace table campaign_order_sums as
select o.campaign_id, count(*) as orders, cast(sum(o.amount) as decimal(18, 2)) as gmv,
       cast(sum(net_of(o.status, o.amount)) as decimal(18, 2)) as net_gmv,
       sum(cast(net_of(o.status, o.amount) * pr.commission_rate as decimal(38, 8))) as commission,
       max(o.ordered_at) as last_at
from order_last_click o
left join products pr on pr.product_id = o.product_id
where o.campaign_id is not null and o.ordered_at - o.clicked_at <= summed_window()
group by o.campaign_id
order by o.campaign_id;

-- The spans in which campaign_roi and campaign_hourly count a campaign's orders against its baseline (METRICS.md,
-- Incrementality), one row per campaign and k: k = 0 the campaign's own span [start_at, end_at + win) cut at period_end
-- (span_end); k = 1..4 the same span moved back by k times `shift`, its length rounded up to whole weeks (so that the
-- spans do not overlap), those that start at or after first_click (the first click the viewer may see). b_start and
-- b_end bound the moved span.
create or replace macro lift_spans(win, period_end, first_click) as table
with spans as (
    select cp.campaign_id, cp.influencer_id, cp.start_at, cp.end_at, least(cp.end_at + win, period_end) as span_end,
           cast(greatest(1, ceil(epoch(least(cp.end_at + win, period_end) - cp.start_at) / 604800)) as integer)
               * 7 as shift_days
    from campaigns cp
), moved as (
    select s.campaign_id, s.influencer_id, s.start_at, s.end_at, s.span_end, w.k,
           to_days(w.k * s.shift_days) as shift
    from spans s, range(0, 5) w(k)
)
select m.*, m.start_at - m.shift as b_start, m.span_end - m.shift as b_end
from moved m
where m.k = 0 or m.start_at - m.shift >= first_click;

-- The orders attributed within summed_window() to the campaign's influencer (order_last_click) in each of its spans
-- (lift_spans, not cut at a period end), and their amounts: campaign_roi's observed and baseline orders of a campaign
-- whose span ends by the period end are its rows here, 49 k at the large scale, where counting them joined 4.5 M
-- orders to the spans at every query (~0.2 s).
create or replace table campaign_span_orders as
select s.campaign_id, s.k, count(o.order_id) as orders, coalesce(sum(o.amount), 0) as gmv
from lift_spans(summed_window(), timestamp 'infinity', (select min(x.first_at) from click_extremes x)) s
left join order_last_click o on o.influencer_id = s.influencer_id
                            and o.ordered_at >= s.b_start and o.ordered_at < s.b_end
                            and o.ordered_at - o.clicked_at <= summed_window()
group by s.campaign_id, s.k
order by s.campaign_id, s.k;

-- The orders attributed within summed_window() to an author's posts (order_last_click) by merchant (as
-- merchant_click_days), author and local day: how many and their amounts, with the pair's previous day of such orders
-- (prev_day; null for its first). merchant_list's orders of a period of whole days [from, to) at that window are sums
-- of these rows, and the influencers that sold a merchant's products in it are its rows of the period whose prev_day
-- is null or before from: 2.1 M rows at the large scale instead of 5.5 M orders joined to the products and a distinct
-- of their 4.5 M attributed ones. In merchant order, then by day.
create or replace table merchant_order_days as
with merchant_days as (
    select p.merchant_id, o.influencer_id, date_trunc('day', o.ordered_at) as day, count(*) as orders,
           cast(sum(o.amount) as decimal(18, 2)) as gmv
    from order_last_click o
    join products p on p.product_id = o.product_id
    where o.influencer_id is not null and p.merchant_id is not null and o.ordered_at - o.clicked_at <= summed_window()
    group by all
)
select merchant_id, influencer_id, day, orders, gmv,
       lag(day) over (partition by merchant_id, influencer_id order by day) as prev_day
from merchant_days
order by merchant_id, day;

-- Each user's first order of each merchant's products (the orders joined to the products, whatever the order's
-- attribution or status): influencer_compare's new buyers are the buyers whose order in the period is not after it.
-- One row per merchant and user (orders without a user left out: no order's user matches them), a merchant's rows its
-- own row groups, instead of the 5.5 M orders at the large scale read and joined at every query. In merchant order.
create or replace table merchant_first_orders as
select p.merchant_id, o.user_id, min(o.ordered_at) as first_at
from orders o
join products p on p.product_id = o.product_id
where p.merchant_id is not null and o.user_id is not null
group by p.merchant_id, o.user_id
order by p.merchant_id, o.user_id;

-- The interest buckets of a profile: each distinct tag once (NULL tags left out), ['unknown'] without any.
create or replace macro interest_tags(interests) as
    case when len(list_filter(coalesce(interests, []), lambda x: x is not null)) = 0 then ['unknown']
         else list_distinct(list_filter(interests, lambda x: x is not null)) end;

-- Every follow once per interest bucket of the follower's profile (interest_tags): the profile by interest
-- counts these rows, so the lists are taken apart once per connection rather than at every query.
-- (An unnest in the select list: the same rows as a lateral join on unnest, three times faster.)
create or replace table fan_interests as
select f.influencer_id, f.followed_at, f.unfollowed_at, unnest(interest_tags(f.interests)) as tag
from fan_follows f
order by f.influencer_id;

-- The follows each campaign brought (campaign_roi's and campaign_products' new fans): the follows of the campaign's
-- influencer inside [start_at, end_at] whose source is the campaign's product (delegated_headline: fan_headline). A
-- campaign's new fans up to a period end are then a count of its rows before it (campaign_new_fans, _macros.sql): 0.6 M
-- rows at the large scale instead of a join of the campaigns to 21 M follows at every query. From the export (the fans
-- view), as fan_spans: the Campaigns screen does not wait for the follows in influencer order. In influencer order.
create or replace table campaign_follows as
select k.influencer_id, k.campaign_id, f.followed_at
from campaigns k
join fans f on f.influencer_id = k.influencer_id
           and f.followed_at >= k.start_at and f.followed_at <= k.end_at
           and f.source = case when k.product = 'delegated_headline' then 'fan_headline' else k.product end
order by k.influencer_id, k.campaign_id, f.followed_at;

-- The spans of fan_spans of the influencer × user pairs with an order whose latest click is on one of the influencer's
-- posts (order_last_click, any window): whether such a buyer is a fan of the influencer at a moment (audience_summary's
-- buying fans) is a test against these rows, 3.3 M at the large scale, instead of 21 M follows. In influencer order.
create or replace table buyer_spans as
select s.influencer_id, s.fan_id, s.followed_at, s.unfollowed_at
from fan_spans s
semi join (select distinct o.influencer_id, o.user_id from order_last_click o where o.influencer_id is not null) b
    on b.influencer_id = s.influencer_id and b.user_id = s.fan_id
order by s.influencer_id, s.fan_id;

-- The orders attributed within summed_window() to an influencer's posts (post_orders) with the time of the same user's
-- previous such order on that influencer's posts (prev_at; null for the first; ties at one instant ordered, so one of
-- them follows the other), joined to each fan span of the pair (buyer_spans; a pair never a fan has no row). The
-- buyers of a period [from, to) who are fans at `to` (audience_summary's buying fans at the summed window) are then the
-- rows of the period whose prev_at is null or before from and whose span holds `to`: one per pair (the spans of a pair
-- are disjoint), a filter instead of a distinct of 4.1 M pairs and a join to their spans at the large scale. A post id
-- exported twice gives its orders twice, at one instant: the second follows the first. In influencer order.
create or replace table buyer_order_spans as
with pair_orders as (
    select influencer_id, user_id, ordered_at,
           lag(ordered_at) over (partition by influencer_id, user_id order by ordered_at) as prev_at
    from post_orders
    where user_id is not null and to_microseconds(lag_us) <= summed_window()
)
select o.influencer_id, o.ordered_at, o.prev_at, s.followed_at, s.unfollowed_at
from pair_orders o
join buyer_spans s on s.influencer_id = o.influencer_id and s.fan_id = o.user_id
order by o.influencer_id, o.ordered_at;

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

-- The engaged fans (METRICS.md: the fans at a period's end who clicked the influencer's posts in the period) of every
-- period of whole local days, as sums. A user's first click on an influencer's posts on a local day (`day`, one of
-- click_runs' clicks whose prev_at is null or on an earlier day) has the local day of the user's previous click there
-- (prev_day; null for none), and the midnights t after it at which the user is a fan (one of the pair's fan_spans
-- holds t) as one range [first_end, last_end] (last_end null: no end; none when no midnight is). In [from, to) the
-- user's first click day is then the row with day >= from, prev_day null or before from and day < to, so the engaged
-- fans of [from, to) are the rows with prev_day < from <= day and to in their range (engaged_fans, _macros.sql): each
-- user once, through that day and the span holding to. Counted by influencer and those four days (~29 M rows at the
-- large scale for 98 M days with a click of a user, where the semi join of a period's clickers to the follows took
-- ~7 s of work); users without an id are no one's fan. Days as DATE (a local day; a midnight bound compares as that
-- day): the table and its build take less memory. The rows of a user's first click day (prev_day null) first, then
-- the others, each part in influencer order, then by day: a period from the exports' first day (the sidebar's default,
-- where no prev_day is before it) reads the first part only (~4.5 M of 29 M rows at the large scale), and one
-- influencer's view a range of each part.
create or replace table engaged_days as
with first_of_day as (
    select influencer_id, user_id, cast(clicked_at as date) as day, cast(prev_at as date) as prev_day
    from click_runs
    where user_id is not null
      and (prev_at is null or cast(prev_at as date) < cast(clicked_at as date))
), midnight_spans as (
    -- the spans that hold a midnight (the others count nowhere). The filter also has DuckDB build the join's hash
    -- table on the spans (21 M rows at the large scale) rather than on the first clicks of a day, which it takes for
    -- a fifth of the clicks (98 M of 101 M are): in the app 21 s and 3.2 GB peak RSS there instead of 33 s and 4.1 GB.
    select * from fan_spans
    where unfollowed_at is null or ceil_day(followed_at) < unfollowed_at
), ranges as (
    select d.influencer_id, d.prev_day, d.day,
           greatest(d.day + 1, cast(ceil_day(s.followed_at) as date)) as first_end,
           cast(ceil_day(s.unfollowed_at) as date) - 1 as last_end
    from first_of_day d
    join midnight_spans s on s.influencer_id = d.influencer_id and s.fan_id = d.user_id
), counted as (
    select influencer_id, prev_day, day, first_end, last_end, count(*) as fans
    from ranges
    where last_end is null or first_end <= last_end
    group by all
)
select * from counted
order by prev_day is not null, influencer_id, day, prev_day, first_end, last_end;

-- The engaged fans of each whole calendar month per influencer: engaged_days' rows of the month's days counted as
-- engaged_fans counts them for the period [month start, next month start). The cohort trend (benchmark_monthly_figures,
-- _macros.sql) reads its full months here and only its first and last month, when the period cuts them, from
-- engaged_days: ~0.2 M rows at the large scale instead of a category's ~5 M.
create or replace table engaged_months as
select influencer_id, month, cast(sum(fans) as bigint) as fans
from (select influencer_id, cast(date_trunc('month', day) as date) as month, prev_day, day, first_end, last_end, fans
      from engaged_days)
where (prev_day is null or prev_day < month)
  and first_end <= month + interval 1 month
  and (last_end is null or last_end >= month + interval 1 month)
group by influencer_id, month
order by influencer_id, month;

-- The engaged and buying fans of the periods that end once every fan's clicks, orders and follows are settled
-- (fans_settled below: every sidebar preset ends at the exports' last day, after them), by influencer and local day.
-- At such an end a fan is a user whose fan span never ended (engaged_days' rows without last_end, buyer_order_spans'
-- without unfollowed_at), and a user counts for [from, to) when it clicked (bought) on a day at or after from: +n on
-- each such day, −n on the same user's previous one (prev_day, prev_at), so that the engaged (buying) fans of a period
-- of whole days are the sums of its rows from `from` on (engaged_fans, audience_summary): ~1 M rows at the large scale
-- instead of 3 M rows of engaged_days and 3.6 M of buyer_order_spans filtered at each query. Buyers within
-- summed_window(), as buyer_order_spans. In influencer order, then by day.
create or replace table settled_fan_days as
with steps as (
    select influencer_id, day, fans as engaged, 0 as buyers from engaged_days where last_end is null
    union all
    select influencer_id, prev_day, -fans, 0 from engaged_days where last_end is null and prev_day is not null
    union all
    select influencer_id, cast(ordered_at as date), 0, 1 from buyer_order_spans where unfollowed_at is null
    union all
    select influencer_id, cast(prev_at as date), 0, -1
    from buyer_order_spans
    where unfollowed_at is null and prev_at is not null
)
select influencer_id, day, cast(sum(engaged) as bigint) as engaged, cast(sum(buyers) as bigint) as buyers
from steps
group by influencer_id, day
having sum(engaged) <> 0 or sum(buyers) <> 0
order by influencer_id, day;

-- The first moment at or after which a period end sees every row of engaged_days and buyer_order_spans settled: each
-- range of engaged_days ends before it or never (last_end + 1 at most) and starts by then (first_end), each order is
-- before it and each follow and unfollow at or before it. One row (null without fans who clicked or bought).
create or replace table fans_settled as
select greatest((select max(greatest(first_end, last_end + 1)) from engaged_days),
                (select max(greatest(ordered_at + interval 1 microsecond, followed_at, unfollowed_at))
                 from buyer_order_spans)) as settled_at;

-- The fan clicks (click_runs.from_fan; each has a user, the fan) by local day and hour, and by the local day of the same
-- user's previous fan click on the same influencer's posts in the same weekday × hour (prev_day, from prev_hour_at;
-- null for none). Every influencer's active hours as one audience (audience_active_hours with
-- $combine, for a viewer who may see them all, over whole days) are sums of these rows: a weekday × hour's fans of
-- [from, to) are the clicks of its days whose prev_day is null or before from, summed over the influencers as that
-- view sums them (~0.1 M rows at the large scale instead of the period's ~30 M fan clicks).
create or replace table everyone_fan_hours as
select date_trunc('day', clicked_at) as day, hour(clicked_at) as hour, date_trunc('day', prev_hour_at) as prev_day,
       count(*) as fan_clicks
from click_runs
where from_fan
group by all
order by day, hour, prev_day;

-- Each user's activity (clicks and orders) as disjoint spans of being active, for 粉丝质量's dormant fans
-- (audience_quality.sql): a user is active at t when a click or order lies in [t − 90 days, t), i.e. t in
-- (a, a + 90 days] for one of its moments a. Activities less than 90 days apart make one span; a user is then
-- active at t exactly when one span has first_at < t and last_at >= t − 90 days (the latest activity before t is
-- in that span, and within it no gap exceeds 90 days), at most one span per user. ~1.1 spans per user at the large
-- scale (11 M rows for 106 M clicks and orders), written in last_at order: a period end skips the row groups of
-- spans that ended 90 days before it. Users without an id are left out (no fan has a null id to match).
-- Built with one window (lag and lead share its sort) over the activity, then a second one over the spans'
-- first and last rows only: a span's first row is the one after a gap (or the user's first), its last the one
-- before a gap (or the user's last); a last row that is not also a first follows its span's first row.
create or replace table active_spans as
with activity as (
    select user_id, clicked_at as active_at from click_facts where clicked_at is not null and user_id is not null
    union all
    select user_id, ordered_at from order_last_click where ordered_at is not null and user_id is not null
), neighbours as (
    select user_id, active_at,
           lag(active_at) over (partition by user_id order by active_at) as prev_at,
           lead(active_at) over (partition by user_id order by active_at) as next_at
    from activity
), edges as (
    select user_id, active_at,
           prev_at is null or active_at > prev_at + interval 90 day as opens,
           next_at is null or next_at > active_at + interval 90 day as closes
    from neighbours
    where prev_at is null or active_at > prev_at + interval 90 day
       or next_at is null or next_at > active_at + interval 90 day
), spans as (
    select user_id, closes, active_at as last_at,
           if(opens, active_at, lag(active_at) over (partition by user_id order by active_at, opens desc)) as first_at
    from edges
)
select user_id, first_at, last_at
from spans
where closes
order by last_at, user_id;

-- 粉丝质量's dormant fans (audience_quality.sql: fans at a period end with no click and no order in the 90 days before
-- it) at every midnight, as sums: each follow, cut into the ranges of midnights at which it makes a fan (from the
-- first midnight at or after its start to the last before its end) and its user is not active (active_spans: active
-- at a midnight t after a span's first moment and no later than 90 days after its last, so the midnights before the
-- first such range, between two and after the last), counted by influencer and range [first_end, last_end] (last_end
-- null: no end). The dormant fans at a midnight t are the rows whose range holds t: each follow at most once, as a
-- user's gaps are disjoint. A follow without a fan id, or whose user was never active, is dormant
-- whenever it makes a fan. Days as DATE. The ranges without an end (last_end null) first, then the others, each part in
-- influencer order: no range with an end holds the midnight ending the exports' last day, where every sidebar preset
-- ends (an end is a day of the exports), so the sums there read the first part only (0.9 M of 15.5 M rows at large).
create or replace table dormant_days as
with active_days as (
    select user_id, cast(first_at as date) + 1 as first_day, cast(last_at + interval 90 day as date) as last_day
    from active_spans
), gaps as (
    -- gap_start null: from the first midnight on; gap_end null: no end
    select user_id, lag(last_day) over (partition by user_id order by first_day) + 1 as gap_start,
           first_day - 1 as gap_end
    from active_days
    union all
    select user_id, max(last_day) + 1, null
    from active_days
    group by user_id
), ranges as (
    select f.influencer_id,
           greatest(cast(ceil_day(f.followed_at) as date), g.gap_start) as first_end,
           least(cast(ceil_day(f.unfollowed_at) as date) - 1, g.gap_end) as last_end
    from fan_follows f
    left join gaps g on g.user_id = f.fan_id
    where f.followed_at is not null
), counted as (
    select influencer_id, first_end, last_end, count(*) as follows
    from ranges
    where last_end is null or first_end <= last_end
    group by all
)
select * from counted
order by last_end is not null, influencer_id, first_end, last_end;

-- 粉丝质量's burst minutes (audience_quality.sql) need each influencer's median follows per minute over the minutes
-- with a follow up to the period end. Nearly every follow is alone in its minute (20.5 M minutes for 20.8 M follows
-- at the large scale), so only the minutes holding two or more follows are kept (80 k rows): the minutes with one
-- follow before a moment are the follows before it less those in these minutes. The counts are of whole minutes;
-- the query counts the minute holding the period end from the follows themselves, up to the end.
create or replace table busy_minutes as
select influencer_id, date_trunc('minute', followed_at) as minute, count(*) as follows
from fan_follows
where influencer_id is not null and followed_at is not null
group by influencer_id, date_trunc('minute', followed_at)
having count(*) >= 2
order by influencer_id, minute;

-- The follows that can be in a burst: those in a minute holding at least 10 follows of the influencer (a burst
-- minute holds at least 10 up to the period end, so at least 10 in all), each with the follower's first click or
-- order at or after the follow (first_active_at, null for none): a burst follower is quiet up to the period end $to
-- exactly when first_active_at is null or at or after $to. 204 k follows at the large scale, instead of joining every
-- user's activity at every query.
create or replace table burst_follows as
with candidates as (
    select f.influencer_id, f.fan_id, f.followed_at, f.unfollowed_at
    from fan_follows f
    join (select influencer_id, minute from busy_minutes where follows >= 10) m
        on m.influencer_id = f.influencer_id and m.minute = date_trunc('minute', f.followed_at)
), activity as (
    select user_id, clicked_at as active_at from click_facts
    where clicked_at is not null and user_id in (select fan_id from candidates)
    union all
    select user_id, ordered_at from order_last_click
    where ordered_at is not null and user_id in (select fan_id from candidates)
)
-- an asof join keeps every candidate once (two identical follows stay two) with the earliest activity at or after it
select c.influencer_id, c.fan_id, c.followed_at, c.unfollowed_at, a.active_at as first_active_at
from candidates c
asof left join activity a on a.user_id = c.fan_id and a.active_at >= c.followed_at
order by c.influencer_id, c.followed_at;

-- The follows counted by influencer and local day, for the day-by-day audience (audience_daily, overview_daily) and the
-- fans of a period (period_fans, _macros.sql): a period is whole local days (METRICS.md), so its bounds are midnights
-- and every figure of the follows over days is a sum of these rows. fans_in / fans_out: the follows (with a start) /
-- unfollows whose first day boundary at or after the moment (ceil_day) is `day`: the fans at a midnight t are the sum
-- of fans_in − fans_out over days <= t. new_fans (split by source) / lost_fans: the follows / unfollows during `day`
-- (date_trunc). Follows without an influencer keep their row (influencer_id null), as the queries that read every
-- follow count them. ~8 M rows at the large scale (10,000 influencers × ~820 days) instead of 21 M follows.
create or replace table follow_days as
with marks as (
    select influencer_id, ceil_day(followed_at) as day, 1 as fans_in, 0 as fans_out, null as source, 0 as new_fans,
           0 as lost_fans
    from fans where followed_at is not null
    union all
    select influencer_id, ceil_day(unfollowed_at), 0, 1, null, 0, 0 from fans where unfollowed_at is not null
    union all
    select influencer_id, date_trunc('day', followed_at), 0, 0, source, 1, 0
    from fans where followed_at is not null
    union all
    select influencer_id, date_trunc('day', unfollowed_at), 0, 0, null, 0, 1
    from fans where unfollowed_at is not null
)
select influencer_id, day,
       cast(sum(fans_in) as bigint) as fans_in,
       cast(sum(fans_out) as bigint) as fans_out,
       cast(sum(new_fans) as bigint) as new_fans,
       count(*) filter (where new_fans = 1 and source = 'organic') as new_organic,
       count(*) filter (where new_fans = 1 and source = 'fan_headline') as new_fan_headline,
       count(*) filter (where new_fans = 1 and source = 'passerby_to_fan') as new_passerby_to_fan,
       count(*) filter (where new_fans = 1 and source = 'account_recommend') as new_account_recommend,
       cast(sum(lost_fans) as bigint) as lost_fans
from marks
group by influencer_id, day
order by influencer_id, day;

-- follow_days summed over every influencer (the follows without one included), for overview_daily's view of every
-- influencer by a viewer who may see them all (everyone_whole_days, _macros.sql): a row per day instead of 8 M rows
-- at the large scale.
create or replace table everyone_follow_days as
select day, cast(sum(fans_in) as bigint) as fans_in, cast(sum(fans_out) as bigint) as fans_out,
       cast(sum(new_fans) as bigint) as new_fans, cast(sum(lost_fans) as bigint) as lost_fans
from follow_days
group by day
order by day;

-- follow_days of the influencers the influencers table lists, summed over them by day, for audience_daily's view of
-- every influencer as one audience by a viewer who may see them all (everyone_whole_days, _macros.sql, and $combine):
-- a row per day instead of 8 M rows at the large scale. Unlike everyone_follow_days, the follows of an influencer id
-- the table does not list are left out, as the query's join to the influencers leaves them out.
create or replace table listed_follow_days as
select fd.day, cast(sum(fd.fans_in) as bigint) as fans_in, cast(sum(fd.fans_out) as bigint) as fans_out,
       cast(sum(fd.new_fans) as bigint) as new_fans, cast(sum(fd.new_organic) as bigint) as new_organic,
       cast(sum(fd.new_fan_headline) as bigint) as new_fan_headline,
       cast(sum(fd.new_passerby_to_fan) as bigint) as new_passerby_to_fan,
       cast(sum(fd.new_account_recommend) as bigint) as new_account_recommend,
       cast(sum(fd.lost_fans) as bigint) as lost_fans
from follow_days fd
join influencers i on i.influencer_id = fd.influencer_id
group by fd.day
order by fd.day;

-- Each influencer's follows at every month start, from the month of the first day of follow_days to the month after its
-- last (every influencer at every one of them; `last` marks the last): fans = fans_in − fans_out summed over the days
-- <= the month start (the fans at that midnight), new_before / lost_before = new_fans / lost_fans summed over the days
-- before it. A sum up to a midnight t is the month start's at or before t plus the days since it (period_fans,
-- _macros.sql, with follow_days_by_day), so the fans of every influencer at a period end read one month of days.
-- 0.5 M rows at the large scale.
create or replace table follow_months as
with grid as (
    select g.month, g.month = date_trunc('month', d.last_day) + interval 1 month as last
    from (select min(day) as first_day, max(day) as last_day from follow_days) d,
         generate_series(date_trunc('month', d.first_day), date_trunc('month', d.last_day) + interval 1 month,
                         interval 1 month) g(month)
),
changes as (
    -- each day in the first month start at or after it (fans: days <= the month start) or after it (new and lost:
    -- days before the month start)
    select influencer_id, month, sum(fans) as fans, sum(new_fans) as new_fans, sum(lost_fans) as lost_fans
    from (select influencer_id,
                 case when day = date_trunc('month', day) then day else date_trunc('month', day) + interval 1 month end
                     as month,
                 fans_in - fans_out as fans, 0 as new_fans, 0 as lost_fans
          from follow_days
          union all
          select influencer_id, date_trunc('month', day) + interval 1 month, 0, new_fans, lost_fans
          from follow_days)
    group by influencer_id, month
)
select i.influencer_id, g.month, g.last,
       cast(coalesce(sum(c.fans) over upto, 0) as bigint) as fans,
       cast(coalesce(sum(c.new_fans) over upto, 0) as bigint) as new_before,
       cast(coalesce(sum(c.lost_fans) over upto, 0) as bigint) as lost_before
from (select distinct influencer_id from follow_days) i
cross join grid g
left join changes c on c.influencer_id is not distinct from i.influencer_id and c.month = g.month
window upto as (partition by i.influencer_id order by g.month rows unbounded preceding)
order by i.influencer_id, g.month;

-- follow_days' figures in day order (follow_days is in influencer order): the days since a month start, of every
-- influencer, are a few row groups (period_fans).
create or replace table follow_days_by_day as
select day, influencer_id, fans_in - fans_out as net_fans, new_fans, lost_fans
from follow_days
order by day, influencer_id;

-- The local days of each influencer's first and last follow (the days of follow_days with a new fan; influencer_id null
-- for follows without one): the span of the follows a viewer may see is the span of its rows (dataset_span), 10,000
-- rows at the large scale instead of 8 M.
create or replace table follow_extremes as
select influencer_id, min(day) as first_day, max(day) as last_day
from follow_days
where new_fans > 0
group by influencer_id
order by influencer_id;

-- The influencer × user pairs with two or more follows (re-follows, duplicates). Only these can be followed twice at
-- one moment, so a count of distinct fans per influencer groups only their follows and counts every other follow
-- as one user (segment_match in _macros.sql). None at the large scale; nulls are kept as a pair of their own, as a
-- group by keeps them.
create or replace table repeat_follows as
select influencer_id, fan_id, count(*) as follows
from fan_follows
group by influencer_id, fan_id
having count(*) >= 2
order by influencer_id, fan_id;

-- The dimension of a row of one grouping set per one-bucket profile dimension (profile_days, audience_breakdown), from
-- the grouping() of its columns: the one grouped (birth years are grouped for the age bands).
create or replace macro profile_dim(g_gender, g_birth_year, g_province, g_city_tier, g_device) as
    case when g_gender = 0 then 'gender'
         when g_birth_year = 0 then 'age_band'
         when g_province = 0 then 'province'
         when g_city_tier = 0 then 'city_tier'
         when g_device = 0 then 'device'
         else 'source' end;

-- Every follow (fan_follows) with its one-bucket profile values as profile_days and final_profiles count them:
-- 'unknown' for null, birth years and city tiers as text (the age band a birth year falls in depends on the period
-- end's year: profile_bucket, _macros.sql).
create or replace macro bucketed_follows() as table
select f.influencer_id, f.followed_at, f.unfollowed_at,
       coalesce(f.gender, 'unknown') as gender,
       coalesce(cast(f.birth_year as varchar), 'unknown') as birth_year,
       coalesce(f.province, 'unknown') as province,
       coalesce(cast(f.city_tier as varchar), 'unknown') as city_tier,
       coalesce(f.device, 'unknown') as device,
       coalesce(f.source, 'unknown') as source
from fan_follows f;

-- The follows counted by their influencer's category, profile bucket and local day, for the two figures that need the
-- fans of many influencers at a period end along a dimension: every influencer's fans as one audience
-- (audience_breakdown with none chosen, for a viewer who sees them all: everyone_profile_days below) and the category
-- baselines of TGI (audience_tgi). As in follow_days, a period end t is a midnight, and the fans at t in a bucket are
-- the sum of `fans` over days <= t: +1 on a follow's first day boundary at or after it (ceil_day), −1 on its
-- unfollow's. dim is one of audience_breakdown's dimensions with its bucket ('unknown' for null), except that the
-- age_band rows hold birth years (the band depends on the period end's year: profile_bucket, _macros.sql); interest
-- counts a follow once per tag (fan_interests). The category is null for an influencer missing from the influencers
-- table (its follows count in the audience of every influencer, never in a category's). Days whose changes cancel out
-- are left out. 1.8 M rows at the large scale instead of 21 M follows; in category order, then by dimension and day, so
-- one category's baseline reads a few of its row groups (audience_tgi's semi join on the category skips the others).
create or replace table profile_days as
with marks as (
    select f.influencer_id, ceil_day(f.followed_at) as day, 1 as change, f.gender, f.birth_year, f.province,
           f.city_tier, f.device, f.source
    from bucketed_follows() f where f.followed_at is not null
    union all
    select f.influencer_id, ceil_day(f.unfollowed_at), -1, f.gender, f.birth_year, f.province, f.city_tier, f.device,
           f.source
    from bucketed_follows() f where f.unfollowed_at is not null
), profiled as (
    select i.category, m.day, m.change, m.gender, m.birth_year, m.province, m.city_tier, m.device, m.source
    from marks m
    left join influencers i on i.influencer_id = m.influencer_id
), tags as (
    select t.influencer_id, ceil_day(t.followed_at) as day, 1 as change, t.tag
    from fan_interests t where t.followed_at is not null
    union all
    select t.influencer_id, ceil_day(t.unfollowed_at), -1, t.tag
    from fan_interests t where t.unfollowed_at is not null
), counted as (
    -- one grouping set per dimension: every bucket column is non-null, so the grouped one is the only non-null
    select category, day,
           profile_dim(grouping(gender), grouping(birth_year), grouping(province), grouping(city_tier),
                       grouping(device)) as dim,
           coalesce(gender, birth_year, province, city_tier, device, source) as bucket,
           sum(change) as fans
    from profiled
    group by grouping sets ((category, day, gender), (category, day, birth_year), (category, day, province),
                            (category, day, city_tier), (category, day, device), (category, day, source))
    union all
    select i.category, t.day, 'interest', t.tag, sum(t.change)
    from tags t
    left join influencers i on i.influencer_id = t.influencer_id
    group by all
)
select category, dim, bucket, day, cast(fans as bigint) as fans
from counted
where fans <> 0
order by category, dim, day, bucket;

-- profile_days summed over the categories: every influencer's follows as one audience (audience_breakdown with none
-- chosen, for a viewer who sees them all), 0.18 M rows at the large scale instead of 1.8 M.
create or replace table everyone_profile_days as
select dim, bucket, day, cast(sum(fans) as bigint) as fans
from profile_days
group by dim, bucket, day
having sum(fans) <> 0
order by day, dim, bucket;

-- Each influencer's follows with a start, those without an end (its fans once every follow has started or ended, as
-- final_profiles), those of them with no gender, birth year and province, and its last follow and unfollow. At a
-- moment t after its last follow and not before its last unfollow, its fans at t are exactly the follows without an
-- end (is_fan_at), so audience_quality reads these counts instead of its follows (10,000 rows at the large scale
-- instead of 21 M follows).
create or replace table final_follow_counts as
select influencer_id,
       count(*) as follows,
       count(*) filter (where unfollowed_at is null) as fans,
       count(*) filter (where unfollowed_at is null and gender is null and birth_year is null and province is null)
           as unknown_fans,
       max(followed_at) as last_followed_at,
       max(unfollowed_at) as last_unfollowed_at
from fans
where followed_at is not null and influencer_id is not null
group by influencer_id
order by influencer_id;

-- Each influencer's fans once every follow has started or ended, by profile bucket: the follows with a start and no
-- end. At a moment t after every day boundary of an influencer's follows and unfollows (no day of follow_days after
-- t), a follow is a fan at t exactly when it has a start and no end (is_fan_at), so its profile at t is these counts
-- and its follows need not be read (audience_breakdown: at the large scale every influencer at the last day of the
-- exports, the default period end of every screen). As in profile_days: dim is one of audience_breakdown's
-- dimensions with its bucket ('unknown' for null), except that the age_band rows hold birth years (profile_bucket,
-- _macros.sql); interest counts a follow once per tag (fan_interests). Follows without an influencer make a group of
-- their own (influencer_id null), as the follows read in their place do. 1.2 M rows at the large scale instead of
-- 21 M follows; in influencer order.
create or replace table final_profiles as
with final_fans as (
    select f.influencer_id, f.gender, f.birth_year, f.province, f.city_tier, f.device, f.source
    from bucketed_follows() f
    where f.followed_at is not null and f.unfollowed_at is null
), counted as (
    -- one grouping set per dimension: every bucket column is non-null, so the grouped one is the only non-null
    select influencer_id,
           profile_dim(grouping(gender), grouping(birth_year), grouping(province), grouping(city_tier),
                       grouping(device)) as dim,
           coalesce(gender, birth_year, province, city_tier, device, source) as bucket,
           count(*) as fans
    from final_fans
    group by grouping sets ((influencer_id, gender), (influencer_id, birth_year), (influencer_id, province),
                            (influencer_id, city_tier), (influencer_id, device), (influencer_id, source))
    union all
    select t.influencer_id, 'interest', t.tag, count(*)
    from fan_interests t
    where t.followed_at is not null and t.unfollowed_at is null
    group by all
)
select influencer_id, dim, bucket, cast(fans as bigint) as fans
from counted
order by influencer_id, dim, bucket;

-- Each influencer's fans once every follow has started or ended (the follows with a start and no end, as
-- final_profiles), counted by the profile values a target segment sets but the interests: gender, birth year (the age
-- band depends on the period end's year) and city tier, with the province (by_province) and without it, nulls kept
-- as values. Only the pairs followed once: a pair followed twice or more (repeat_follows) may be one fan with two
-- profiles, so segment_match groups its follows per user instead. At a moment after every day boundary of an
-- influencer's follows and unfollows, segment_match counts its fans in a segment without interests from these rows
-- instead of its follows: at the large scale 3.3 M rows without the province, 11 M with it, instead of 21 M follows.
-- Sorted by by_province first, so a segment without a province reads the row groups of the first grouping set only.
create or replace table final_segment_fans as
select f.influencer_id, f.gender, f.birth_year, f.city_tier, f.province, grouping(f.province) = 0 as by_province,
       count(*) as fans
from fan_follows f
anti join repeat_follows r on r.influencer_id is not distinct from f.influencer_id
                          and r.fan_id is not distinct from f.fan_id
where f.followed_at is not null and f.unfollowed_at is null
group by grouping sets ((f.influencer_id, f.gender, f.birth_year, f.city_tier, f.province),
                        (f.influencer_id, f.gender, f.birth_year, f.city_tier))
order by by_province, influencer_id, gender, birth_year, city_tier, province;
