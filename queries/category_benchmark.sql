-- category_benchmark: how the influencers of each category and tier do, as quartiles and the top decile, published only where no one stands out.
-- grain: one row per category × tier × metric whose cohort may be published; metrics in the order ctr, cvr, aov,
--   gmv_per_1k_reads, fan_growth, engaged_fan_rate, headline_roas.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $k INTEGER (smallest cohort published;
--         below 3 counts as 3). No viewer scope: cohort-level figures, the same for every viewer (issue 11), made
--         safe to publish by the rules below.
-- columns: category, tier, metric, influencers, p25, p50, p75, p90
-- A cohort is every influencer of one category and tier (the exported tier, else derived from fans at $to); no
-- influencer filter applies, so choosing influencers on a screen never changes a cohort.
-- Per influencer (METRICS.md): ctr, cvr, aov, gmv_per_1k_reads are ratios of the sums of its post figures (posts
-- posted in the period, counted up to $to); fan_growth = (fans_end − fans_start) / fans_start; engaged_fan_rate =
-- engaged_fans / fans_end (as audience_summary); headline_roas = gmv / spend summed over its fan_headline and
-- delegated_headline campaigns started in the period (as campaign_roi). A ratio over 0 has no value.
-- influencers: the members with a value; p25 … p90: quantile_cont (linear interpolation) over those values.
-- Left out (METRICS.md): fewer than greatest($k, 3) influencers; one influencer holding more than half of the
-- cohort's total of the metric's denominator (impressions, clicks, orders, reads, fans_start, fans_end, spend);
-- for fan_growth and engaged_fan_rate, a total of that denominator below 50 fans. (benchmark_cohorts, _macros.sql)
with cells as (
    select distinct c.category, c.tier, c.metric, c.ord, c.influencers, c.p25, c.p50, c.p75, c.p90
    from benchmark_cohorts($from, $to, $to, $window, $k, null, null) c
    where c.published
)
select category, tier, metric, influencers, p25, p50, p75, p90
from cells
order by category nulls last, case tier when 'head' then 1 when 'waist' then 2 when 'tail' then 3 else 4 end, tier,
         ord
