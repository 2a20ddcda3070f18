"""类目对标 Benchmarks in a real Chromium: on planted cohorts (charts drawn, the metric and the influencer change the
figures and the URL, CSV downloads read back, both languages, a link reopens the view) and on the tiny demo, where no
cohort is big enough and the screen says "insufficient data"."""

from __future__ import annotations

import re

import pytest

from . import benchmark_data as B
from .browser_kit import CHARTS, settled, shot, skip_without_browser, streamlit_server
from .browser_kit import chart_titles as _titles
from .browser_kit import download_csv as _download
from .browser_kit import open_page as _open

EXCEPTION = '[data-testid="stException"]'


@pytest.fixture(scope="module")
def cohort_server(tmp_path_factory: pytest.TempPathFactory):
    """A second server, on the planted cohorts: the tiny demo has no cohort of five, so nothing would be drawn."""
    skip_without_browser()
    data = B.dataset_path(tmp_path_factory)
    with streamlit_server(data, tmp_path_factory.mktemp("cohort_server")) as url:
        yield url


def _charts_drawn(page, n: int) -> None:  # noqa: ANN001
    page.wait_for_function(f"() => document.querySelectorAll('{CHARTS} .js-plotly-plot').length >= {n}")
    # A "where I stand" chart of an influencer whose cohorts are all hidden has notes but no trace: wait for titles.
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].every("
                           "p => p.querySelector('.gtitle') && p.querySelector('.gtitle').textContent.length > 0)")


def _pick(page, key: str, name: str) -> None:  # noqa: ANN001
    """Choose the option of a searchable selectbox whose text starts with `name`."""
    page.locator(f".st-key-{key} input").click()
    page.keyboard.type(name)
    page.get_by_role("option").filter(has_text=name).first.click()


def test_benchmarks_in_chromium(cohort_server: str, browser) -> None:  # noqa: ANN001
    page = _open(browser, cohort_server + "/benchmarks")
    page.get_by_role("heading", name="类目对标").first.wait_for()
    _charts_drawn(page, 3)
    assert page.locator(EXCEPTION).count() == 0
    titles = _titles(page)
    assert "点击率:各类目、各量级的分布" in titles, titles
    assert any(re.fullmatch(r".+ 在同行同级中的位置", x) for x in titles), titles
    assert any(x.startswith("点击率:美妆各量级的月度中位数") for x in titles) or any("月度中位数" in x for x in titles)
    page.wait_for_function("() => location.search.includes('focus=')")

    # The cohort table's CSV: every cohort, Chinese headers and words, "insufficient data" where not published.
    rows = _download(page, "benchmarks_table")
    assert rows[0] == ["类目", "量级", "状态", "达人数", "P25", "中位数", "优秀值 P75", "P90"]
    assert len(rows) - 1 == len(B.COHORTS)
    status = {(r[0], r[1]): r[2] for r in rows[1:]}
    assert status[("服装", "尾部")] == "数据不足" and status[("美妆", "腰部")] == "已公布"
    assert all(r[3] == "" for r in rows[1:] if r[2] == "数据不足")  # no figure of a hidden cohort, not even a count

    # Another metric: the URL names it and every section follows.
    page.locator(".st-key-metric_zh_CN").get_by_text("客单价", exact=True).click()
    page.wait_for_function("() => location.search.includes('metric=aov')")
    settled(page)
    _charts_drawn(page, 3)
    page.get_by_role("heading", name="同行分位数:客单价").first.wait_for()
    assert "客单价:各类目、各量级的分布" in _titles(page)

    # Another influencer for "where I stand": its own figures only, and the link names it.
    before = re.search(r"focus=(\d+)", page.url).group(1)
    assert before != "12"
    _pick(page, "focus_zh_CN", "阿强")
    page.wait_for_function("() => location.search.includes('focus=12')")
    settled(page)
    _charts_drawn(page, 3)
    focus = "12"
    assert "阿强🐱 在同行同级中的位置" in _titles(page)
    standing = _download(page, "benchmarks_stand")
    assert standing[0] == ["指标", "数值", "百分位", "同行数", "P25", "中位数", "优秀值 P75", "P90"]
    assert [r[0] for r in standing[1:]] == ["点击率", "转化率", "客单价", "千次阅读成交额", "粉丝增长率",
                                            "活跃粉丝占比", "头条投产比"]
    assert page.locator(EXCEPTION).count() == 0
    shot(page, "benchmarks_zh")

    # In English: the same view, the choices kept.
    page.locator(".st-key-lang").get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Benchmarks").first.wait_for()
    settled(page)
    _charts_drawn(page, 2)
    page.wait_for_function("() => location.search.includes('lang=en')")
    assert "metric=aov" in page.url and f"focus={focus}" in page.url
    assert "Average order value by category and tier" in _titles(page)
    page.get_by_role("heading", name="Where I stand").first.wait_for()
    table = _download(page, "benchmarks_table")
    assert table[0] == ["Category", "Tier", "Status", "Influencers", "P25", "Median", "Top quartile P75", "P90"]
    assert {r[2] for r in table[1:]} == {"Published", "Insufficient data"}
    assert page.locator(EXCEPTION).count() == 0
    shot(page, "benchmarks_en")

    # The copied link reopens the same view.
    fresh = _open(browser, page.url)
    fresh.get_by_role("heading", name="Benchmarks").first.wait_for()
    _charts_drawn(fresh, 2)
    assert "metric=aov" in fresh.url and f"focus={focus}" in fresh.url
    assert fresh.locator(".st-key-focus_en input").input_value() == page.locator(".st-key-focus_en input").input_value()
    fresh.context.close()
    page.context.close()


def test_tiny_demo_in_chromium(server: str, browser) -> None:  # noqa: ANN001
    """No cohort of the tiny demo reaches five influencers: every cell says so, and the influencer's own values are
    still there."""
    page = _open(browser, server + "/benchmarks")
    page.get_by_role("heading", name="类目对标").first.wait_for()
    _charts_drawn(page, 1)
    assert page.locator(EXCEPTION).count() == 0
    assert page.get_by_text("没有哪个同行组满足公布条件").count() >= 1
    rows = _download(page, "benchmarks_table")
    assert len(rows) > 1 and {r[2] for r in rows[1:]} == {"数据不足"}
    standing = _download(page, "benchmarks_stand")
    assert all(r[1] for r in standing[1:5]) and {r[2] for r in standing[1:]} == {""}
    page.locator('[data-testid="stExpander"]').filter(has_text="隐私规则").locator("summary").click()
    page.get_by_text("无论如何不少于 3 位").wait_for()
    shot(page, "benchmarks_tiny_zh")
    page.context.close()
