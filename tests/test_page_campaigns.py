"""粉丝头条 Campaigns in AppTest (both languages, empty and campaign-less data, the chosen campaign, the CPS split,
links) and its figure builders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from advisor import charts, metrics, ui
from advisor.dataset import open_dataset
from advisor.i18n import label, t
from advisor.metrics import CpsSplit, Filters

from .app_kit import lang_params as _lang
from .app_kit import same as _same
from .app_kit import screen, texts

LANGS = ("zh-CN", "en")


def _campaigns(data: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    return screen(data, monkeypatch, "campaigns", **params)


def _texts(at: AppTest) -> str:
    return texts(at)


def _col(name: str, lang: str) -> str:
    return t(f"campaigns.col.{name}", lang)


def _table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


@pytest.fixture
def whole(tiny_demo: Path) -> Filters:
    return Filters(metrics.span_period(open_dataset(tiny_demo)))


@pytest.fixture
def table(tiny_demo: Path, whole: Filters) -> pd.DataFrame:
    return metrics.campaign_table(open_dataset(tiny_demo), whole)


def _picker(at: AppTest, lang: str = "zh-CN"):
    return at.selectbox(key=ui.widget_key("campaign", lang))


# ---- the screen in both languages ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_campaigns_in_both_languages(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, table: pd.DataFrame,
                                     lang: str) -> None:
    at = _campaigns(tiny_demo, monkeypatch, **_lang(lang))
    assert [e.value for e in at.title] == [t("page.campaigns", lang)]
    assert not at.error
    texts = _texts(at)
    for key in ("campaigns.table.title", "campaigns.lift.title", "campaigns.hourly.title", "campaigns.compare.title",
                "campaigns.products.table"):
        assert t(key, lang) in texts, key
    window = t("window.7d", lang)
    assert t("campaigns.how", lang, n=len(table), window=window) in texts
    # The method of the estimate, written on the screen in the reader's language.
    assert t("campaigns.lift.method", lang, window=window) in [i.value for i in at.info]
    assert len(at.get("plotly_chart")) == 5
    assert len(at.dataframe) == 2
    # Every column header in the reader's language; products as words, never codes.
    shown = _table(at)
    assert list(shown.columns)[:3] == [_col("campaign_id", lang), _col("product", lang), _col("influencer_name", lang)]
    assert set(shown[_col("product", lang)]) <= {label("campaign_product", p, lang) for p in charts.CAMPAIGN_PRODUCTS}
    assert not set(shown[_col("product", lang)]) & set(charts.CAMPAIGN_PRODUCTS) or lang == "en"
    # The chosen campaign is in the URL, and by default it is the one with the most paid clicks.
    busiest = table.sort_values(["paid_clicks", "spend", "campaign_id"], ascending=[False, False, True]).iloc[0]
    assert _picker(at, lang).value == int(busiest["campaign_id"])
    assert at.query_params["campaign"] == str(busiest["campaign_id"])


def test_figures_on_screen_equal_the_query(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                           table: pd.DataFrame) -> None:
    at = _campaigns(tiny_demo, monkeypatch)
    shown = _table(at)
    assert shown[_col("campaign_id", "zh-CN")].tolist() == table["campaign_id"].tolist()
    for name in ("spend", "impressions", "paid_clicks", "orders", "gmv", "new_fans", "cpm", "cpc", "cpa",
                 "cost_per_new_fan", "roas", "commission", "influencer_earnings", "profit_roi", "baseline_orders",
                 "incremental_orders", "incremental_orders_low", "incremental_orders_high", "iroas"):
        assert _same(shown[_col(name, "zh-CN")], table[name]), name
    # Who paid, as words: the influencer, or the merchant by name.
    buyers = shown[_col("buyer", "zh-CN")]
    assert (buyers[table["buyer_merchant_id"].isna().to_numpy()] == t("campaigns.self_paid", "zh-CN")).all()
    assert set(buyers[table["buyer_merchant_id"].notna().to_numpy()]) <= set(table["buyer_name"].dropna())
    # The by-product table is the campaign_products query.
    products = metrics.campaign_products(open_dataset(tiny_demo), Filters(metrics.span_period(open_dataset(tiny_demo))))
    by_product = at.dataframe[1].value
    assert by_product[_col("product", "zh-CN")].tolist() == [label("campaign_product", p) for p in products["product"]]
    for name in ("campaigns", "spend", "gmv", "median_roas", "median_cost_per_new_fan"):
        assert _same(by_product[_col(name, "zh-CN")], products[name]), name


def test_a_single_influencer(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, table: pd.DataFrame) -> None:
    influencer = int(table["influencer_id"].value_counts().index[0])
    at = _campaigns(tiny_demo, monkeypatch, inf=str(influencer), lang="en")
    shown = _table(at)
    own = table[table["influencer_id"] == influencer]
    assert shown[_col("campaign_id", "en")].tolist() == own["campaign_id"].tolist()
    assert set(shown[_col("influencer_name", "en")]) == set(own["influencer_name"])
    assert "1 influencer" in _texts(at) and "1 influencers" not in _texts(at)
    assert _picker(at, "en").options == [charts.campaign_names(own, "en")[i] for i in own.index]


# ---- empty and campaign-less data ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_empty_dataset_says_so(empty_dataset: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    at = _campaigns(empty_dataset, monkeypatch, **_lang(lang))
    assert t("campaigns.empty", lang) in [i.value for i in at.info]
    assert not at.get("plotly_chart") and not at.dataframe and not at.error


@pytest.mark.parametrize("lang", LANGS)
def test_without_a_campaigns_export_the_screen_says_so(minimal_dataset: Path, monkeypatch: pytest.MonkeyPatch,
                                                       lang: str) -> None:
    assert not open_dataset(minimal_dataset).has("campaigns")
    at = _campaigns(minimal_dataset, monkeypatch, **_lang(lang))
    assert [i.value for i in at.info] == [t("campaigns.no_export", lang)]
    assert not at.get("plotly_chart") and not at.dataframe and not at.error


def test_a_period_without_campaigns(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, table: pd.DataFrame) -> None:
    first = pd.Timestamp(table["start_at"].min()).date()
    span = metrics.span_period(open_dataset(tiny_demo))
    assert first > span.start
    at = _campaigns(tiny_demo, monkeypatch, to=span.start.isoformat(), **{"from": span.start.isoformat()})
    assert t("campaigns.none", "zh-CN") in [i.value for i in at.info]
    assert not at.get("plotly_chart") and not at.dataframe


def test_without_products_no_commission_is_shown(tiny_demo: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    data = tmp_path / "no_products"
    shutil.copytree(tiny_demo, data, ignore=shutil.ignore_patterns("products.parquet", "_truth"))
    at = _campaigns(data, monkeypatch, lang="en")
    columns = list(_table(at).columns)
    assert _col("spend", "en") in columns and _col("commission", "en") not in columns
    assert _col("influencer_earnings", "en") not in columns and _col("profit_roi", "en") not in columns
    assert not at.number_input  # no CPS split to set without commission rates


# ---- the chosen campaign, hour by hour ----------------------------------------------------------------

def test_the_chosen_campaign_from_the_url_and_its_hourly_chart(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                                               table: pd.DataFrame, whole: Filters) -> None:
    quiet = table.sort_values(["paid_clicks", "campaign_id"]).iloc[0]
    chosen = int(quiet["campaign_id"])
    at = _campaigns(tiny_demo, monkeypatch, campaign=str(chosen), lang="en")
    assert _picker(at, "en").value == chosen
    assert at.query_params["campaign"] == str(chosen)
    name = charts.campaign_names(table, "en")[quiet.name]
    assert name in _picker(at, "en").options
    # The hourly figures are the query's, drawn from the launch hour on.
    hourly = metrics.campaign_hourly(open_dataset(tiny_demo), Filters(whole.period, extra=(("campaign", chosen),)))
    assert hourly["hours_since_launch"].iloc[0] == 0
    assert pd.Timestamp(hourly["hour_start"].iloc[0]) == pd.Timestamp(quiet["start_at"]).floor("h")
    fig = charts.campaign_hourly(hourly, "en", t("window.7d", "en"), name)
    bars = {tr.name: tr for tr in fig.data if tr.type == "bar"}
    assert list(bars[t("campaigns.col.clicks", "en")].y) == hourly["clicks"].tolist()
    assert list(bars[t("campaigns.col.orders", "en")].y) == hourly["orders"].tolist()
    assert list(bars[t("campaigns.col.paid_clicks", "en")].y) == hourly["paid_clicks"].tolist()
    assert "attribution window 7 days" in fig.layout.title.subtitle.text and name in fig.layout.title.subtitle.text

    # Choosing another campaign puts it in the URL.
    other = int(table.loc[table["campaign_id"] != chosen, "campaign_id"].iloc[-1])
    _picker(at, "en").set_value(other).run()
    assert not at.exception
    assert at.query_params["campaign"] == str(other)
    # Running totals instead of hours: kept in the URL too.
    at.radio(key=ui.widget_key("hourly", "en")).set_value("cumulative").run()
    assert at.query_params["hourly"] == "cumulative" and at.query_params["campaign"] == str(other)
    # The choice survives a language switch.
    at.radio(key="lang").set_value("zh-CN").run()
    assert _picker(at).value == other and at.radio(key=ui.widget_key("hourly", "zh-CN")).value == "cumulative"


def test_cumulative_chart_draws_running_totals(tiny_demo: Path, whole: Filters, table: pd.DataFrame) -> None:
    chosen = int(table.sort_values("paid_clicks").iloc[-1]["campaign_id"])
    hourly = metrics.campaign_hourly(open_dataset(tiny_demo), Filters(whole.period, extra=(("campaign", chosen),)))
    fig = charts.campaign_hourly(hourly, "zh-CN", "7 天", "x", cumulative=True)
    lines = {tr.name: tr for tr in fig.data if tr.type == "scatter" and tr.name}
    assert list(lines[t("campaigns.col.cumulative_orders", "zh-CN")].y) == hourly["cumulative_orders"].tolist()
    mean = lines[t("campaigns.hourly.mean", "zh-CN")]
    assert [round(v, 9) for v in mean.y[-1:]] == [round(float(hourly["baseline_cumulative_orders_mean"].iloc[-1]), 9)]
    assert fig.layout.title.text == t("campaigns.hourly.chart_title_cumulative", "zh-CN")


def test_garbage_in_the_url_falls_back(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, table: pd.DataFrame) -> None:
    at = _campaigns(tiny_demo, monkeypatch, campaign="1;DROP TABLE", hourly="weekly", cps="90,90,-80")
    busiest = table.sort_values(["paid_clicks", "spend", "campaign_id"], ascending=[False, False, True]).iloc[0]
    assert _picker(at).value == int(busiest["campaign_id"])
    assert at.radio(key=ui.widget_key("hourly", "zh-CN")).value == "hour"
    assert at.number_input(key="cps_fee").value == 10 and at.number_input(key="cps_weibo").value == 30
    assert at.query_params["campaign"] == str(busiest["campaign_id"])
    assert "hourly" not in at.query_params and "cps" not in at.query_params
    # An id of a campaign outside the period falls back the same way.
    at = _campaigns(tiny_demo, monkeypatch, campaign="999999999")
    assert _picker(at).value == int(busiest["campaign_id"])


# ---- the CPS split ----------------------------------------------------------------------------------

def test_the_split_changes_earnings_and_is_kept_in_the_url(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                                           table: pd.DataFrame) -> None:
    at = _campaigns(tiny_demo, monkeypatch)
    earnings, commission = _col("influencer_earnings", "zh-CN"), _col("commission", "zh-CN")
    shown = _table(at)
    own = table["buyer_merchant_id"].isna().to_numpy()
    assert _same(shown[earnings][own], (table["commission"][own] * 0.6).round(2))
    assert shown[earnings][~own].isna().all()  # a merchant paid: no earnings, no profit ROI
    assert "cps" not in at.query_params
    assert at.expander[0].label == t("cps.title", "zh-CN", fee=10, weibo=30, influencer=60)

    at.number_input(key="cps_fee").set_value(20).run()
    assert not at.exception
    shown = _table(at)
    assert _same(shown[earnings][own], (table["commission"][own] * 0.5).round(2))
    assert _same(shown[commission], table["commission"])  # the commission itself does not depend on the split
    profit = _col("profit_roi", "zh-CN")
    spend = table["spend"].where(table["spend"] > 0)
    assert _same(shown[profit][own], ((table["commission"] * 0.5).round(2) - table["spend"])[own] / spend[own])
    assert at.query_params["cps"] == "20,30,50"
    assert at.expander[0].label == t("cps.title", "zh-CN", fee=20, weibo=30, influencer=50)

    # The Weibo share never takes more than what the platform fee leaves.
    at.number_input(key="cps_weibo").set_value(95).run()
    assert at.number_input(key="cps_weibo").value == 80 and at.query_params["cps"] == "20,80,0"
    assert (pd.to_numeric(_table(at)[earnings][own]) == 0).all()


def test_the_split_from_a_link(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, table: pd.DataFrame) -> None:
    at = _campaigns(tiny_demo, monkeypatch, cps="0,0,100", lang="en")
    assert at.number_input(key="cps_fee").value == 0 and at.number_input(key="cps_weibo").value == 0
    own = table["buyer_merchant_id"].isna().to_numpy()
    assert _same(_table(at)[_col("influencer_earnings", "en")][own], table["commission"][own].round(2))
    assert at.query_params["cps"] == "0,0,100"
    # It survives a trip to another screen and back.
    at.switch_page("pages/overview.py").run()
    at.switch_page("pages/campaigns.py").run()
    assert at.number_input(key="cps_fee").value == 0 and at.query_params["cps"] == "0,0,100"


def test_window_changes_the_figures_and_is_printed(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _campaigns(tiny_demo, monkeypatch, lang="en")
    week = _table(at)[_col("orders", "en")].sum()
    at.select_slider(key="win").set_value("1h").run()
    assert not at.exception
    assert _table(at)[_col("orders", "en")].sum() < week
    assert "attribution window 1 hour" in _texts(at)


# ---- the figure builders ----------------------------------------------------------------------------

def test_lift_chart_shows_the_interval_and_the_top_campaigns(table: pd.DataFrame) -> None:
    fig = charts.campaign_lift(table, "zh-CN", "7 天", limit=5)
    inc = next(tr for tr in fig.data if tr.name == t("campaigns.lift.incremental", "zh-CN"))
    top = table.sort_values(["spend", "campaign_id"], ascending=[False, True]).head(5).iloc[::-1]
    assert list(inc.x) == pytest.approx(top["incremental_orders"].astype(float).tolist())
    assert list(inc.error_x.array) == pytest.approx((top["incremental_orders_high"]
                                                     - top["incremental_orders"]).astype(float).tolist())
    assert "7 天" in fig.layout.title.subtitle.text and "5" in fig.layout.title.subtitle.text


def test_names_from_data_are_plain_text_in_charts() -> None:
    rows = pd.DataFrame({"campaign_id": [1, 2], "product": ["fan_headline", "fan_headline"],
                         "start_at": pd.to_datetime(["2026-03-01 10:00", "2026-03-01 12:00"]),
                         "influencer_name": ["小美<b>粗体</b>", "小美<b>粗体</b>"], "spend": [10.0, 20.0],
                         "orders": [1, 2], "roas": [1.0, None], "iroas": [None, 0.5], "incremental_orders": [None, 1.0],
                         "incremental_orders_low": [None, -1.0], "incremental_orders_high": [None, 3.0],
                         "gmv": [10.0, 0.0]})
    names = charts.campaign_names(rows, "zh-CN")
    assert names.tolist() == ["粉丝头条 · 3月1日 · 小美<b>粗体</b> #1", "粉丝头条 · 3月1日 · 小美<b>粗体</b> #2"]
    fig = charts.campaign_lift(rows, "en", "7 days")
    assert all("&lt;b&gt;" in y and "<b>" not in y for y in fig.data[0].y)


def test_buyers_and_posts_as_words() -> None:
    rows = pd.DataFrame({"buyer_merchant_id": pd.array([None, 7, 8], dtype="Int64"),
                         "buyer_name": [None, "美妆旗舰店", None], "post_id": pd.array([None, 5, 6], dtype="Int64"),
                         "post_title": [None, " ", "新品"]})
    assert charts.campaign_buyers(rows, "en").tolist() == ["Influencer (self-paid)", "美妆旗舰店", "Merchant #8"]
    assert charts.campaign_posts(rows, "zh-CN").tolist() == ["(无微博)", "(无标题)", "新品"]


def test_product_chart_uses_words_and_the_window(tiny_demo: Path, whole: Filters) -> None:
    products = metrics.campaign_products(open_dataset(tiny_demo), whole)
    fig = charts.campaign_products(products, "en", "7 days")
    assert list(fig.data[0].y) == [label("campaign_product", p, "en") for p in products["product"]]
    assert list(fig.data[0].x) == pytest.approx(products["median_roas"].astype(float).tolist(), nan_ok=True)
    assert "attribution window 7 days" in fig.layout.title.subtitle.text


def test_split_dataclass_is_the_one_default() -> None:
    assert metrics.DEFAULT_CPS_SPLIT == CpsSplit(10, 30)
