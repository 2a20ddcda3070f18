"""达人对比 Merchants in a real Chromium: charts drawn, the shortlist ticked in the table, the target segment and the
overlap measure change figures and the URL, CSV downloads read back, both languages, the link reopens the view."""

from __future__ import annotations

from .browser_kit import chart_titles as _titles
from .browser_kit import charts_drawn as _charts_drawn
from .browser_kit import download_csv as _download
from .browser_kit import open_page as _open
from .browser_kit import settled, shot

EXCEPTION = '[data-testid="stException"]'
ROW = 35  # px: the height of a header and of a row in Streamlit's data grid


def _param(page, name: str) -> str | None:  # noqa: ANN001
    return page.evaluate(f"() => new URLSearchParams(location.search).get('{name}')")


def _tick(page, row: int) -> None:  # noqa: ANN001
    """Click the shortlist box of a row of the comparison table (the first, pinned column)."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # the box sits in the middle of the column (96 px): a click beside it only selects the cell
    page.mouse.click(box["x"] + 48, box["y"] + ROW * (row + 1) + ROW / 2)


def test_merchants_in_chromium(server: str, browser) -> None:  # noqa: ANN001
    page = _open(browser, server + "/merchants")
    page.get_by_role("heading", name="达人对比").first.wait_for()
    _charts_drawn(page, 3)
    assert page.locator(EXCEPTION).count() == 0
    assert {"总成本 vs 成交金额", "两两粉丝重合", "逐个加入候选达人"} <= set(_titles(page)), _titles(page)
    page.wait_for_function("() => location.search.includes('merchant=')")
    merchant = _param(page, "merchant")

    # The comparison's CSV: Chinese headers, tiers as words, the default shortlist of three ticked.
    rows = _download(page, "merchants_table")
    header = rows[0]
    assert header[:3] == ["入选", "达人", "量级"] and "投产比 ROAS" in header and "新客" in header
    assert {r[2] for r in rows[1:]} <= {"头部", "腰部", "尾部"}
    assert [r[0] for r in rows[1:4]] == ["True"] * 3 and len(rows) - 1 > 4
    reach = _download(page, "merchants_reach")
    assert len(reach) - 1 == 3 and reach[0][:3] == ["顺序", "达人", "期末粉丝"]
    shot(page, "merchants_zh")

    # Ticking a fourth influencer puts it on the shortlist, in the URL and in the reach.
    _tick(page, 3)
    page.wait_for_function("() => (new URLSearchParams(location.search).get('short') || '').split(',').length == 4")
    settled(page)
    reach = _download(page, "merchants_reach")
    assert len(reach) - 1 == 4 and [r[1] for r in reach[1:]] == [r[1] for r in rows[1:5]]
    assert int(reach[-1][4]) >= int(reach[-2][4])  # the cumulative reach never falls

    # A target segment: women. The match section draws its chart, the table's match falls below 100%.
    criterion = page.locator(".st-key-seg_gender_zh_CN input")
    criterion.click()
    criterion.press_sequentially("女")
    page.get_by_role("option", name="女").first.wait_for()
    criterion.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_function("() => new URLSearchParams(location.search).get('seg') == 'gender:f'")
    settled(page)
    _charts_drawn(page, 4)
    assert "粉丝与目标人群的匹配度" in _titles(page)
    match = _download(page, "merchants_match")
    share = match[0].index("人群匹配度")
    assert match[0][0] == "达人" and all(0 <= float(r[share]) < 1 for r in match[1:] if r[share])

    # Jaccard on the heatmap, kept in the link.
    page.locator(".st-key-ov_zh_CN").get_by_text("重合度 Jaccard").click()
    page.wait_for_function("() => location.search.includes('ov=jaccard')")
    settled(page)
    assert page.locator(EXCEPTION).count() == 0

    # In English: the same screen, every choice kept.
    page.locator(".st-key-lang").get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Merchants").first.wait_for()
    settled(page)
    _charts_drawn(page, 4)
    page.wait_for_function("() => location.search.includes('lang=en')")
    assert _param(page, "merchant") == merchant and _param(page, "seg") == "gender:f"
    assert _param(page, "ov") == "jaccard" and len(_param(page, "short").split(",")) == 4
    titles = _titles(page)
    assert {"Total cost vs GMV", "How the fans fit the target segment", "Pairwise fan overlap"} <= set(titles), titles
    overlap = _download(page, "merchants_overlap")
    assert overlap[0][:3] == ["Influencer A", "Influencer B", "Fans of A"] and len(overlap) - 1 == 6  # 4 choose 2
    assert page.locator(EXCEPTION).count() == 0
    shot(page, "merchants_en")

    # The copied link reopens the same view: merchant, shortlist, segment, measure and language.
    link = page.url
    fresh = _open(browser, link)
    fresh.get_by_role("heading", name="Merchants").first.wait_for()
    _charts_drawn(fresh, 4)
    assert _param(fresh, "short") == _param(page, "short") and _param(fresh, "seg") == "gender:f"
    assert fresh.locator(".st-key-ov_en").get_by_role("radio", name="Jaccard index").is_checked()
    assert len(_download(fresh, "merchants_reach")) - 1 == 4
    fresh.context.close()
    page.context.close()
