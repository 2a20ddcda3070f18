-- benchmark_trend: the cohorts' quartiles month by month, for the trend of the cohort median.
-- grain: one row per calendar month of the period × category × tier × metric whose cohort may be published in that
--   month; metrics in category_benchmark's order.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $k INTEGER (below 3 counts as 3),
--         $category VARCHAR (one category's cohorts; null = every category),
--         no viewer scope: cohort-level figures, the same for every viewer (as category_benchmark)
-- columns: month (DATE: the month's first day), days (the month's days inside the period), category, tier, metric,
--          influencers, p25, p50, p75, p90
-- Each month is a period of its own, [max(month start, $from), min(next month start, $to)): the first and the last
-- month may be partial (see days). Figures and privacy rules are category_benchmark's, applied to every month
-- apart. The tier is the one at $to (a null tier is derived from fan_follows at the period end), so an influencer stays
-- in one cohort across the months. All the months are computed in one pass (benchmark_monthly_figures, _macros.sql)
-- and their cohorts partitioned by month × category × tier × metric, as benchmark_cohorts does for one period.
-- A cohort is within one category, so one category's rows are the same with $category as without (the screen's trend
-- shows one category: at the large scale the whole pass took ~15 s).
with cohorts as (
    select f.*,
           count(f.value) over cohort as influencers,
           quantile_cont(f.value, 0.25) over cohort as p25,
           quantile_cont(f.value, 0.5) over cohort as p50,
           quantile_cont(f.value, 0.75) over cohort as p75,
           quantile_cont(f.value, 0.9) over cohort as p90,
           sum(f.denominator) over cohort as cohort_total,
           max(f.denominator) over cohort as largest
    from benchmark_monthly_figures($from, $to, $to, $window, cat := $category) f
    window cohort as (partition by f.month, f.category, f.tier, f.metric)
),
cells as (
    select distinct month, month_start, month_end, category, tier, metric, ord, influencers, p25, p50, p75, p90
    from cohorts
    where benchmark_published(metric, influencers, largest, cohort_total, $k)
)
select month, cast(datediff('day', month_start, month_end) as integer) as days, category, tier, metric,
       influencers, p25, p50, p75, p90
from cells
order by month, category nulls last, case tier when 'head' then 1 when 'waist' then 2 when 'tail' then 3 else 4 end,
         tier, ord
