-- _bench_floor_raw: the floor of `python -m advisor bench` (advisor/bench.py), not a named query.
-- A bare scan of the raw rows post_conversion must read, every value of the columns it needs touched once
-- (through the views, so the Parquet files with the contract's casts): posts, influencers, every click,
-- every order and every follow. No join, no filter, no attribution: nothing a query could do in less.
-- grain: one row per table.  params: none.
select 'posts' as source, count(*) as row_count,
       bit_xor(hash(p.post_id, p.influencer_id, p.posted_at, p.content_type, p.title, p.category, p.impressions,
                    p.reads, p.reposts, p.comments, p.likes, p.product_ids)) as checksum
from posts p
union all
select 'influencers', count(*), bit_xor(hash(i.influencer_id, i.category))
from influencers i
union all
select 'clicks', count(*),
       bit_xor(hash(c.clicked_at, c.user_id, c.post_id, c.product_id, c.channel, c.campaign_id))
from clicks c
union all
select 'orders', count(*),
       bit_xor(hash(o.order_id, o.ordered_at, o.user_id, o.product_id, o.quantity, o.amount, o.status,
                    o.refunded_at))
from orders o
union all
select 'fans', count(*), bit_xor(hash(f.influencer_id, f.fan_id, f.followed_at, f.unfollowed_at))
from fans f
