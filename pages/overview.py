"""概览 Overview: the period's headline figures against the period before, and the day-by-day trend."""

import streamlit as st

from advisor import charts, metrics, ui

ctx = ui.sidebar()
ui.header(ctx, "overview")
if ctx.span is None:  # a dataset without any activity has no period to speak of
    st.info(ctx.t("overview.empty"), icon=":material/info:")
    st.stop()
st.caption(ui.scope_line(ctx, compare=True))

kpis = ctx.query(metrics.overview_kpis)
if ui.no_activity(kpis):
    st.info(ctx.t("overview.no_data"), icon=":material/info:")
    st.stop()
previous = ctx.query(metrics.overview_kpis, ctx.previous)
daily = ctx.query(metrics.overview_daily)

# Headline figures: each with its change against the previous period, its daily trend and its definition.
ui.kpi_tiles(ctx, ("fans_end", "new_fans", "clicks", "orders", "gmv", "net_gmv", "cvr", "aov"), kpis, previous,
             daily)

# The trend: fans, clicks, orders and GMV day by day; orders and GMV name the attribution window they use.
ui.chart(charts.daily_trend(daily, ctx.lang, ctx.window_label), "overview_trend", "overview_daily")

# The same days as a table, with its CSV beside the title.
ui.table_with_download(ctx, daily, "overview.table", "overview_daily", key="overview_daily")
