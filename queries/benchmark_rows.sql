-- benchmark_rows: the two tables of the Benchmarks screen (类目对标) from one pass over every influencer's figures:
--   category_benchmark — how the influencers of each category and tier do, as quartiles and the top decile,
--   published only where no one stands out — and influencer_rank — where each influencer stands in its category ×
--   tier cohort (同行同级), metric by metric. Neither has a file of its own: metrics.py cuts them from these rows
--   (metrics.DERIVED), so the screen, the exports and `query category_benchmark` / `query influencer_rank` agree.
-- grain: one row per published category × tier × metric (row_kind 'cohort', influencer_id null), then one per
--   influencer the viewer may see × metric (row_kind 'rank'); metrics in the order ctr, cvr, aov, gmv_per_1k_reads,
--   fan_growth, engaged_fan_rate, headline_roas.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $k INTEGER (smallest cohort published;
--         below 3 counts as 3), $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: row_kind, influencer_id, category, tier, metric, value, percentile, cohort_size, published, influencers,
--          p25, p50, p75, p90
-- 'cohort' rows (category_benchmark: category, tier, metric, influencers, p25, p50, p75, p90), ordered by category
--   (nulls last), tier (head, waist, tail, others) and metric. Cohort-level figures, the same for every viewer
--   (issue 11), made safe to publish by the rules below.
-- 'rank' rows (influencer_rank: influencer_id, category, tier, metric, value, percentile, cohort_size, published),
--   ordered by influencer and metric; none for a merchant, as an influencer's own figures count every merchant's
--   products.
-- A cohort is every influencer of one category and tier (the exported tier, else derived from fan_follows at $to); no
-- influencer filter or scope applies, so choosing influencers on a screen never changes a cohort.
-- Per influencer (METRICS.md): ctr, cvr, aov, gmv_per_1k_reads are ratios of the sums of its post figures (posts
-- posted in the period, counted up to $to); fan_growth = (fans_end − fans_start) / fans_start; engaged_fan_rate =
-- engaged_fans / fans_end (as audience_summary); headline_roas = gmv / spend summed over its fan_headline and
-- delegated_headline campaigns started in the period (as campaign_roi). A ratio over 0 has no value.
-- influencers: the members with a value; p25 … p90: quantile_cont (linear interpolation) over those values.
-- Left out of the 'cohort' rows (METRICS.md): fewer than greatest($k, 3) influencers; one influencer holding more
-- than half of the cohort's total of the metric's denominator (impressions, clicks, orders, reads, fans_start,
-- fans_end, spend); for fan_growth and engaged_fan_rate, a total of that denominator below 50 fans.
-- value: the influencer's own figure (null when its denominator is 0).
-- percentile (0..1): percent_rank among the cohort members with a value, i.e. the share of the other members with
--   a strictly lower value: 0 for the lowest, 1 for the highest, tied members share the lower rank, null without a
--   value. It is the inverse of quantile_cont: with distinct values, the member at percentile p is the p-quantile.
-- cohort_size: the members with a value (the cohort's influencers).
-- published: the cohort passes the rules above (k, dominance, 50 fans); otherwise percentile and cohort_size are
--   null, since a rank within a small or dominated cohort would say too much about the others. The rows are those
--   the viewer may see, the percentiles and cohort sizes cohort-level, the same for every viewer.
-- (benchmark_cohorts, _macros.sql: computed once here for both kinds of row; at the large scale each of the two
-- former queries took ~6 s, nearly all of it this pass.)
with cohorts as materialized (
    select * from benchmark_cohorts($from, $to, $to, $window, $k, null, null)
),
rows as (
    select distinct 'cohort' as row_kind, null::bigint as influencer_id, c.category, c.tier, c.metric, c.ord,
           null::double as value, null::double as percentile, null::bigint as cohort_size, true as published,
           c.influencers, c.p25, c.p50, c.p75, c.p90
    from cohorts c
    where c.published
    union all
    select 'rank', c.influencer_id, c.category, c.tier, c.metric, c.ord, c.value,
           case when c.published then c.percentile end,
           case when c.published then c.influencers end,
           c.published,
           null, null, null, null, null
    from cohorts c
    where visible_account(c.influencer_id, $viewer_influencers, $viewer_merchants)
      and $viewer_merchants is null  -- a merchant: no rank rows (see above)
)
select row_kind, influencer_id, category, tier, metric, value, percentile, cohort_size, published, influencers,
       p25, p50, p75, p90
from rows
order by row_kind, influencer_id, category nulls last,
         case tier when 'head' then 1 when 'waist' then 2 when 'tail' then 3 else 4 end, tier, ord
