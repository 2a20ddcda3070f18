"""达人对比 Merchants in AppTest (both languages; tiny, empty, product-less and single-influencer data; the merchant,
the target segment, the shortlist and the overlap measure from and into the URL; the CPS split) and its charts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from advisor import charts, metrics, ui
from advisor.dataset import open_dataset
from advisor.i18n import fmt_pct, label, t
from advisor.metrics import Filters, Period, Segment

from .app_kit import lang_params as _lang
from .app_kit import same as _same
from .app_kit import screen, texts
from .test_queries_merchants import LAST, START, A, write_merchant_dataset

LANGS = ("zh-CN", "en")


def _merchants(data: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    return screen(data, monkeypatch, "merchants", **params)


def _texts(at: AppTest) -> str:
    return texts(at)


def _col(name: str, lang: str = "zh-CN") -> str:
    return t(f"merchants.col.{name}", lang)


def _table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def _picker(at: AppTest, lang: str = "zh-CN"):
    return at.selectbox(key=ui.widget_key("merchant", lang))


def _charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


@pytest.fixture
def whole(tiny_demo: Path) -> Filters:
    return Filters(metrics.span_period(open_dataset(tiny_demo)))


@pytest.fixture
def merchants(tiny_demo: Path, whole: Filters) -> pd.DataFrame:
    return metrics.merchant_list(open_dataset(tiny_demo), whole)


def _compare(tiny_demo: Path, whole: Filters, merchant: int, segment: Segment = Segment()) -> pd.DataFrame:
    return metrics.merchant_table(open_dataset(tiny_demo), replace(whole, merchant=merchant,
                                                                   extra=(("segment", segment),)))


# ---- the screen in both languages ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_merchants_in_both_languages(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, whole: Filters,
                                     merchants: pd.DataFrame, lang: str) -> None:
    at = _merchants(tiny_demo, monkeypatch, **_lang(lang))
    assert [e.value for e in at.title] == [t("page.merchants", lang)]
    assert not at.error
    texts = _texts(at)
    for key in ("merchants.table.title", "merchants.bubble.section", "merchants.match.title", "merchants.overlap.title",
                "merchants.reach.title"):
        assert t(key, lang) in texts, key
    # The merchant with the most GMV is chosen by default, named in words, and kept in the URL.
    top = int(merchants["merchant_id"].iloc[0])
    assert _picker(at, lang).value == top and at.query_params["merchant"] == str(top)
    assert str(merchants["name"].iloc[0]) in _picker(at, lang).options[0]
    table = _compare(tiny_demo, whole, top)
    assert t("merchants.how", lang, merchant=merchants["name"].iloc[0], products=int(merchants["products"].iloc[0]),
             n=len(table), window=t("window.7d", lang)) in texts
    # No segment yet: the match section says how to get one; bubbles, overlap heatmap and reach are drawn.
    assert t("merchants.match.no_segment", lang) in [i.value for i in at.info]
    assert _charts(at) == 3 and len(at.dataframe) == 1
    # Headers in the reader's language, tiers as words, never codes.
    shown = _table(at)
    assert list(shown.columns)[:3] == [_col("shortlist", lang), _col("name", lang), _col("tier", lang)]
    assert set(shown[_col("tier", lang)]) <= {label("tier", c, lang) for c in charts.TIERS}
    # Every segment criterion has its picker; the CPS split is the shared one.
    for dim in metrics.SEGMENT_DIMS:
        picker = at.multiselect(key=ui.widget_key(f"seg_{dim}", lang))
        assert picker.label == t(f"merchants.segment.{dim}", lang)
        assert picker.proto.select_all == 0, "no Select all: Streamlit's own words, in English only"
    assert at.expander[0].label == t("cps.title", lang, fee=10, weibo=30, influencer=60)


def test_figures_on_screen_equal_the_query(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, whole: Filters,
                                           merchants: pd.DataFrame) -> None:
    at = _merchants(tiny_demo, monkeypatch)
    table = _compare(tiny_demo, whole, int(merchants["merchant_id"].iloc[0]))
    shown = _table(at)
    assert shown[_col("influencer_id")].tolist() == table["influencer_id"].tolist()
    assert shown[_col("name")].tolist() == charts.merchant_names(table, "zh-CN").tolist()
    for name in ("fans_end", "posts", "clicks", "orders", "gmv", "net_gmv", "commission_cost", "influencer_earnings",
                 "headline_spend", "total_cost", "roas", "cost_per_order", "new_buyers", "audience_match",
                 "matched_fans"):
        assert _same(shown[_col(name)], table[name]), name
    assert _same(shown[_col("influencer_earnings")], (table["commission_cost"] * 0.6).round(2))
    # By default the first three of the table are shortlisted; the URL says nothing until the reader ticks.
    assert shown[_col("shortlist")].tolist() == [i < 3 for i in range(len(table))]
    assert "short" not in at.query_params


# ---- the merchant, the segment, the shortlist and the overlap measure in the URL -----------------------------

def test_another_merchant_from_the_picker_and_the_url(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                                      whole: Filters, merchants: pd.DataFrame) -> None:
    other = int(merchants["merchant_id"].iloc[-1])
    at = _merchants(tiny_demo, monkeypatch, lang="en")
    _picker(at, "en").set_value(other).run()
    assert not at.exception and at.query_params["merchant"] == str(other)
    table = _compare(tiny_demo, whole, other)
    assert _table(at)[_col("influencer_id", "en")].tolist() == table["influencer_id"].tolist()
    # The choice survives a language switch, and a link opens it.
    at.radio(key="lang").set_value("zh-CN").run()
    assert _picker(at).value == other
    at = _merchants(tiny_demo, monkeypatch, merchant=str(other))
    assert _picker(at).value == other


def test_a_segment_from_the_url_measures_the_match(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                                   whole: Filters, merchants: pd.DataFrame) -> None:
    seg = Segment(gender=("f",), age_band=("25-29", "30-34"), city_tier=(1, 2))
    at = _merchants(tiny_demo, monkeypatch, seg=seg.to_param(), lang="en")
    assert at.multiselect(key=ui.widget_key("seg_gender", "en")).value == ["f"]
    assert at.multiselect(key=ui.widget_key("seg_city_tier", "en")).value == [1, 2]
    top = int(merchants["merchant_id"].iloc[0])
    table = _compare(tiny_demo, whole, top, seg)
    shown = _table(at)
    assert _same(shown[_col("audience_match", "en")], table["audience_match"])
    assert (pd.to_numeric(shown[_col("audience_match", "en")]) < 1).all()
    # The match section draws its chart and its CSV holds the audience_match rows.
    assert _charts(at) == 4
    assert any(m.value.startswith("**Target segment") for m in at.markdown)
    assert at.query_params["seg"] == seg.to_param()


def test_changing_a_criterion_changes_the_match_and_the_url(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                                            whole: Filters, merchants: pd.DataFrame) -> None:
    at = _merchants(tiny_demo, monkeypatch)
    at.multiselect(key=ui.widget_key("seg_gender", "zh-CN")).set_value(["m"]).run()
    assert not at.exception and at.query_params["seg"] == "gender:m"
    table = _compare(tiny_demo, whole, int(merchants["merchant_id"].iloc[0]), Segment(gender=("m",)))
    assert _same(_table(at)[_col("audience_match")], table["audience_match"])
    # Cleared again: everyone matches and the URL forgets it.
    at.multiselect(key=ui.widget_key("seg_gender", "zh-CN")).set_value([]).run()
    assert "seg" not in at.query_params and (pd.to_numeric(_table(at)[_col("audience_match")]) == 1).all()


def test_a_shortlist_from_the_url(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, whole: Filters,
                                  merchants: pd.DataFrame) -> None:
    table = _compare(tiny_demo, whole, int(merchants["merchant_id"].iloc[0]))
    ids = table["influencer_id"].tolist()
    picked = [ids[-1], ids[1], ids[3]]
    at = _merchants(tiny_demo, monkeypatch, short=",".join(map(str, picked)), ov="jaccard", lang="en")
    in_order = [i for i in ids if i in picked]  # the table's order
    assert _table(at)[_col("shortlist", "en")].tolist() == [i in picked for i in ids]
    assert at.query_params["short"] == ",".join(map(str, picked)) and at.query_params["ov"] == "jaccard"
    assert at.radio(key=ui.widget_key("ov", "en")).value == "jaccard"
    # The reach tiles are the shortlist_reach query's, taken in the table's order.
    reach = metrics.shortlist_reach(open_dataset(tiny_demo), replace(whole, influencers=tuple(in_order)))
    totals = metrics.reach_totals(reach)
    tiles = {m.label: m.value for m in at.metric}
    assert tiles[t("merchants.reach.reach", "en")] == f"{totals['reach']:,}"
    assert tiles[t("merchants.reach.summed", "en")] == f"{totals['summed_fans']:,}"
    # Back to the default measure: the URL forgets it.
    at.radio(key=ui.widget_key("ov", "en")).set_value("shared_fans").run()
    assert "ov" not in at.query_params


@pytest.mark.parametrize("short", ["none", "999999"])
def test_a_shortlist_of_fewer_than_two_says_so(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, short: str) -> None:
    at = _merchants(tiny_demo, monkeypatch, short=short)
    assert t("merchants.overlap.pick", "zh-CN") in [i.value for i in at.info]
    assert not any(_table(at)[_col("shortlist")])
    assert _charts(at) == 1  # the bubbles only


def test_garbage_in_the_url_falls_back(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                       merchants: pd.DataFrame) -> None:
    at = _merchants(tiny_demo, monkeypatch, merchant="1;DROP TABLE", short="a,b", seg="gender:x,colour:red",
                    ov="weekly", cps="90,90,-80")
    top = int(merchants["merchant_id"].iloc[0])
    assert _picker(at).value == top and at.query_params["merchant"] == str(top)
    assert at.radio(key=ui.widget_key("ov", "zh-CN")).value == "shared_fans"
    assert all(not at.multiselect(key=ui.widget_key(f"seg_{d}", "zh-CN")).value for d in metrics.SEGMENT_DIMS)
    for param in ("short", "seg", "ov", "cps"):
        assert param not in at.query_params, param
    assert _table(at)[_col("shortlist")].tolist()[:3] == [True, True, True]
    # A merchant that does not exist falls back the same way.
    at = _merchants(tiny_demo, monkeypatch, merchant="424242")
    assert _picker(at).value == top


# ---- the CPS split and the window ---------------------------------------------------------------------

def test_the_split_changes_earnings_not_the_cost(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _merchants(tiny_demo, monkeypatch)
    before = _table(at)
    at.number_input(key="cps_fee").set_value(20).run()
    assert not at.exception and at.query_params["cps"] == "20,30,50"
    after = _table(at)
    assert _same(after[_col("influencer_earnings")], (pd.to_numeric(before[_col("commission_cost")]) * 0.5).round(2))
    for name in ("commission_cost", "total_cost", "roas"):  # the merchant pays the whole commission either way
        assert _same(after[_col(name)], before[_col(name)]), name


def test_window_changes_the_figures_and_is_printed(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _merchants(tiny_demo, monkeypatch, lang="en")
    week = pd.to_numeric(_table(at)[_col("orders", "en")]).sum()
    at.select_slider(key="win").set_value("1h").run()
    assert not at.exception
    assert pd.to_numeric(_table(at)[_col("orders", "en")]).sum() < week
    assert "attribution window 1 hour" in _texts(at)


# ---- empty, product-less, quiet and single-influencer data -----------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_empty_dataset_says_so(empty_dataset: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    at = _merchants(empty_dataset, monkeypatch, **_lang(lang))
    assert t("merchants.empty", lang) in [i.value for i in at.info]
    assert not at.get("plotly_chart") and not at.dataframe and not at.error


@pytest.mark.parametrize("lang", LANGS)
def test_without_a_products_export_the_screen_says_so(minimal_dataset: Path, monkeypatch: pytest.MonkeyPatch,
                                                      lang: str) -> None:
    assert not open_dataset(minimal_dataset).has("products")
    at = _merchants(minimal_dataset, monkeypatch, **_lang(lang))
    assert [i.value for i in at.info] == [t("merchants.no_products", lang)]
    assert not at.get("plotly_chart") and not at.dataframe and not at.error


@pytest.mark.parametrize("lang", LANGS)
def test_a_period_without_sales_of_the_merchant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """In the planted dataset nobody sells merchant 2's product before 2026-03-04 23:50: the merchant is still chosen,
    and the screen says nobody sold for it."""
    path = write_merchant_dataset(tmp_path / "ds")
    at = _merchants(path, monkeypatch, merchant="2", **{"from": "2026-03-01", "to": "2026-03-03"}, **_lang(lang))
    assert _picker(at, lang).value == 2
    assert t("merchants.none", lang, merchant="Other") in [i.value.replace("\\", "") for i in at.info]
    assert not at.get("plotly_chart") and not at.dataframe and not at.error


@pytest.fixture
def single(tmp_path: Path) -> Path:
    """The planted dataset of test_queries_merchants.py with influencer A alone (its posts, follows, campaigns)."""
    path = write_merchant_dataset(tmp_path / "ds")
    keep = {"influencers": "influencer_id", "posts": "influencer_id", "fans": "influencer_id",
            "campaigns": "influencer_id"}
    for name, column in keep.items():
        table = pq.read_table(path / f"{name}.parquet")
        pq.write_table(table.filter(pc.equal(table[column], A)), path / f"{name}.parquet")
    clicks = pq.read_table(path / "clicks.parquet")
    posts = pq.read_table(path / "posts.parquet")["post_id"]
    pq.write_table(clicks.filter(pc.is_in(clicks["post_id"], value_set=posts)), path / "clicks.parquet")
    return path


@pytest.mark.parametrize("lang", LANGS)
def test_a_single_influencer(single: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    at = _merchants(single, monkeypatch, merchant="1", **_lang(lang))
    shown = _table(at)
    assert shown[_col("influencer_id", lang)].tolist() == [A]
    # A name from the data is text, never markup.
    assert shown[_col("name", lang)].tolist() == ["小美<b>"]
    assert _same(shown[_col("commission_cost", lang)], pd.Series([32.0]))
    assert shown[_col("shortlist", lang)].tolist() == [True]  # one influencer: nothing to overlap with
    assert t("merchants.overlap.pick", lang) in [i.value for i in at.info]
    assert _charts(at) == 1 and not at.error


@pytest.mark.parametrize("lang", LANGS)
def test_no_bubble_to_draw_is_said(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, whole: Filters,
                                   merchants: pd.DataFrame, lang: str) -> None:
    """One influencer that moved the merchant's products without both a cost and GMV (clicks, no attributed order, or
    no commission): the cost-and-return chart would be empty log axes, so the screen says why instead."""
    merchant = int(merchants["merchant_id"].iloc[0])
    rows = _compare(tiny_demo, whole, merchant)
    idle = rows[~charts.merchant_bubbles_drawn(rows)]
    assert len(idle) and charts.merchant_bubbles_drawn(rows).any(), "the tiny demo should hold both kinds"
    one = int(idle["influencer_id"].iloc[0])
    at = _merchants(tiny_demo, monkeypatch, merchant=str(merchant), inf=str(one), **_lang(lang))
    assert _table(at)[_col("influencer_id", lang)].tolist() == [one]
    assert t("merchants.bubble.none", lang) in [i.value for i in at.info]
    assert _charts(at) == 0 and not at.error and not at.exception


def test_the_planted_dataset_in_the_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two influencers of merchant 1, both shortlisted by default: the heatmap and the reach of the pair."""
    path = write_merchant_dataset(tmp_path / "ds")
    at = _merchants(path, monkeypatch, merchant="1", **{"from": START.isoformat(), "to": LAST.isoformat()})
    assert _table(at)[_col("name")].tolist() == ["阿强", "小美<b>"]
    assert _charts(at) == 3
    tiles = {m.label: m.value for m in at.metric}
    assert tiles[t("merchants.reach.reach", "zh-CN")] == "7" and tiles[t("merchants.reach.summed", "zh-CN")] == "9"


# ---- the figure builders ----------------------------------------------------------------------------

@pytest.fixture
def planted_rows(tmp_path: Path) -> tuple[pd.DataFrame, Filters]:
    ds = open_dataset(write_merchant_dataset(tmp_path / "ds"))
    f = Filters(Period(START, LAST), merchant=1)
    return metrics.influencer_compare(ds, f), f


def test_bubbles_are_cost_gmv_fans_and_tier(planted_rows: tuple[pd.DataFrame, Filters]) -> None:
    rows, _ = planted_rows
    fig = charts.merchant_bubbles(rows, "en", "7 days", shortlist=(A,))
    bubbles = [tr for tr in fig.data if tr.mode == "markers"]
    assert {tr.name for tr in bubbles} == {label("tier", x, "en") for x in rows["tier"]}
    xs = sorted(x for tr in bubbles for x in tr.x)
    assert xs == pytest.approx(sorted(rows["total_cost"].astype(float)))
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    line = next(tr for tr in fig.data if tr.mode == "lines")
    assert list(line.x) == list(line.y)  # the break-even line GMV = cost
    names = next(tr for tr in fig.data if tr.mode == "text")
    assert list(names.text) == ["小美&lt;b&gt;"]  # the shortlisted one, named as text
    assert "attribution window 7 days" in fig.layout.title.subtitle.text


def test_bubbles_leave_out_what_a_log_scale_cannot_draw() -> None:
    rows = pd.DataFrame({"influencer_id": [1, 2, 3], "name": ["a", None, "c"], "tier": ["head", None, "tail"],
                         "total_cost": [10.0, 0.0, 5.0], "gmv": [100.0, 50.0, 0.0], "fans_end": [10, 0, 3],
                         "roas": [10.0, None, 0.0], "orders": [1, 1, 0]})
    fig = charts.merchant_bubbles(rows, "zh-CN", "7 天")
    assert sum(len(tr.x) for tr in fig.data if tr.mode == "markers") == 1
    assert t("merchants.bubble.hidden", "zh-CN", n=2) in fig.layout.title.subtitle.text
    assert charts.merchant_names(rows, "en").tolist() == ["a", "Influencer #2", "c"]


def test_overlap_heatmap_is_symmetric_in_the_shortlist_order(tmp_path: Path) -> None:
    ds = open_dataset(write_merchant_dataset(tmp_path / "other"))
    order = (2, 1, 3)
    overlap = metrics.audience_overlap(ds, Filters(Period(START, LAST), influencers=order))
    z = charts.overlap_matrix(overlap, order, "shared_fans")
    assert z == [[None, 2.0, 0.0], [2.0, None, 0.0], [0.0, 0.0, None]]
    fig = charts.overlap_heatmap(overlap, order, {1: "小美<b>", 2: "阿强", 3: "C"}, "jaccard", "zh-CN")
    assert list(fig.data[0].y) == ["阿强", "小美&lt;b&gt;", "C"]
    assert fig.data[0].text[0][1] == "28.6%"  # 2 shared of 7 distinct fans
    assert t("merchants.overlap.measure.jaccard", "zh-CN") in fig.layout.title.subtitle.text


def test_reach_chart_stacks_new_and_seen_fans(tmp_path: Path) -> None:
    ds = open_dataset(write_merchant_dataset(tmp_path / "ds"))
    reach = metrics.shortlist_reach(ds, Filters(Period(START, LAST), influencers=(2, 1)))
    fig = charts.shortlist_reach_chart(reach, {1: "小美<b>", 2: "阿强"}, "en")
    bars = {tr.name: tr for tr in fig.data if tr.type == "bar"}
    assert list(bars[t("merchants.reach.new", "en")].y) == [4, 3]
    assert list(bars[t("merchants.reach.seen", "en")].y) == [0, 2]
    line = next(tr for tr in fig.data if tr.type == "scatter")
    assert list(line.y) == [4, 7] and list(line.x) == ["1. 阿强", "2. 小美&lt;b&gt;"]


def test_match_chart_draws_the_top_of_the_table(tmp_path: Path) -> None:
    match = pd.DataFrame({"influencer_id": range(1, 31), "fans_end": [10] * 30, "matched_fans": range(30),
                          "audience_match": [i / 30 for i in range(30)], "gender_match": [0.5] * 30})
    fig = charts.audience_match_chart(match, {}, ["gender"], "en", order=list(range(30, 0, -1)), limit=5)
    assert sorted(int(y) for y in fig.data[0].y) == [26, 27, 28, 29, 30]
    assert t("merchants.match.limited", "en", shown=5, total=30) in fig.layout.title.subtitle.text
    assert fig.data[1].name == t("merchants.segment.gender", "en")
    # Each bar's value in a column right of the plot (on the bar's end, a criterion's dot could cover it).
    values = {a.y: a.text for a in fig.layout.annotations if a.xref == "paper" and a.x == 1}
    assert values == {str(i): fmt_pct((i - 1) / 30, "en") for i in range(26, 31)}
    assert not fig.data[0].text
