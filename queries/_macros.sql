-- _macros: definitions shared by every named query, created once per connection (advisor/db.py).
-- Not a named query: each macro is written once here and used by name everywhere else.

-- A user is a fan at moment t when the follow started at or before t and had not ended by t.
create or replace macro is_fan_at(followed_at, unfollowed_at, t) as
    followed_at <= t and (unfollowed_at is null or unfollowed_at > t);

-- The first day boundary at or after x: a follow at x counts as a fan from that boundary on.
create or replace macro ceil_day(x) as
    case when x = date_trunc('day', x) then x else date_trunc('day', x) + interval 1 day end;

-- Viewer scope (db.run passes it to every query; null = everything).
create or replace macro visible_influencer(id, scope) as
    scope is null or list_contains(scope, id);
create or replace macro visible_product(pid, scope) as
    scope is null or pid in (select p.product_id from products p where list_contains(scope, p.merchant_id));

-- The optional influencer filter of every screen: an empty list means all.
create or replace macro chosen(id, ids) as
    len(ids) = 0 or list_contains(ids, id);

-- Attribution (METRICS.md): every order with the latest click of the same user on the same
-- product at or before it, kept when the lag fits the window; ties go to the higher post_id.
-- Which click is latest does not depend on the window, only whether its lag fits does.
create or replace macro attributed_orders(win) as table
with clicks_one_per_instant as (
    select c.user_id, c.product_id, c.clicked_at, c.post_id, c.channel, c.campaign_id
    from clicks c
    qualify row_number() over (
        partition by c.user_id, c.product_id, c.clicked_at
        order by c.post_id desc, c.campaign_id desc nulls last, c.channel) = 1
),
latest_click as (
    select o.order_id, o.ordered_at, o.user_id, o.product_id, o.quantity, o.amount, o.status,
           o.refunded_at, c.clicked_at, c.post_id, c.channel, c.campaign_id,
           coalesce(o.ordered_at - c.clicked_at <= win, false) as attributed
    from orders o
    asof left join clicks_one_per_instant c
        on o.user_id = c.user_id and o.product_id = c.product_id and c.clicked_at <= o.ordered_at
)
select lc.order_id, lc.ordered_at, lc.user_id, lc.product_id, lc.quantity, lc.amount, lc.status,
       lc.refunded_at,
       lc.status = 'refunded' as refunded,
       case when lc.status = 'refunded' then 0 else lc.amount end as net_amount,
       lc.attributed as attributed,
       case when lc.attributed then lc.clicked_at end as clicked_at,
       case when lc.attributed then lc.post_id end as post_id,
       case when lc.attributed then lc.channel end as channel,
       case when lc.attributed then lc.campaign_id end as campaign_id,
       case when lc.attributed then p.influencer_id end as influencer_id
from latest_click lc
left join posts p on p.post_id = lc.post_id;
