-- post_hourly: one post hour by hour since it was posted: clicks and attributed orders.
-- grain: one clock hour per row from the posting hour, until the period end or 30 days after posting, whichever
--        comes first (721 clock hours hold the 30 days of a post made off the hour).
-- params: $post BIGINT, $to TIMESTAMP (period end, exclusive), $window INTERVAL,
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: hour_start, hours_since_post, clicks, orders, gmv
-- No rows when the post does not exist or the viewer may not see it (a merchant: a post not linking its products).
with the_post as (
    select p.post_id, p.influencer_id, p.posted_at
    from influencer_posts p
    where p.post_id = $post
      and visible_influencer(p.influencer_id, $viewer_influencers)
      and posted_at < $to
      -- a merchant sees the posts linking its products, as in post_conversion
      -- (the subquery repeats `$viewer_merchants is not null`: DuckDB does not fold the parameter, and without it
      -- every post's products were unnested for a null scope)
      and ($viewer_merchants is null or p.post_id in (
          select lp.post_id from (select post_id, unnest(product_ids) as product_id from influencer_posts) lp
          where $viewer_merchants is not null and visible_product(lp.product_id, $viewer_merchants)))
),
hours as (
    select cast(h as timestamp) as hour_start
    from the_post tp,
         generate_series(date_trunc('hour', tp.posted_at),
                         least($to, tp.posted_at + interval 30 day) - interval 1 microsecond,
                         interval 1 hour) g(h)
),
click_hours as (
    select date_trunc('hour', c.clicked_at) as hour_start, count(*) as clicks
    -- the prepared clicks with their post's author (click_facts, in influencer order): joined on the author too, only
    -- the author's row groups are read (the same rows as the clicks' files joined on the post)
    from click_facts c join the_post tp on tp.post_id = c.post_id and tp.influencer_id is not distinct from c.influencer_id
    where c.clicked_at < $to and visible_product(c.product_id, $viewer_merchants)
    group by 1
),
order_hours as (
    -- the orders whose latest click is on the post (attributed_orders' `post`: a filter on the prepared post_id, not
    -- every order's attribution computed for the join)
    select date_trunc('hour', a.ordered_at) as hour_start, count(*) as orders, sum(a.amount) as gmv
    from attributed_orders($window, post := $post) a join the_post tp on tp.post_id = a.post_id
    where a.ordered_at < $to and visible_product(a.product_id, $viewer_merchants)
    group by 1
)
select h.hour_start,
       date_diff('hour', (select date_trunc('hour', posted_at) from the_post), h.hour_start) as hours_since_post,
       coalesce(c.clicks, 0) as clicks,
       coalesce(o.orders, 0) as orders,
       cast(coalesce(o.gmv, 0) as decimal(18, 2)) as gmv
from hours h
left join click_hours c using (hour_start)
left join order_hours o using (hour_start)
order by h.hour_start
