-- _bench_floor_prepared: the warm floor of `python -m advisor bench` (advisor/bench.py), not a named query.
-- A bare scan of what post_conversion reads once the connection is prepared (queries/_prepare.sql): posts,
-- influencers, the click_facts and order_last_click tables, every value of the columns it needs touched once.
-- grain: one row per table.  params: none.
select 'posts' as source, count(*) as row_count,
       bit_xor(hash(p.post_id, p.influencer_id, p.posted_at, p.content_type, p.title, p.category, p.impressions,
                    p.reads, p.reposts, p.comments, p.likes, p.product_ids)) as checksum
from posts p
union all
select 'influencers', count(*), bit_xor(hash(i.influencer_id, i.category))
from influencers i
union all
select 'click_facts', count(*), bit_xor(hash(c.clicked_at, c.user_id, c.post_id, c.product_id, c.from_fan))
from click_facts c
union all
select 'order_last_click', count(*),
       bit_xor(hash(l.order_id, l.ordered_at, l.user_id, l.product_id, l.amount, l.status, l.clicked_at,
                    l.post_id))
from order_last_click l
