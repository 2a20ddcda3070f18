-- influencer_rank: where each influencer stands in its category × tier cohort (同行同级), metric by metric.
-- grain: one row per influencer (chosen, or every one the viewer may see) × metric, metrics in the order ctr, cvr,
--   aov, gmv_per_1k_reads, fan_growth, engaged_fan_rate, headline_roas.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $k INTEGER (below 3 counts as 3),
--         $influencers BIGINT[] (empty = all), $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: influencer_id, category, tier, metric, value, percentile, cohort_size, published
-- value: the influencer's own figure, defined as in category_benchmark (null when its denominator is 0).
-- percentile (0..1): percent_rank among the cohort members with a value, i.e. the share of the other members with
--   a strictly lower value: 0 for the lowest, 1 for the highest, tied members share the lower rank, null without a
--   value. It is the inverse of quantile_cont: with distinct values, the member at percentile p is the p-quantile.
-- cohort_size: the members with a value (category_benchmark's influencers).
-- published: the cohort passes category_benchmark's rules (k, dominance, 50 fans); otherwise percentile and
--   cohort_size are null, since a rank within a small or dominated cohort would say too much about the others.
-- The cohort is every influencer in the category and tier, whichever are chosen or visible: the rows are those the
-- viewer may see, the percentiles and cohort sizes cohort-level (category_benchmark's), the same for every viewer.
select c.influencer_id, c.category, c.tier, c.metric, c.value,
       case when c.published then c.percentile end as percentile,
       case when c.published then c.influencers end as cohort_size,
       c.published
from benchmark_cohorts($from, $to, $to, $window, $k, null, null) c
where chosen(c.influencer_id, $influencers)
  and visible_account(c.influencer_id, $viewer_influencers, $viewer_merchants)
  and $viewer_merchants is null  -- a merchant: no rows, as an influencer's own figures count every merchant's products
order by c.influencer_id, c.ord
