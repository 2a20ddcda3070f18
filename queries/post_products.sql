-- post_products: the products a post links (商品卡片), with what the post sold of each.
-- grain: one row per product linked from the post (or clicked through it before $to).
-- params: $post BIGINT, $to TIMESTAMP (period end, exclusive), $window INTERVAL,
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: product_id, title, category, price, commission_rate, merchant_id, merchant_name, clicks, orders, gmv,
--          net_gmv
-- title, price and commission need the optional products export (null without it).
with the_post as (
    select p.post_id, p.influencer_id, p.product_ids
    from influencer_posts p
    where p.post_id = $post
      and visible_influencer(p.influencer_id, $viewer_influencers)
),
-- The post's clicks are read once: the products clicked through it are the groups of click_figures. They come from
-- the prepared clicks with their post's author (click_facts, in influencer order), joined on the author too, so only
-- the author's row groups are read (the same rows as the clicks' files joined on the post).
click_figures as (
    select c.product_id, count(*) as clicks
    from click_facts c join the_post tp on tp.post_id = c.post_id and tp.influencer_id is not distinct from c.influencer_id
    where c.clicked_at < $to
    group by 1
),
linked as (
    select unnest(coalesce(product_ids, [])) as product_id from the_post
    union
    select product_id from click_figures
),
order_figures as (
    -- the orders whose latest click is on the post (attributed_orders' `post`: a filter on the prepared post_id, not
    -- every order's attribution computed for the join)
    select a.product_id, count(*) as orders, sum(a.amount) as gmv, sum(a.net_amount) as net_gmv
    from attributed_orders($window, post := $post) a join the_post tp on tp.post_id = a.post_id
    where a.ordered_at < $to
    group by 1
)
select l.product_id, pr.title, pr.category, cast(pr.price as decimal(18, 2)) as price, pr.commission_rate,
       pr.merchant_id, m.name as merchant_name,
       coalesce(c.clicks, 0) as clicks,
       coalesce(o.orders, 0) as orders,
       cast(coalesce(o.gmv, 0) as decimal(18, 2)) as gmv,
       cast(coalesce(o.net_gmv, 0) as decimal(18, 2)) as net_gmv
from linked l
left join products pr on pr.product_id = l.product_id
left join merchants m on m.merchant_id = pr.merchant_id
left join click_figures c on c.product_id = l.product_id
left join order_figures o on o.product_id = l.product_id
where visible_product(l.product_id, $viewer_merchants)
order by orders desc, clicks desc, l.product_id
