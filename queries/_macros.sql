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

-- An influencer a viewer may see: in its influencer scope and, for a merchant, one whose posts moved
-- the merchant's products.
create or replace macro visible_account(id, influencer_scope, merchant_scope) as
    visible_influencer(id, influencer_scope)
    and (merchant_scope is null or id in (
        select p.influencer_id from clicks c join posts p on p.post_id = c.post_id
        where visible_product(c.product_id, merchant_scope)));

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

-- The buckets a follow falls in along one profile dimension: one bucket, 'unknown' for null, except
-- interest, where a fan counts once per distinct tag.
create or replace macro fan_buckets(dim, gender, birth_year, province, city_tier, device, source, interests,
                                    period_end) as
    case
        when dim = 'interest' then
            case when len(list_filter(coalesce(interests, []), lambda x: x is not null)) = 0 then ['unknown']
                 else list_distinct(list_filter(interests, lambda x: x is not null)) end
        else [coalesce(case dim
            when 'gender' then gender
            when 'age_band' then age_band(birth_year, period_end)
            when 'province' then province
            when 'city_tier' then cast(city_tier as varchar)
            when 'device' then device
            when 'source' then source
        end, 'unknown')]
    end;
