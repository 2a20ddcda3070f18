"""粉丝头条 Campaigns in a real Chromium: charts drawn, filters and the chosen campaign change figures and the URL,
the CPS split, CSV downloads read back, both languages."""

from __future__ import annotations

import re

from .browser_kit import CHARTS, settled, shot
from .browser_kit import chart_titles as _titles
from .browser_kit import charts_drawn as _charts_drawn
from .browser_kit import download_csv as _download
from .browser_kit import open_page as _open

EXCEPTION = '[data-testid="stException"]'
HOW = re.compile(r"本页统计周期内开始的 (\d+) 个投放|This screen covers the (\d+) campaigns")


def _subtitles(page) -> list[str]:  # noqa: ANN001
    return [t.strip() for t in page.locator(".js-plotly-plot .gtitle-subtitle").all_text_contents()]


def _campaign_count(page) -> int:  # noqa: ANN001
    text = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text=HOW).first.inner_text()
    match = HOW.search(text)
    return int(match.group(1) or match.group(2))


def test_campaigns_in_chromium(server: str, browser) -> None:  # noqa: ANN001
    page = _open(browser, server + "/campaigns")
    page.get_by_role("heading", name="粉丝头条").first.wait_for()
    _charts_drawn(page)
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHARTS).count() == 5
    titles = _titles(page)
    assert {"归因 vs 增量", "投放后逐小时:点击与订单 vs 基线", "花费 vs 成交金额", "投产比随时间",
            "各产品的投产比与单粉成本"} <= set(titles), titles
    # Every chart depends on the attribution window, and says which.
    subtitles = _subtitles(page)
    assert sum("归因窗口 7 天" in s for s in subtitles) == 5, subtitles
    assert page.locator(".js-plotly-plot .trace").count() >= 15
    page.wait_for_function("() => location.search.includes('campaign=')")
    shot(page, "campaigns_zh")

    # The campaign table's CSV: one row per campaign of the period, Chinese headers, products as words.
    rows = _download(page, "campaigns_table")
    whole = _campaign_count(page)
    assert len(rows) - 1 == whole > 10
    header = rows[0]
    assert header[:3] == ["投放 ID", "产品", "达人"] and "增量订单" in header and "达人收入" in header
    assert {r[1] for r in rows[1:]} <= {"粉丝头条", "路人转粉", "账号推荐", "头条代投"}

    # Another campaign, hour by hour: the URL names it and the hourly CSV is its own.
    before = re.search(r"campaign=(\d+)", page.url).group(1)
    page.locator(".st-key-campaign_zh_CN input").click()
    page.keyboard.press("ArrowDown")  # a click alone does not always open the list once the page was resized
    page.get_by_role("option").first.wait_for()
    page.get_by_role("option").nth(0).click()
    page.wait_for_function(f"() => /campaign=\\d+/.test(location.search) && !location.search.includes('{before}')")
    settled(page)
    hourly = _download(page, "campaigns_hourly")
    assert hourly[0][:3] == ["小时", "投放后小时", "投放中"] and hourly[1][1] == "0"

    # The CPS split: a higher platform fee lowers the influencer's earnings, and the link keeps it.
    page.locator('[data-testid="stExpander"]').filter(has_text="CPS 佣金分成").locator("summary").click()
    fee = page.locator(".st-key-cps_fee input")
    fee.fill("20")
    fee.press("Enter")
    page.wait_for_function("() => /cps=20(%2C|,)30(%2C|,)50/.test(location.search)")
    settled(page)
    assert page.get_by_text("CPS 佣金分成:20% 平台 / 30% 微博 / 50% 达人").count() == 1
    # Earnings are the commission times the influencer's share, before (60%) and after (50%).
    split_rows = _download(page, "campaigns_table")
    for table, share in ((rows, 0.6), (split_rows, 0.5)):
        earned, commission = table[0].index("达人收入"), table[0].index("佣金")
        paid = [r for r in table[1:] if r[earned]]
        off = [(r[commission], r[earned]) for r in paid if abs(float(r[earned]) - float(r[commission]) * share) > 0.006]
        assert paid and not off, (share, off)  # to the cent: earnings are rounded like money
        assert any(float(r[earned]) > 0 for r in paid)

    # A shorter period: fewer campaigns, and the figures follow.
    page.locator(".st-key-period_zh_CN input").click()
    page.keyboard.press("ArrowDown")
    page.get_by_role("option", name="近 30 天").click()
    page.wait_for_function("() => location.search.includes('period=30d')")
    settled(page)
    page.wait_for_function("(n) => !document.body.innerText.includes('开始的 ' + n + ' 个投放')", arg=whole)
    assert _campaign_count(page) < whole
    assert page.locator(EXCEPTION).count() == 0

    # In English: the same screen, the split and the chosen period kept.
    page.locator(".st-key-lang").get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Campaigns").first.wait_for()
    settled(page)
    _charts_drawn(page)
    page.wait_for_function("() => location.search.includes('lang=en')")
    assert "period=30d" in page.url and "cps=20" in page.url
    titles = _titles(page)
    assert "Attributed vs incremental" in titles and "Spend vs GMV" in titles, titles
    assert sum("attribution window 7 days" in s.lower() for s in _subtitles(page)) == 5, _subtitles(page)
    assert page.locator(EXCEPTION).count() == 0
    products = _download(page, "campaigns_products")
    assert products[0][:3] == ["Product", "Campaigns", "Spend"]
    shot(page, "campaigns_en")

    # The copied link reopens the same view: campaign, split, period and language.
    link = page.url
    shown = re.search(r"campaign=(\d+)", link).group(1)
    fresh = _open(browser, link)
    fresh.get_by_role("heading", name="Campaigns").first.wait_for()
    _charts_drawn(fresh)
    assert fresh.locator(".st-key-cps_fee input").input_value() == "20"
    assert f"campaign={shown}" in fresh.url and "period=30d" in fresh.url
    assert fresh.locator(".st-key-campaign_en input").input_value() == page.locator(".st-key-campaign_en input"
                                                                                    ).input_value()
    fresh.context.close()
    page.context.close()
