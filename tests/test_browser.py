"""The app in a real Chromium: chart drawn, language switch, period preset in the URL, a copied link reopens it."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'

sync_api = pytest.importorskip("playwright.sync_api", reason="Python Playwright is not installed")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium (/usr/bin/chromium) is not installed", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tiny_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on the tiny demo, answering on a free port."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("server") / "streamlit.log").open("w")
    env = {**os.environ, "ADVISOR_DATA": str(tiny_demo)}
    env.pop("ADVISOR_TZ", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start (exit {proc.poll()}); see {log.name}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _settled(page) -> None:
    """Streamlit draws in the browser: wait until the script has finished and the last element is drawn."""
    page.wait_for_selector(DONE, timeout=60_000)
    page.wait_for_timeout(400)
    page.wait_for_selector(DONE, timeout=60_000)


def _shot(page, name: str) -> Path:
    """A full-page screenshot: the main area scrolls inside the window, so the window is made as tall first."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    page.wait_for_timeout(700)  # charts re-lay themselves out to the new size
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


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
