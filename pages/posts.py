"""内容转化 Posts: which posts sell, from exposure to net GMV, compared by format, channel and time to purchase."""

from __future__ import annotations

import dataclasses
import re
import zlib
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from advisor import charts, metrics, ui
from advisor.i18n import DASH, fmt_compact, fmt_money, fmt_pct, label

# The screen's own choices, kept in the URL beside the sidebar's: the post in detail, the title search, the
# ranking metric and whether the table shows the posts best first (at most TABLE_LIMIT) or the 10 best / worst.
URL_KEYS = ("post", "q", "by", "show")
RANK_BY = metrics.RANK_BY
SHOWS = metrics.RANK_SHOWS
DEFAULTS: dict[str, object] = {"post": None, "q": "", "by": "gmv", "show": "all"}
TOP_N = 10
# Rows of the table under "all": ranked and cut in SQL (post_ranking), so a period of 1.6 M posts opens the screen.
TABLE_LIMIT = metrics.RANK_LIMIT
MAX_QUERY = metrics.MAX_SEARCH  # characters of a title search
MAX_OPTIONS = 300  # posts offered in the drill-down picker: a selectbox with 30,000 options would stall the page
_ID_RE = re.compile(r"^-?\d{1,18}$")

# How each column is shown: its display kind (labels and definitions are posts.col.<name>[.help]).
KINDS: dict[str, str] = {
    "post_id": "id", "influencer": "text", "posted_at": "time", "title": "title", "content_type": "text",
    "impressions": "count", "reads": "count", "interactions": "count", "clicks": "count", "orders": "count",
    "gmv": "money", "net_gmv": "money", "ctr": "pct", "cvr": "pct", "aov": "money", "gmv_per_1k_reads": "money",
    "step": "text", "value": "count", "step_rate": "pct", "overall_rate": "pct", "split": "text", "bucket": "text",
    "posts": "count", "band": "text", "max_hours": "count", "share": "pct", "cumulative_share": "pct",
    "hour_start": "time", "hours_since_post": "count", "product_id": "id", "product_title": "title",
    "category": "text", "price": "money", "commission_rate": "pct", "merchant_name": "text", "campaign_id": "id",
    "product": "text", "start_at": "time", "end_at": "time", "spend": "money", "paid_impressions": "count",
    "paid_clicks": "count", "buyer_merchant_id": "id",
}
POST_COLUMNS = ("posted_at", "title", "influencer", "content_type", "impressions", "reads", "interactions", "clicks",
                "orders", "gmv", "net_gmv", "ctr", "cvr", "aov", "gmv_per_1k_reads", "post_id")
TILES = ("impressions", "reads", "interactions", "clicks", "orders", "gmv", "cvr", "gmv_per_1k_reads")


# ---- the screen's view: read from the URL, validated, kept in session state ----------------------------

def parse_view(params: Mapping[str, object]) -> dict[str, object]:
    """The screen's choices in a URL; anything unreadable falls back to its default, never an error."""
    def get(key: str) -> str:
        value = params.get(key)
        if isinstance(value, list):
            value = value[-1] if value else ""
        return value.strip() if isinstance(value, str) else ""

    post = get("post")
    return {"post": int(post) if _ID_RE.match(post) else None, "q": get("q")[:MAX_QUERY],
            "by": get("by") if get("by") in RANK_BY else DEFAULTS["by"],
            "show": get("show") if get("show") in SHOWS else DEFAULTS["show"]}


def _view() -> dict[str, object]:
    """As ui._view: from the URL on the first run and whenever the URL was changed from outside (back/forward)."""
    ss = st.session_state
    url = {k: st.query_params.get(k) for k in URL_KEYS if k in st.query_params}
    if "_posts_view" not in ss or (url and url != ss.get("_posts_url")):
        ss["_posts_view"] = parse_view(url)
        ss["_posts_url"] = url
    return ss["_posts_view"]


def _set(**changes: object) -> None:
    st.session_state["_posts_view"] = {**st.session_state["_posts_view"], **changes}


def _write_url(view: Mapping[str, object]) -> None:
    """Only what differs from the defaults, so links stay short."""
    want = {k: (None if view[k] in (DEFAULTS[k], "") else str(view[k])) for k in URL_KEYS}
    qp = st.query_params
    for key, value in want.items():
        if value is None:
            if key in qp:
                del qp[key]
        elif qp.get(key) != value:
            qp[key] = value
    st.session_state["_posts_url"] = {k: v for k, v in want.items() if v is not None}


def _sync(key: str, value: object) -> None:
    """Give a widget the view's value before it is drawn (a new language's widget, or a URL from outside)."""
    if st.session_state.get(key, object()) != value:
        st.session_state[key] = value


# ---- tables and charts: translated headers, codes in words, the CSV beside each ---------------------

def codes() -> dict[str, object]:
    """How this screen words the codes in its columns."""
    lang = ctx.lang
    return {"content_type": lambda c: label("content_type", c, lang), "category": lambda c: label("category", c, lang),
            "product": lambda c: label("campaign_product", c, lang), "step": lambda c: ctx.t(f"posts.step.{c}"),
            "band": lambda c: ctx.t(f"posts.band.{c}")}


def table_frame(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The columns of a result as the reader sees them (and downloads them): translated, codes in words."""
    return ui.frame(ctx, df, columns, "posts.col", codes())


def column_config(columns: Sequence[str]) -> dict[str, object]:
    return ui.column_config(ctx, columns, KINDS, "posts.col")


def table(df: pd.DataFrame, columns: Sequence[str], title_key: str, stem: str, key: str, caption: str = "") -> None:
    """A table under its title with the CSV download beside the title and its caption below."""
    frame = table_frame(df, columns)
    ui.section(ctx, ctx.t(title_key), lambda: frame, stem, key)
    if caption:
        st.caption(caption)
    st.dataframe(frame, hide_index=True, column_config=column_config(columns), key=key, width="stretch",
                 placeholder=DASH)


def chart(fig: object, df: pd.DataFrame, columns: Sequence[str], caption: str, stem: str, key: str) -> None:
    """A chart (titled, with the window it depends on), then what it shows and its CSV download, as a legend."""
    ui.chart(fig, key, stem)
    with st.container(horizontal=True, vertical_alignment="top", wrap=False, key=f"{key}_legend"):
        st.caption(caption)
        ui.download(ctx, lambda: table_frame(df, columns), stem, key)


def info(text: str) -> None:
    st.info(text, icon=":material/info:")


def tile(name: str, value: object) -> None:
    kind = KINDS[name]
    shown = (fmt_money(value, ctx.lang) if kind == "money" else fmt_pct(value, ctx.lang, 2) if kind == "pct"
             else fmt_compact(value, ctx.lang))
    st.metric(ctx.t(f"posts.col.{name}"), shown, help=ctx.t(f"posts.col.{name}.help"), border=True,
              width=ui.TILE_WIDTH)


# ---- the page ---------------------------------------------------------------------------------------

ctx = ui.sidebar()
ui.header(ctx, "posts")
if ctx.span is None:  # a dataset without any activity has no period to speak of
    info(ctx.t("posts.empty"))
    st.stop()
st.caption(ui.scope_line(ctx))

# The period's posts by format: summed in SQL, so the count is exact however many posts there are.
formats = ctx.query(metrics.content_type_summary)
total_posts = int(formats["posts"].sum()) if len(formats) else 0
if not total_posts:
    info(ctx.t("posts.no_posts"))
    st.stop()
info(ctx.t("posts.how", posts=f"{total_posts:,}", window=ctx.window_label))
view = _view()
window = ctx.window_label

# The funnel of the chosen posts (the sums of the formats' figures above: no query of its own), and its click →
# order step by channel and by fans vs non-fans.
left, right = st.columns(2, gap="medium")
with left:
    funnel = ctx.query(metrics.posts_funnel)
    chart(charts.posts_funnel(funnel, ctx.lang, window), funnel, ("step", "value", "step_rate", "overall_rate"),
          ctx.t("posts.funnel.caption"), "posts_funnel", "posts_funnel")
with right:
    split = ctx.query(metrics.posts_channel_split)
    total = split[split["split"] == "total"]
    if total.empty or not (total["clicks"].iloc[0] or total["orders"].iloc[0]):
        info(ctx.t("posts.split.none"))
    else:
        shown_split = split.assign(
            split=[ctx.t(f"posts.split_kind.{s}") for s in split["split"]],
            bucket=[label("channel", b, ctx.lang) if s == "channel" else ctx.t(f"posts.fan.{b}")
                    for s, b in zip(split["split"], split["bucket"], strict=True)])
        chart(charts.posts_channel_split(split, ctx.lang, window), shown_split,
              ("split", "bucket", "clicks", "orders", "gmv", "net_gmv", "cvr"), ctx.t("posts.split.caption"),
              "posts_channel_split", "posts_channel_split")

# Content formats side by side, with the number of posts behind each bar.
chart(charts.posts_formats(formats, ctx.lang, window), formats,
      ("content_type", "posts", "impressions", "reads", "clicks", "orders", "gmv", "net_gmv", "ctr", "cvr",
       "gmv_per_1k_reads"), ctx.t("posts.formats.caption"), "posts_formats", "posts_formats")

# How long after the click people buy: which window fits, with the one in use marked.
delay = ctx.query(metrics.purchase_delay)
if not delay["orders"].fillna(0).sum():
    info(ctx.t("posts.delay.none"))
else:
    hours = ui.WINDOWS[ctx.window].total_seconds() / 3600
    chart(charts.purchase_delay(delay, ctx.lang, window, hours), delay,
          ("band", "max_hours", "orders", "share", "cumulative_share"), ctx.t("posts.delay.caption"),
          "posts_purchase_delay", "posts_purchase_delay")

# The post table: search, then the posts best first by a metric (at most TABLE_LIMIT) or the 10 best / worst by
# it, ranked and cut in SQL; a selected row opens it below. The widgets' callbacks have updated the view before this
# run, so the rows are known before they are drawn.
by, show = str(view["by"]), str(view["show"])
limit = TABLE_LIMIT if show == "all" else TOP_N
ranking = dataclasses.replace(ctx.filters, extra=(("rank_by", by), ("show", show), ("search", str(view["q"])),
                                                  ("limit", limit)))
rows = ctx.query(metrics.post_ranking, ranking)
ranked = int(rows["ranked_posts"].iloc[0]) if len(rows) else 0
cut = show == "all" and ranked > len(rows)
names = ctx.query(metrics.influencer_list).set_index("influencer_id")["name"]
shown = rows.assign(title=rows["title"].fillna(ctx.t("posts.untitled")),
                    influencer=rows["influencer_id"].map(names))
columns = [c for c in POST_COLUMNS if c != "influencer" or len(ctx.filters.influencers) != 1]
st.session_state["_posts_rows"] = [int(i) for i in shown["post_id"]]
frame = table_frame(shown, columns)
metric_name = ctx.t(f"posts.col.{by}")
# The title (and so the page report) and the file name say which rows the table holds.
if cut or show != "all":
    which = "top" if show != "bottom" else "bottom"
    table_title = ctx.t(f"posts.table.title_{which}", n=f"{len(shown):,}", metric=metric_name)
    stem = f"posts_{which}{len(shown)}_{by}"
else:
    table_title, stem = ctx.t("posts.table.title"), "posts"
if view["q"]:
    table_title += ctx.t("posts.table.title_search", q=str(view["q"]))
    stem += "_search"
ui.section(ctx, table_title, lambda: frame, stem, "posts_table")
caption = ctx.t("posts.table.caption", window=window) + " "
if not cut:
    caption += ctx.t("posts.count", shown=f"{len(shown):,}", total=f"{total_posts:,}")
else:
    command = ["python -m advisor query post_conversion --data DIR", f"--from {ctx.filters.period.start}",
               f"--to {ctx.filters.period.end}", *(f"--influencer {i}" for i in ctx.filters.influencers)]
    if ctx.filters.window != metrics.DEFAULT_WINDOW:
        # Ten digits: one hour (1/24 day) reads back as exactly one hour.
        command.append(f"--window-days {ctx.filters.window.total_seconds() / 86400:.10g}")
    caption += ctx.t("posts.limited", shown=f"{len(shown):,}", ranked=f"{ranked:,}", metric=metric_name,
                     command=" ".join(command))
st.caption(caption)

lang = ctx.lang
search_key, by_key, show_key = "posts_q", ui.widget_key("posts_by", lang), ui.widget_key("posts_show", lang)
_sync(search_key, view["q"])
_sync(by_key, view["by"])
_sync(show_key, view["show"])
box, by_box, show_box = st.columns([3, 2, 2], vertical_alignment="bottom")
with box:
    st.text_input(ctx.t("posts.search"), key=search_key, max_chars=MAX_QUERY, icon=":material/search:",
                  placeholder=ctx.t("posts.search_placeholder"), help=ctx.t("posts.search_help"),
                  on_change=lambda: _set(q=(st.session_state[search_key] or "").strip()))
with by_box:
    st.selectbox(ctx.t("posts.rank_by"), RANK_BY, key=by_key, format_func=lambda m: ctx.t(f"posts.col.{m}"),
                 on_change=lambda: _set(by=st.session_state[by_key]))
with show_box:
    st.segmented_control(ctx.t("posts.show"), SHOWS, key=show_key, required=True,
                         format_func=lambda s: ctx.t(f"posts.show.{s}"),
                         help=ctx.t("posts.show_help", n=f"{TABLE_LIMIT:,}"),
                         on_change=lambda: _set(show=st.session_state[show_key] or "all"))


# The post in detail: chosen in the picker below or by selecting its row; by default the period's best seller
# (highest GMV, ties: the lower post id). Its row is looked up in SQL when the table's rows lack it.
def _one(extra: tuple[tuple[str, object], ...]) -> pd.DataFrame:
    return ctx.query(metrics.post_ranking, dataclasses.replace(ctx.filters, extra=(*extra, ("limit", 1))))


# The table's own rows answer when they can: the chosen post among them, or the best seller heading a table ranked
# by GMV, best first, ties by post id (the default pick's order).
if view["post"] is not None:
    picked = rows[(rows["post_id"] == view["post"]).to_numpy(dtype=bool)].head(1)
    if picked.empty:
        picked = _one((("post", view["post"]),))
else:
    picked = rows.head(1) if by == "gmv" and show != "bottom" and not view["q"] else rows.iloc[0:0]
if picked.empty:
    if view["post"] is not None:
        _set(post=None)  # a post outside the period (or unknown): back to the default, silently
    picked = _one((("rank_by", "gmv"), ("show", "top")))
chosen = int(picked["post_id"].iloc[0])


def _on_row() -> None:
    rows = st.session_state[st.session_state["_posts_table_key"]].selection.rows
    ids = st.session_state.get("_posts_rows", [])
    if rows and rows[0] < len(ids):
        _set(post=ids[rows[0]])


if shown.empty:
    info(ctx.t("posts.no_match", q=ui.md_escape(str(view["q"]))) if view["q"]
         else ctx.t("posts.none_ranked", metric=ctx.t(f"posts.col.{view['by']}")))
else:
    # The row of the post in detail is the selected one: a table of other rows or another post is a new widget,
    # drawn with that selection (a kept selection would point at whatever row now sits in its place).
    ids = st.session_state["_posts_rows"]
    table_key = f"posts_table_{zlib.crc32(repr((ids, chosen)).encode()):08x}"
    previous = st.session_state.get("_posts_table_key")
    if previous and previous != table_key:
        st.session_state.pop(previous, None)  # the replaced table's selection: nobody reads it again
    st.session_state["_posts_table_key"] = table_key
    selected = {"selection": {"rows": [ids.index(chosen)]}} if chosen in ids else None
    with st.container(key="posts_table"):
        st.dataframe(frame, hide_index=True, column_config=column_config(columns), key=table_key, width="stretch",
                     placeholder=DASH, on_select=_on_row, selection_mode="single-row", selection_default=selected)

options = [int(i) for i in shown["post_id"].head(MAX_OPTIONS)]
if chosen not in options:
    options.insert(0, chosen)
by_id = pd.concat([f for f in (rows, picked) if len(f)]).drop_duplicates("post_id").set_index("post_id")
option_texts = {
    int(pid): ctx.t("posts.drill.option", time=f"{when:%Y-%m-%d %H:%M}",
                    title=title if isinstance(title, str) and title else ctx.t("posts.untitled"),
                    type=label("content_type", kind, ctx.lang))
    for pid, when, title, kind in by_id.loc[options, ["posted_at", "title", "content_type"]].itertuples()}


st.subheader(ctx.t("posts.drill.title"), anchor=False)
post_key = ui.widget_key("posts_post", lang)
_sync(post_key, chosen)
st.selectbox(ctx.t("posts.drill.pick"), options, key=post_key, format_func=lambda i: option_texts.get(i, str(i)),
             help=ctx.t("posts.drill.pick_help", n=MAX_OPTIONS),
             on_change=lambda: _set(post=st.session_state[post_key]))
_write_url(st.session_state["_posts_view"])

row = by_id.loc[chosen]
st.caption(ui.md_escape(ctx.t("posts.drill.meta", influencer=str(names.get(row["influencer_id"], row["influencer_id"])),
                              type=label("content_type", row["content_type"], ctx.lang),
                              time=f"{row['posted_at']:%Y-%m-%d %H:%M}", post=chosen)))
with st.container(horizontal=True, gap="small", key="posts_tiles"):
    for name in TILES:
        tile(name, row[name])

one = dataclasses.replace(ctx.filters, extra=(("post", chosen),))
hourly = ctx.query(metrics.post_hourly, one)
if hourly.empty or not (hourly["clicks"].fillna(0).sum() or hourly["orders"].fillna(0).sum()):
    info(ctx.t("posts.hourly.none"))
else:
    chart(charts.post_hourly(hourly, ctx.lang, window), hourly,
          ("hour_start", "hours_since_post", "clicks", "orders", "gmv"), ctx.t("posts.hourly.caption"),
          f"post_{chosen}_hourly", "posts_hourly")

products = ctx.query(metrics.post_products, one).rename(columns={"title": "product_title"})
if products.empty:
    st.subheader(ctx.t("posts.products.title"), anchor=False)
    info(ctx.t("posts.products.none"))
else:
    table(products, ("product_id", "product_title", "category", "price", "commission_rate", "merchant_name", "clicks",
                     "orders", "gmv", "net_gmv"), "posts.products.title", f"post_{chosen}_products", "posts_products",
          ctx.t("posts.products.caption", window=window))
    if not ctx.ds.has("products"):
        st.caption(ctx.t("posts.products.no_catalog"))

campaigns = ctx.query(metrics.post_campaigns, one).rename(columns={"impressions": "paid_impressions"})
if campaigns.empty:
    st.subheader(ctx.t("posts.campaigns.title"), anchor=False)
    info(ctx.t("posts.campaigns.none"))
else:
    table(campaigns, ("campaign_id", "product", "start_at", "end_at", "spend", "paid_impressions", "paid_clicks",
                      "buyer_merchant_id"), "posts.campaigns.title", f"post_{chosen}_campaigns", "posts_campaigns",
          ctx.t("posts.campaigns.caption"))
