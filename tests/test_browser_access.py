"""Access control in a real Chromium: the built-in sign-in form, and a reverse proxy's header naming the user."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import access, dataset, metrics
from advisor.metrics import Filters

from .browser_kit import settled, shot, skip_without_browser, streamlit_server
from .test_access import password, write_access

SHOTS = "access"


@pytest.fixture(scope="module")
def people(tiny_demo: Path) -> dict[str, object]:
    ds = dataset.open_dataset(tiny_demo)
    f = Filters(metrics.span_period(ds))
    roster = metrics.influencer_list(ds, f)
    merchant = int(metrics.merchant_list(ds, f)["merchant_id"].iloc[0])
    first, second = (int(i) for i in roster["influencer_id"].head(2))
    names = {int(i): str(n) for i, n in zip(roster["influencer_id"], roster["name"], strict=True)}
    return {"jia": first, "other": second, "merchant": merchant, "names": names}


@pytest.fixture(scope="module")
def password_server(tiny_demo: Path, people: dict, tmp_path_factory: pytest.TempPathFactory):
    skip_without_browser()
    folder = tmp_path_factory.mktemp("password_server")
    file = write_access(folder / "access.toml", "password", {
        "jia": {"role": "influencer", "influencers": [people["jia"]], "password": access.hash_password(
            password("jia"))},
        "shop": {"role": "merchant", "merchant": people["merchant"], "password": access.hash_password(
            password("shop"))},
    })
    with streamlit_server(tiny_demo, folder, ADVISOR_ACCESS=str(file)) as url:
        yield url


@pytest.fixture(scope="module")
def proxy_server(tiny_demo: Path, people: dict, tmp_path_factory: pytest.TempPathFactory):
    skip_without_browser()
    folder = tmp_path_factory.mktemp("proxy_server")
    file = write_access(folder / "access.toml", "proxy", {
        "jia@example.com": {"role": "influencer", "influencers": [people["jia"]]}}, header="X-Forwarded-User")
    with streamlit_server(tiny_demo, folder, ADVISOR_ACCESS=str(file)) as url:
        yield url


def _window(browser, url: str, headers: dict[str, str] | None = None):  # noqa: ANN001, ANN202 - Playwright objects
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, extra_http_headers=headers or {})
    page = context.new_page()
    page.goto(url)
    settled(page)
    return page


def _picker(page) -> list[str]:  # noqa: ANN001
    """The influencer picker's choices, opened in the sidebar."""
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
    page.wait_for_selector('[role="option"]')
    options = [o.strip() for o in page.locator('[role="option"]').all_inner_texts()]
    page.keyboard.press("Escape")
    return options


def test_sign_in_form_in_chromium(password_server: str, browser, people: dict) -> None:  # noqa: ANN001
    page = _window(browser, f"{password_server}/?lang=en")
    assert page.get_by_text("Sign in", exact=True).first.is_visible()
    body = page.inner_text("body")
    assert not any(name in body for name in people["names"].values())  # nothing before signing in
    shot(page, f"{SHOTS}_sign_in")
    page.get_by_role("textbox", name="User name").fill("jia")
    page.get_by_role("textbox", name="Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("text=Wrong user name or password.")
    page.get_by_role("textbox", name="User name").fill("jia")
    page.get_by_role("textbox", name="Password").fill(password("jia"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("text=Signed in: jia (Influencer)", timeout=60_000)
    settled(page)
    options = _picker(page)
    assert len(options) == 1 and options[0].startswith(people["names"][people["jia"]])
    # a link naming another influencer shows nothing of it (a new page asks to sign in again: the built-in
    # login lasts as long as the browser tab's session)
    page.goto(f"{password_server}/posts?lang=en&inf={people['other']}")
    settled(page)
    page.get_by_role("textbox", name="User name").fill("jia")
    page.get_by_role("textbox", name="Password").fill(password("jia"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("text=Signed in: jia (Influencer)", timeout=60_000)
    settled(page)
    assert "inf=" not in page.url  # the foreign id was dropped from the address too
    body = page.inner_text("body")
    assert "Signed in: jia" in body and people["names"][people["other"]] not in body
    shot(page, f"{SHOTS}_signed_in_posts")


def test_merchant_in_chromium(password_server: str, browser) -> None:  # noqa: ANN001
    page = _window(browser, f"{password_server}/?lang=en")
    page.get_by_role("textbox", name="User name").fill("shop")
    page.get_by_role("textbox", name="Password").fill(password("shop"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("text=Signed in: shop (Merchant)", timeout=60_000)
    page.get_by_role("link", name="Audience").click()
    page.wait_for_selector("text=does not see influencers' full audience profiles", timeout=60_000)
    settled(page)
    shot(page, f"{SHOTS}_merchant_audience")
    assert "Traceback" not in page.inner_text("body")


def test_proxy_header_names_the_user(proxy_server: str, browser, people: dict) -> None:  # noqa: ANN001
    page = _window(browser, f"{proxy_server}/?lang=en", {"X-Forwarded-User": "jia@example.com"})
    page.wait_for_selector("text=Signed in: jia@example.com (Influencer)", timeout=60_000)
    settled(page)
    assert len(_picker(page)) == 1
    shot(page, f"{SHOTS}_proxy_signed_in")
    stranger = _window(browser, f"{proxy_server}/?lang=en", {"X-Forwarded-User": "mallory@example.com"})
    stranger.wait_for_selector("text=is not in the access file", timeout=60_000)
    assert not any(name in stranger.inner_text("body") for name in people["names"].values())
    direct = _window(browser, f"{proxy_server}/?lang=en")
    direct.wait_for_selector("text=No signed-in user came from the reverse proxy", timeout=60_000)
    shot(direct, f"{SHOTS}_proxy_without_header")
