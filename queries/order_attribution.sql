-- order_attribution: every order in the period with the click that earned it (or none: a store sale).
-- grain: one row per order line ordered in [$from, $to).
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all
--         attributed and unattributed orders; else only orders attributed to those influencers' posts),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: order_id, ordered_at, user_id, product_id, quantity, amount, net_amount, status, refunded,
--          attributed, clicked_at, post_id, influencer_id, channel, campaign_id, lag_minutes
select a.order_id, a.ordered_at, a.user_id, a.product_id, a.quantity,
       cast(a.amount as decimal(18, 2)) as amount,
       cast(a.net_amount as decimal(18, 2)) as net_amount,
       a.status, a.refunded, a.attributed, a.clicked_at, a.post_id, a.influencer_id, a.channel,
       a.campaign_id,
       date_sub('minute', a.clicked_at, a.ordered_at) as lag_minutes
from attributed_orders($window) a
where a.ordered_at >= $from and a.ordered_at < $to
  and chosen(a.influencer_id, $influencers)
  and visible_influencer(a.influencer_id, $viewer_influencers)
  and visible_product(a.product_id, $viewer_merchants)
order by a.ordered_at, a.order_id
