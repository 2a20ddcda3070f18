"""内容转化 Posts in AppTest (both languages, drill-down, URL, empty data) and its figure builders."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from advisor import charts, db, metrics, ui
from advisor.dataset import open_dataset
from advisor.i18n import CATALOGUE, fmt_compact, fmt_money, fmt_pct, label, t

from .app_kit import same as _same
from .app_kit import screen, texts

LANGS = ("zh-CN", "en")
TILES = ("impressions", "reads", "interactions", "clicks", "orders", "gmv", "cvr", "gmv_per_1k_reads")
TABLE = ("impressions", "reads", "interactions", "clicks", "orders", "gmv", "net_gmv", "ctr", "cvr", "aov",
         "gmv_per_1k_reads")


def _posts(data: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    return screen(data, monkeypatch, "posts", **params)


def _texts(at: AppTest) -> str:
    return texts(at, tiles=True)


def _col(name: str, lang: str) -> str:
    return t(f"posts.col.{name}", lang)


def _table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def _tile(value: object, name: str, lang: str) -> str:
    if name == "gmv" or name == "gmv_per_1k_reads":
        return fmt_money(value, lang)
    return fmt_pct(value, lang, 2) if name == "cvr" else fmt_compact(value, lang)


@pytest.fixture
def whole(tiny_demo: Path) -> metrics.Filters:
    return metrics.Filters(metrics.span_period(open_dataset(tiny_demo)))


def _ranked(posts: pd.DataFrame, by: str = "gmv", show: str = "all", limit: int = 1_000) -> pd.DataFrame:
    """The table's rows as the screen ranks them: best first by `by` (worst first for bottom), ties by the lower post
    id; top and bottom leave out posts without a value, all puts them last."""
    if show != "all":
        posts = posts[posts[by].notna()]
    return posts.sort_values([by, "post_id"], ascending=[show == "bottom", True], na_position="last",
                             kind="stable").head(limit)


def _post_with_campaigns(tiny_demo: Path, f: metrics.Filters) -> int:
    posts = set(metrics.post_conversion(open_dataset(tiny_demo), f)["post_id"])
    campaigns = pq.read_table(tiny_demo / "campaigns.parquet").to_pandas()
    return int(next(p for p in campaigns["post_id"].dropna() if int(p) in posts))


# ---- the screen in both languages ------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_posts_screen_in_both_languages(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, whole: metrics.Filters,
                                        lang: str) -> None:
    at = _posts(tiny_demo, monkeypatch, **({"lang": "en"} if lang == "en" else {}))
    assert [e.value for e in at.title] == [t("page.posts", lang)]
    assert not at.error
    # funnel, channel split, formats, time to purchase, the chosen post's hours
    assert len(at.get("plotly_chart")) == 5
    assert len(at.dataframe) >= 2  # the posts and the chosen post's products
    texts = _texts(at)
    window = t("window.7d", lang)
    assert t("scope.window", lang, window=window) in texts
    assert t("posts.table.caption", lang, window=window) in texts
    n = len(metrics.post_conversion(open_dataset(tiny_demo), whole))
    assert t("posts.how", lang, posts=f"{n:,}", window=window) in texts
    # Widgets speak the language; every download sits beside its chart or table.
    assert at.selectbox(key=ui.widget_key("posts_by", lang)).label == t("posts.rank_by", lang)
    assert at.selectbox(key=ui.widget_key("posts_post", lang)).label == t("posts.drill.pick", lang)
    assert [m.label for m in at.metric] == [_col(name, lang) for name in TILES]
    table = _table(at)
    assert list(table.columns)[:4] == [_col(c, lang) for c in ("posted_at", "title", "influencer", "content_type")]
    # Formats are words, never codes.
    assert set(table[_col("content_type", lang)]) <= {label("content_type", c, lang)
                                                      for c in ("text", "image", "long_article", "video", "live")}
    assert not set(table[_col("content_type", lang)]) & {"text", "image", "long_article", "video", "live"}


def test_the_table_equals_post_conversion(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                          whole: metrics.Filters) -> None:
    at = _posts(tiny_demo, monkeypatch, lang="en")
    everything = metrics.post_conversion(open_dataset(tiny_demo), whole)
    expected = _ranked(everything)
    assert len(expected) == len(everything)  # the tiny demo's posts fit the table: nothing is cut
    table = _table(at)
    assert len(table) == len(expected)
    assert list(table[_col("post_id", "en")]) == list(expected["post_id"])
    for name in TABLE:
        assert _same(table[_col(name, "en")], expected[name]), name
    assert table[_col("ctr", "en")].isna().sum() == expected["ctr"].isna().sum()
    names = metrics.influencer_list(open_dataset(tiny_demo), whole).set_index("influencer_id")["name"]
    assert list(table[_col("influencer", "en")]) == [names[i] for i in expected["influencer_id"]]
    assert t("posts.count", "en", shown=f"{len(expected):,}", total=f"{len(expected):,}") in _texts(at)
    assert "python -m advisor query" not in _texts(at)  # no cut, no word about one


@pytest.mark.parametrize("lang", LANGS)
def test_more_posts_than_a_result_may_hold_opens_ranked_and_cut(tmp_path: Path, tiny_demo: Path,
                                                                 monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """The large scale (1.6 M posts, over db.MAX_ROWS): here the row cap is lowered below the tiny demo's posts, so
    post_conversion itself is refused, and the table to 100 rows. The screen opens without an error: the first
    100 posts by GMV, a caption saying what is cut and how to get the rest, and the figures above it over every
    post."""
    data = tmp_path / "many"  # a folder of its own: no result of another test is cached for it
    shutil.copytree(tiny_demo, data)
    ds = open_dataset(data)
    whole = metrics.Filters(metrics.span_period(ds))
    everything = metrics.post_conversion(ds, whole)
    funnel = metrics.posts_funnel(ds, whole)
    monkeypatch.setattr(db, "MAX_ROWS", 800)  # over the 720 hours of a post's hourly chart, under the 976 posts
    monkeypatch.setattr(metrics, "RANK_LIMIT", 100)
    metrics.clear_cache()
    assert len(everything) > db.MAX_ROWS
    with pytest.raises(db.TooManyRows):
        metrics.post_conversion(ds, whole)
    at = _posts(data, monkeypatch, **({"lang": "en"} if lang == "en" else {}))
    assert not at.exception and not at.error
    expected = _ranked(everything, limit=100)
    table = _table(at)
    assert list(table[_col("post_id", lang)]) == list(expected["post_id"])
    assert _same(table[_col("gmv", lang)], expected["gmv"])
    shown = _texts(at)
    gmv = _col("gmv", lang)
    assert t("posts.table.title_top", lang, n="100", metric=gmv) in shown
    command = (f"python -m advisor query post_conversion --data DIR --from {whole.period.start} "
               f"--to {whole.period.end}")
    assert t("posts.limited", lang, shown="100", ranked=f"{len(everything):,}", metric=gmv, command=command) in shown
    assert t("posts.count", lang, shown="100", total=f"{len(everything):,}") not in shown  # said once, above
    # Exact over every post: the count of posts, the funnel; and the post in detail is the period's best seller.
    assert t("posts.how", lang, posts=f"{len(everything):,}", window=t("window.7d", lang)) in shown
    assert len(at.get("plotly_chart")) == 5 and len(at.metric) == len(TILES)
    assert list(funnel["value"]) == [everything[c].sum() for c in ("impressions", "reads", "clicks", "orders")]
    assert at.selectbox(key=ui.widget_key("posts_post", lang)).value == int(expected["post_id"].iloc[0])
    # The picker offers the rows shown; the bottom 10 are one click away, ranked over every post.
    assert len(at.selectbox(key=ui.widget_key("posts_post", lang)).options) == 100
    at.get("button_group")[0].set_value("bottom").run()
    assert not at.exception and not at.error
    assert list(_table(at)[_col("post_id", lang)]) == list(_ranked(everything, "gmv", "bottom", 10)["post_id"])
    assert t("posts.table.title_bottom", lang, n="10", metric=gmv) in _texts(at)
    assert "python -m advisor query" not in _texts(at)


def test_funnel_split_formats_and_delay_come_from_their_queries(tiny_demo: Path, whole: metrics.Filters) -> None:
    """Plotly data is base64 inside AppTest: the builders are checked on the very frames the page draws."""
    ds = open_dataset(tiny_demo)
    funnel = metrics.posts_funnel(ds, whole)
    fig = charts.posts_funnel(funnel, "zh-CN", "7 天")
    assert list(fig.data[0].x) == [float(v) for v in funnel["value"]]
    assert list(fig.data[0].y) == ["曝光", "阅读", "点击", "成交"]
    assert "7 天" in fig.layout.title.subtitle.text
    posts = metrics.post_conversion(ds, whole)
    assert list(funnel["value"]) == [posts[c].sum() for c in ("impressions", "reads", "clicks", "orders")]

    split = metrics.posts_channel_split(ds, whole)
    fig = charts.posts_channel_split(split, "en", "7 days")
    channels = split[split["split"] == "channel"]
    assert list(fig.data[0].y) == ["Overall", *[label("channel", c, "en") for c in channels["bucket"]]]
    assert list(fig.data[1].y) == ["Overall", "Fans", "Non-fans"]
    assert list(fig.data[0].x) == list(split["cvr"].iloc[[-1, *range(len(channels))]])
    assert "7 days" in fig.layout.title.subtitle.text

    formats = metrics.content_type_summary(ds, whole)
    fig = charts.posts_formats(formats, "zh-CN", "7 天")
    assert [tr.name for tr in fig.data] == ["点击率", "转化率", "千次阅读成交额"]
    assert list(fig.data[1].x) == list(formats["cvr"])
    assert all(f"({n} 篇)" in y for y, n in zip(fig.data[0].y, formats["posts"], strict=True))

    delay = metrics.purchase_delay(ds, whole)
    fig = charts.purchase_delay(delay, "en", "7 days", 168)
    assert list(fig.layout.xaxis.ticktext) == [t(f"posts.band.{b}", "en") for b in delay["band"]]
    assert "7 days" in fig.layout.title.subtitle.text
    covered = delay.loc[delay["max_hours"] == 168, "cumulative_share"].iloc[0]
    assert fig.layout.annotations[-1].text == t("posts.delay.marker_cover", "en", window="7 days",
                                                 share=fmt_pct(covered, "en", 1))


# ---- the drill-down --------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_drill_down_shows_the_chosen_post(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, whole: metrics.Filters,
                                          lang: str) -> None:
    ds = open_dataset(tiny_demo)
    posts = metrics.post_conversion(ds, whole).set_index("post_id")
    best = int(metrics.post_conversion(ds, whole).sort_values(["gmv", "orders", "clicks", "posted_at"],
                                                                ascending=False)["post_id"].iloc[0])
    at = _posts(tiny_demo, monkeypatch, **({"lang": "en"} if lang == "en" else {}))
    picker = at.selectbox(key=ui.widget_key("posts_post", lang))
    assert picker.value == best and "post" not in at.query_params  # the default: the period's best seller
    chosen = _post_with_campaigns(tiny_demo, whole)
    picker.set_value(chosen).run()
    assert not at.exception
    assert at.query_params["post"] == str(chosen)
    row = posts.loc[chosen]
    assert {m.label: m.value for m in at.metric} == {_col(n, lang): _tile(row[n], n, lang) for n in TILES}
    assert str(chosen) in _texts(at)
    one = dataclasses.replace(whole, extra=(("post", chosen),))
    products = metrics.post_products(ds, one)
    shown = at.dataframe[1].value
    assert list(shown[_col("product_id", lang)]) == list(products["product_id"])
    assert list(shown[_col("product_title", lang)]) == list(products["title"])
    assert _same(shown[_col("price", lang)], products["price"])
    assert _same(shown[_col("commission_rate", lang)], products["commission_rate"])
    assert _same(shown[_col("orders", lang)], products["orders"])
    campaigns = metrics.post_campaigns(ds, one)
    assert not campaigns.empty
    shown = at.dataframe[2].value
    assert list(shown[_col("campaign_id", lang)]) == list(campaigns["campaign_id"])
    assert list(shown[_col("product", lang)]) == [label("campaign_product", p, lang) for p in campaigns["product"]]
    # Its hours since posting are drawn: the chart's data is the query's.
    assert len(at.get("plotly_chart")) == 5
    hourly = metrics.post_hourly(ds, one)
    fig = charts.post_hourly(hourly, lang, t("window.7d", lang))
    assert sum(fig.data[0].y) == hourly["clicks"].sum() and sum(fig.data[1].y) == hourly["orders"].sum()
    assert hourly["clicks"].sum() <= row["clicks"]


def test_the_url_reopens_the_drill_down_and_the_ranking(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                                        whole: metrics.Filters) -> None:
    chosen = _post_with_campaigns(tiny_demo, whole)
    at = _posts(tiny_demo, monkeypatch, lang="en", post=str(chosen), by="cvr", show="bottom", q="")
    assert at.selectbox(key=ui.widget_key("posts_post", "en")).value == chosen
    assert at.selectbox(key=ui.widget_key("posts_by", "en")).value == "cvr"
    assert at.get("button_group")[0].value == "bottom"
    expected = metrics.post_conversion(open_dataset(tiny_demo), whole)
    worst = _ranked(expected, "cvr", "bottom", 10)
    assert list(_table(at)[_col("post_id", "en")]) == list(worst["post_id"])
    assert at.query_params == {"lang": "en", "post": str(chosen), "by": "cvr", "show": "bottom"}


def test_garbage_in_the_screens_url_falls_back(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                               whole: metrics.Filters) -> None:
    at = _posts(tiny_demo, monkeypatch, post="12345", by="drop table", show="everything", q="x" * 500)
    assert not at.error
    best = int(metrics.post_conversion(open_dataset(tiny_demo), whole).sort_values(
        ["gmv", "orders", "clicks", "posted_at"], ascending=False)["post_id"].iloc[0])
    assert at.selectbox(key=ui.widget_key("posts_post", "zh-CN")).value == best
    assert at.selectbox(key=ui.widget_key("posts_by", "zh-CN")).value == "gmv"
    assert at.get("button_group")[0].value == "all"
    assert at.text_input(key="posts_q").value == "x" * 100
    assert not {"post", "by", "show"} & set(at.query_params)


# ---- widgets change the figures -----------------------------------------------------------------------

def test_search_and_ranking_change_the_table(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                             whole: metrics.Filters) -> None:
    expected = metrics.post_conversion(open_dataset(tiny_demo), whole)
    at = _posts(tiny_demo, monkeypatch)
    word = expected["title"].dropna().iloc[0][:2]
    at.text_input(key="posts_q").set_value(word).run()
    assert at.query_params["q"] == word
    matching = expected[expected["title"].str.contains(word, regex=False, na=False)]
    assert list(_table(at)[_col("post_id", "zh-CN")]) == list(_ranked(matching)["post_id"])
    # The 10 best by orders among the matching posts, one click away.
    at.selectbox(key=ui.widget_key("posts_by", "zh-CN")).set_value("orders").run()
    at.get("button_group")[0].set_value("top").run()
    assert not at.exception
    top = _ranked(matching, "orders", "top", 10)
    assert list(_table(at)[_col("post_id", "zh-CN")]) == list(top["post_id"])
    assert at.query_params["by"] == "orders" and at.query_params["show"] == "top"
    # A word no title holds: a sentence, and the rest of the screen stays.
    at.text_input(key="posts_q").set_value("没有这样的标题zz").run()
    assert not at.exception
    assert "没有标题包含“没有这样的标题zz”的微博。" in _texts(at)
    assert len(at.get("plotly_chart")) == 5


def test_the_window_changes_orders_and_is_printed(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                                  whole: metrics.Filters) -> None:
    at = _posts(tiny_demo, monkeypatch)
    week = _table(at)
    at.select_slider(key="win").set_value("1h").run()
    assert not at.exception
    hour = _table(at)
    # Ranked by GMV, the rows move with the window: compare them post by post.
    week, hour = week.set_index("微博 ID").sort_index(), hour.set_index("微博 ID").sort_index()
    assert list(hour["点击"]) == list(week["点击"])
    assert hour["订单"].sum() < week["订单"].sum()
    hourly = dataclasses.replace(whole, window=dt.timedelta(hours=1))
    expected = _ranked(metrics.post_conversion(open_dataset(tiny_demo), hourly)).set_index("post_id").sort_index()
    assert _same(hour["订单"], expected["orders"]) and _same(hour["成交金额 GMV"], expected["gmv"])
    assert "归因窗口 1 小时" in _texts(at)


def test_one_influencer_narrows_the_screen(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                           whole: metrics.Filters) -> None:
    ds = open_dataset(tiny_demo)
    one = int(metrics.influencer_list(ds, whole)["influencer_id"].iloc[0])
    at = _posts(tiny_demo, monkeypatch, inf=str(one))
    expected = metrics.post_conversion(ds, dataclasses.replace(whole, influencers=(one,)))
    table = _table(at)
    assert len(table) == len(expected) < len(metrics.post_conversion(ds, whole))
    assert "达人" not in table.columns  # one author: no column for it
    assert "1 位达人" in _texts(at)


# ---- no data ----------------------------------------------------------------------------------------

def test_empty_dataset_says_so(empty_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for lang in LANGS:
        at = _posts(empty_dataset, monkeypatch, **({"lang": "en"} if lang == "en" else {}))
        assert t("posts.empty", lang) in _texts(at)
        assert not at.get("plotly_chart") and not at.dataframe and not at.metric


def test_a_period_without_posts_says_so(minimal_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The minimal dataset's posts are from 2026-03-01; the next days have orders but no new post."""
    for lang in LANGS:
        params = {"from": "2026-03-02", "to": "2026-03-03", **({"lang": "en"} if lang == "en" else {})}
        at = _posts(minimal_dataset, monkeypatch, **params)
        assert not at.error
        assert t("posts.no_posts", lang) in _texts(at)
        assert not at.get("plotly_chart") and not at.dataframe and not at.metric


def test_minimal_dataset_zero_impressions_and_no_products_export(minimal_dataset: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Influencer 2's one post has no impressions or reads (ratios null, shown as —), both orders by the tie
    rule, and the dataset has no products export."""
    at = _posts(minimal_dataset, monkeypatch, inf="2", lang="en")
    table = _table(at)
    assert len(table) == 1 and table[_col("post_id", "en")].iloc[0] == 101
    assert math.isnan(table[_col("ctr", "en")].iloc[0]) and math.isnan(table[_col("gmv_per_1k_reads", "en")].iloc[0])
    assert table[_col("orders", "en")].iloc[0] == 2
    assert table[_col("title", "en")].iloc[0] == "(untitled)"
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Impressions"] == "0" and tiles["GMV per 1k reads"] == "—" and tiles["Orders"] == "2"
    texts = _texts(at)
    assert t("posts.products.no_catalog", "en") in texts and t("posts.campaigns.none", "en") in texts
    # Names with markup stay text in the caption of the chosen post.
    at = _posts(minimal_dataset, monkeypatch, inf="1")
    assert "小美<b>粗体</b>" in _texts(at)


# ---- the builders on their own ---------------------------------------------------------------------------

def _delay(counts: list[int]) -> pd.DataFrame:
    bands = ["0-1h", "1-6h", "6-24h", "1-3d", "3-7d", "7-14d", "14-30d"]
    total = sum(counts)
    cum = pd.Series(counts).cumsum()
    return pd.DataFrame({"band": bands, "band_order": range(1, 8), "max_hours": [1, 6, 24, 72, 168, 336, 720],
                         "orders": counts, "share": [c / total for c in counts], "cumulative_share": cum / total})


@pytest.mark.parametrize(("window", "hours", "position", "covered"), [
    ("1h", 1, 0.5, 0.1), ("6h", 6, 1.5, 0.3), ("12h", 12, 2 - 0.5 + 6 / 18, None), ("7d", 168, 4.5, 0.7),
    ("30d", 720, 6.5, 1.0)])
def test_the_window_is_marked_where_it_ends(window: str, hours: float, position: float, covered: float | None
                                            ) -> None:
    delay = _delay([10, 20, 10, 20, 10, 20, 10])
    pos, share = charts.window_position(delay, hours)
    assert pos == pytest.approx(position)
    assert (share is None) if covered is None else share == pytest.approx(covered)
    fig = charts.purchase_delay(delay, "zh-CN", t(f"window.{window}", "zh-CN"), hours)
    assert t(f"window.{window}", "zh-CN") in fig.layout.annotations[-1].text
    assert fig.layout.shapes[0].x0 == pytest.approx(position)
    # The cumulative share is drawn at each band's upper bound.
    assert list(fig.data[1].x) == [i + 0.5 for i in range(7)] and fig.data[1].y[-1] == pytest.approx(1.0)


def test_builders_print_the_window_and_speak_both_languages() -> None:
    funnel = pd.DataFrame({"step": ["impressions", "reads", "clicks", "orders"], "step_order": [1, 2, 3, 4],
                           "value": [0, 0, 0, 0], "step_rate": [None] * 4, "overall_rate": [None] * 4})
    split = pd.DataFrame({"split": ["channel", "channel", "fan", "total"], "bucket": ["organic", None, "fan", "all"],
                          "clicks": [3, 1, 4, 4], "orders": [1, 0, 1, 1], "gmv": [9.9, 0, 9.9, 9.9],
                          "net_gmv": [9.9, 0, 9.9, 9.9], "cvr": [1 / 3, 0.0, 0.25, 0.25]})
    hourly = pd.DataFrame({"hour_start": pd.date_range("2026-03-01 20:00", periods=3, freq="h"),
                           "hours_since_post": [0, 1, 2], "clicks": [3, 0, 1], "orders": [1, 0, 0],
                           "gmv": [9.9, 0, 0]})
    for lang, window in (("zh-CN", "3 天"), ("en", "3 days")):
        figs = [charts.posts_funnel(funnel, lang, window), charts.posts_channel_split(split, lang, window),
                charts.post_hourly(hourly, lang, window)]
        for fig in figs:
            assert window in fig.layout.title.subtitle.text
        assert figs[0].data[0].text[0] == "0"  # all-zero funnel: no division, no error
        assert label("channel", None, lang) in figs[1].data[0].y  # an unknown channel is "unknown", not None
        assert list(figs[2].layout.xaxis.range) == [-0.5, 2.5]  # every hour there is, in view
    assert charts.posts_formats(pd.DataFrame({"content_type": ["live", "vlog"], "posts": [2, 1],
                                              "ctr": [0.1, None], "cvr": [None, None],
                                              "gmv_per_1k_reads": [12.0, None]}), "en", "1 day").data[0].y == (
        "Live stream (2 posts)", "vlog (1 posts)")


def test_every_column_has_a_label_and_a_definition() -> None:
    import ast

    source = (Path(__file__).resolve().parent.parent / "pages" / "posts.py").read_text(encoding="utf-8")
    kinds = next(node.value for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "KINDS")
    columns = [k.value for k in kinds.keys]
    assert len(columns) > 30
    missing = [c for c in columns for key in (f"posts.col.{c}", f"posts.col.{c}.help") if key not in CATALOGUE]
    assert missing == []
    for key in [f"posts.band.{b}" for b in ("0-1h", "1-6h", "6-24h", "1-3d", "3-7d", "7-14d", "14-30d")] + [
            f"posts.show.{s}" for s in ("all", "top", "bottom")] + [f"posts.step.{s}" for s in (
            "impressions", "reads", "clicks", "orders")] + [f"posts.fan.{f}" for f in ("fan", "non_fan")]:
        assert key in CATALOGUE, key
