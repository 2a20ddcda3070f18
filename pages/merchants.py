"""达人对比 Merchants: who sells a merchant's products, at what cost, to whose fans, and what a shortlist reaches."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd
import streamlit as st

from advisor import charts, metrics, ui
from advisor.i18n import DASH, fmt_int, fmt_money, fmt_pct, label
from advisor.metrics import Segment

# This screen's own query parameters: the merchant, the shortlist, the target segment, the overlap measure.
URL_MERCHANT, URL_SHORTLIST, URL_SEGMENT, URL_OVERLAP = "merchant", "short", "seg", "ov"
OVERLAP_MEASURES = ("shared_fans", "jaccard")
DEFAULT_SHORTLIST = 3  # the first influencers of the table, until the reader ticks their own
MAX_SHORTLIST = 50
NO_SHORTLIST = "none"  # `short=none`: the reader emptied the shortlist
SHORTLIST_WIDTH = 96  # px: the shortlist column, wide enough for its header in either language
_ID_RE = re.compile(r"^-?\d{1,18}$")

# How each column is shown: money in CNY, counts grouped, ratios with two decimals, shares as percentages.
KINDS: dict[str, str] = {
    "shortlist": "flag", "name": "title", "influencer_id": "id", "category": "text", "tier": "text",
    "fans_end": "count", "posts": "count", "clicks": "count", "clickers": "count", "orders": "count",
    "buyers": "count", "refunded_orders": "count", "gmv": "money", "net_gmv": "money", "commission_cost": "money",
    "influencer_earnings": "money", "headline_spend": "money", "headline_campaigns": "count", "total_cost": "money",
    "roas": "ratio", "cost_per_order": "money", "new_buyers": "count", "audience_match": "pct",
    "matched_fans": "count", "gender_match": "pct", "age_band_match": "pct", "city_tier_match": "pct",
    "interest_match": "pct", "province_match": "pct", "name_a": "text", "name_b": "text", "influencer_a": "id",
    "influencer_b": "id", "fans_a": "count", "fans_b": "count", "shared_fans": "count", "jaccard": "pct",
    "union_fans": "count", "step": "count", "new_reach": "count", "cumulative_reach": "count",
    "exclusive_fans": "count", "new_share": "pct",
}
TABLE = ("shortlist", "name", "tier", "fans_end", "posts", "clicks", "orders", "gmv", "net_gmv", "commission_cost",
         "influencer_earnings", "headline_spend", "total_cost", "roas", "cost_per_order", "new_buyers",
         "audience_match", "matched_fans", "influencer_id")
BUBBLES = ("name", "tier", "fans_end", "total_cost", "gmv", "roas", "orders", "influencer_id")
MATCH = ("name", "fans_end", "matched_fans", "audience_match", "gender_match", "age_band_match", "city_tier_match",
         "interest_match", "province_match", "influencer_id")
OVERLAP = ("name_a", "name_b", "fans_a", "fans_b", "shared_fans", "jaccard", "union_fans", "influencer_a",
           "influencer_b")
REACH = ("step", "name", "fans_end", "new_reach", "cumulative_reach", "exclusive_fans", "new_share", "influencer_id")
# The values a segment criterion offers: fixed scales, or what the compared influencers' fans carry.
FIXED_SEGMENT = {"gender": metrics.SEGMENT_GENDERS, "age_band": metrics.SEGMENT_AGE_BANDS,
                 "city_tier": metrics.SEGMENT_CITY_TIERS}


# The helpers below read the page's `ctx` (language, filters), set by ui.sidebar() when the script runs.

def frame(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The columns as the reader sees them, for the screen and its CSV: tiers and categories in words."""
    return ui.frame(ctx, df, columns, "merchants.col", {"tier": lambda c: label("tier", c, ctx.lang),
                                                        "category": lambda c: label("category", c, ctx.lang)})


def merchant_name(row: Mapping[str, object]) -> str:
    name = row.get("name")
    if isinstance(name, str) and name.strip():
        return name
    return ctx.t("merchants.merchant_id", id=row["merchant_id"])


def pick_merchant(merchants: pd.DataFrame) -> int:
    """The merchant whose products are compared (`merchant=ID` in the URL); by default the one with the most GMV."""
    rows = {int(r["merchant_id"]): r for r in merchants.to_dict("records")}

    def option(i: int) -> str:
        r = rows[i]
        return ctx.t("merchants.merchant_option", name=merchant_name(r),
                     shop=label("shop_type", r["shop_type"], ctx.lang), gmv=fmt_money(r["gmv"], ctx.lang))

    key = ui.url_choice(ctx, URL_MERCHANT, list(rows), next(iter(rows)),
                        lambda text: int(text) if _ID_RE.match(text) else None)
    st.selectbox(ctx.t("merchants.pick"), list(rows), key=key, format_func=option, help=ctx.t("merchants.pick_help"),
                 width=480)
    ui.keep_in_url(URL_MERCHANT, key, str(st.session_state[key]))
    return int(st.session_state[key])


def _segment_key(dim: str) -> str:
    return ui.widget_key(f"seg_{dim}", ctx.lang)


def current_segment() -> Segment:
    """The target segment (`seg=gender:f,age_band:25-29` in the URL): the URL's when it changed (a shared link,
    Back/Forward), else the one kept from the last run; anything unreadable is left out."""
    ss = st.session_state
    url = st.query_params.get(URL_SEGMENT)
    if "_seg" not in ss or (url and url != ss.get("_seg_url")):
        ss["_seg"], ss["_seg_url"] = Segment.parse(url), url
        for key in [k for k in ss if isinstance(k, str) and k.startswith("seg_")]:
            del ss[key]  # the pickers start again from the link's segment
    return ss["_seg"]


def segment_words(segment: Segment) -> str:
    """The segment in a line: 女 · 25-29、30-34 · 一线."""
    parts = ["、".join(charts.bucket_label(dim, str(v), ctx.lang) for v in getattr(segment, dim))
             for dim in metrics.SEGMENT_DIMS if getattr(segment, dim)]
    text = " · ".join(parts) or ctx.t("merchants.segment.all")
    return text if len(text) <= 90 else text[:89] + "…"


def segment_builder(segment: Segment, options: Mapping[str, list[str]]) -> None:
    """One picker per criterion; a change becomes the segment of the next run and of the URL."""
    ss = st.session_state

    def on_change() -> None:
        ss["_seg"] = Segment.of({d: ss.get(_segment_key(d), []) for d in metrics.SEGMENT_DIMS})

    with st.container(border=True, key="merchants_segment"):
        st.markdown(f"**{ui.md_escape(ctx.t('merchants.segment.title', summary=segment_words(segment)))}**")
        with st.container(horizontal=True, gap="small"):
            for dim in metrics.SEGMENT_DIMS:
                chosen = list(getattr(segment, dim))
                offered = list(FIXED_SEGMENT.get(dim, options.get(dim, [])))
                offered += [v for v in chosen if v not in offered]  # a link's value the data lacks stays removable
                key = _segment_key(dim)
                if key not in ss:
                    ss[key] = chosen
                st.multiselect(ctx.t(f"merchants.segment.{dim}"), offered, key=key, on_change=on_change,
                               format_func=lambda v, d=dim: charts.bucket_label(d, str(v), ctx.lang),
                               placeholder=ctx.t("merchants.segment.any"), width=220,
                               select_all=False)  # Streamlit's own "Select all" is English only; none is any
        st.caption(ctx.t("merchants.segment.caption"))
    written = ss["_seg"].to_param()
    if written is None:
        if URL_SEGMENT in st.query_params:
            del st.query_params[URL_SEGMENT]
    elif st.query_params.get(URL_SEGMENT) != written:
        st.query_params[URL_SEGMENT] = written
    ss["_seg_url"] = written


def _parse_ids(text: object) -> tuple[int, ...] | None:
    """`short=3,1,2` -> the ids; `none` -> no one; anything else -> None (the default shortlist)."""
    if not isinstance(text, str):
        return None
    if text.strip() == NO_SHORTLIST:
        return ()
    ids = [int(p) for p in text.split(",")[:MAX_SHORTLIST] if _ID_RE.match(p.strip())]
    return tuple(dict.fromkeys(ids)) or None


def current_shortlist(ids: Sequence[int]) -> tuple[int, ...]:
    """The shortlisted influencers of the table, in its order (`short=` in the URL); until the reader ticks their
    own, the first DEFAULT_SHORTLIST of the table."""
    ss = st.session_state
    url = st.query_params.get(URL_SHORTLIST)
    if "_short" not in ss or (url and url != ss.get("_short_url")):
        ss["_short"], ss["_short_url"] = _parse_ids(url), url
    kept = ss["_short"]
    return tuple(ids[:DEFAULT_SHORTLIST]) if kept is None else tuple(i for i in ids if i in kept)


def keep_shortlist_in_url() -> None:
    kept = st.session_state["_short"]
    written = None if kept is None else (",".join(str(i) for i in kept) or NO_SHORTLIST)
    if written is None:
        if URL_SHORTLIST in st.query_params:
            del st.query_params[URL_SHORTLIST]
    elif st.query_params.get(URL_SHORTLIST) != written:
        st.query_params[URL_SHORTLIST] = written
    st.session_state["_short_url"] = written


def comparison_table(table: pd.DataFrame, shortlist: tuple[int, ...]) -> None:
    """The table with its shortlist column: ticking a box changes the shortlist of the next run (and the URL)."""
    ids = [int(i) for i in table["influencer_id"]]
    shown = frame(table.assign(shortlist=[i in shortlist for i in ids]), TABLE)
    config = ui.column_config(ctx, TABLE, KINDS, "merchants.col")
    tick = ctx.t("merchants.col.shortlist")
    config[tick] = st.column_config.CheckboxColumn(tick, help=ctx.t("merchants.col.shortlist.help"), pinned=True,
                                                   width=SHORTLIST_WIDTH)
    # A new editor whenever its rows or ticks change, so an edit never lands on another row.
    digest = hashlib.sha1(repr((ids, shortlist, ctx.lang)).encode()).hexdigest()[:12]
    key = f"merchants_editor_{digest}"

    def on_edit() -> None:
        picked = set(shortlist)
        for row, change in st.session_state[key]["edited_rows"].items():
            if tick in change:
                (picked.add if change[tick] else picked.discard)(ids[int(row)])
        st.session_state["_short"] = tuple(i for i in ids if i in picked)

    st.data_editor(shown, key=key, hide_index=True, column_config=config, width="stretch", on_change=on_edit,
                   disabled=[c for c in shown.columns if c != tick], placeholder=DASH)


def pick_overlap_measure() -> str:
    """Shared fans or the Jaccard index on the heatmap (`ov=jaccard` in the URL)."""
    key = ui.url_choice(ctx, URL_OVERLAP, OVERLAP_MEASURES, OVERLAP_MEASURES[0])
    st.radio(ctx.t("merchants.overlap.measure"), OVERLAP_MEASURES, key=key, horizontal=True,
             format_func=lambda m: ctx.t(f"merchants.overlap.measure.{m}"),
             help=ctx.t("merchants.overlap.measure_help"))
    measure = st.session_state[key]
    ui.keep_in_url(URL_OVERLAP, key, None if measure == OVERLAP_MEASURES[0] else measure)
    return measure


def reach_tiles(totals: Mapping[str, object]) -> None:
    with st.container(horizontal=True, gap="small", key="merchants_reach_tiles"):
        # whole numbers: in 万 or K the reach and the fans added up would often read the same
        for name, text in (("summed", fmt_int(totals["summed_fans"], ctx.lang)),
                           ("reach", fmt_int(totals["reach"], ctx.lang)),
                           ("duplicate", fmt_pct(totals["duplicate_share"], ctx.lang))):
            st.metric(ctx.t(f"merchants.reach.{name}"), text, help=ctx.t(f"merchants.reach.{name}.help"), border=True,
                      width=220)


ctx = ui.sidebar()
ui.header(ctx, "merchants")
if not ctx.ds.has("products"):  # an optional export (CONTRACT.md): without it no product has a merchant
    st.info(ctx.t("merchants.no_products"), icon=":material/info:")
    st.stop()
if ctx.span is None:
    st.info(ctx.t("merchants.empty"), icon=":material/info:")
    st.stop()
st.caption(ui.scope_line(ctx))

# ---- whose products: the merchant, kept in the link
merchants = ctx.query(metrics.merchant_list)
if merchants.empty:
    st.info(ctx.t("merchants.no_merchants"), icon=":material/info:")
    st.stop()
merchant = pick_merchant(merchants)
merchant_row = merchants[merchants["merchant_id"] == merchant].iloc[0]
segment = current_segment()
compare = replace(ctx.filters, merchant=merchant, extra=(("segment", segment),))

# ---- the target segment (drawn once the compared influencers are known), then the comparison table with the
# CPS split and the shortlist
segment_box = st.container()
table_heading = st.container()
split = ui.cps_split_picker(ctx)
st.caption(ctx.t("merchants.cps_note"))
table = ctx.query(metrics.merchant_table, replace(compare, extra=(*compare.extra, ("cps", split))))
names = dict(zip((int(i) for i in table["influencer_id"]), charts.merchant_names(table, ctx.lang), strict=True))
with segment_box:
    segment_builder(segment, metrics.segment_options(ctx.ds, replace(ctx.filters, influencers=tuple(names)))
                    if names else {})
if table.empty:
    with table_heading:
        ui.section(ctx, ctx.t("merchants.table.title"), frame(table.assign(name=[], shortlist=[]), TABLE),
                   "merchant_influencers", "merchants_table", help=ctx.t("merchants.table.help"))
    st.info(ctx.t("merchants.none", merchant=ui.md_escape(merchant_name(merchant_row))), icon=":material/info:")
    st.stop()
table = table.assign(name=list(names.values()))
shortlist = current_shortlist(list(names))
keep_shortlist_in_url()
with table_heading:
    ui.section(ctx, ctx.t("merchants.table.title"),
               frame(table.assign(shortlist=[i in shortlist for i in names]), TABLE), "merchant_influencers",
               "merchants_table", help=ctx.t("merchants.table.help"))
    st.markdown(ctx.t("merchants.how", merchant=ui.md_escape(merchant_name(merchant_row)),
                      products=int(merchant_row["products"]), n=len(table), window=ctx.window_label))
st.caption(ctx.t("merchants.table.caption"))
comparison_table(table, shortlist)

# ---- cost against return
ui.section(ctx, ctx.t("merchants.bubble.section"), frame(table, BUBBLES), "merchant_cost_gmv", "merchants_bubbles")
if charts.merchant_bubbles_drawn(table).any():
    ui.chart(charts.merchant_bubbles(table, ctx.lang, ctx.window_label, shortlist), "merchants_bubbles_chart",
             "merchant_cost_gmv")
else:  # empty log axes say nothing: say why instead
    st.info(ctx.t("merchants.bubble.none"), icon=":material/info:")

# ---- how well each audience fits the target segment
if segment.empty:
    st.subheader(ctx.t("merchants.match.title"), anchor=False, help=ctx.t("merchants.match.help"))
    st.info(ctx.t("merchants.match.no_segment"), icon=":material/info:")
else:
    match = ctx.query(metrics.audience_match, replace(compare, influencers=tuple(names)))
    match = match.assign(name=match["influencer_id"].map(lambda i: names.get(int(i), str(i))))
    ui.section(ctx, ctx.t("merchants.match.title"), frame(match, MATCH), "merchant_audience_match",
               "merchants_match", help=ctx.t("merchants.match.help"))
    dims = [d for d in metrics.SEGMENT_DIMS if getattr(segment, d)]
    ui.chart(charts.audience_match_chart(match, names, dims if len(dims) > 1 else [], ctx.lang, order=list(names)),
             "merchants_match_chart", "merchant_audience_match")

# ---- the shortlist: shared fans and what each further influencer adds
if len(shortlist) < 2:
    st.subheader(ctx.t("merchants.overlap.title"), anchor=False, help=ctx.t("merchants.overlap.help"))
    st.info(ctx.t("merchants.overlap.pick"), icon=":material/info:")
    st.stop()
chosen = replace(ctx.filters, influencers=shortlist)
overlap = ctx.query(metrics.audience_overlap, chosen)
overlap = overlap.assign(name_a=overlap["influencer_a"].map(lambda i: names[int(i)]),
                         name_b=overlap["influencer_b"].map(lambda i: names[int(i)]))
ui.section(ctx, ctx.t("merchants.overlap.title"), frame(overlap, OVERLAP), "merchant_shortlist_overlap",
           "merchants_overlap", help=ctx.t("merchants.overlap.help"))
measure = pick_overlap_measure()
ui.chart(charts.overlap_heatmap(overlap, shortlist, names, measure, ctx.lang), "merchants_overlap_chart",
         "merchant_shortlist_overlap")

reach = ctx.query(metrics.shortlist_reach, chosen)
reach = reach.assign(name=reach["influencer_id"].map(lambda i: names[int(i)]))
ui.section(ctx, ctx.t("merchants.reach.title"), frame(reach, REACH), "merchant_shortlist_reach", "merchants_reach",
           help=ctx.t("merchants.reach.help"))
reach_tiles(metrics.reach_totals(reach))
ui.chart(charts.shortlist_reach_chart(reach, names, ctx.lang), "merchants_reach_chart", "merchant_shortlist_reach")
