"""类目对标 Benchmarks: each category × tier cohort by quartile, and where one influencer stands among its peers."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from advisor import charts, metrics, ui
from advisor.i18n import DASH, fmt_pct, label

URL_METRIC, URL_FOCUS = "metric", "focus"  # this screen's own query parameters
_ID_RE = re.compile(r"^-?\d{1,18}$")
QUANTILES = ("p25", "p50", "p75", "p90")
TABLE = ("category", "tier", "published", "influencers", *QUANTILES)
STANDING = ("metric", "value", "percentile", "cohort_size", *QUANTILES)
TREND = ("month", "days", "tier", "influencers", *QUANTILES)
PREFIX = "benchmarks.col"


# The helpers below read the page's `ctx` (language, filters), set by ui.sidebar() when the script runs.

def words(kind: str):  # noqa: ANN201 - a code -> words function for ui.frame
    return lambda code: label(kind, code, ctx.lang)


def status(published: object) -> str:
    return ctx.t("benchmarks.published" if published else "benchmarks.insufficient")


def pick_metric() -> str:
    """The metric of the cohort table, the distribution and the trend (`metric=` in the URL; CTR by default)."""
    options = metrics.BENCHMARK_METRICS
    key = ui.url_choice(ctx, URL_METRIC, options, options[0])
    st.radio(ctx.t("benchmarks.metric.pick"), options, key=key, horizontal=True,
             format_func=lambda m: ctx.t(f"benchmarks.metric.{m}"), help=ctx.t("benchmarks.metric.pick_help"))
    metric = st.session_state[key]
    ui.keep_in_url(URL_METRIC, key, None if metric == options[0] else metric)
    return metric


def pick_focus(members: pd.DataFrame) -> int:
    """The influencer of "where I stand" (`focus=ID` in the URL): one of those chosen in the sidebar, else any; by
    default the first (chosen, else with the most fans) whose cohort is published on some metric, else the first."""
    chosen = [i for i in ctx.filters.influencers if i in set(members["influencer_id"])]
    rows = members.set_index("influencer_id")
    options = chosen or [int(i) for i in members["influencer_id"]]
    names = {i: ui.influencer_option({"name": rows.at[i, "name"], "category": rows.at[i, "category"],
                                      "tier": rows.at[i, "tier"], "fans": rows.at[i, "fans"]}, ctx.lang)
             for i in options}
    compared = ctx.query(metrics.benchmarked_influencers)
    default = next((i for i in options if i in compared), options[0])
    key = ui.url_choice(ctx, URL_FOCUS, options, default, lambda text: int(text) if _ID_RE.match(text) else None)
    st.selectbox(ctx.t("benchmarks.stand.pick"), options, key=key, format_func=lambda i: names.get(i, str(i)),
                 help=ctx.t("benchmarks.stand.pick_help"))
    focus = int(st.session_state[key])
    ui.keep_in_url(URL_FOCUS, key, str(focus))
    return focus


def quantile_kinds(metric: str) -> dict[str, str]:
    """Display kinds of a table of one metric: its quantiles read as the metric does."""
    kind = charts.BENCHMARK_KINDS[metric]
    return {"influencers": "count", "days": "count", "month": "month", **{q: kind for q in QUANTILES}}


def standing_frame(rows: pd.DataFrame, as_text: bool) -> pd.DataFrame:
    """"Where I stand" as a table: one row per metric, each in its own unit (text on screen, numbers in the CSV)."""
    out = rows.copy()
    if as_text:
        for col in ("value", *QUANTILES):
            out[col] = [charts.benchmark_text(m, v, ctx.lang) for m, v in zip(out["metric"], out[col], strict=True)]
        hidden = ~out["published"].astype(bool)
        out["percentile"] = [ctx.t("benchmarks.insufficient") if h else fmt_pct(v, ctx.lang, 0)
                             for h, v in zip(hidden, out["percentile"], strict=True)]
        out.loc[hidden, list(QUANTILES)] = ""
    return ui.frame(ctx, out, STANDING, PREFIX, {"metric": lambda m: ctx.t(f"benchmarks.metric.{m}")})


ctx = ui.sidebar()
ui.header(ctx, "benchmarks")
if ctx.span is None:
    st.info(ctx.t("benchmarks.empty"), icon=":material/info:")
    st.stop()
K = ctx.filters.k  # the smallest cohort published (METRICS.md: default 5, never below 3)
st.caption(ui.scope_line(ctx, who=False, extra=(ctx.t("benchmarks.scope.k", k=K),)))
members = ctx.query(metrics.influencer_list)
if members.empty:
    st.info(ctx.t("benchmarks.none"), icon=":material/info:")
    st.stop()
st.markdown(ctx.t("benchmarks.how"))
with st.expander(ctx.t("benchmarks.privacy.title"), icon=":material/shield_person:"):
    st.markdown(ctx.t("benchmarks.privacy.body", k=K))

# ---- the cohort table of one metric: every cohort, its quantiles or "insufficient data"
metric = pick_metric()
metric_name = ctx.t(f"benchmarks.metric.{metric}")
table = ctx.query(lambda ds, f: metrics.benchmark_table(ds, f, metric))
codes = {"category": words("category"), "tier": words("tier"), "published": status}
shown = ui.frame(ctx, table, TABLE, PREFIX, codes)
ui.section(ctx, ctx.t("benchmarks.table.title", metric=metric_name), shown, f"benchmarks_{metric}",
           "benchmarks_table", help=ctx.t("benchmarks.table.help"))
st.caption(ctx.t(f"benchmarks.metric.{metric}.help"))
published = table[table["published"]]
if published.empty:
    st.info(ctx.t("benchmarks.table.none"), icon=":material/info:")
st.dataframe(shown, hide_index=True, key="benchmarks_table", width="stretch", placeholder=DASH,
             column_config=ui.column_config(ctx, TABLE, {"category": "title", **quantile_kinds(metric)}, PREFIX))

# ---- the distribution of the metric by category, coloured by tier (published cohorts only)
cells = ui.frame(ctx, published, ("category", "tier", "influencers", *QUANTILES), PREFIX, codes)
ui.section(ctx, ctx.t("benchmarks.dist.title"), cells, f"benchmark_distribution_{metric}", "benchmarks_dist",
           help=ctx.t("benchmarks.dist.help"))
if published.empty:
    st.info(ctx.t("benchmarks.dist.none"), icon=":material/info:")
else:
    ui.chart(charts.benchmark_distribution(published, metric, ctx.lang, ctx.window_label,
                                           hidden=int((~table["published"]).sum())),
             "benchmarks_dist_chart", f"benchmark_distribution_{metric}")

# ---- where one influencer stands in its cohort: its own figures only, against the published quantiles
stand_heading = st.container()
focus = pick_focus(members)
me = members.set_index("influencer_id").loc[focus]
if ctx.ds.viewer.merchants is not None:  # an influencer's own figures count every merchant's products
    with stand_heading:
        st.subheader(ctx.t("benchmarks.stand.title"))
    st.info(ctx.t("benchmarks.stand.merchant"), icon=":material/lock:")
else:
    rows = ctx.query(lambda ds, f: metrics.standing(ds, f, focus))
    with stand_heading:
        ui.section(ctx, ctx.t("benchmarks.stand.title"), standing_frame(rows, as_text=False), f"standing_{focus}",
                   "benchmarks_stand", help=ctx.t("benchmarks.stand.help"))
    st.caption(ui.md_escape(ctx.t("benchmarks.stand.cohort", category=label("category", me["category"], ctx.lang),
                                  tier=label("tier", me["tier"], ctx.lang))))
    ui.chart(charts.benchmark_standing(rows, ctx.lang, str(me["name"]), ctx.window_label), "benchmarks_stand_chart",
             f"standing_{focus}")
    st.dataframe(standing_frame(rows, as_text=True), hide_index=True, key="benchmarks_stand", width="stretch",
                 placeholder=DASH,
                 column_config=ui.column_config(ctx, STANDING, {"cohort_size": "count"}, PREFIX))

# ---- the cohort median of the metric month by month, in the chosen influencer's category
trend = ctx.query(lambda ds, f: metrics.cohort_trend(ds, f, me["category"], metric))
category_name = label("category", me["category"], ctx.lang)
ui.section(ctx, ctx.t("benchmarks.trend.title"), ui.frame(ctx, trend, TREND, PREFIX, {"tier": words("tier")}),
           f"benchmark_trend_{metric}", "benchmarks_trend", help=ctx.t("benchmarks.trend.help"))
if trend.empty:
    st.info(ui.md_escape(ctx.t("benchmarks.trend.none", category=category_name)), icon=":material/info:")
else:
    ui.chart(charts.benchmark_trend_chart(trend, metric, ctx.lang, me["category"], me["tier"], ctx.window_label),
             "benchmarks_trend_chart", f"benchmark_trend_{metric}")
