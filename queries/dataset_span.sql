-- dataset_span: the local days the dataset's activity covers, the default period of every screen.
-- grain: one row.
-- params: $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: first_day, last_day (DATE; null when the dataset has no posts, clicks, orders or follows)
-- Activity is posts, clicks and orders; follows only when there is none of those, since follows
-- reach back to long before the exports' window.
with activity as (
    select min(p.posted_at) as first_at, max(p.posted_at) as last_at from posts p
    where visible_influencer(p.influencer_id, $viewer_influencers)
    union all
    select min(c.clicked_at), max(c.clicked_at) from clicks c
    where visible_product(c.product_id, $viewer_merchants)
    union all
    select min(o.ordered_at), max(o.ordered_at) from orders o
    where visible_product(o.product_id, $viewer_merchants)
),
follows as (
    select min(f.followed_at) as first_at, max(f.followed_at) as last_at from fans f
    where visible_influencer(f.influencer_id, $viewer_influencers)
)
select cast(coalesce(min(a.first_at), (select first_at from follows)) as date) as first_day,
       cast(coalesce(max(a.last_at), (select last_at from follows)) as date) as last_day
from activity a
