"""内容转化 Posts in a real Chromium: charts drawn, a row opens its post, filters change figures, CSV, zh + en."""

from __future__ import annotations

import re

from .browser_kit import CHARTS, settled, shot
from .browser_kit import chart_titles as _titles
from .browser_kit import charts_drawn as _charts_drawn
from .browser_kit import download_csv as _download
from .browser_kit import open_page as _open

EXCEPTION = '[data-testid="stException"]'


def _count_caption(page) -> str:  # noqa: ANN001
    count = re.compile(r"显示 [\d,]+ / [\d,]+ 条微博|Showing [\d,]+ of [\d,]+ posts")
    return page.locator('[data-testid="stCaptionContainer"]').filter(has_text=count).first.inner_text()


def test_posts_in_chromium(server: str, browser) -> None:  # noqa: ANN001
    page = _open(browser, server + "/posts")
    page.get_by_role("heading", name="内容转化", level=1).wait_for()
    _charts_drawn(page)
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHARTS).count() == 5
    titles = _titles(page)
    assert {"转化漏斗", "点击 → 成交:分渠道与粉丝", "内容形式对比", "点击到下单的时间"} <= set(titles), titles
    # The attribution window is printed on the charts that depend on it.
    subtitles = page.locator(".js-plotly-plot .gtitle-subtitle, .js-plotly-plot .gtitle").all_text_contents()
    assert sum("7 天" in s for s in subtitles + titles) >= 5, subtitles
    assert page.locator('[data-testid="stMetric"]').count() == 8
    shot(page, "posts_zh")

    # The post table's CSV: every post of the period, in Chinese headers.
    rows = _download(page, "posts_table")
    assert rows[0][:3] == ["发布时间", "标题", "达人"] and "成交金额 GMV" in rows[0]
    total = len(rows) - 1
    assert total > 100
    assert f"显示 {total:,} / {total:,} 条微博" in _count_caption(page)
    funnel = _download(page, "posts_funnel")
    assert [r[0] for r in funnel[1:]] == ["曝光", "阅读", "点击", "成交"]

    # Selecting a row opens that post below, and the URL names it. The first row, the best seller, is the post in
    # detail already: the second one.
    second_id = rows[2][rows[0].index("微博 ID")]
    grid = page.locator(".st-key-posts_table [data-testid='stDataFrameResizable']")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 35 + 17)  # the second row's selection box
    page.wait_for_function(f"() => location.search.includes('post={second_id}')")
    settled(page)
    page.get_by_text(f"微博 ID {second_id}").wait_for()
    assert page.locator(EXCEPTION).count() == 0

    # The 10 best posts by GMV, one click away; then a search narrows the table (and its count).
    page.locator(".st-key-posts_show_zh_CN").get_by_text("前 10").click()
    page.wait_for_function("() => location.search.includes('show=top')")
    settled(page)
    assert f"显示 10 / {total:,} 条微博" in _count_caption(page)
    top = _download(page, "posts_table")
    gmv = [float(r[top[0].index("成交金额 GMV")]) for r in top[1:]]
    assert len(gmv) == 10 and gmv == sorted(gmv, reverse=True)
    page.locator(".st-key-posts_show_zh_CN").get_by_text("全部").click()
    settled(page)
    word = rows[1][1][:2]
    page.locator(".st-key-posts_q input").fill(word)
    page.locator(".st-key-posts_q input").press("Enter")
    page.wait_for_function("() => location.search.includes('q=')")
    settled(page)
    narrowed = _count_caption(page)
    assert f"/ {total:,} 条微博" in narrowed and f"显示 {total:,} /" not in narrowed

    # A sidebar filter changes the figures: the last 7 days hold fewer posts.
    page.locator(".st-key-posts_q input").fill("")
    page.locator(".st-key-posts_q input").press("Enter")
    settled(page)
    before = page.locator('[data-testid="stAlert"]').first.inner_text()
    page.locator(".st-key-period_zh_CN").click()
    page.get_by_role("option", name="近 30 天").click()
    page.wait_for_function("() => location.search.includes('period=30d')")
    settled(page)
    page.wait_for_function("(b) => document.querySelector('[data-testid=stAlert]').innerText !== b", arg=before)
    assert page.locator(EXCEPTION).count() == 0
    _charts_drawn(page, 4)

    # English, from the sidebar: the same screen in English words.
    page.locator(".st-key-lang").get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Posts", exact=True, level=1).wait_for()
    settled(page)
    _charts_drawn(page, 4)
    titles = _titles(page)
    assert {"Conversion funnel", "Content formats compared", "Time from click to purchase"} <= set(titles), titles
    assert page.locator(EXCEPTION).count() == 0
    rows = _download(page, "posts_table")
    assert rows[0][:2] == ["Posted at", "Title"]
    assert not {"video", "image", "long_article", "live", "text"} & {r[rows[0].index("Format")] for r in rows[1:]}
    shot(page, "posts_en")
    page.context.close()


def test_a_link_reopens_the_chosen_post(server: str, browser) -> None:  # noqa: ANN001
    page = _open(browser, server + "/posts?lang=en&by=cvr&show=bottom")
    page.get_by_role("heading", name="Posts", exact=True, level=1).wait_for()
    _charts_drawn(page)
    rows = _download(page, "posts_table")
    assert len(rows) == 11
    post_id = rows[3][rows[0].index("Post ID")]
    fresh = _open(browser, server + f"/posts?lang=en&post={post_id}")
    fresh.get_by_text(f"post ID {post_id}").wait_for()
    assert fresh.locator(EXCEPTION).count() == 0
    _charts_drawn(fresh, 4)
    products = _download(fresh, "posts_products")
    assert products[0][:2] == ["Product ID", "Product"]
    shot(fresh, "posts_en_drilldown")
    page.context.close()
    fresh.context.close()
