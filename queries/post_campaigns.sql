-- post_campaigns: the paid promotions bought for one post (粉丝头条, 路人转粉, 头条代投 …).
-- grain: one row per campaign whose post_id is the post.
-- params: $post BIGINT, $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: campaign_id, product, buyer_merchant_id, start_at, end_at, spend, impressions, paid_clicks
-- paid_clicks: clicks carrying the campaign's id, at any time. A merchant sees the campaigns it bought, and counts
--   the clicks on its own products only.
select cp.campaign_id, cp.product, cp.buyer_merchant_id, cp.start_at, cp.end_at,
       cast(cp.spend as decimal(18, 2)) as spend, cp.impressions,
       (select count(*) from click_facts c
        where c.campaign_id = cp.campaign_id and visible_product(c.product_id, $viewer_merchants)) as paid_clicks
from campaigns cp
where cp.post_id = $post
  and visible_influencer(cp.influencer_id, $viewer_influencers)
  and ($viewer_merchants is null or list_contains($viewer_merchants, cp.buyer_merchant_id))
order by cp.start_at, cp.campaign_id
