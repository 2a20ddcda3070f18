"""Figure builders: the right data on the right axes, translated labels, readable ticks, the shared look."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from advisor import charts, metrics
from advisor.dataset import open_dataset


def _daily(days: int = 5) -> pd.DataFrame:
    start = dt.datetime(2026, 9, 1)
    return pd.DataFrame({
        "day": [start + dt.timedelta(days=i) for i in range(days)],
        "fans_end": [12_000 + 150 * i for i in range(days)],
        "new_fans": [160] * days, "lost_fans": [10] * days,
        "clicks": [1_000 + i for i in range(days)], "orders": [30 + i for i in range(days)],
        "gmv": [15_000.5 + i for i in range(days)], "net_gmv": [14_000.25 + i for i in range(days)],
    })


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_daily_trend_draws_every_series(lang: str) -> None:
    daily = _daily()
    fig = charts.daily_trend(daily, lang, "7 天" if lang == "zh-CN" else "7 days")
    assert isinstance(fig, go.Figure)
    by_name = {tr.name: tr for tr in fig.data}
    expected = {"zh-CN": ["粉丝数", "点击", "订单", "成交金额 GMV", "净成交额"],
                "en": ["Fans", "Clicks", "Orders", "GMV", "Net GMV"]}[lang]
    assert list(by_name) == expected
    assert list(fig.data[1].y) == daily["clicks"].tolist()
    assert list(fig.data[3].y) == daily["gmv"].tolist()
    assert len(fig.data[0].x) == len(daily)


def test_daily_trend_prints_the_window_and_translated_titles() -> None:
    zh = charts.daily_trend(_daily(), "zh-CN", "3 天")
    assert zh.layout.title.text == "每日趋势"
    assert "3 天" in zh.layout.title.subtitle.text and "归因窗口" in zh.layout.title.subtitle.text
    assert {a.text for a in zh.layout.annotations} == {"粉丝数", "点击", "订单", "成交金额 GMV"}
    en = charts.daily_trend(_daily(), "en", "1 hour")
    assert en.layout.title.text == "Daily trend" and "1 hour" in en.layout.title.subtitle.text


def test_hover_shows_formatted_values() -> None:
    fig = charts.daily_trend(_daily(), "zh-CN", "7 天")
    assert fig.data[3].customdata[0] == "¥15,000.50"
    assert "成交金额 GMV" in fig.data[3].hovertemplate


def test_shared_look_has_a_cjk_font() -> None:
    fig = charts.daily_trend(_daily(), "zh-CN", "7 天")
    assert "Noto Sans CJK SC" in fig.layout.template.layout.font.family
    assert fig.layout.template.layout.colorway


def test_value_axes_speak_chinese_units() -> None:
    ticks = charts.axis_ticks(0, 130_000, "zh-CN")
    assert ticks["ticktext"] == ["0", "2.5万", "5.0万", "7.5万", "10.0万", "12.5万"]
    money = charts.axis_ticks(0, 2.4e8, "zh-CN", money=True)
    assert money["ticktext"] == ["¥0", "¥5000万", "¥1.0亿", "¥1.5亿", "¥2.0亿"]  # same decimals within a unit
    assert charts.axis_ticks(0, 13_000, "en")["ticktext"][-1].endswith("K")


def test_ticks_are_whole_numbers_for_small_counts() -> None:
    ticks = charts.axis_ticks(0, 3.3, "en")
    assert ticks["tickvals"] == [0, 1, 2, 3]
    assert charts.axis_ticks(0, 0, "en")["range"] == [0, 1]  # all-zero data still gets an axis


def test_tick_labels_keep_needed_decimals() -> None:
    assert charts.tick_label(15_000, "zh-CN") == "1.5万"
    assert charts.tick_label(20_000, "zh-CN") == "2万"
    assert charts.tick_label(2_500, "en") == "2.5K"


def test_one_day_and_zero_days() -> None:
    fig = charts.daily_trend(_daily(1), "en", "7 days")
    assert len(fig.data[0].x) == 1
    zeros = _daily(3).assign(clicks=0, orders=0, gmv=0.0, net_gmv=0.0)
    assert charts.daily_trend(zeros, "zh-CN", "7 天").layout.yaxis2.range == (0, 1)


def test_daily_trend_on_the_real_query(tiny_demo) -> None:
    ds = open_dataset(tiny_demo)
    span = metrics.span_period(ds)
    daily = metrics.overview_daily(ds, metrics.Filters(span))
    fig = charts.daily_trend(daily, "zh-CN", "7 天")
    assert len(fig.data[0].x) == span.days
    assert sum(fig.data[2].y) == int(metrics.overview_kpis(ds, metrics.Filters(span)).iloc[0]["orders"])


def test_one_style_per_axis() -> None:
    """A narrow fans range would round in K units (4.925K -> 4.92K): the whole axis uses grouped digits."""
    ticks = charts.axis_ticks(4_890, 4_980, "en")
    assert ticks["ticktext"] == ["4,900", "4,925", "4,950", "4,975"]
    assert charts.axis_ticks(1_990, 2_045, "en")["ticktext"] == ["2.00K", "2.02K", "2.04K"]
    # never a plain number beside a unit: 7,500 next to 1万 reads as two scales
    assert charts.axis_ticks(0, 10_500, "zh-CN")["ticktext"] == ["0", "2,500", "5,000", "7,500", "10,000"]
    assert charts.axis_ticks(0, 1_600, "en")["ticktext"] == ["0", "500", "1,000", "1,500"]
