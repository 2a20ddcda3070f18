-- _macros: definitions shared by every named query, created once per connection (advisor/db.py) after
-- _prepare.sql (which defines is_fan_at and the derived tables some macros read).
-- Not a named query: each macro is written once here and used by name everywhere else.

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
-- Which click is latest does not depend on the window, only whether its lag fits does: the latest
-- click is found once per connection (order_last_click, _prepare.sql) and the window applied here.
create or replace macro attributed_orders(win) as table
select lc.order_id, lc.ordered_at, lc.user_id, lc.product_id, lc.quantity, lc.amount, lc.status,
       lc.refunded_at,
       lc.status = 'refunded' as refunded,
       case when lc.status = 'refunded' then 0 else lc.amount end as net_amount,
       coalesce(lc.ordered_at - lc.clicked_at <= win, false) as attributed,
       case when lc.ordered_at - lc.clicked_at <= win then lc.clicked_at end as clicked_at,
       case when lc.ordered_at - lc.clicked_at <= win then lc.post_id end as post_id,
       case when lc.ordered_at - lc.clicked_at <= win then lc.channel end as channel,
       case when lc.ordered_at - lc.clicked_at <= win then lc.campaign_id end as campaign_id,
       case when lc.ordered_at - lc.clicked_at <= win then lc.influencer_id end as influencer_id,
       case when lc.ordered_at - lc.clicked_at <= win then lc.from_fan end as from_fan
from order_last_click lc;

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

-- Orders placed in [period_start, period_end) attributed (within win) to posts of the chosen
-- influencers that the viewer may see.
create or replace macro chosen_orders(period_start, period_end, win, ids, influencer_scope, merchant_scope) as table
select a.*
from attributed_orders(win) a
where a.ordered_at >= period_start and a.ordered_at < period_end
  and a.influencer_id is not null
  and chosen(a.influencer_id, ids)
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

-- Post figures (METRICS.md, post figures): posts posted in [period_start, period_end) with their clicks
-- and attributed orders from posting up to period_end; a merchant scope keeps its own products only.
-- Read by post_conversion (one row per post) and every summary of posts, so each figure is defined once.
create or replace macro post_figures(period_start, period_end, win, ids, influencer_scope, merchant_scope) as table
    with picked as (
        select p.post_id, p.influencer_id, p.posted_at, p.content_type, p.title,
               coalesce(p.category, i.category) as category,
               p.impressions, p.reads, p.reposts + p.comments + p.likes as interactions
        from posts p
        left join influencers i on i.influencer_id = p.influencer_id
        where p.posted_at >= period_start and p.posted_at < period_end
          and chosen(p.influencer_id, ids)
          and visible_influencer(p.influencer_id, influencer_scope)
          and (merchant_scope is null or p.post_id in (
              select lp.post_id from (select post_id, unnest(product_ids) as product_id from posts) lp
              where visible_product(lp.product_id, merchant_scope)))
    ),
    click_figures as (
        select c.post_id,
               count(*) as clicks,
               count(distinct c.user_id) as clickers,
               count(*) filter (where c.from_fan) as fan_clicks
        from click_facts c
        join picked k on k.post_id = c.post_id
        where c.clicked_at < period_end
          and visible_product(c.product_id, merchant_scope)
        group by c.post_id
    ),
    order_figures as (
        select a.post_id,
               count(*) as orders,
               count(distinct a.user_id) as buyers,
               sum(a.amount) as gmv,
               sum(a.net_amount) as net_gmv,
               count(*) filter (where a.refunded) as refunded_orders
        from attributed_orders(win) a
        join picked k on k.post_id = a.post_id
        where a.ordered_at < period_end
          and visible_product(a.product_id, merchant_scope)
        group by a.post_id
    )
    select k.post_id, k.influencer_id, k.posted_at, k.content_type, k.title, k.category,
           k.impressions, k.reads, k.interactions,
           coalesce(cf.clicks, 0) as clicks,
           coalesce(cf.clickers, 0) as clickers,
           coalesce(cf.fan_clicks, 0) as fan_clicks,
           coalesce(o.orders, 0) as orders,
           coalesce(o.buyers, 0) as buyers,
           cast(coalesce(o.gmv, 0) as decimal(18, 2)) as gmv,
           cast(coalesce(o.net_gmv, 0) as decimal(18, 2)) as net_gmv,
           coalesce(o.refunded_orders, 0) as refunded_orders,
           coalesce(cf.clicks, 0) / nullif(k.impressions, 0) as ctr,
           k.reads / nullif(k.impressions, 0) as read_rate,
           coalesce(o.orders, 0) / nullif(cf.clicks, 0) as cvr,
           coalesce(o.buyers, 0) / nullif(cf.clickers, 0) as buyer_rate,
           cast(o.gmv / nullif(o.orders, 0) as decimal(18, 2)) as aov,
           coalesce(o.gmv, 0) / nullif(k.reads, 0) * 1000 as gmv_per_1k_reads
    from picked k
    left join click_figures cf on cf.post_id = k.post_id
    left join order_figures o on o.post_id = k.post_id;
