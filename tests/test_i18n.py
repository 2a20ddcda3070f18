"""The catalogue is complete in both languages, every key the code asks for exists, numbers read right."""

from __future__ import annotations

import math
import re
import string
from pathlib import Path

import pytest

from advisor import i18n, ui
from advisor.dataset import ENUMS, Problem
from advisor.i18n import CATALOGUE, DASH, LANGS, fmt_change, fmt_compact, fmt_money, fmt_pct, label, problem_text, t

ROOT = Path(__file__).resolve().parent.parent
# t("key"...), ctx.t("key"...) and i18n.t("key"...): the first argument when it is a literal.
KEY_RE = re.compile(r"""\bt\(\s*(?:f?)["']([^"'{}]+)["']""")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "advisor").glob("*.py"))]


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_has_both_languages(key: str) -> None:
    zh, en = CATALOGUE[key]
    assert zh.strip() and en.strip(), key


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_placeholders_agree(key: str) -> None:
    zh, en = CATALOGUE[key]
    assert _fields(zh) == _fields(en), key


def test_every_literal_key_in_the_code_exists() -> None:
    used: dict[str, str] = {}
    for path in _sources():
        for key in KEY_RE.findall(path.read_text(encoding="utf-8")):
            used.setdefault(key, path.name)
    assert len(used) > 20, "the scan found suspiciously few keys"
    missing = {k: where for k, where in used.items() if k not in CATALOGUE}
    assert not missing, missing


def test_keys_built_from_names_exist() -> None:
    """Keys the code assembles (page.<slug>, window.<code>, metric.<name>) are not visible to the scan above."""
    wanted = [f"page.{slug}" for slug, _, _ in ui.PAGES]
    wanted += [f"soon.{slug}" for slug, _, _ in ui.PAGES if slug != "overview"]
    wanted += [f"window.{w}" for w in ui.WINDOWS] + [f"preset.{p}" for p in ui.PRESETS]
    wanted += [f"lang.{lang}" for lang in LANGS]
    for name in ui.FORMATS:
        if name in ("fans_start", "clickers", "buyers", "refunded_orders"):
            continue  # not shown on a screen yet
        wanted += [f"metric.{name}", f"metric.{name}.help"]
    assert [k for k in wanted if k not in CATALOGUE] == []


def test_every_known_code_has_a_label() -> None:
    kinds = {("influencers", "category"): "category", ("influencers", "tier"): "tier",
             ("influencers", "account_type"): "account_type", ("fans", "gender"): "gender",
             ("fans", "device"): "device", ("fans", "source"): "source", ("posts", "content_type"): "content_type",
             ("clicks", "channel"): "channel", ("orders", "status"): "status",
             ("campaigns", "product"): "campaign_product", ("merchants", "shop_type"): "shop_type"}
    for column, kind in kinds.items():
        for code in ENUMS[column]:
            assert f"{kind}.{code}" in CATALOGUE, (column, code)
    for tier in range(1, 6):
        assert label("city_tier", tier, "zh-CN") != str(tier)


def test_labels() -> None:
    assert label("category", "fashion", "zh-CN") == "服装"
    assert label("category", "fashion", "en") == "Fashion"
    assert label("tier", "head", "zh-CN") == "头部"
    assert label("channel", "fan_headline", "zh-CN") == "粉丝头条"
    assert label("category", "cosplay", "zh-CN") == "cosplay"  # unknown codes are shown as they are
    assert label("category", None, "en") == "Unknown"
    assert label("category", float("nan"), "zh-CN") == "未知"


def test_t_fills_fields_and_shows_unknown_keys() -> None:
    assert t("scope.influencers", "en", n=3) == "3 influencers"
    assert t("scope.influencers", "zh-CN", n=3) == "3 位达人"
    assert t("scope.influencer_one", "en") == "1 influencer"
    assert t("scope.influencer_one", "zh-CN") == "1 位达人"
    assert t("no.such.key", "en") == "no.such.key"


def test_problem_text_names_table_and_file() -> None:
    p = Problem("missing_table", "error", table="fans", file="fans.parquet")
    assert "fans.parquet" in problem_text(p, "zh-CN") and "fans" in problem_text(p, "en")


def test_compact_numbers_in_chinese() -> None:
    assert fmt_compact(9_999, "zh-CN") == "9,999"
    assert fmt_compact(12_345, "zh-CN") == "1.2万"
    assert fmt_compact(345_000_000, "zh-CN") == "3.5亿"
    assert fmt_money(12_345.6, "zh-CN") == "¥1.23万"
    assert fmt_money(123.456, "zh-CN") == "¥123.46"


def test_compact_numbers_in_english() -> None:
    assert fmt_compact(12_345, "en") == "12.3K"
    assert fmt_compact(4_500_000, "en") == "4.5M"
    assert fmt_money(12_345.6, "en") == "¥12.35K"


@pytest.mark.parametrize("missing", [None, math.nan, float("nan")])
def test_missing_values_are_a_dash(missing: object) -> None:
    for fmt in (fmt_compact, fmt_money, fmt_pct, fmt_change, i18n.fmt_int):
        assert fmt(missing, "zh-CN") == DASH


def test_percent_and_change() -> None:
    assert fmt_pct(0.1234) == "12.3%"
    assert fmt_change(0.05) == "+5.0%"
    assert fmt_change(-0.04) == "−4.0%"
