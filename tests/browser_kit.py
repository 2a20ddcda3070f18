"""Driving the app in a real Chromium: one streamlit server and one browser per test session, and helpers."""

from __future__ import annotations

import contextlib
import csv
import io
import os
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


def skip_without_browser() -> None:
    """Browser tests need Python Playwright and Debian's chromium (test.sh installs it where it can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("Python Playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium (/usr/bin/chromium) is not installed: apt-get install chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(data: Path, log_dir: Path, **env_extra: str) -> Iterator[str]:
    """`streamlit run app.py` on `data` (and `env_extra` in its environment, e.g. ADVISOR_ACCESS), answering on a
    free port of 127.0.0.1."""
    port = _free_port()
    log = (log_dir / "streamlit.log").open("w")
    env = {**os.environ, "ADVISOR_DATA": str(data), **env_extra}
    env.pop("ADVISOR_TZ", None)
    if "ADVISOR_ACCESS" not in env_extra:
        env.pop("ADVISOR_ACCESS", None)  # local mode unless a test asks for an access file
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


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def settled(page) -> None:  # noqa: ANN001 - a Playwright page
    """Streamlit draws in the browser: wait until the script has finished and the last element is drawn."""
    page.wait_for_selector(DONE, timeout=60_000)
    page.wait_for_timeout(400)
    page.wait_for_selector(DONE, timeout=60_000)


def shot(page, name: str) -> Path:  # noqa: ANN001 - a Playwright page
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


CHARTS = '[data-testid="stPlotlyChart"]'


def open_page(browser, url: str):  # noqa: ANN001, ANN201 - Playwright objects
    """A new window of the usual size on `url`, downloads allowed, once the script has finished."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True).new_page()
    page.goto(url)
    settled(page)
    return page


def charts_drawn(page, n: int = 5) -> None:  # noqa: ANN001
    """At least `n` Plotly charts, each with data drawn: traces, or a heatmap's cells (.hm, an image)."""
    page.wait_for_function(f"() => document.querySelectorAll('{CHARTS} .js-plotly-plot').length >= {n}")
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].every("
                           "p => p.querySelectorAll('.trace, .hm').length > 0)")


def chart_titles(page) -> list[str]:  # noqa: ANN001
    return [t.strip() for t in page.locator(".js-plotly-plot .gtitle").all_text_contents()]


def download_csv(page, key: str) -> list[list[str]]:  # noqa: ANN001
    """Click the CSV button of the section `key` and read the file back: UTF-8 with a BOM, for Excel."""
    with page.expect_download() as download:
        page.locator(f".st-key-{key}_csv").get_by_role("button").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
