"""The Audience screen in a real Chromium, cut off from the internet: charts and the province map drawn, a filter
and a screen choice change what is shown, a CSV comes back with "<5" for small buckets, both languages."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
from PIL import Image

from advisor import metrics
from advisor.dataset import open_dataset

from .browser_kit import settled as _settled
from .browser_kit import shot as _shot

NO_EXCEPTION = '[data-testid="stException"]'


def _roster(data: Path) -> pd.DataFrame:
    ds = open_dataset(data)
    return metrics.influencer_list(ds, metrics.Filters(metrics.span_period(ds)))


def _offline(context, server: str) -> list[str]:  # noqa: ANN001 - a Playwright browser context
    """Let the page reach the app's own server only; every other request is refused and noted."""
    refused: list[str] = []

    def route(r) -> None:  # noqa: ANN001
        url = r.request.url
        if url.startswith((server, "data:", "blob:")):
            r.continue_()
        else:
            refused.append(url)
            r.abort()

    context.route("**/*", route)
    return refused


def _kpi(page, label: str) -> str:  # noqa: ANN001
    tile = page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text(label, exact=True)).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _drawn(locator) -> int:  # noqa: ANN001
    """How many distinct colours an element shows on screen: a blank canvas has one or two."""
    image = Image.open(io.BytesIO(locator.screenshot())).convert("RGB")
    return len(image.getcolors(maxcolors=1 << 24) or [])


def _wait_for_charts(page, at_least: int) -> None:  # noqa: ANN001
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot .trace').length >= {at_least}",
                           timeout=60_000)


def test_audience_in_chromium(server: str, browser, tiny_demo: Path) -> None:  # noqa: ANN001
    roster = _roster(tiny_demo)
    beauty = roster[roster["category"] == "beauty"].iloc[0]
    military = roster[roster["category"] == "military"].iloc[0]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
    refused = _offline(context, server)
    page = context.new_page()
    page.goto(server)  # the app's entry first: see test_browser.py
    _settled(page)
    page.goto(server + "/audience")
    _settled(page)

    # All influencers combined, in Chinese: tiles, charts with data, the map drawn offline.
    page.get_by_role("heading", name="粉丝画像").first.wait_for()
    _wait_for_charts(page, 20)
    assert page.locator(NO_EXCEPTION).count() == 0
    assert page.locator('[data-testid="stMetric"]').count() == 7
    assert page.get_by_text("TGI 以每位达人所属类目的粉丝为基准").count() == 1
    canvas = page.locator(".st-key-aud_map_chart .maplibregl-canvas, .js-plotly-plot .maplibregl-canvas").first
    canvas.wait_for()
    page.wait_for_timeout(1000)
    assert _drawn(canvas) > 20, "the province map is drawn from the local GeoJSON"
    fans_all = _kpi(page, "期末粉丝")
    _shot(page, "audience_zh")

    # Pick one influencer in the sidebar: the URL and the figures follow, the TGI appears.
    page.locator(".st-key-inf_zh_CN").click()
    page.get_by_role("option").filter(has_text=str(beauty["name"])).first.click()
    page.keyboard.press("Escape")
    page.wait_for_function(f"() => location.search.includes('inf={int(beauty['influencer_id'])}')")
    _settled(page)
    page.wait_for_function(
        "(before) => { const m = [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".find(t => t.innerText.startsWith('期末粉丝')); return m && !m.innerText.includes(before); }", arg=fans_all)
    assert _kpi(page, "期末粉丝") != fans_all
    page.get_by_text("基准为美妆类目全部达人的期末粉丝").first.wait_for()
    # A screen choice: the TGI by gender, kept in the URL.
    page.locator(".st-key-tgi_zh_CN").get_by_role("radio", name="性别").click()
    page.wait_for_function("() => location.search.includes('tgi=gender')")
    _settled(page)
    page.locator(".st-key-aud_tgi_head").get_by_text("TGI · 性别").wait_for()
    assert page.locator(NO_EXCEPTION).count() == 0

    # The province list's CSV: BOM, translated headers, small provinces as "<5" with no share.
    with page.expect_download() as download:
        page.locator(".st-key-aud_province_list_csv").get_by_role("button").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    provinces = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(provinces.columns) == ["省份", "粉丝数", "占比"]
    small = provinces[provinces["粉丝数"] == "<5"]
    assert len(small) and (small["占比"] == "").all()
    assert not [v for v in provinces["粉丝数"] if v != "<5" and int(v) < 5 and v != "0"]
    assert "广东" in set(provinces["省份"])
    _shot(page, "audience_zh_one")

    # English: the same view, translated.
    page.locator(".st-key-lang").get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Audience").first.wait_for()
    _settled(page)
    page.wait_for_function("() => location.search.includes('lang=en') && location.search.includes('tgi=gender')")
    _wait_for_charts(page, 20)
    assert page.locator(NO_EXCEPTION).count() == 0
    assert page.get_by_text("against the fans at the end of every influencer in Beauty").count() == 1
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert not re.search(r"\baudience\.[a-z_.]+", main), "an untranslated catalogue key"
    _shot(page, "audience_en")

    # Two influencers side by side from a link: seven tiles each, one colour each.
    fresh = context.new_page()
    fresh.goto(f"{server}/audience?lang=en&inf={int(beauty['influencer_id'])},{int(military['influencer_id'])}")
    _settled(fresh)
    fresh.get_by_role("heading", name="Audience").first.wait_for()
    _wait_for_charts(fresh, 30)
    assert fresh.locator('[data-testid="stMetric"]').count() == 14
    assert fresh.locator(NO_EXCEPTION).count() == 0
    _shot(fresh, "audience_en_compare")
    context.close()

    # Nothing of this screen needs the internet (app.py's favicon is the one outside request Streamlit makes).
    assert not [u for u in refused if "materialsymbols" not in u], refused
