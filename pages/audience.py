"""粉丝画像 Audience: who the fans are, how the audience grows, and how much of it is real and alive."""

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd
import streamlit as st

from advisor import charts, metrics, ui
from advisor.i18n import DASH, label

# Side by side up to metrics.MAX_SIDE_BY_SIDE influencers; more (or none chosen) are shown as one combined audience.
MAX_SIDE_BY_SIDE = metrics.MAX_SIDE_BY_SIDE
LAYOUTS = ("compare", "combined")
DEFAULT_TGI = "interest"
PROFILE_DIMS = ("gender", "age_band", "city_tier", "device", "source", "interest")
TOP_INTERESTS = 10
TOP_TGI = {"single": 20, "compare": 12}  # buckets drawn (interest tags, provinces); the table has them all
WORST_SHOWN = 9  # combined: the accounts with the lowest quality scores drawn under the combined bar

ctx = ui.sidebar()
ui.header(ctx, "audience")
if not ctx.ds.viewer.profiles:  # a merchant: audiences only as the Merchants screen's match and overlap
    st.info(ctx.t("access.no_profiles"), icon=":material/lock:")
    st.stop()
if ctx.span is None:  # a dataset without any activity has no period to speak of
    st.info(ctx.t("audience.empty"), icon=":material/info:")
    st.stop()
st.caption(ui.scope_line(ctx, compare=True))
lang, period = ctx.lang, ctx.filters.period


def heading(title: str, help_text: str, csv: pd.DataFrame, stem: str, key: str, small: bool = False) -> None:
    ui.section(ctx, title, csv, stem, key, help=help_text, small=small)


def chart(fig: object, key: str) -> None:
    ui.chart(fig, key)


def choice(param: str, options: Sequence[str], default: str) -> str:
    """A screen choice kept in the URL as its code (a link reopens the view; unknown values fall back)."""
    return ui.url_choice(ctx, param, options, default)


def keep(param: str, key: str, default: str) -> None:
    value = st.session_state[key]
    ui.keep_in_url(param, key, None if value == default else value)


# ---- whose audience: one influencer, 2-4 side by side, or one combined audience --------------------------

roster = ctx.query(metrics.influencer_list)
everyone = {int(r["influencer_id"]): r for r in roster.to_dict("records")}
chosen = ctx.filters.influencers
layout = "compare"
if 2 <= len(chosen) <= MAX_SIDE_BY_SIDE:
    layout_key = choice("layout", LAYOUTS, "compare")
    layout = st.segmented_control(ctx.t("audience.layout"), LAYOUTS, key=layout_key, required=True,
                                  format_func=lambda v: ctx.t(f"audience.layout.{v}"),
                                  help=ctx.t("audience.layout_help", n=MAX_SIDE_BY_SIDE))
    keep("layout", layout_key, "compare")
mode = metrics.audience_mode(len(chosen), layout)
combined = mode == "combined"
# Names for charts and tables: the view's own first (their order is the order of the side-by-side views; None
# is the combined audience), then everyone else (campaigns and the quality list name every account).
names: dict[object, str] = {None: ctx.t("audience.combined_n", n=len(chosen)) if chosen
                            else ctx.t("audience.combined")} if combined else {}
names.update({i: str(everyone[i]["name"]) for i in chosen if i in everyone})
names.update({i: str(r["name"]) for i, r in everyone.items() if i not in names})
if combined:
    if not chosen:
        st.caption(ctx.t("audience.all_note", n=f"{len(everyone):,}"))
    elif len(chosen) > MAX_SIDE_BY_SIDE:
        st.caption(ctx.t("audience.many_note", n=MAX_SIDE_BY_SIDE))

summary = ctx.query(metrics.audience_summary)
if summary.empty or not summary[["fans_end", "new_fans", "lost_fans"]].to_numpy().any():
    st.info(ctx.t("audience.no_fans"), icon=":material/info:")
    st.stop()
kpis = metrics.audience_kpis(summary, combine=combined)
previous = metrics.audience_kpis(ctx.query(metrics.audience_summary, ctx.previous), combine=combined)
# Combined (all or many influencers), days, hours and profile buckets are summed in the database: 10,000 influencers
# × 184 days (or × 80 buckets) would not fit in a result.
as_one = metrics.as_one_audience(ctx.filters, combined)
daily = ctx.query(metrics.audience_daily, as_one)

# ---- KPI tiles: each against the previous period, with its definition --------------------------------

heading(ctx.t("audience.kpis"), ctx.t("audience.kpis_help", start=ctx.previous.period.start.isoformat(),
                                     end=ctx.previous.period.end.isoformat()),
        charts.audience_table(metrics.audience_kpi_rows(kpis, previous), lang, names)[0], "audience_kpis",
        "aud_kpis")
prev_rows = {(None if pd.isna(r["influencer_id"]) else int(r["influencer_id"])): r
             for r in previous.to_dict("records")}
# Chinese readers expect red for a rise and green for a fall (as on every Chinese trading screen).
rise = "inverse" if lang == "zh-CN" else "normal"
for n, row in enumerate(sorted(kpis.to_dict("records"), key=lambda r: list(names).index(
        None if pd.isna(r["influencer_id"]) else int(r["influencer_id"])))):
    who = None if pd.isna(row["influencer_id"]) else int(row["influencer_id"])
    if mode == "compare":
        info = everyone.get(who, {})
        st.markdown(f"**{ui.md_escape(names[who])}** · " + ui.md_escape(ctx.t(
            "audience.who_line", category=label("category", info.get("category"), lang),
            tier=label("tier", info.get("tier"), lang))))
    own_daily = daily if who is None else daily[daily["influencer_id"] == who]
    with st.container(horizontal=True, gap="small", key=f"aud_tiles_{n}"):
        for tile in charts.audience_tiles(row, prev_rows.get(who, {}), lang, ctx.window_label):
            up_is_bad = tile["name"] == "lost_fans" and lang != "zh-CN"
            st.metric(tile["label"], tile["value"],
                      delta=tile["delta"].replace("−", "-") if tile["delta"] else "—",
                      delta_color=("off" if not tile["delta"] else "inverse" if up_is_bad else rise),
                      delta_arrow="auto" if tile["delta"] else "off",
                      delta_description=ctx.t("overview.vs_previous"), help=tile["help"],
                      chart_data=charts.tile_trend(own_daily, tile["name"]), chart_type="area", border=True,
                      width=ui.TILE_WIDTH, height="stretch")
st.caption(ctx.t("audience.window_note", window=ctx.window_label))

# ---- growth: the fan count, new / lost / net fans, where the new fans came from, campaign starts ----------

markers = ctx.query(metrics.campaign_roi)
daily_csv, _ = charts.audience_table(daily, lang, names)
heading(ctx.t("audience.growth"), ctx.t("audience.growth_help"), daily_csv, "audience_daily", "aud_growth")
chart(charts.audience_growth(daily, markers, lang, names), "aud_growth_chart")
if mode == "compare":
    heading(ctx.t("audience.sources"), ctx.t("audience.sources_help"), daily_csv, "audience_daily_sources",
            "aud_sources")
    chart(charts.new_fans_by_source(daily, lang, names), "aud_sources_chart")
if markers.empty:
    st.caption(ctx.t("audience.no_campaigns"))
else:
    with st.expander(ctx.t("audience.campaigns", n=len(markers)), icon=":material/campaign:"):
        csv, shown = charts.audience_table(markers, lang, names, columns=[
            "influencer_id", "product", "start_at", "end_at", "spend", "new_fans"])
        heading(ctx.t("audience.campaigns_table"), ctx.t("audience.campaigns_help"), csv, "audience_campaigns",
                "aud_campaigns", small=True)
        st.dataframe(shown, hide_index=True, key="aud_campaigns_table", width="stretch", placeholder=DASH)

# ---- profile: who the fans at the period end are ----------------------------------------------------------

audience_size = int(kpis["fans_end"].sum())


def breakdown(dim: str) -> pd.DataFrame:
    """audience_breakdown along `dim` for the view (combined when it is), small buckets masked."""
    rows = ctx.query(metrics.audience_breakdown, replace(as_one, dim=dim))
    return metrics.mask_small_cells(rows, {"fans": ["share"]})


st.subheader(ctx.t("audience.profile"), anchor=False,
             help=ctx.t("audience.profile_help", end=period.end.isoformat()))
if audience_size == 0:
    st.info(ctx.t("audience.no_fans_at_end"), icon=":material/info:")
else:
    st.caption(ctx.t("audience.small_note"))
    for n, dim in enumerate(PROFILE_DIMS):
        if n % 3 == 0:  # rows of three, so that the charts of a row start level
            grid = st.columns(3, gap="medium")
        with grid[n % 3]:
            rows = breakdown(dim)
            csv, shown = charts.audience_table(rows, lang, names)
            title = ctx.t(f"audience.dim.{dim}")
            if dim == "interest":
                title = ctx.t("audience.top_interests", n=TOP_INTERESTS)
            heading(title, ctx.t(f"audience.dim.{dim}.help"), csv, f"audience_{dim}", f"aud_{dim}", small=True)
            chart(charts.profile_bars(rows, dim, lang, names, top=TOP_INTERESTS if dim == "interest" else None),
                  f"aud_{dim}_chart")

    # Provinces: the map and, beside it, the sortable list (abroad is in the list only).
    provinces = breakdown("province")
    focus = None
    if mode == "compare":
        ids = [str(i) for i in chosen]
        focus_key = choice("map", ids, ids[0])
        picked = st.selectbox(ctx.t("audience.map_focus"), ids, key=focus_key, format_func=lambda i: names[int(i)],
                              width=320)
        keep("map", focus_key, ids[0])
        focus = int(picked)
        provinces = provinces[provinces["influencer_id"] == focus]
    left, right = st.columns([5, 4], gap="medium")
    csv, shown = charts.audience_table(provinces, lang, names, columns=["bucket", "fans", "share"])
    with left:
        heading(ctx.t("audience.map") if focus is None else ctx.t("audience.map_of", name=names[focus]),
                ctx.t("audience.map_help"), csv, "audience_provinces", "aud_provinces")
        figure = charts.province_map(provinces, lang)
        if figure is None:
            st.info(ctx.t("audience.map_missing"), icon=":material/map:")
        else:
            chart(figure, "aud_map_chart")
    with right:
        heading(ctx.t("audience.province_list"), ctx.t("audience.province_list_help"), csv, "audience_provinces",
                "aud_province_list", small=True)
        peak = float(pd.to_numeric(provinces["share"], errors="coerce").fillna(0.0).max()) if len(provinces) else 0.0
        share_header = ctx.t("audience.col.share")
        st.dataframe(shown, hide_index=True, key="aud_province_table", width="stretch", height=520, placeholder=DASH,
                     column_config={
                         ctx.t("audience.dim.province"): st.column_config.Column(width=110),
                         ctx.t("audience.col.fans"): st.column_config.Column(width=80),
                         share_header: st.column_config.ProgressColumn(share_header, format="percent", width=180,
                                                                       min_value=0.0, max_value=max(peak, 1e-9))})

# ---- TGI: over- and under-represented buckets against the influencer's category ----------------------------

st.subheader(ctx.t("audience.tgi"), anchor=False, help=ctx.t("audience.tgi_help"))
if combined:
    st.info(ctx.t("audience.tgi_pick", n=MAX_SIDE_BY_SIDE), icon=":material/info:")
elif audience_size == 0:
    st.info(ctx.t("audience.no_fans_at_end"), icon=":material/info:")
else:
    tgi_key = choice("tgi", metrics.AUDIENCE_DIMS, DEFAULT_TGI)
    dim = st.segmented_control(ctx.t("audience.tgi_dim"), metrics.AUDIENCE_DIMS, key=tgi_key, required=True,
                               format_func=lambda d: ctx.t(f"audience.dim.{d}"))
    keep("tgi", tgi_key, DEFAULT_TGI)
    tgi = metrics.mask_small_cells(ctx.query(metrics.audience_tgi, replace(ctx.filters, dim=dim)),
                                   {"fans": ["share", "tgi"], "category_fans": ["category_share", "tgi"]})
    csv, shown = charts.audience_table(tgi, lang, names)
    heading(ctx.t("audience.tgi_of", dim=ctx.t(f"audience.dim.{dim}")), ctx.t("audience.tgi_help"), csv,
            f"audience_tgi_{dim}", "aud_tgi", small=True)
    peers = roster["category"].value_counts(dropna=False)
    for who in chosen:
        category = everyone.get(who, {}).get("category")
        base = ctx.t("audience.tgi_base", name=names[who], category=label("category", category, lang))
        if peers.get(category, 0) <= 1:  # the category is this influencer alone: every TGI is 100
            base += " " + ctx.t("audience.tgi_alone")
        st.caption(ui.md_escape(base))
    chart(charts.tgi_bars(tgi, dim, lang, names, top=TOP_TGI[mode]), "aud_tgi_chart")
    with st.expander(ctx.t("audience.tgi_table")):
        st.dataframe(shown, hide_index=True, key="aud_tgi_table", width="stretch", placeholder=DASH)

# ---- active hours: when the fans click, weekday × hour of the dataset's zone ------------------------------

hours = metrics.mask_small_cells(ctx.query(metrics.audience_active_hours, as_one), {"fans": ["fan_clicks"]})
csv, _ = charts.audience_table(hours, lang, names)
heading(ctx.t("audience.hours"), ctx.t("audience.hours_help", tz=ctx.ds.tz), csv, "audience_active_hours",
        "aud_hours")
if hours.empty:
    st.info(ctx.t("audience.no_clicks"), icon=":material/info:")
else:
    st.caption(ctx.t("audience.hours_note", tz=ctx.ds.tz))
    chart(charts.active_hours_heatmap(hours, lang, names, ctx.ds.tz), "aud_hours_chart")

# ---- quality: dormant, burst and unknown-profile shares and the score they make --------------------------

quality = ctx.query(metrics.audience_quality)
per_influencer = quality.sort_values(["quality_score", "influencer_id"], na_position="last")
if combined:  # the audience together, then the accounts that pull it down
    shown_quality = pd.concat([metrics.combine_quality(quality), per_influencer.head(WORST_SHOWN)], ignore_index=True)
else:
    shown_quality = quality
csv, shown = charts.audience_table(per_influencer if combined else quality, lang, names)
heading(ctx.t("audience.quality"), ctx.t("audience.quality_help"), csv, "audience_quality", "aud_quality")
if audience_size == 0:
    st.info(ctx.t("audience.no_fans_at_end"), icon=":material/info:")
else:
    left, right = st.columns([3, 2], gap="medium")
    with left:
        chart(charts.quality_bars(shown_quality, lang, names), "aud_quality_chart")
    with right:
        st.markdown(ctx.t("audience.quality_formula"))
        st.markdown(ctx.t("audience.quality_parts"))
    st.caption(ctx.t("audience.quality_table_all") if combined else ctx.t("audience.quality_table"))
    st.dataframe(shown, hide_index=True, key="aud_quality_table", width="stretch", placeholder=DASH)
