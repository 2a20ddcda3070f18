"""Exports and sharing in a real Chromium: a table's XLSX agrees with its CSV, a chart's PNG, the page report, and
the copied link opens the same view in a new browser."""

from __future__ import annotations

import csv
import io
import re
import struct
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from advisor import export
from advisor.i18n import t

from .browser_kit import settled, shot

CHARTS = '[data-testid="stPlotlyChart"]'
VIEW = "/posts?lang=en&period=30d&win=3d&by=cvr&show=bottom"


def _page(browser):  # noqa: ANN001, ANN202 - Playwright objects
    return browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True).new_page()


def _charts_drawn(page, n: int = 5) -> None:  # noqa: ANN001
    page.wait_for_function(f"() => document.querySelectorAll('{CHARTS} .js-plotly-plot').length >= {n}")


def _download(page, selector: str, timeout: int = 60_000) -> tuple[str, bytes]:  # noqa: ANN001
    with page.expect_download(timeout=timeout) as download:
        page.locator(selector).get_by_role("button").click()
    return download.value.suggested_filename, Path(download.value.path()).read_bytes()


def _csv(page, key: str) -> list[list[str]]:  # noqa: ANN001
    _, data = _download(page, f".st-key-{key}_csv")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _open_popover(page, key: str) -> None:  # noqa: ANN001
    page.locator(f".st-key-{key}").get_by_role("button").first.click()


def _no_network(html: str) -> None:
    """Nothing loaded from anywhere: no script src, no stylesheet or image from the web (plotly.js itself is inside)."""
    assert not re.search(r"<script[^>]*\ssrc=", html)
    assert not re.search(r"<link[^>]*href=[\"']https?:", html) and not re.search(r"<img[^>]*src=[\"']https?:", html)


def test_exports_and_the_copied_link(server: str, browser) -> None:  # noqa: ANN001
    page = _page(browser)
    page.goto(server + "/")  # a fresh server's first visit of a deep link runs outside app.py's navigation
    settled(page)
    page.goto(server + VIEW)
    settled(page)
    page.get_by_role("heading", name="Posts", level=1).wait_for()
    _charts_drawn(page)

    # The post table's XLSX holds what its CSV holds, with a bold, frozen header.
    import openpyxl

    rows = _csv(page, "posts_table")
    assert len(rows) == 11  # the 10 worst by CVR
    _open_popover(page, "posts_table_more")
    name, data = _download(page, ".st-key-posts_table_xlsx")
    page.keyboard.press("Escape")
    # The file says what it holds: the 10 worst by CVR.
    assert re.fullmatch(r"posts_bottom10_cvr_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.xlsx", name), name
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == rows[0] and all(c.font.b for c in ws[1]) and ws.freeze_panes == "A2"
    assert ws.max_row == len(rows)
    col = rows[0].index
    for r, row in enumerate(rows[1:], start=2):
        assert ws.cell(r, col("Title") + 1).value == row[col("Title")]
        assert ws.cell(r, col("Post ID") + 1).value == row[col("Post ID")]
        assert ws.cell(r, col("Clicks") + 1).value == int(row[col("Clicks")])
        cvr = ws.cell(r, col("Conversion rate") + 1)
        assert cvr.number_format == "0.00%"
        assert (cvr.value is None) == (row[col("Conversion rate")] == "")

    # A chart's PNG, made by the server's kaleido when clicked, at twice the figure's width.
    if export.images_available():
        _open_popover(page, "posts_funnel_export")
        name, png = _download(page, ".st-key-posts_funnel_png", timeout=180_000)
        page.keyboard.press("Escape")
        assert name.startswith("posts_funnel_") and name.endswith(".png")
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", png[16:20])[0] == 2 * export.DEFAULT_WIDTH

    # The page report: one offline HTML file with every chart of the screen, its filters and its link.
    charts = page.locator(CHARTS).count()
    name, report = _download(page, ".st-key-report_html")
    html = report.decode("utf-8")
    assert name.startswith("posts_report_") and name.endswith(".html")
    _no_network(html)
    assert html.count('class="chart"') == charts and html.count("Plotly.newPlot") == charts
    for text in ("Posts · Social Commerce Advisor", "(30 days)", "3 days", "by=cvr", "show=bottom", "English",
                 t("posts.table.title_bottom", "en", n="10", metric=t("posts.col.cvr", "en"))):
        assert text in html, text

    # The link in the share box names the whole view and the dataset.
    link = page.locator(".st-key-share_link code").text_content().strip()
    parts = urlsplit(link)
    params = dict(parse_qsl(parts.query))
    assert link.startswith(server + "/posts?")
    assert {"lang": "en", "period": "30d", "win": "3d", "by": "cvr", "show": "bottom", "data": "ds"}.items() \
        <= params.items()
    shot(page, "export_posts_en")
    period = page.locator(".st-key-period_en input").input_value()
    rank = page.locator(".st-key-posts_by_en input").input_value()
    page.context.close()

    # Opened in another browser, it is the same view: the same pickers, the same rows, the same link.
    fresh = _page(browser)
    fresh.goto(link)
    settled(fresh)
    fresh.get_by_role("heading", name="Posts", level=1).wait_for()
    _charts_drawn(fresh)
    assert fresh.get_by_text("This link was made for dataset").count() == 0
    assert fresh.locator(".st-key-period_en input").input_value() == period
    assert fresh.locator(".st-key-posts_by_en input").input_value() == rank
    assert _csv(fresh, "posts_table") == rows
    again = fresh.locator(".st-key-share_link code").text_content().strip()
    assert dict(parse_qsl(urlsplit(again).query)) == params and urlsplit(again).path == parts.path
    shot(fresh, "export_posts_en_reopened")

    # A link made on another dataset says so (and shows this server's data).
    fresh.goto(link.replace("data=ds", "data=elsewhere"))
    settled(fresh)
    fresh.get_by_text("This link was made for dataset elsewhere").wait_for()
    fresh.context.close()
