-- dataset_span: the local days the activity a viewer may see covers, the default period of every screen.
-- grain: one row.
-- params: $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: first_day, last_day (DATE; null when there is no post, click, order or follow to see)
-- Activity is posts, clicks and orders; follows only when there is none of those, since follows
-- reach back to long before the exports' window. An influencer-scoped viewer's orders are those
-- attributed to its posts within the longest window (30 days). Clicks and orders are read from the tables
-- prepared per connection (click_extremes: each influencer's and product's first and last click; order_last_click:
-- every order once, so the same first and last moments) rather than decoded from the files at each query; follows
-- likewise (follow_extremes).
with activity as (
    select min(p.posted_at) as first_at, max(p.posted_at) as last_at
    from influencer_posts p
    where visible_account(p.influencer_id, $viewer_influencers, $viewer_merchants)
    union all
    select min(x.first_at), max(x.last_at)
    from click_extremes x
    where visible_influencer(x.influencer_id, $viewer_influencers)
      and visible_product(x.product_id, $viewer_merchants)
    union all
    select min(o.ordered_at), max(o.ordered_at)
    from order_last_click o
    where $viewer_influencers is null
      and visible_product(o.product_id, $viewer_merchants)
    union all
    select min(a.ordered_at), max(a.ordered_at)
    from post_attributed_orders(interval 30 day) a
    where $viewer_influencers is not null
      and visible_influencer(a.influencer_id, $viewer_influencers)
      and visible_product(a.product_id, $viewer_merchants)
),
-- The local days of the first and last follow: those of each influencer (follow_extremes, _prepare.sql: from
-- follow_days, which counts each follow on its own day), 10,000 rows at the large scale instead of 21 M follows.
follows as (
    select min(d.first_day) as first_at, max(d.last_day) as last_at
    from follow_extremes d
    where visible_account(d.influencer_id, $viewer_influencers, $viewer_merchants)
)
select cast(coalesce(min(a.first_at), (select first_at from follows)) as date) as first_day,
       cast(coalesce(max(a.last_at), (select last_at from follows)) as date) as last_day
from activity a
