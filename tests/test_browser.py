"""The app in a real Chromium: chart drawn, language switch, period preset in the URL, a copied link reopens it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .browser_kit import settled as _settled
from .browser_kit import shot as _shot


def _kpi(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text(label, exact=True)).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_overview_in_chromium(server: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(server)
    _settled(page)

    # The Chinese Overview with its chart drawn: a plotly graph with traces.
    page.get_by_role("heading", name="概览").wait_for()
    chart = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first
    chart.wait_for()
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .trace').length >= 5")
    assert page.locator(".js-plotly-plot .trace").count() >= 5
    assert "每日趋势" in page.locator(".js-plotly-plot .gtitle").first.text_content()
    assert page.locator('[data-testid="stMetric"]').count() == 8
    _shot(page, "overview_zh")

    # The CSV beside the table downloads with a BOM.
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("下载 CSV")).click()
    assert Path(download.value.path()).read_bytes().startswith(b"\xef\xbb\xbf")

    # Switch to English in the sidebar.
    page.locator(".st-key-lang").get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Overview").wait_for()
    _settled(page)
    page.wait_for_function("() => location.search.includes('lang=en')")
    assert "Daily trend" in page.locator(".js-plotly-plot .gtitle").first.text_content()
    clicks_whole = _kpi(page, "Clicks")
    # Pickers show their options in English too, not the Chinese text drawn before the switch.
    assert page.locator(".st-key-period_en input").input_value() == "Whole span"
    _shot(page, "overview_en")

    # Choose the last 7 days: the URL and the figures follow.
    page.locator(".st-key-period_en").click()
    page.get_by_role("option", name="Last 7 days").click()
    page.wait_for_function("() => location.search.includes('period=7d')")
    _settled(page)
    page.wait_for_function(
        "(before) => { const v = [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".find(m => m.innerText.startsWith('Clicks')); return v && !v.innerText.includes(before); }",
        arg=clicks_whole)
    clicks_week = _kpi(page, "Clicks")
    assert clicks_week != clicks_whole
    assert "(7 days)" in page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()
    link = page.url
    assert "lang=en" in link and "period=7d" in link
    _shot(page, "overview_en_7d")

    # The copied link, opened afresh, shows the same view.
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    fresh.goto(link)
    _settled(fresh)
    fresh.get_by_role("heading", name="Overview").wait_for()
    assert _kpi(fresh, "Clicks") == clicks_week
    assert fresh.locator(".st-key-period_en input").input_value() == "Last 7 days"
    fresh.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .trace').length >= 5")
    _shot(fresh, "overview_en_7d_reopened")

    # Another screen keeps the filters, in the URL too.
    fresh.get_by_role("link", name="Posts").click()
    fresh.get_by_role("heading", name="Posts").wait_for()
    _settled(fresh)
    fresh.wait_for_function("() => location.search.includes('period=7d') && location.search.includes('lang=en')")
    assert fresh.locator(".st-key-period_en input").input_value() == "Last 7 days"
    _shot(fresh, "posts_en")
    fresh.context.close()

    # The browser's Back button returns to the whole span (each filter change is a history entry).
    page.go_back()
    page.wait_for_function("() => !location.search.includes('period=')")
    _settled(page)
    page.wait_for_function("() => document.querySelector('.st-key-period_en input')?.value === 'Whole span'")
    assert _kpi(page, "Clicks") == clicks_whole
    context.close()


def test_a_shared_link_is_the_first_visit_of_a_fresh_server(tiny_demo: Path, browser, tmp_path: Path) -> None:
    """Streamlit serves the first visit of a fresh server that opens a screen's own address from the pages/ folder,
    bypassing app.py; the screen must still come with the app's navigation and its own view."""
    from .browser_kit import streamlit_server

    with streamlit_server(tiny_demo, tmp_path) as url:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.goto(f"{url}/audience?lang=en&period=30d")
        page.get_by_role("heading", name="Audience").first.wait_for()
        _settled(page)
        nav = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
        assert [text.split("\n")[-1] for text in nav] == ["Overview", "Audience", "Posts", "Campaigns", "Benchmarks",
                                                           "Merchants"]
        assert "period=30d" in page.url and "lang=en" in page.url
        assert page.locator('[data-testid="stException"]').count() == 0


def test_two_readers_open_a_never_opened_dataset_at_once(tiny_demo: Path, browser, tmp_path: Path) -> None:
    """The Overview and the Audience screen opened together on a dataset nobody opened: one builds a table while the
    other waits for it (or builds its own); both screens come, without an error, and the tables are in the cache."""
    from .browser_kit import streamlit_server

    data, cache = tmp_path / "ds", tmp_path / "cache"
    shutil.copytree(tiny_demo, data)
    with streamlit_server(data, tmp_path, ADVISOR_CACHE=str(cache)) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        overview, audience = context.new_page(), context.new_page()
        overview.goto(f"{url}/?lang=en")
        audience.goto(f"{url}/audience?lang=en")
        for page, title in ((overview, "Overview"), (audience, "Audience")):
            page.get_by_role("heading", name=title).first.wait_for()
            _settled(page)
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.locator('[data-testid="stProgress"]').count() == 0, "the bar is gone once the tables are made"
        assert _kpi(overview, "Clicks")
        context.close()
    entries = sorted(p.stem for p in cache.glob("*/prepared-*/*.json"))
    assert {"click_facts", "click_runs", "profile_days"} <= set(entries), entries

