-- _macros: definitions shared by every named query, created once per connection (advisor/db.py) after
-- _prepare.sql (which defines is_fan_at, ceil_day and the derived tables some macros read).
-- Not a named query: each macro is written once here and used by name everywhere else.

-- Viewer scope (db.run passes it to every query; null = everything). The subquery of visible_product repeats
-- `scope is not null`: DuckDB does not fold the parameter, and without it every row was probed against the
-- products of a null scope (as in visible_account below).
create or replace macro visible_influencer(id, scope) as
    scope is null or list_contains(scope, id);
create or replace macro visible_product(pid, scope) as
    scope is null or pid in (select p.product_id from products p
                             where scope is not null and list_contains(scope, p.merchant_id));

-- An influencer a viewer may see: in its influencer scope and, for a merchant, one whose posts moved
-- the merchant's products: the authors of clicked posts by product (click_extremes, _prepare.sql: ~1.3 M rows in
-- memory at the large scale, instead of every click joined to its post). The subquery repeats `merchant_scope is not
-- null`: DuckDB does not fold the parameter: without it every query read the clicks for a null scope (influencer_list
-- 4x slower).
create or replace macro visible_account(id, influencer_scope, merchant_scope) as
    visible_influencer(id, influencer_scope)
    and (merchant_scope is null or id in (
        select x.influencer_id from click_extremes x
        where merchant_scope is not null and x.influencer_id is not null
          and visible_product(x.product_id, merchant_scope)));

-- The optional influencer filter of every screen: an empty list means all.
create or replace macro chosen(id, ids) as
    len(ids) = 0 or list_contains(ids, id);

-- Bounds at midnight, as those of every period of the screens (a named query run through db.run may take any instant):
-- what the prepared rows by local day (follow_days, daily_clicks, post_click_days, merchant_click_days,
-- everyone_fan_hours, engaged_days, _prepare.sql) add up exactly.
create or replace macro at_midnight(t) as
    t = date_trunc('day', t);
create or replace macro whole_days(period_start, period_end) as
    at_midnight(period_start) and at_midnight(period_end);

-- Every influencer as one audience for a viewer who may see them all, at a midnight: a profile that profile_days
-- (_prepare.sql) holds summed over influencers by day, so it needs no follow of its own. (At another instant a follow
-- of that day may already count, which the days do not tell.)
create or replace macro everyone_as_one(combine, ids, influencer_scope, merchant_scope, period_end) as
    combine and len(ids) = 0 and influencer_scope is null and merchant_scope is null and at_midnight(period_end);

-- The part of a row of period_fans' union below in a sum up to `bound` (a midnight): a month start's figure when it is
-- the bound's month start, or the last one before it (one such row per influencer, or none before the first); a day's
-- change when the day lies after the bound's month start and at or before the bound (`upto`, for the fans) or in
-- [month start, bound) (for new and lost fans, which count the days before a month start).
create or replace macro upto_bound(month, last, figure, day, change, bound, upto) as
    case when month = date_trunc('month', bound) or last and month < date_trunc('month', bound) then figure
         when upto and day > date_trunc('month', bound) and day <= bound then change
         when not upto and day >= date_trunc('month', bound) and day < bound then change
         else 0 end;

-- The fan figures of a period per influencer: the fans at either bound (is_fan_at), and the new and lost fans (follows
-- and unfollows in [period_start, period_end)). Over bounds at midnight (those of every period of the screens: a
-- period is whole local days, METRICS.md) from the follows counted by day: the fans at a bound are the fans_in −
-- fans_out of the days up to it, new and lost fans those of the days in the period. Each sum up to a bound is that of
-- the month start at or before it (follow_months, _prepare.sql: the last one for a bound after it, none before the
-- first) and of the days since (follow_days_by_day; a chosen influencer's from follow_days), so one month of days is
-- read per bound instead of every day. Over other bounds (a named query run through db.run may take any instant) from
-- the follows; the guards are constants: one branch is planned. Follows without an influencer make a row of their own
-- (influencer_id null); an influencer whose follows all come after period_end has a row of zeros. `ids` (empty = all)
-- keeps the chosen influencers before the sums: a join on the result would sum every influencer's first.
create or replace macro period_fans(period_start, period_end, ids := []) as table
select influencer_id,
       cast(sum(upto_bound(month, last, fans, day, net_fans, period_start, true)) as bigint) as fans_start,
       cast(sum(upto_bound(month, last, fans, day, net_fans, period_end, true)) as bigint) as fans_end,
       cast(sum(upto_bound(month, last, new_before, day, new_fans, period_end, false)
                - upto_bound(month, last, new_before, day, new_fans, period_start, false)) as bigint) as new_fans,
       cast(sum(upto_bound(month, last, lost_before, day, lost_fans, period_end, false)
                - upto_bound(month, last, lost_before, day, lost_fans, period_start, false)) as bigint) as lost_fans
from (select influencer_id, month, last, fans, new_before, lost_before, cast(null as timestamp) as day,
             0 as net_fans, 0 as new_fans, 0 as lost_fans
      from follow_months
      where (last or month = date_trunc('month', period_start) or month = date_trunc('month', period_end))
        and chosen(influencer_id, ids)
      union all
      -- the days since the month starts: of every influencer in day order, of chosen ones in influencer order (the
      -- guards are constants: the other branch is left out of the plan)
      select influencer_id, null, false, 0, 0, 0, day, net_fans, new_fans, lost_fans
      from follow_days_by_day
      where len(ids) = 0
        and (day >= date_trunc('month', period_start) and day <= period_start
             or day >= date_trunc('month', period_end) and day <= period_end)
      union all
      select influencer_id, null, false, 0, 0, 0, day, fans_in - fans_out, new_fans, lost_fans
      from follow_days
      where len(ids) > 0 and chosen(influencer_id, ids)
        and (day >= date_trunc('month', period_start) and day <= period_start
             or day >= date_trunc('month', period_end) and day <= period_end))
where whole_days(period_start, period_end)
group by influencer_id
union all
select influencer_id,
       count(*) filter (where is_fan_at(followed_at, unfollowed_at, period_start)) as fans_start,
       count(*) filter (where is_fan_at(followed_at, unfollowed_at, period_end)) as fans_end,
       count(*) filter (where followed_at >= period_start and followed_at < period_end) as new_fans,
       count(*) filter (where unfollowed_at >= period_start and unfollowed_at < period_end) as lost_fans
from fan_follows
where not whole_days(period_start, period_end) and chosen(influencer_id, ids)
group by influencer_id;

-- Attribution (METRICS.md): every order with the latest click of the same user on the same
-- product at or before it, kept when the lag fits the window; ties go to the higher post_id.
-- Which click is latest does not depend on the window, only whether its lag fits does: the latest
-- click is found once per connection (order_last_click, _prepare.sql) and the window applied here.
-- With `ids` (influencer ids; default [] = every order) only the orders whose latest click is on a post of one of
-- them: a filter on the prepared column, which order_last_click's order by influencer lets skip whole row groups,
-- where a filter on the attributed influencer_id below (a CASE) reads every order. Attributed to one of them or
-- not attributed at all: callers that want the attributed ones test influencer_id as before. With `post` (a post id;
-- default null = every order) only the orders whose latest click is on that post, for the same reason: a filter on the
-- prepared column reads one column of every order, where a join on the attributed post_id computes every column.
create or replace macro attributed_orders(win, ids := [], post := null) as table
select lc.order_id, lc.ordered_at, lc.user_id, lc.product_id, lc.quantity, lc.amount, lc.status,
       lc.refunded_at,
       lc.status = 'refunded' as refunded,
       net_of(lc.status, lc.amount) as net_amount,
       coalesce(lc.ordered_at - lc.clicked_at <= win, false) as attributed,
       case when lc.ordered_at - lc.clicked_at <= win then lc.clicked_at end as clicked_at,
       case when lc.ordered_at - lc.clicked_at <= win then lc.post_id end as post_id,
       case when lc.ordered_at - lc.clicked_at <= win then lc.channel end as channel,
       case when lc.ordered_at - lc.clicked_at <= win then lc.campaign_id end as campaign_id,
       case when lc.ordered_at - lc.clicked_at <= win then lc.influencer_id end as influencer_id,
       case when lc.ordered_at - lc.clicked_at <= win then lc.from_fan end as from_fan
from order_last_click lc
where chosen(lc.influencer_id, ids)
  and (post is null or lc.post_id = post);

-- The orders attributed (within win) to an influencer's post: the rows of attributed_orders with an influencer_id, with
-- its columns. Filters and joins on the prepared columns: attributed_orders computes its CASEs for every order before a
-- test of its influencer_id (~75 ms of CPU over the 5.5 M orders at the large scale), and a join on one influencer's id
-- here reads only its row groups of order_last_click. `ids` as attributed_orders'.
create or replace macro post_attributed_orders(win, ids := []) as table
select lc.order_id, lc.ordered_at, lc.user_id, lc.product_id, lc.quantity, lc.amount, lc.status, lc.refunded_at,
       lc.status = 'refunded' as refunded, net_of(lc.status, lc.amount) as net_amount, true as attributed,
       lc.clicked_at, lc.post_id, lc.channel, lc.campaign_id, lc.influencer_id, lc.from_fan
from order_last_click lc
where lc.influencer_id is not null and lc.ordered_at - lc.clicked_at <= win
  and chosen(lc.influencer_id, ids);

-- The orders attributed (within win) to a campaign's paid click: the rows of attributed_orders with a campaign_id, with
-- its columns, filtered on the prepared columns as post_attributed_orders.
create or replace macro campaign_attributed_orders(win) as table
select lc.order_id, lc.ordered_at, lc.user_id, lc.product_id, lc.quantity, lc.amount, lc.status, lc.refunded_at,
       lc.status = 'refunded' as refunded, net_of(lc.status, lc.amount) as net_amount, true as attributed,
       lc.clicked_at, lc.post_id, lc.channel, lc.campaign_id, lc.influencer_id, lc.from_fan
from order_last_click lc
where lc.campaign_id is not null and lc.ordered_at - lc.clicked_at <= win;

-- Clicks in [period_start, period_end) on posts of the chosen influencers that the viewer may see
-- (clicks on posts that do not exist belong to no influencer and are left out).
create or replace macro chosen_clicks(period_start, period_end, ids, influencer_scope, merchant_scope) as table
select c.*
from click_facts c
where c.clicked_at >= period_start and c.clicked_at < period_end
  and c.influencer_id is not null
  and chosen(c.influencer_id, ids)
  and visible_influencer(c.influencer_id, influencer_scope)
  and visible_product(c.product_id, merchant_scope);

-- The users who clicked posts of the chosen influencers that the viewer may see in [period_start, period_end): one
-- row per influencer × user (as `select distinct influencer_id, user_id from chosen_clicks(...)`, a null user once).
-- Without a merchant scope these are the period's clicks that follow none of the same user's on the same
-- influencer's posts since period_start (click_runs, _prepare.sql): a filter, not a distinct over the clicks. A
-- merchant sees only its products' clicks, whose first in the period may be on another product: there the distinct
-- stays, in a branch whose filter reads no row without a scope (DuckDB does not fold the parameter).
create or replace macro chosen_clickers(period_start, period_end, ids, influencer_scope, merchant_scope) as table
select r.influencer_id, r.user_id
from click_runs r
where merchant_scope is null
  and r.clicked_at >= period_start and r.clicked_at < period_end
  and (r.prev_at is null or r.prev_at < period_start)
  and chosen(r.influencer_id, ids)
  and visible_influencer(r.influencer_id, influencer_scope)
union all
select distinct c.influencer_id, c.user_id
from chosen_clicks(period_start, period_end, ids, influencer_scope, merchant_scope) c
where merchant_scope is not null;

-- Whether a period ending at period_end sees every fan's clicks, orders and follows settled (fans_settled,
-- _prepare.sql): its engaged and buying fans are then sums of settled_fan_days. Not a constant, but a guard on a scalar
-- subquery of one row: the branch it rules out reads nothing (DuckDB runs the subquery first).
create or replace macro fans_settled_by(period_end) as
    coalesce(period_end >= (select s.settled_at from fans_settled s), false);

-- The engaged fans of [period_start, period_end) per chosen influencer the viewer may see: the users who clicked its
-- posts in the period (chosen_clickers) and are its fans at period_end (is_fan_at over any follow), each once.
-- Without a merchant scope, over bounds at midnight (those of every period of the screens), sums of settled_fan_days
-- when the period end sees the fans settled (fans_settled_by: every sidebar preset's end), else of engaged_days
-- (_prepare.sql); otherwise the clickers semi-joined to the follows (a merchant sees only its products' clicks, which
-- the sums do not tell apart). The guards but fans_settled_by are constants: their other branches are not planned. No
-- row for an influencer without one.
-- A row of engaged_days counts for [period_start, period_end) when its day is the user's first in the period
-- (prev_day null or before it) and period_end is in its range (first_end after day: day is before period_end).
create or replace macro engaged_in(prev_day, day, first_end, last_end, period_start, period_end) as
    (prev_day is null or prev_day < period_start) and day >= period_start
    and first_end <= period_end and (last_end is null or last_end >= period_end);
create or replace macro engaged_fans(period_start, period_end, ids, influencer_scope, merchant_scope) as table
select e.influencer_id, cast(sum(e.engaged) as bigint) as engaged_fans
from settled_fan_days e
where merchant_scope is null and whole_days(period_start, period_end) and fans_settled_by(period_end)
  and e.day >= period_start
  and chosen(e.influencer_id, ids)
  and visible_influencer(e.influencer_id, influencer_scope)
group by e.influencer_id
having sum(e.engaged) > 0
union all
select e.influencer_id, cast(sum(e.fans) as bigint) as engaged_fans
from engaged_days e
where merchant_scope is null and whole_days(period_start, period_end) and not fans_settled_by(period_end)
  and engaged_in(e.prev_day, e.day, e.first_end, e.last_end, period_start, period_end)
  and chosen(e.influencer_id, ids)
  and visible_influencer(e.influencer_id, influencer_scope)
group by e.influencer_id
union all
select c.influencer_id, count(*)
from chosen_clickers(period_start, period_end, ids, influencer_scope, merchant_scope) c
semi join fan_follows f on f.influencer_id = c.influencer_id and f.fan_id = c.user_id
                       and is_fan_at(f.followed_at, f.unfollowed_at, period_end)
where not (merchant_scope is null and whole_days(period_start, period_end))
group by c.influencer_id;

-- The view of every influencer by a viewer who may see them all, over whole days: its figures add up from the
-- prepared rows summed over the influencers (daily_clicks, everyone_follow_days, everyone_fan_hours) instead of
-- reading every click or follow.
create or replace macro everyone_whole_days(period_start, period_end, ids, influencer_scope, merchant_scope) as
    len(ids) = 0 and influencer_scope is null and merchant_scope is null and whole_days(period_start, period_end);

-- For that view (everyone_whole_days), per day of [period_start, period_end) with clicks: the clicks on existing posts,
-- and new_clickers, the users whose first click of the period is on that day; summed over the days, the period's
-- clickers (as count(distinct user_id) over chosen_clicks, a null user left out). No rows for any other view: callers
-- read chosen_clicks there, in a branch guarded by `not everyone_whole_days(...)` (the guards are constants: the other
-- branch is left out of the plan).
create or replace macro everyone_clicks_by_day(period_start, period_end, ids, influencer_scope, merchant_scope) as table
select d.day, cast(sum(d.clicks) as bigint) as clicks,
       cast(coalesce(sum(d.clicks) filter (where d.has_user and (d.prev_day is null or d.prev_day < period_start)), 0)
            as bigint) as new_clickers
from daily_clicks d
where everyone_whole_days(period_start, period_end, ids, influencer_scope, merchant_scope)
  and d.day >= period_start and d.day < period_end
group by d.day;

-- Whether figures counted up to period_end may read the clicks counted by day (post_click_days, campaign_click_days,
-- _prepare.sql) instead of the clicks: without a merchant scope (a merchant sees its own products' clicks only, which
-- those rows do not tell apart) and with period_end at midnight (the rows hold whole local days; every period of the
-- screens ends at one).
create or replace macro click_days_suffice(period_end, merchant_scope) as
    merchant_scope is null and at_midnight(period_end);

-- Whether figures up to a period end may read the attributed orders summed by post or campaign (post_sums,
-- post_order_totals, campaign_order_sums, _prepare.sql): without a merchant scope (a merchant sees its own products'
-- orders only, which those rows do not tell apart) and at the window they are summed at (summed_window(), the screens'
-- default).
create or replace macro orders_suffice(win, merchant_scope) as
    merchant_scope is null and win = summed_window();

-- For the view of every influencer over whole days (everyone_whole_days) at the summed window, per day of
-- [period_start, period_end) with attributed orders: how many, new_buyers (the users whose first attributed order of
-- the period is on that day; summed over the days, the period's buyers, as count(distinct user_id) over chosen_orders,
-- a null user left out), their amounts and refunds, from daily_orders. No rows for any other view or window: callers
-- read chosen_orders there, in a branch guarded by `not everyone_summed_orders(...)` (constants: one branch planned).
create or replace macro everyone_summed_orders(period_start, period_end, win, ids, influencer_scope, merchant_scope) as
    everyone_whole_days(period_start, period_end, ids, influencer_scope, merchant_scope)
    and orders_suffice(win, merchant_scope);
create or replace macro everyone_orders_by_day(period_start, period_end, win, ids, influencer_scope,
                                               merchant_scope) as table
select d.day, cast(sum(d.orders) as bigint) as orders,
       cast(coalesce(sum(d.orders) filter (where d.has_user and (d.prev_day is null or d.prev_day < period_start)), 0)
            as bigint) as new_buyers,
       sum(d.gmv) as gmv, sum(d.net_gmv) as net_gmv, cast(sum(d.refunded_orders) as bigint) as refunded_orders
from daily_orders d
where everyone_summed_orders(period_start, period_end, win, ids, influencer_scope, merchant_scope)
  and d.day >= period_start and d.day < period_end
group by d.day;

-- The paid clicks of each campaign (the clicks carrying its id, wherever they are) before period_end that the viewer
-- may see (a merchant: its own products' only): from the paid clicks by campaign and day (campaign_click_days) when
-- those suffice (click_days_suffice), otherwise from the clicks. The guards are constants: one branch is planned.
create or replace macro campaign_paid_clicks(period_end, merchant_scope) as table
select d.campaign_id, cast(sum(d.clicks) as bigint) as paid_clicks
from campaign_click_days d
where click_days_suffice(period_end, merchant_scope)
  and d.day < period_end
group by d.campaign_id
union all
select c.campaign_id, count(*) as paid_clicks
from click_facts c
where not click_days_suffice(period_end, merchant_scope)
  and c.campaign_id is not null
  and c.clicked_at < period_end
  and visible_product(c.product_id, merchant_scope)
group by c.campaign_id;

-- The orders attributed (within win) through each campaign's paid clicks before period_end that the viewer may see (a
-- merchant: its own products' only), by campaign, with their CPS commission (each order's net amount × its product's
-- commission_rate to 8 decimals, an exact sum: a sum of doubles depends on the rows' order; nothing for a product
-- missing from products): at the summed window without a merchant scope (orders_suffice) a campaign's sums
-- (campaign_order_sums, _prepare.sql) when its last such order is before period_end, otherwise counted from the orders
-- (none to count at every sidebar preset's end). The guards are constants: the branches of one case are planned.
create or replace macro campaign_orders(period_end, win, merchant_scope) as table
with counted as (
    select a.*
    from campaign_attributed_orders(win) a
    where orders_suffice(win, merchant_scope)
      and a.campaign_id in (select s.campaign_id from campaign_order_sums s where s.last_at >= period_end)
    union all
    select a.*
    from campaign_attributed_orders(win) a
    where not orders_suffice(win, merchant_scope)
)
select s.campaign_id, s.orders, s.gmv, s.net_gmv, s.commission
from campaign_order_sums s
where orders_suffice(win, merchant_scope) and s.last_at < period_end
union all
select a.campaign_id, count(*) as orders, sum(a.amount) as gmv, sum(a.net_amount) as net_gmv,
       sum(cast(a.net_amount * pr.commission_rate as decimal(38, 8))) as commission
from counted a
left join products pr on pr.product_id = a.product_id
where a.campaign_id is not null and a.ordered_at < period_end and visible_product(a.product_id, merchant_scope)
group by a.campaign_id;

-- Whether campaign_roi may read a campaign's observed and baseline orders from campaign_span_orders (_prepare.sql):
-- without a merchant scope and at the summed window (orders_suffice), when its span ends by period_end (so the span is
-- not cut there, nor its baseline's weeks).
create or replace macro span_orders_suffice(end_at, win, period_end, merchant_scope) as
    coalesce(orders_suffice(win, merchant_scope) and end_at + win <= period_end, false);

-- The new fans of each campaign of the chosen influencers up to period_end (campaign_roi, campaign_products): its
-- follows (campaign_follows, _prepare.sql) before then.
create or replace macro campaign_new_fans(period_end, ids) as table
select f.campaign_id, count(*) as new_fans
from campaign_follows f
where f.followed_at < period_end and chosen(f.influencer_id, ids)
group by f.campaign_id;

-- Orders placed in [period_start, period_end) attributed (within win) to posts of the chosen
-- influencers that the viewer may see.
create or replace macro chosen_orders(period_start, period_end, win, ids, influencer_scope, merchant_scope) as table
select a.*
from post_attributed_orders(win, ids := ids) a
where a.ordered_at >= period_start and a.ordered_at < period_end
  and visible_influencer(a.influencer_id, influencer_scope)
  and visible_product(a.product_id, merchant_scope);

-- Age band of a fan, by the age reached in the year of the period's last day (`period_end` is exclusive).
create or replace macro age_band(birth_year, period_end) as
    case
        when birth_year is null then null
        when year(period_end - interval 1 day) - birth_year < 18 then '<18'
        when year(period_end - interval 1 day) - birth_year < 25 then '18-24'
        when year(period_end - interval 1 day) - birth_year < 30 then '25-29'
        when year(period_end - interval 1 day) - birth_year < 35 then '30-34'
        when year(period_end - interval 1 day) - birth_year < 40 then '35-39'
        when year(period_end - interval 1 day) - birth_year < 50 then '40-49'
        else '50+'
    end;

-- A bucket of profile_days (_prepare.sql) as a profile at period_end shows it: its age_band rows hold birth years,
-- which become the bands reached in the period end's year ('unknown' for none).
create or replace macro profile_bucket(dim, bucket, period_end) as
    case when dim = 'age_band' then coalesce(age_band(try_cast(bucket as integer), period_end), 'unknown')
         else bucket end;

-- The bucket a follow falls in along a profile dimension other than interest, 'unknown' for null. Along
-- interest a fan counts once per distinct tag: interest_tags and the table fan_interests (_prepare.sql).
create or replace macro fan_bucket(dim, gender, birth_year, province, city_tier, device, source, period_end) as
    coalesce(case dim
        when 'gender' then gender
        when 'age_band' then age_band(birth_year, period_end)
        when 'province' then province
        when 'city_tier' then cast(city_tier as varchar)
        when 'device' then device
        when 'source' then source
    end, 'unknown');

-- A post posted in [period_start, period_end) by a chosen influencer in the influencer scope.
create or replace macro period_post(posted_at, influencer_id, period_start, period_end, ids, influencer_scope) as
    posted_at >= period_start and posted_at < period_end
    and chosen(influencer_id, ids)
    and visible_influencer(influencer_id, influencer_scope);

-- The ids of the period's posts (period_post): for a viewer without a merchant scope, picked_posts' ids. Read straight
-- from influencer_posts, so that DuckDB knows how many they are (it takes a CTE of them for several times as many and
-- builds a semi join's hash table on the other side).
create or replace macro period_post_ids(period_start, period_end, ids, influencer_scope) as table
    select p.post_id
    from influencer_posts p
    where period_post(p.posted_at, p.influencer_id, period_start, period_end, ids, influencer_scope);

-- The period's posts (period_post) clicked on period_end's day or later (post_sums.last_day): those whose clicks
-- before period_end are sums over their days (post_click_days), not their totals. The posts are probed against the
-- few clicked since (none at every sidebar preset's end): no hash table of every period post to build. With the
-- columns of the posts' rows that post_events shows.
create or replace macro clicked_since(period_start, period_end, ids, influencer_scope) as table
    select p.post_id, p.influencer_id, p.content_type
    from influencer_posts p
    where period_post(p.posted_at, p.influencer_id, period_start, period_end, ids, influencer_scope)
      and p.post_id in (select t.post_id from post_sums t
                        where t.last_day >= period_end and chosen(t.influencer_id, ids));

-- The period's posts (period_post) with an order attributed within summed_window() at period_end or later
-- (post_order_totals.last_at): those whose orders before period_end are counted from the orders, not from the sums.
-- None at the exports' last day, where every sidebar preset ends. With the columns of the posts' rows, as
-- clicked_since.
create or replace macro ordered_since(period_start, period_end, ids, influencer_scope) as table
    select p.post_id, p.influencer_id, p.content_type
    from influencer_posts p
    where period_post(p.posted_at, p.influencer_id, period_start, period_end, ids, influencer_scope)
      and p.post_id in (select t.post_id from post_order_totals t where t.last_at >= period_end);

-- The posts posted in [period_start, period_end) of the chosen influencers that the viewer may see; a merchant
-- sees only posts linking its products. One row per post, with what post_figures shows of it, and its sums
-- (post_cards: summed_influencer_id and the post_sums columns, which post_figures reads).
create or replace macro picked_posts(period_start, period_end, ids, influencer_scope, merchant_scope) as table
    select p.*
    from post_cards p
    where period_post(p.posted_at, p.influencer_id, period_start, period_end, ids, influencer_scope)
      and (merchant_scope is null or p.post_id in (
          select lp.post_id from (select post_id, unnest(product_ids) as product_id from influencer_posts) lp
          where merchant_scope is not null and visible_product(lp.product_id, merchant_scope)));

-- Post figures (METRICS.md, post figures): the picked posts (picked_posts) with their clicks and attributed
-- orders from posting up to period_end; a merchant scope keeps its own products only.
-- Read by post_conversion (one row per post) and every summary of posts, so each figure is defined once.
-- Without a merchant scope a post's clicks are its sums over the exports (post_sums, on each post's row of
-- post_cards) when it was last clicked before period_end (click_days_suffice), and at the summed window its orders
-- too when it was last ordered before then (orders_suffice). The other posts' figures are counted below, one join
-- each, of which none has a row at every sidebar preset's end.
create or replace macro post_figures(period_start, period_end, win, ids, influencer_scope, merchant_scope) as table
    with picked as (
        select * from picked_posts(period_start, period_end, ids, influencer_scope, merchant_scope)
    ),
    -- Each figure is of the post, counted once on each of its rows (a post id exported twice, an integrity error, has
    -- two): the events are grouped by post id among the picked ones, not joined to every row.
    click_figures as (
        -- Without a merchant scope the clicks by post and day (post_click_days) of the posts clicked on period_end's
        -- day or later (clicked_since), when those suffice; otherwise the clicks. The guards are constants: one
        -- branch is planned. Distinct clickers without a merchant scope: the users' first clicks on the post
        -- (click_facts.first_click, one per post and user) before period_end: a sum of counts, far cheaper than
        -- count(distinct). A merchant sees its own products' clicks only, whose first may be on another merchant's
        -- product: its distinct clickers (scoped_clickers) are counted in the same pass over its clicks.
        select d.post_id,
               cast(sum(d.clicks) as bigint) as clicks,
               cast(sum(d.first_clicks) as bigint) as first_clickers,
               cast(coalesce(sum(d.clicks) filter (where d.from_fan), 0) as bigint) as fan_clicks,
               cast(null as bigint) as scoped_clickers
        from post_click_days d
        where click_days_suffice(period_end, merchant_scope)
          and d.day < period_end
          and chosen(d.influencer_id, ids)
          and d.post_id in (select post_id from clicked_since(period_start, period_end, ids, influencer_scope))
        group by d.post_id
        union all
        select c.post_id,
               count(*) as clicks,
               count(*) filter (where c.first_click) as first_clickers,
               count(*) filter (where c.from_fan) as fan_clicks,
               cast(null as bigint) as scoped_clickers
        from click_facts c
        where merchant_scope is null and not click_days_suffice(period_end, merchant_scope)
          and c.clicked_at < period_end
          and chosen(c.influencer_id, ids)
          and c.post_id in (select post_id from picked)
        group by c.post_id
        union all
        select c.post_id,
               count(*) as clicks,
               count(*) filter (where c.first_click) as first_clickers,
               count(*) filter (where c.from_fan) as fan_clicks,
               count(distinct c.user_id) as scoped_clickers
        from click_facts c
        where merchant_scope is not null
          and c.clicked_at < period_end
          and chosen(c.influencer_id, ids)
          and visible_product(c.product_id, merchant_scope)
          and c.post_id in (select post_id from picked)
        group by c.post_id
    ),
    -- The attributed orders before period_end counted one by one. Without a merchant scope from post_orders, whose
    -- buyers are a count of each user's first attributed order of the post (earlier_lag): at the summed window only
    -- those of the posts ordered at period_end or later (ordered_since), at another those of the period's posts. A
    -- merchant sees its own products' orders only, whose first may be another: there from attributed_orders, with a
    -- count(distinct). The guards are constants: the branches of one case are planned.
    counted_orders as (
        select o.*
        from post_orders o
        where orders_suffice(win, merchant_scope)
          and o.post_id in (select post_id from ordered_since(period_start, period_end, ids, influencer_scope))
        union all
        select o.*
        from post_orders o
        where merchant_scope is null and not orders_suffice(win, merchant_scope)
          and o.post_id in (select post_id from period_post_ids(period_start, period_end, ids, influencer_scope))
    ),
    order_figures as (
        select o.post_id,
               count(*) as orders,
               -- (an order with a latest click has a user: the click is matched on it)
               count(*) filter (where o.earlier_lag_us is null or to_microseconds(o.earlier_lag_us) > win) as buyers,
               sum(o.amount) as gmv,
               sum(o.net_amount) as net_gmv,
               count(*) filter (where o.refunded) as refunded_orders
        from counted_orders o
        where to_microseconds(o.lag_us) <= win
          and o.ordered_at < period_end
          and chosen(o.influencer_id, ids)
        group by o.post_id
        union all
        select a.post_id,
               count(*) as orders,
               count(distinct a.user_id) as buyers,
               sum(a.amount) as gmv,
               sum(a.net_amount) as net_gmv,
               count(*) filter (where a.refunded) as refunded_orders
        from attributed_orders(win, ids := ids) a
        where merchant_scope is not null
          and a.ordered_at < period_end
          and visible_product(a.product_id, merchant_scope)
          and a.post_id in (select post_id from picked)
        group by a.post_id
    ),
    -- each post's figures: from the sums where they hold, else as counted (a post has a row in one or neither)
    counted as (
        select k.*,
               coalesce(if(k.clicks_summed, k.clicks, null), cf.clicks, 0) as n_clicks,
               coalesce(if(k.clicks_summed, k.first_clicks, null), cf.first_clickers, 0) as n_first_clickers,
               coalesce(if(k.clicks_summed, k.fan_clicks, null), cf.fan_clicks, 0) as n_fan_clicks,
               coalesce(cf.scoped_clickers, 0) as n_scoped_clickers,
               if(k.orders_summed, k.orders, o.orders) as n_orders,
               if(k.orders_summed, k.buyers, o.buyers) as n_buyers,
               if(k.orders_summed, k.gmv, o.gmv) as n_gmv,
               if(k.orders_summed, k.net_gmv, o.net_gmv) as n_net_gmv,
               if(k.orders_summed, k.refunded_orders, o.refunded_orders) as n_refunded_orders
        -- The sums that hold up to period_end: whether the clicks do (clicks_summed), whether the orders do
        -- (orders_summed); none for a merchant (the two guards say so), nor when the sums' author is not a chosen
        -- influencer.
        from (select p.*,
                     click_days_suffice(period_end, merchant_scope) and chosen(p.summed_influencer_id, ids)
                         and p.last_day < period_end as clicks_summed,
                     orders_suffice(win, merchant_scope) and chosen(p.summed_influencer_id, ids)
                         and p.last_at < period_end as orders_summed
              from picked p) k
        left join click_figures cf on cf.post_id = k.post_id
        left join order_figures o on o.post_id = k.post_id
    )
    select k.post_id, k.influencer_id, k.posted_at, k.content_type, k.title, k.category,
           k.impressions, k.reads, k.interactions,
           k.n_clicks as clicks,
           case when merchant_scope is null then k.n_first_clickers else k.n_scoped_clickers end as clickers,
           k.n_fan_clicks as fan_clicks,
           coalesce(k.n_orders, 0) as orders,
           coalesce(k.n_buyers, 0) as buyers,
           cast(coalesce(k.n_gmv, 0) as decimal(18, 2)) as gmv,
           cast(coalesce(k.n_net_gmv, 0) as decimal(18, 2)) as net_gmv,
           coalesce(k.n_refunded_orders, 0) as refunded_orders,
           k.n_clicks / nullif(k.impressions, 0) as ctr,
           k.reads / nullif(k.impressions, 0) as read_rate,
           coalesce(k.n_orders, 0) / nullif(k.n_clicks, 0) as cvr,
           coalesce(k.n_buyers, 0)
               / nullif(case when merchant_scope is null then k.n_first_clickers else k.n_scoped_clickers end, 0)
               as buyer_rate,
           cast(k.n_gmv / nullif(k.n_orders, 0) as decimal(18, 2)) as aov,
           coalesce(k.n_gmv, 0) / nullif(k.reads, 0) * 1000 as gmv_per_1k_reads
    from counted k;

-- The post figures a ranking shows (post_ranking): those of one post (`post`; null = any) whose title holds `search`
-- ('' = any; a plain substring, case ignored), with rank_value, the value of the metric `rank_by` as a double. The
-- metric is chosen by a CASE over a fixed list, never by building SQL; an unknown one ranks nothing (null).
create or replace macro ranked_post_figures(period_start, period_end, win, ids, influencer_scope, merchant_scope,
                                            rank_by, search, post) as table
    select *,
           case rank_by
               when 'gmv' then cast(gmv as double)
               when 'net_gmv' then cast(net_gmv as double)
               when 'orders' then cast(orders as double)
               when 'clicks' then cast(clicks as double)
               when 'impressions' then cast(impressions as double)
               when 'reads' then cast(reads as double)
               when 'interactions' then cast(interactions as double)
               when 'ctr' then cast(ctr as double)
               when 'cvr' then cast(cvr as double)
               when 'aov' then cast(aov as double)
               when 'gmv_per_1k_reads' then cast(gmv_per_1k_reads as double)
           end as rank_value
    from post_figures(period_start, period_end, win, ids, influencer_scope, merchant_scope)
    where (post is null or post_id = post)
      and (search = '' or contains(lower(title), lower(search)));

-- The clicks and attributed orders of the posts posted in [period_start, period_end) up to period_end: the click →
-- order step of the funnel, to be split by channel and fan status (post_channels, posts_channel_split), by the post's
-- content type (content_type_summary) or by its influencer (benchmark_figures), which sum is_click, is_order, amount
-- and net_amount. A row is clicks or orders, is_click and is_order of them, once per row of its post: without a merchant
-- scope the clicks of a post by channel and fan status (post_click_totals), or on a day (post_click_days), otherwise
-- each click, on the merchant's products; at the summed window without a merchant scope (orders_suffice) the orders of
-- a post by channel and fan status (post_order_totals), otherwise each order. An order takes its click's channel and is
-- from a fan when its user was a fan of the post's author at the order. The totals come with their posts' columns
-- (post_event_totals): a scan, whose filter on last_at the file's statistics drop at a preset's end. The other events
-- meet their posts in a join: those of the posts clicked or ordered at period_end or later (clicked_since,
-- ordered_since: a join to those few posts, none at a preset's end), and the events counted one by one (a merchant's,
-- or at another window or end) to the picked posts. The guards are constants: the branches taken are planned.
create or replace macro post_events(period_start, period_end, win, ids, influencer_scope, merchant_scope) as table
    with picked as (
        select post_id, influencer_id, content_type
        from picked_posts(period_start, period_end, ids, influencer_scope, merchant_scope)
    ),
    -- the events of the posts clicked or ordered at period_end or later (by day, or one by one), with those posts'
    -- columns: a join of the few such posts, not of every post
    since as (
        select k.influencer_id, k.content_type, d.channel, d.from_fan, d.clicks as is_click, 0 as is_order,
               cast(null as decimal(18, 2)) as amount, cast(null as decimal(18, 2)) as net_amount
        from post_click_days d
        join clicked_since(period_start, period_end, ids, influencer_scope) k on k.post_id = d.post_id
        where click_days_suffice(period_end, merchant_scope)
          and d.day < period_end
          and chosen(d.influencer_id, ids)
        union all
        select k.influencer_id, k.content_type, a.channel, a.from_fan, 0, 1, a.amount, a.net_amount
        from attributed_orders(win, ids := ids) a
        join ordered_since(period_start, period_end, ids, influencer_scope) k on k.post_id = a.post_id
        where orders_suffice(win, merchant_scope)
          and a.ordered_at < period_end
    ),
    -- the events counted one by one
    counted as (
        select c.post_id, c.channel, c.from_fan, 1 as is_click, 0 as is_order,
               cast(null as decimal(18, 2)) as amount, cast(null as decimal(18, 2)) as net_amount
        from click_facts c
        where not click_days_suffice(period_end, merchant_scope)
          and c.clicked_at < period_end
          and chosen(c.influencer_id, ids)
          and visible_product(c.product_id, merchant_scope)
        union all
        select a.post_id, a.channel, a.from_fan, 0, 1, a.amount, a.net_amount
        from attributed_orders(win, ids := ids) a
        where not orders_suffice(win, merchant_scope)
          and a.ordered_at < period_end
          and visible_product(a.product_id, merchant_scope)
    )
    select t.influencer_id, t.content_type, t.channel, t.from_fan, t.clicks as is_click, t.orders as is_order,
           t.gmv as amount, t.net_gmv as net_amount
    from post_event_totals t
    where period_post(t.posted_at, t.influencer_id, period_start, period_end, ids, influencer_scope)
      and chosen(t.event_influencer_id, ids)
      and t.last_at < period_end
      -- a click row has no orders, an order row no clicks; the first term (both kinds) lets the filter fold away
      and (click_days_suffice(period_end, merchant_scope) and orders_suffice(win, merchant_scope)
           or click_days_suffice(period_end, merchant_scope) and t.orders = 0
           or orders_suffice(win, merchant_scope) and t.clicks = 0)
    union all
    select * from since
    union all
    select k.influencer_id, k.content_type, e.channel, e.from_fan, e.is_click, e.is_order, e.amount, e.net_amount
    from counted e
    join picked k on k.post_id = e.post_id;

-- Whether post_events of every influencer over whole days at the summed window (everyone_whole_days, orders_suffice)
-- are sums of everyone_event_days (_prepare.sql): when the period end is after every event's last_at, as at every
-- sidebar preset's end. A subquery of a few thousand rows; a branch it rules out reads nothing.
create or replace macro post_events_settled(period_start, period_end, win, ids, influencer_scope, merchant_scope) as
    everyone_whole_days(period_start, period_end, ids, influencer_scope, merchant_scope)
    and orders_suffice(win, merchant_scope)
    and coalesce(period_end > (select max(d.last_at) from everyone_event_days d), false);

-- post_events without their influencer, for the summaries of the posts as one (content_type_summary,
-- posts_channel_split): when they are settled (post_events_settled) the sums of everyone_event_days over the period's
-- days of posting, otherwise post_events.
create or replace macro post_event_sums(period_start, period_end, win, ids, influencer_scope, merchant_scope) as table
    select d.content_type, d.channel, d.from_fan, d.clicks as is_click, d.orders as is_order, d.gmv as amount,
           d.net_gmv as net_amount
    from everyone_event_days d
    where post_events_settled(period_start, period_end, win, ids, influencer_scope, merchant_scope)
      and d.day >= period_start and d.day < period_end
    union all
    select e.content_type, e.channel, e.from_fan, e.is_click, e.is_order, e.amount, e.net_amount
    from post_events(period_start, period_end, win, ids, influencer_scope, merchant_scope) e
    where not post_events_settled(period_start, period_end, win, ids, influencer_scope, merchant_scope);

-- ---- the Merchants screen (达人对比) ----

-- The chosen influencers whose fans at period_end may not be their final ones: a day boundary of a follow or unfollow
-- after it (a day of follow_days_by_day after it, _prepare.sql). Every other influencer's fans at period_end are its
-- follows with a start and no end, which final_profiles and final_segment_fans count (audience_breakdown,
-- segment_match). At the last day of the exports (every screen's default period end) there are none.
create or replace macro unsettled_influencers(period_end, ids := []) as table
select distinct d.influencer_id
from follow_days_by_day d
where d.day > period_end and chosen(d.influencer_id, ids);

-- One criterion of a target segment: an empty list sets none (every fan meets it); else the fan's value must be one
-- of the list's. An unknown (NULL) value meets no criterion that is set.
create or replace macro segment_has(wanted, value) as
    len(wanted) = 0 or coalesce(list_contains(wanted, value), false);

-- The interest criterion: some tag of the fan (NULL tags and an empty or NULL list have none) is a wanted one.
create or replace macro segment_has_any(wanted, tags) as
    len(wanted) = 0 or coalesce(list_has_any(wanted, tags), false);

-- Whether a target segment sets no criterion (segment_has: then every fan is in it).
create or replace macro no_criterion(want_gender, want_age_band, want_city_tier, want_interest, want_province) as
    len(want_gender) = 0 and len(want_age_band) = 0 and len(want_city_tier) = 0 and len(want_interest) = 0
    and len(want_province) = 0;

-- Fans at period_end per influencer (distinct users), and how many of them meet each criterion of a target segment
-- and all of them together. A user followed twice at that moment counts once: it is in the segment when one of its
-- follows' profiles meets every criterion. Age bands as of the period end's year (age_band). Without a criterion
-- (no_criterion: the Merchants screen's default) every fan meets them all, and the fans are counted from the follows
-- by day (period_fans, which counts follows: a pair's follows beyond one at that moment, of the few pairs followed
-- twice, repeat_follows, are taken off) rather than from every follow's profile; the guards are constants: one
-- branch is planned. `ids` (influencer ids; default [] = every influencer) keeps the chosen influencers' follows only,
-- which the follows in influencer order (fan_follows) read as their own row groups.
create or replace macro segment_match(period_end, want_gender, want_age_band, want_city_tier, want_interest,
                                      want_province, ids := []) as table
    with repeated as (
        select influencer_id, sum(follows - 1) as extra
        from (select f.influencer_id, count(*) as follows
              from fan_follows f
              semi join repeat_follows r on r.influencer_id is not distinct from f.influencer_id
                                        and r.fan_id is not distinct from f.fan_id
              where no_criterion(want_gender, want_age_band, want_city_tier, want_interest, want_province)
                and is_fan_at(f.followed_at, f.unfollowed_at, period_end)
                and chosen(f.influencer_id, ids)
              group by f.influencer_id, f.fan_id)
        group by influencer_id
    ),
    everyone as (
        select p.influencer_id, cast(p.fans_end - coalesce(r.extra, 0) as bigint) as fans
        from period_fans(period_end, period_end, ids := ids) p
        left join repeated r on r.influencer_id is not distinct from p.influencer_id
        where no_criterion(want_gender, want_age_band, want_city_tier, want_interest, want_province)
    ),
    -- For a segment without interests, the pairs followed once of every influencer but the unsettled ones are
    -- counted from final_segment_fans (_prepare.sql) instead of their follows; the guards on want_interest are
    -- constants: the branches they rule out are not planned, and an empty side of a semi join ends its scan.
    -- The chosen influencers (`ids`) are kept where each source is read, not in `follows`, which the plan copies into
    -- every branch: a list of thousands of ids (the Merchants screen's) costs ~15 ms of planning per copy.
    unsettled as (
        select * from unsettled_influencers(period_end, ids := ids)
    ),
    follows as (
        -- the follows whose profiles are read: every one for a segment with interests; else those of the influencers
        -- whose fans may not be final, and the pairs followed twice or more (users grouped per pair below: a pair of
        -- the former read twice counts once). A subquery, not a CTE of its own, which DuckDB would materialise whole,
        -- before the fan test.
        select f.influencer_id, f.fan_id,
               segment_has(want_gender, f.gender) as by_gender,
               segment_has(want_age_band, age_band(f.birth_year, period_end)) as by_age_band,
               segment_has(want_city_tier, f.city_tier) as by_city_tier,
               segment_has_any(want_interest, f.interests) as by_interest,
               segment_has(want_province, f.province) as by_province
        from (select f.* from fan_follows f
              where len(want_interest) > 0 and chosen(f.influencer_id, ids)
              union all
              select f.* from fan_follows f
              semi join unsettled u on u.influencer_id is not distinct from f.influencer_id
              where len(want_interest) = 0
              union all
              select f.* from fan_follows f
              semi join (select * from repeat_follows where chosen(influencer_id, ids)) r
                  on r.influencer_id is not distinct from f.influencer_id and r.fan_id is not distinct from f.fan_id
              where len(want_interest) = 0) f
        where not no_criterion(want_gender, want_age_band, want_city_tier, want_interest, want_province)
          and is_fan_at(f.followed_at, f.unfollowed_at, period_end)
    ),
    -- A pair with one follow in all (repeat_follows, _prepare.sql, holds the others) is one user as it stands; only
    -- the follows of repeated pairs are grouped per user (a group by of every follow cost ~3 s at the large scale).
    users as (
        select f.influencer_id, f.by_gender, f.by_age_band, f.by_city_tier, f.by_interest, f.by_province,
               f.by_gender and f.by_age_band and f.by_city_tier and f.by_interest and f.by_province as matched
        from follows f
        anti join repeat_follows r on r.influencer_id is not distinct from f.influencer_id
                                  and r.fan_id is not distinct from f.fan_id
        union all
        select f.influencer_id,
               bool_or(f.by_gender), bool_or(f.by_age_band), bool_or(f.by_city_tier), bool_or(f.by_interest),
               bool_or(f.by_province),
               bool_or(f.by_gender and f.by_age_band and f.by_city_tier and f.by_interest and f.by_province)
        from follows f
        semi join repeat_follows r on r.influencer_id is not distinct from f.influencer_id
                                  and r.fan_id is not distinct from f.fan_id
        group by f.influencer_id, f.fan_id
    ),
    -- The settled influencers' pairs followed once, from final_segment_fans' counts.
    final_users as (
        select c.influencer_id, c.fans,
               segment_has(want_gender, c.gender) as by_gender,
               segment_has(want_age_band, age_band(c.birth_year, period_end)) as by_age_band,
               segment_has(want_city_tier, c.city_tier) as by_city_tier,
               segment_has(want_province, c.province) as by_province
        from final_segment_fans c
        anti join unsettled u on u.influencer_id is not distinct from c.influencer_id
        where not no_criterion(want_gender, want_age_band, want_city_tier, want_interest, want_province)
          and len(want_interest) = 0
          and c.by_province = (len(want_province) > 0)
          and chosen(c.influencer_id, ids)
    ),
    -- Each source counted by influencer, then summed (an influencer's repeated pairs and its counts add up).
    counted as (
        select influencer_id,
               count(*) as fans_end,
               count(*) filter (where matched) as matched_fans,
               count(*) filter (where by_gender) as gender_fans,
               count(*) filter (where by_age_band) as age_band_fans,
               count(*) filter (where by_city_tier) as city_tier_fans,
               count(*) filter (where by_interest) as interest_fans,
               count(*) filter (where by_province) as province_fans
        from users
        group by influencer_id
        union all
        select influencer_id,
               sum(fans),
               coalesce(sum(fans) filter (where by_gender and by_age_band and by_city_tier and by_province), 0),
               coalesce(sum(fans) filter (where by_gender), 0),
               coalesce(sum(fans) filter (where by_age_band), 0),
               coalesce(sum(fans) filter (where by_city_tier), 0),
               sum(fans),
               coalesce(sum(fans) filter (where by_province), 0)
        from final_users
        group by influencer_id
    )
    select influencer_id,
           cast(sum(fans_end) as bigint) as fans_end,
           cast(sum(matched_fans) as bigint) as matched_fans,
           cast(sum(gender_fans) as bigint) as gender_fans,
           cast(sum(age_band_fans) as bigint) as age_band_fans,
           cast(sum(city_tier_fans) as bigint) as city_tier_fans,
           cast(sum(interest_fans) as bigint) as interest_fans,
           cast(sum(province_fans) as bigint) as province_fans
    from counted
    group by influencer_id
    union all
    select influencer_id, fans, fans, fans, fans, fans, fans, fans
    from everyone;

-- ---- the Benchmarks screen (类目对标) ----

-- An account's tier: as exported, else derived from its fans at a moment (CONTRACT.md, influencers.tier).
create or replace macro account_tier(tier, fans) as
    coalesce(tier, case when coalesce(fans, 0) >= 1000000 then 'head'
                        when coalesce(fans, 0) >= 100000 then 'waist'
                        else 'tail' end);

-- The accounts the viewer may see with their benchmark cohort: the category and the tier (account_tier), exported or
-- derived from the fans at tier_at. One row per row of influencers.
create or replace macro benchmark_accounts(tier_at, influencer_scope, merchant_scope) as table
    select i.influencer_id, i.category, account_tier(i.tier, fc.fans) as tier
    from influencers i
    left join (select p.influencer_id, p.fans_end as fans from period_fans(tier_at, tier_at) p) fc
           on fc.influencer_id = i.influencer_id
    where visible_account(i.influencer_id, influencer_scope, merchant_scope);

-- The metrics category_benchmark compares, in their order (ord).
create or replace macro benchmark_metrics() as table
    select * from (values ('ctr', 1), ('cvr', 2), ('aov', 3), ('gmv_per_1k_reads', 4), ('fan_growth', 5),
                          ('engaged_fan_rate', 6), ('headline_roas', 7)) m(metric, ord);

-- A metric's numerator and denominator from an influencer's totals (METRICS.md, category_benchmark).
create or replace macro benchmark_numerator(metric, clicks, orders, gmv, fans_start, fans_end, engaged_fans,
                                            headline_gmv) as
    case metric when 'ctr' then clicks when 'cvr' then orders when 'aov' then gmv
                when 'gmv_per_1k_reads' then gmv * 1000 when 'fan_growth' then fans_end - fans_start
                when 'engaged_fan_rate' then engaged_fans when 'headline_roas' then headline_gmv
    end;
create or replace macro benchmark_denominator(metric, impressions, clicks, orders, reads, fans_start, fans_end,
                                              headline_spend) as
    case metric when 'ctr' then impressions when 'cvr' then clicks when 'aov' then orders
                when 'gmv_per_1k_reads' then reads when 'fan_growth' then fans_start
                when 'engaged_fan_rate' then fans_end when 'headline_roas' then headline_spend
    end;

-- A metric's value: the ratio, null when the denominator is 0.
create or replace macro benchmark_value(numerator, denominator) as
    cast(numerator as double) / cast(nullif(denominator, 0) as double);

-- The privacy rule of METRICS.md: a cohort may be published with at least greatest(k, 3) influencers with a value,
-- no influencer holding more than half of the cohort's total denominator (2 × largest <= total), and for fan_growth
-- and engaged_fan_rate a total of at least 50 fans.
create or replace macro benchmark_published(metric, influencers, largest, cohort_total, k) as
    influencers >= greatest(k, 3)
    and 2 * largest <= cohort_total
    and (metric not in ('fan_growth', 'engaged_fan_rate') or cohort_total >= 50);

-- The figures category_benchmark compares (METRICS.md), one row per influencer the viewer may see × metric, in a
-- fixed order (ord): ctr, cvr, aov, gmv_per_1k_reads (ratios of the sums of the influencer's post figures over
-- [period_start, period_end), post_figures), fan_growth ((fans_end − fans_start) / fans_start) and
-- engaged_fan_rate (engaged_fans / fans_end) as in audience_summary, and headline_roas (gmv / spend summed over
-- its fan_headline and delegated_headline campaigns started in the period, gmv attributed through their paid
-- clicks up to period_end, as in campaign_roi). `denominator` is the metric's denominator (impressions, clicks,
-- orders, reads, fans_start, fans_end, spend); `value` is null exactly when it is 0. The cohort is the category
-- and the tier, exported or derived from the fans at tier_at.
create or replace macro benchmark_figures(period_start, period_end, tier_at, win, influencer_scope,
                                          merchant_scope) as table
    with accounts as (
        select * from benchmark_accounts(tier_at, influencer_scope, merchant_scope)
    ),
    -- The sums of its posts' figures (post_figures): the posts' own by influencer, and their events' (post_events,
    -- each counted once on each row of its post, as each row of post_figures holds its post's figures) without first
    -- grouping them by post (1.6 M posts at the large scale). Once the events are settled (post_events_settled: over
    -- whole days, every event before the period end, as at every sidebar preset's end) the sums of the period's days
    -- of influencer_post_days (_prepare.sql).
    post_sums as (
        select d.influencer_id, sum(d.impressions) as impressions, sum(d.reads) as reads,
               coalesce(sum(d.clicks), 0) as clicks, coalesce(sum(d.orders), 0) as orders,
               coalesce(sum(d.gmv), 0) as gmv
        from influencer_post_days d
        where post_events_settled(period_start, period_end, win, [], influencer_scope, merchant_scope)
          and d.day >= period_start and d.day < period_end
        group by d.influencer_id
        union all
        select p.influencer_id, p.impressions, p.reads, coalesce(e.clicks, 0) as clicks,
               coalesce(e.orders, 0) as orders, coalesce(e.gmv, 0) as gmv
        from (select influencer_id, sum(impressions) as impressions, sum(reads) as reads
              from picked_posts(period_start, period_end, [], influencer_scope, merchant_scope)
              where not post_events_settled(period_start, period_end, win, [], influencer_scope, merchant_scope)
              group by influencer_id) p
        left join (select influencer_id, sum(is_click) as clicks, sum(is_order) as orders, sum(amount) as gmv
                   from post_events(period_start, period_end, win, [], influencer_scope, merchant_scope)
                   where not post_events_settled(period_start, period_end, win, [], influencer_scope,
                                                 merchant_scope)
                   group by influencer_id) e on e.influencer_id is not distinct from p.influencer_id
    ),
    fan_counts as (
        select p.influencer_id, p.fans_start, p.fans_end from period_fans(period_start, period_end) p
    ),
    -- engaged fans: the period's clickers who are fans at period_end (engaged_fans)
    engaged as (
        select * from engaged_fans(period_start, period_end, [], influencer_scope, merchant_scope)
    ),
    headline as (
        select cp.influencer_id, sum(cp.spend) as spend, sum(coalesce(po.gmv, 0)) as gmv
        from campaigns cp
        left join (select o.campaign_id, o.gmv
                   from campaign_orders(period_end, win, null) o) po on po.campaign_id = cp.campaign_id
        where cp.product in ('fan_headline', 'delegated_headline')
          and cp.start_at >= period_start and cp.start_at < period_end
          and visible_influencer(cp.influencer_id, influencer_scope)
          and (merchant_scope is null or list_contains(merchant_scope, cp.buyer_merchant_id))
        group by cp.influencer_id
    ),
    totals as (
        select a.influencer_id, a.category, a.tier,
               cast(coalesce(ps.impressions, 0) as decimal(38, 2)) as impressions,
               cast(coalesce(ps.reads, 0) as decimal(38, 2)) as reads,
               cast(coalesce(ps.clicks, 0) as decimal(38, 2)) as clicks,
               cast(coalesce(ps.orders, 0) as decimal(38, 2)) as orders,
               cast(coalesce(ps.gmv, 0) as decimal(38, 2)) as gmv,
               cast(coalesce(fc.fans_start, 0) as decimal(38, 2)) as fans_start,
               cast(coalesce(fc.fans_end, 0) as decimal(38, 2)) as fans_end,
               cast(coalesce(e.engaged_fans, 0) as decimal(38, 2)) as engaged_fans,
               cast(coalesce(h.spend, 0) as decimal(38, 2)) as headline_spend,
               cast(coalesce(h.gmv, 0) as decimal(38, 2)) as headline_gmv
        from accounts a
        left join post_sums ps on ps.influencer_id = a.influencer_id
        left join fan_counts fc on fc.influencer_id = a.influencer_id
        left join engaged e on e.influencer_id = a.influencer_id
        left join headline h on h.influencer_id = a.influencer_id
    ),
    parts as (
        select t.influencer_id, t.category, t.tier, m.metric, m.ord,
               benchmark_numerator(m.metric, t.clicks, t.orders, t.gmv, t.fans_start, t.fans_end, t.engaged_fans,
                                   t.headline_gmv) as numerator,
               benchmark_denominator(m.metric, t.impressions, t.clicks, t.orders, t.reads, t.fans_start, t.fans_end,
                                     t.headline_spend) as denominator
        from totals t
        cross join benchmark_metrics() m
    )
    select influencer_id, category, tier, metric, ord, denominator,
           benchmark_value(numerator, denominator) as value
    from parts;

-- benchmark_figures with each influencer's cohort (category × tier × metric, over the non-null values) beside it:
-- influencers (how many have a value), p25 / p50 / p75 / p90 (quantile_cont: linear interpolation), percentile
-- (percent_rank among the cohort's values: the share of the other members with a strictly lower value, 0 for the
-- lowest, 1 for the highest, ties share the lower rank; null without a value) and published, the privacy rule of
-- METRICS.md: at least greatest(k, 3) influencers, no influencer holding more than half of the cohort's total
-- denominator, and for fan_growth and engaged_fan_rate a total of at least 50 fans. Whatever a screen shows of a
-- cohort comes from here, so a figure is shown only where `published` holds.
create or replace macro benchmark_cohorts(period_start, period_end, tier_at, win, k, influencer_scope,
                                          merchant_scope) as table
    with cohorts as (
        select f.*,
               count(f.value) over cohort as influencers,
               quantile_cont(f.value, 0.25) over cohort as p25,
               quantile_cont(f.value, 0.5) over cohort as p50,
               quantile_cont(f.value, 0.75) over cohort as p75,
               quantile_cont(f.value, 0.9) over cohort as p90,
               sum(f.denominator) over cohort as cohort_total,
               max(f.denominator) over cohort as largest,
               case when f.value is not null then
                   percent_rank() over (partition by f.category, f.tier, f.metric, f.value is null order by f.value)
               end as percentile
        from benchmark_figures(period_start, period_end, tier_at, win, influencer_scope, merchant_scope) f
        window cohort as (partition by f.category, f.tier, f.metric)
    )
    select *, benchmark_published(metric, influencers, largest, cohort_total, k) as published
    from cohorts;

-- benchmark_figures month by month, with no viewer scope (benchmark_trend): each calendar month of
-- [period_start, period_end), clipped to it ([max(month start, period_start), min(next month start, period_end))),
-- is a period of its own, and every figure is counted for it as benchmark_figures counts it for a period: the sums
-- of the figures of the posts posted in the month (picked_posts; clicks and attributed orders up to the month's end,
-- as post_figures counts them, a post exported twice included), fans at the month's start and end, engaged fans
-- (fans at the month's end with a click in the month), and the headline campaigns started in the month (gmv
-- attributed through their paid clicks up to the month's end). The tier is the one at tier_at in every month.
-- One pass over the events for all the months rather than one per month: each post and campaign starts in one month
-- at most, so its events are read once, up to its own month's end; at summed_window() a whole month's posts are their
-- sums (post_months) and a headline campaign's orders its sums when they end before the month does
-- (campaign_order_sums, _prepare.sql). One row per month × account × metric.
-- With `cat` (default null: every category) the accounts of that category only: each account's figures are its own,
-- so leaving the others out changes none of them, and their posts, clicks and follows are not joined (the screen's
-- cohort trend shows one category).
create or replace macro benchmark_monthly_figures(period_start, period_end, tier_at, win, cat := null) as table
    with months as (
        select cast(m as date) as month,
               greatest(m, period_start) as month_start,
               least(m + interval 1 month, period_end) as month_end,
               -- a whole calendar month: the period cuts neither end
               period_start <= m and m + interval 1 month <= period_end as whole
        from generate_series(date_trunc('month', period_start), period_end - interval 1 microsecond,
                             interval 1 month) g(m)
    ),
    accounts as (
        select * from benchmark_accounts(tier_at, null, null) where cat is null or category = cat
    ),
    -- post_figures of every month, one row per picked post row (a post id exported twice has two rows, each with the
    -- post's clicks and orders, as there), of the accounts' posts. A whole month at summed_window() is its rows of
    -- post_months (_prepare.sql); the posts of the other months (the first and the last when the period cuts them,
    -- every month at another window) are picked here and counted below.
    months_summed as (
        select month from months where whole and orders_suffice(win, null)
    ),
    picked as (
        select m.month, m.month_end, k.post_id, k.influencer_id, k.impressions, k.reads
        from picked_posts(period_start, period_end, [], null, null) k
        join months m on m.month = cast(date_trunc('month', k.posted_at) as date)
        where not (m.whole and orders_suffice(win, null))
          and k.influencer_id in (select influencer_id from accounts)
    ),
    picked_ids as (
        select distinct month, month_end, post_id from picked
    ),
    -- each picked post's clicks up to its month's end: over bounds at midnight (the months' ends then are too), sums of
    -- the clicks by post and day (post_click_days); otherwise the clicks. The guards are constants: one branch is
    -- planned.
    click_figures as (
        select k.month, d.post_id, cast(sum(d.clicks) as bigint) as clicks
        from post_click_days d
        join picked_ids k on k.post_id = d.post_id and d.day < k.month_end
        where whole_days(period_start, period_end)
        group by k.month, d.post_id
        union all
        select k.month, c.post_id, count(*) as clicks
        from click_facts c
        join picked_ids k on k.post_id = c.post_id and c.clicked_at < k.month_end
        where not whole_days(period_start, period_end)
        group by k.month, c.post_id
    ),
    -- each picked post's attributed orders up to its month's end (post_orders: the orders whose latest click is on a
    -- post, attributed when the lag fits the window)
    order_figures as (
        select k.month, o.post_id, count(*) as orders, sum(o.amount) as gmv
        from post_orders o
        join picked_ids k on k.post_id = o.post_id and o.ordered_at < k.month_end
        where to_microseconds(o.lag_us) <= win
        group by k.month, o.post_id
    ),
    post_sums as (
        select s.month, s.influencer_id, s.impressions, s.reads, s.clicks, s.orders, s.gmv
        from post_months s
        join months_summed m on m.month = s.month
        where s.influencer_id in (select influencer_id from accounts)
        union all
        select k.month, k.influencer_id, sum(k.impressions) as impressions, sum(k.reads) as reads,
               sum(coalesce(cf.clicks, 0)) as clicks, sum(coalesce(o.orders, 0)) as orders,
               sum(cast(coalesce(o.gmv, 0) as decimal(18, 2))) as gmv
        from picked k
        left join click_figures cf on cf.month = k.month and cf.post_id = k.post_id
        left join order_figures o on o.month = k.month and o.post_id = k.post_id
        group by k.month, k.influencer_id
    ),
    follows as (
        select f.influencer_id, f.fan_id, f.followed_at, f.unfollowed_at
        from fan_follows f
        join accounts a on a.influencer_id = f.influencer_id
    ),
    -- fans at the months' starts and ends. Over bounds at midnight (the months' then are too) from the follows counted
    -- by month start and day, as period_fans sums them (upto_bound): a bound's fans are its month start's in
    -- follow_months (the last month start's after it) and the days since, which only period_start and period_end can
    -- have (every other bound is a month start). Otherwise from the follows: a follow that holds from period_start to
    -- period_end is a fan at every bound, so only the others are looked at month by month. The guards are constants:
    -- one branch is planned.
    bounds as (
        select distinct bound from (select month_start as bound from months union all select month_end from months)
    ),
    fans_at_bounds as (
        select bound, influencer_id, cast(sum(fans) as bigint) as fans
        from (select b.bound, f.influencer_id, f.fans
              from bounds b
              join follow_months f on f.month = date_trunc('month', b.bound)
              union all
              select b.bound, f.influencer_id, f.fans
              from bounds b
              join follow_months f on f.last and f.month < date_trunc('month', b.bound)
              union all
              select b.bound, d.influencer_id, d.net_fans
              from follow_days_by_day d
              join bounds b on d.day > date_trunc('month', b.bound) and d.day <= b.bound
              where d.day > date_trunc('month', period_start) and d.day <= period_start
                 or d.day > date_trunc('month', period_end) and d.day <= period_end)
        where whole_days(period_start, period_end)
          and influencer_id in (select influencer_id from accounts)
        group by bound, influencer_id
    ),
    steady_fans as (
        select f.influencer_id, count(*) as fans
        from follows f
        where not whole_days(period_start, period_end)
          and is_fan_at(f.followed_at, f.unfollowed_at, period_start)
          and is_fan_at(f.followed_at, f.unfollowed_at, period_end)
        group by f.influencer_id
    ),
    changing_fans as (
        select m.month, f.influencer_id,
               count(*) filter (where is_fan_at(f.followed_at, f.unfollowed_at, m.month_start)) as fans_start,
               count(*) filter (where is_fan_at(f.followed_at, f.unfollowed_at, m.month_end)) as fans_end
        from follows f, months m
        where not whole_days(period_start, period_end)
          and not coalesce(is_fan_at(f.followed_at, f.unfollowed_at, period_start)
                           and is_fan_at(f.followed_at, f.unfollowed_at, period_end), false)
        group by m.month, f.influencer_id
    ),
    fan_counts as (
        select m.month, a.influencer_id,
               coalesce(s.fans, 0) as fans_start,
               coalesce(e.fans, 0) as fans_end
        from months m
        cross join (select distinct influencer_id from accounts) a
        left join fans_at_bounds s on s.bound = m.month_start and s.influencer_id = a.influencer_id
        left join fans_at_bounds e on e.bound = m.month_end and e.influencer_id = a.influencer_id
        where whole_days(period_start, period_end)
        union all
        select m.month, a.influencer_id,
               coalesce(s.fans, 0) + coalesce(c.fans_start, 0) as fans_start,
               coalesce(s.fans, 0) + coalesce(c.fans_end, 0) as fans_end
        from months m
        cross join (select distinct influencer_id from accounts) a
        left join steady_fans s on s.influencer_id = a.influencer_id
        left join changing_fans c on c.month = m.month and c.influencer_id = a.influencer_id
        where not whole_days(period_start, period_end)
    ),
    -- engaged fans: the users with a click on the influencer's posts in the month who are its fans at the month's
    -- end, each once; the month's bounds of a click are those of its calendar month (months). Over bounds at midnight
    -- (the months' then are too), a whole month's from engaged_months; the first and the last month, when the period
    -- cuts them, sums of engaged_days as engaged_fans sums them for a period, each row in the month of its day.
    -- Otherwise a user's clicks in the month are one row, the click that follows none of the user's on the
    -- influencer's posts since the month's start (click_runs, as chosen_clickers for a period), semi-joined to the
    -- follows. The guards are constants: one branch is planned.
    engaged as (
        select m.month, e.influencer_id, e.fans as engaged_fans
        from engaged_months e
        join (select distinct influencer_id from accounts) a on a.influencer_id = e.influencer_id
        join months m on m.month = e.month
        where whole_days(period_start, period_end) and m.whole
        union all
        select m.month, e.influencer_id, cast(sum(e.fans) as bigint) as engaged_fans
        from engaged_days e
        join (select distinct influencer_id from accounts) a on a.influencer_id = e.influencer_id
        join months m on m.month = cast(date_trunc('month', e.day) as date)
        where whole_days(period_start, period_end)
          -- the first and the last month when the period cuts them (a constant filter on the days)
          and (e.day < date_trunc('month', period_start) + interval 1 month
               and period_start > date_trunc('month', period_start)
               or e.day >= date_trunc('month', period_end) and period_end > date_trunc('month', period_end))
          and not m.whole
          and engaged_in(e.prev_day, e.day, e.first_end, e.last_end, m.month_start, m.month_end)
        group by m.month, e.influencer_id
        union all
        select c.month, c.influencer_id, count(*) as engaged_fans
        from (select cast(date_trunc('month', r.clicked_at) as date) as month,
                     least(date_trunc('month', r.clicked_at) + interval 1 month, period_end) as month_end,
                     r.influencer_id, r.user_id
              from click_runs r
              where r.clicked_at >= period_start and r.clicked_at < period_end
                and (r.prev_at is null
                     or r.prev_at < greatest(date_trunc('month', r.clicked_at), period_start))
                and r.influencer_id in (select influencer_id from accounts)) c
        semi join follows f on f.influencer_id = c.influencer_id and f.fan_id = c.user_id
                           and is_fan_at(f.followed_at, f.unfollowed_at, c.month_end)
        where not whole_days(period_start, period_end)
        group by c.month, c.influencer_id
    ),
    headline_campaigns as (
        select m.month, m.month_end, cp.campaign_id, cp.influencer_id, cp.spend
        from campaigns cp
        join months m on cp.start_at >= m.month_start and cp.start_at < m.month_end
        where cp.product in ('fan_headline', 'delegated_headline')
    ),
    -- each headline campaign's attributed orders before its month's end: at summed_window() its row of
    -- campaign_order_sums (_prepare.sql) when its last one is before then (none without a row), otherwise the orders
    campaign_keys as (
        select distinct month, month_end, campaign_id from headline_campaigns
    ),
    counted_campaigns as (
        select k.month, k.month_end, k.campaign_id
        from campaign_keys k
        join campaign_order_sums s on s.campaign_id = k.campaign_id and s.last_at >= k.month_end
        where orders_suffice(win, null)
        union all
        select month, month_end, campaign_id from campaign_keys where not orders_suffice(win, null)
    ),
    campaign_gmv as (
        select k.month, s.campaign_id, s.gmv
        from campaign_keys k
        join campaign_order_sums s on s.campaign_id = k.campaign_id and s.last_at < k.month_end
        where orders_suffice(win, null)
        union all
        select k.month, a.campaign_id, sum(a.amount) as gmv
        from campaign_attributed_orders(win) a
        join counted_campaigns k on k.campaign_id = a.campaign_id and a.ordered_at < k.month_end
        group by k.month, a.campaign_id
    ),
    headline as (
        select h.month, h.influencer_id, sum(h.spend) as spend, sum(coalesce(g.gmv, 0)) as gmv
        from headline_campaigns h
        left join campaign_gmv g on g.month = h.month and g.campaign_id = h.campaign_id
        group by h.month, h.influencer_id
    ),
    totals as (
        select m.month, m.month_start, m.month_end, a.influencer_id, a.category, a.tier,
               cast(coalesce(ps.impressions, 0) as decimal(38, 2)) as impressions,
               cast(coalesce(ps.reads, 0) as decimal(38, 2)) as reads,
               cast(coalesce(ps.clicks, 0) as decimal(38, 2)) as clicks,
               cast(coalesce(ps.orders, 0) as decimal(38, 2)) as orders,
               cast(coalesce(ps.gmv, 0) as decimal(38, 2)) as gmv,
               cast(coalesce(fc.fans_start, 0) as decimal(38, 2)) as fans_start,
               cast(coalesce(fc.fans_end, 0) as decimal(38, 2)) as fans_end,
               cast(coalesce(e.engaged_fans, 0) as decimal(38, 2)) as engaged_fans,
               cast(coalesce(h.spend, 0) as decimal(38, 2)) as headline_spend,
               cast(coalesce(h.gmv, 0) as decimal(38, 2)) as headline_gmv
        from months m
        cross join accounts a
        left join post_sums ps on ps.month = m.month and ps.influencer_id = a.influencer_id
        left join fan_counts fc on fc.month = m.month and fc.influencer_id = a.influencer_id
        left join engaged e on e.month = m.month and e.influencer_id = a.influencer_id
        left join headline h on h.month = m.month and h.influencer_id = a.influencer_id
    ),
    parts as (
        select t.month, t.month_start, t.month_end, t.influencer_id, t.category, t.tier, m.metric, m.ord,
               benchmark_numerator(m.metric, t.clicks, t.orders, t.gmv, t.fans_start, t.fans_end, t.engaged_fans,
                                   t.headline_gmv) as numerator,
               benchmark_denominator(m.metric, t.impressions, t.clicks, t.orders, t.reads, t.fans_start, t.fans_end,
                                     t.headline_spend) as denominator
        from totals t
        cross join benchmark_metrics() m
    )
    select month, month_start, month_end, influencer_id, category, tier, metric, ord, denominator,
           benchmark_value(numerator, denominator) as value
    from parts;
