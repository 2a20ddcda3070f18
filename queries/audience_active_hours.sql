-- audience_active_hours: when each chosen influencer's fans click, by weekday and hour of the dataset's zone.
-- grain: one row per influencer × weekday × hour with at least one click by a fan in the period.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: influencer_id, weekday (1 = Monday … 7 = Sunday), hour (0-23), fan_clicks, fans
-- A click is a fan's when the user was a fan of the post's author at the moment of the click.
select c.influencer_id,
       isodow(c.clicked_at) as weekday,
       hour(c.clicked_at) as hour,
       count(*) as fan_clicks,
       count(distinct c.user_id) as fans
from click_facts c
where c.clicked_at >= $from and c.clicked_at < $to
  and c.from_fan
  and chosen(c.influencer_id, $influencers)
  and visible_influencer(c.influencer_id, $viewer_influencers)
  and visible_product(c.product_id, $viewer_merchants)
group by all
order by c.influencer_id, weekday, hour
