"""粉丝头条 Campaigns: what each paid promotion cost and returned, attributed and incremental, by hour and product."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from advisor import charts, metrics, ui
from advisor.i18n import DASH, label

URL_CAMPAIGN, URL_HOURLY = "campaign", "hourly"  # this screen's own query parameters
HOURLY_MODES = ("hour", "cumulative")

# How each column is shown: money in CNY, counts grouped, ratios with two decimals, estimates with one.
KINDS: dict[str, str] = {
    "campaign_id": "id", "product": "text", "influencer_name": "text", "post_title": "text", "post_id": "id",
    "buyer": "text", "start_at": "time", "end_at": "time", "hour_start": "time", "spend": "money",
    "impressions": "count", "paid_clicks": "count", "clicks": "count", "orders": "count", "gmv": "money",
    "net_gmv": "money", "new_fans": "count", "cpm": "money", "cpc": "money", "cpa": "money",
    "cost_per_new_fan": "money", "roas": "ratio", "commission": "money", "influencer_earnings": "money",
    "profit_roi": "pct", "baseline_weeks": "count", "observed_orders": "count", "baseline_orders": "estimate",
    "incremental_orders": "estimate", "incremental_orders_low": "estimate", "incremental_orders_high": "estimate",
    "incremental_gmv": "money", "iroas": "ratio", "campaigns": "count", "median_roas": "ratio",
    "median_cost_per_new_fan": "money", "hours_since_launch": "count", "in_delivery": "flag",
    "baseline_clicks_mean": "estimate", "baseline_clicks_min": "count", "baseline_clicks_max": "count",
    "baseline_orders_mean": "estimate", "baseline_orders_min": "count", "baseline_orders_max": "count",
    "cumulative_clicks": "count", "cumulative_orders": "count", "baseline_cumulative_clicks_mean": "estimate",
    "baseline_cumulative_clicks_min": "count", "baseline_cumulative_clicks_max": "count",
    "baseline_cumulative_orders_mean": "estimate", "baseline_cumulative_orders_min": "count",
    "baseline_cumulative_orders_max": "count",
}
TABLE = ("campaign_id", "product", "influencer_name", "post_title", "post_id", "buyer", "start_at", "end_at", "spend",
         "impressions", "paid_clicks", "orders", "gmv", "new_fans", "cpm", "cpc", "cpa", "cost_per_new_fan", "roas",
         "commission", "influencer_earnings", "profit_roi", "baseline_orders", "incremental_orders",
         "incremental_orders_low", "incremental_orders_high", "iroas")
COMMISSION = ("commission", "influencer_earnings", "profit_roi")  # shown only with a products export
LIFT = ("campaign_id", "product", "influencer_name", "start_at", "spend", "orders", "gmv", "roas", "baseline_weeks",
        "observed_orders", "baseline_orders", "incremental_orders", "incremental_orders_low",
        "incremental_orders_high", "incremental_gmv", "iroas")
SPEND_GMV = ("campaign_id", "product", "influencer_name", "start_at", "spend", "gmv", "roas")
PRODUCTS = ("product", "campaigns", "spend", "impressions", "paid_clicks", "orders", "gmv", "new_fans", "roas",
            "median_roas", "cost_per_new_fan", "median_cost_per_new_fan")


# The helpers below read the page's `ctx` (language, filters), set by ui.sidebar() when the script runs.

def frame(df: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The columns as the reader sees them, for the screen and its CSV: products in words, headers translated."""
    return ui.frame(ctx, df, columns, "campaigns.col", {"product": lambda c: label("campaign_product", c, ctx.lang)})


def heading(title_key: str, shown: pd.DataFrame, stem: str, key: str) -> None:
    ui.section(ctx, ctx.t(title_key), shown, stem, key)


def table(df: pd.DataFrame, columns: tuple[str, ...], key: str) -> None:
    config = ui.column_config(ctx, columns, KINDS, "campaigns.col")
    st.dataframe(frame(df, columns), hide_index=True, column_config=config, key=key, width="stretch",
                 placeholder=DASH)


def chart(fig: object, shown: pd.DataFrame | None, stem: str, key: str) -> None:
    """A figure with the CSV of its data right above its top-right corner."""
    if shown is not None:
        with st.container(horizontal=True, horizontal_alignment="right"):
            ui.download(ctx, shown, stem, key)
    ui.chart(fig, key, stem)


def pick_campaign(rows: pd.DataFrame) -> int:
    """The campaign of the hour-by-hour chart (`campaign=ID` in the URL); by default the one with the most paid
    clicks, where there is most to see."""
    names = dict(zip((int(i) for i in rows["campaign_id"]), charts.campaign_names(rows, ctx.lang), strict=True))
    busiest = rows.sort_values(["paid_clicks", "spend", "campaign_id"], ascending=[False, False, True])
    key = ui.url_choice(ctx, URL_CAMPAIGN, list(names), int(busiest["campaign_id"].iloc[0]), int)
    st.selectbox(ctx.t("campaigns.hourly.pick"), list(names), key=key, format_func=lambda i: names.get(i, str(i)),
                 help=ctx.t("campaigns.hourly.pick_help"))
    ui.keep_in_url(URL_CAMPAIGN, key, str(st.session_state[key]))
    return int(st.session_state[key])


def pick_hourly_mode() -> str:
    """Per hour or running totals (`hourly=cumulative` in the URL)."""
    key = ui.url_choice(ctx, URL_HOURLY, HOURLY_MODES, HOURLY_MODES[0])
    st.radio(ctx.t("campaigns.hourly.mode"), HOURLY_MODES, key=key, horizontal=True,
             format_func=lambda m: ctx.t(f"campaigns.hourly.mode.{m}"), help=ctx.t("campaigns.hourly.mode_help"))
    mode = st.session_state[key]
    ui.keep_in_url(URL_HOURLY, key, None if mode == HOURLY_MODES[0] else mode)
    return mode


ctx = ui.sidebar()
ui.header(ctx, "campaigns")
if not ctx.ds.has("campaigns"):  # an optional export (CONTRACT.md): the screen says what it needs
    st.info(ctx.t("campaigns.no_export"), icon=":material/info:")
    st.stop()
if ctx.span is None:
    st.info(ctx.t("campaigns.empty"), icon=":material/info:")
    st.stop()
st.caption(ui.scope_line(ctx))

roi = ctx.query(metrics.campaign_roi)
if roi.empty:
    st.info(ctx.t("campaigns.none"), icon=":material/info:")
    st.stop()
st.markdown(ctx.t("campaigns.how", n=len(roi), window=ctx.window_label))

# ---- the campaign table, with the CPS split that turns commission into the influencer's earnings
with_products = ctx.ds.has("products")
table_heading = st.container()
split = ui.cps_split_picker(ctx) if with_products else metrics.DEFAULT_CPS_SPLIT
campaigns = ctx.query(metrics.campaign_table, replace(ctx.filters, extra=(("cps", split),)))
campaigns = campaigns.assign(buyer=charts.campaign_buyers(campaigns, ctx.lang),
                             post_title=charts.campaign_posts(campaigns, ctx.lang))
columns = tuple(c for c in TABLE if with_products or c not in COMMISSION)
with table_heading:
    heading("campaigns.table.title", frame(campaigns, columns), "campaigns", "campaigns_table")
st.caption(ctx.t("campaigns.table.caption", window=ctx.window_label))
table(campaigns, columns, "campaigns_table")

# ---- incrementality: what the money added beyond what would have happened anyway
heading("campaigns.lift.title", frame(campaigns, LIFT), "campaign_lift", "campaigns_lift")
st.info(ctx.t("campaigns.lift.method", window=ctx.window_label), icon=":material/science:")
chart(charts.campaign_lift(campaigns, ctx.lang, ctx.window_label), None, "campaign_lift", "campaigns_lift_chart")
without_baseline = int((campaigns["baseline_weeks"] == 0).sum())
if without_baseline:
    st.caption(ctx.t("campaigns.lift.no_baseline", n=without_baseline))

# ---- one campaign hour by hour, against the same hours of its baseline weeks
hourly_heading = st.container()
st.caption(ctx.t("campaigns.hourly.caption"))
with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
    chosen = pick_campaign(campaigns)
    mode = pick_hourly_mode()
hourly = ctx.query(metrics.campaign_hourly, replace(ctx.filters, extra=(("campaign", chosen),)))
hourly_columns = tuple(hourly.columns)
with hourly_heading:
    heading("campaigns.hourly.title", frame(hourly, hourly_columns), f"campaign_{chosen}_hourly", "campaigns_hourly")
if hourly.empty:
    st.info(ctx.t("campaigns.hourly.empty"), icon=":material/info:")
else:
    name = charts.campaign_names(campaigns, ctx.lang)[campaigns["campaign_id"] == chosen].iloc[0]
    chart(charts.campaign_hourly(hourly, ctx.lang, ctx.window_label, name, cumulative=mode == "cumulative"), None,
          f"campaign_{chosen}_hourly", "campaigns_hourly_chart")

# ---- by product and over time
st.subheader(ctx.t("campaigns.compare.title"), anchor=False)
chart(charts.campaign_spend_gmv(campaigns, ctx.lang, ctx.window_label), frame(campaigns, SPEND_GMV),
      "campaign_spend_gmv", "campaigns_spend_gmv")
chart(charts.campaign_roas_over_time(campaigns, ctx.lang, ctx.window_label), frame(campaigns, SPEND_GMV),
      "campaign_roas_over_time", "campaigns_roas_time")
products = ctx.query(metrics.campaign_products)
heading("campaigns.products.table", frame(products, PRODUCTS), "campaign_products", "campaigns_products")
chart(charts.campaign_products(products, ctx.lang, ctx.window_label), None, "campaign_products",
      "campaigns_products_chart")
table(products, PRODUCTS, "campaigns_products")
