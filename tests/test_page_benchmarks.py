"""类目对标 Benchmarks in AppTest (both languages; the tiny demo, the planted cohorts, empty and single-influencer data;
the chosen metric and influencer in the URL; privacy on screen) and its figure builders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from advisor import charts, metrics, ui
from advisor.dataset import open_dataset
from advisor.i18n import label, t
from advisor.metrics import Filters

from . import benchmark_data as B
from . import edge_data as E
from .app_kit import lang_params as _lang
from .app_kit import same as _same
from .app_kit import screen, texts

LANGS = ("zh-CN", "en")
SECTIONS = ("benchmarks.stand.title", "benchmarks.dist.title", "benchmarks.trend.title")


def _benchmarks(data: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    return screen(data, monkeypatch, "benchmarks", **params)


def _texts(at: AppTest) -> str:
    return texts(at)


@pytest.fixture(scope="module")
def cohort_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return B.dataset_path(tmp_path_factory)


@pytest.fixture(scope="module")
def single_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cohort dataset cut down to one influencer (11) and its own rows."""
    frames = B.generate()
    keep = {"influencers": "influencer_id", "posts": "influencer_id", "fans": "influencer_id",
            "campaigns": "influencer_id"}
    out = {name: (df[df[keep[name]] == 11] if name in keep else df) for name, df in frames.items()}
    posts = set(out["posts"]["post_id"])
    out["clicks"] = frames["clicks"][frames["clicks"]["post_id"].isin(posts)]
    users = set(out["clicks"]["user_id"])
    out["orders"] = frames["orders"][frames["orders"]["user_id"].isin(users)]
    return E.write(tmp_path_factory.mktemp("single") / "ds", out)


def _col(name: str, lang: str = "zh-CN") -> str:
    return t(f"benchmarks.col.{name}", lang)


def _metric(at: AppTest, lang: str = "zh-CN"):
    return at.radio(key=ui.widget_key("metric", lang))


def _focus(at: AppTest, lang: str = "zh-CN"):
    return at.selectbox(key=ui.widget_key("focus", lang))


def _whole(data: Path) -> Filters:
    return Filters(metrics.span_period(open_dataset(data)))


# ---- the screen in both languages -----------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_planted_cohorts_in_both_languages(cohort_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    at = _benchmarks(cohort_path, monkeypatch, **_lang(lang))
    assert [e.value for e in at.title] == [t("page.benchmarks", lang)]
    assert not at.error
    texts = _texts(at)
    for key in SECTIONS:
        assert t(key, lang) in texts, key
    assert t("benchmarks.table.title", lang, metric=t("benchmarks.metric.ctr", lang)) in texts
    assert t("benchmarks.scope.k", lang, k=5) in texts
    assert t("benchmarks.privacy.body", lang, k=5) in [m.value for m in at.markdown]
    assert len(at.get("plotly_chart")) == 3 and len(at.dataframe) == 2
    # The cohort table: every cohort, the unpublished ones as "insufficient data", codes as words.
    table = at.dataframe[0].value
    expected = metrics.benchmark_table(open_dataset(cohort_path), _whole(cohort_path), "ctr")
    assert list(table.columns) == [_col(c, lang) for c in ("category", "tier", "published", "influencers", "p25",
                                                          "p50", "p75", "p90")]
    assert table[_col("category", lang)].tolist() == [label("category", c, lang) for c in expected["category"]]
    assert table[_col("tier", lang)].tolist() == [label("tier", c, lang) for c in expected["tier"]]
    assert table[_col("published", lang)].tolist() == [
        t("benchmarks.published" if p else "benchmarks.insufficient", lang) for p in expected["published"]]
    for q in ("influencers", "p25", "p50", "p75", "p90"):
        assert _same(table[_col(q, lang)], expected[q]), q
    assert "fashion" not in set(table[_col("category", lang)]) or lang == "en"
    # The metric and the influencer of "where I stand" are in the URL.
    assert _metric(at, lang).value == "ctr" and "metric" not in at.query_params
    assert at.query_params["focus"] == str(_focus(at, lang).value)


@pytest.mark.parametrize("lang", LANGS)
def test_tiny_demo_says_insufficient_data(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """The tiny demo has a dozen accounts in ten categories: no cohort reaches five, so nothing is published and the
    screen says so in words, while each influencer still sees its own values."""
    at = _benchmarks(tiny_demo, monkeypatch, **_lang(lang))
    infos = [i.value for i in at.info]
    assert t("benchmarks.table.none", lang) in infos and t("benchmarks.dist.none", lang) in infos
    table = at.dataframe[0].value
    assert set(table[_col("published", lang)]) == {t("benchmarks.insufficient", lang)}
    assert table[[_col(q, lang) for q in ("influencers", "p25", "p50", "p75", "p90")]].isna().all().all()
    stand = at.dataframe[1].value
    assert set(stand[_col("percentile", lang)]) == {t("benchmarks.insufficient", lang)}
    assert len(at.get("plotly_chart")) == 1  # where I stand: the influencer's own values only


@pytest.mark.parametrize("lang", LANGS)
def test_empty_dataset_says_so(empty_dataset: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    at = _benchmarks(empty_dataset, monkeypatch, **_lang(lang))
    assert t("benchmarks.empty", lang) in [i.value for i in at.info]
    assert not at.get("plotly_chart") and not at.dataframe and not at.error


@pytest.mark.parametrize("lang", LANGS)
def test_a_single_influencer_dataset(single_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """One influencer: a cohort of one is never published; it sees its own values and no percentile."""
    at = _benchmarks(single_path, monkeypatch, **_lang(lang))
    table = at.dataframe[0].value
    assert len(table) == 1 and table[_col("published", lang)].tolist() == [t("benchmarks.insufficient", lang)]
    stand = at.dataframe[1].value
    rank = metrics.influencer_rank(open_dataset(single_path), _whole(single_path))
    assert stand[_col("value", lang)].tolist() == [charts.benchmark_text(m, v, lang) for m, v in
                                                   zip(rank["metric"], rank["value"], strict=True)]
    assert set(stand[_col("percentile", lang)]) == {t("benchmarks.insufficient", lang)}
    assert _focus(at, lang).options == [ui.influencer_option(r, lang) for r in metrics.influencer_list(
        open_dataset(single_path), _whole(single_path)).to_dict("records")]
    infos = " ".join(i.value for i in at.info).replace("\\", "")
    assert t("benchmarks.trend.none", lang, category=label("category", "beauty", lang)) in infos


# ---- choices: the metric, the influencer, the sidebar; privacy on screen ----------------------------------

def test_metric_and_influencer_from_a_link(cohort_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _benchmarks(cohort_path, monkeypatch, metric="aov", focus="21", lang="en")
    assert _metric(at, "en").value == "aov" and _focus(at, "en").value == 21
    assert at.query_params["metric"] == "aov" and at.query_params["focus"] == "21"
    texts = _texts(at)
    assert t("benchmarks.table.title", "en", metric=t("benchmarks.metric.aov", "en")) in texts
    # The trend is that influencer's category (fashion); the chart titles it.
    trend = at.get("plotly_chart")
    assert len(trend) == 3
    # Another metric goes into the URL, the influencer stays.
    _metric(at, "en").set_value("cvr").run()
    assert not at.exception and at.query_params["metric"] == "cvr" and at.query_params["focus"] == "21"
    # The choices survive a language switch.
    at.radio(key="lang").set_value("zh-CN").run()
    assert _metric(at).value == "cvr" and _focus(at).value == 21


def test_garbage_in_the_url_falls_back(cohort_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _benchmarks(cohort_path, monkeypatch, metric="likes;drop", focus="1 OR 1=1")
    ds, whole = open_dataset(cohort_path), _whole(cohort_path)
    compared = metrics.benchmarked_influencers(ds, whole)
    first = next(int(i) for i in metrics.influencer_list(ds, whole)["influencer_id"] if int(i) in compared)
    assert _metric(at).value == "ctr" and _focus(at).value == first
    assert "metric" not in at.query_params and at.query_params["focus"] == str(first)
    at = _benchmarks(cohort_path, monkeypatch, focus="999999")  # an influencer the data does not have
    assert _focus(at).value == first


def test_choosing_influencers_changes_no_cohort(cohort_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sidebar's influencers decide whose standing may be shown, never a cohort: the cohort table is the same
    with or without them, and "where I stand" shows the chosen influencer's own value only."""
    everyone = _benchmarks(cohort_path, monkeypatch)
    chosen = _benchmarks(cohort_path, monkeypatch, inf="12,25")
    pd.testing.assert_frame_equal(chosen.dataframe[0].value, everyone.dataframe[0].value)
    assert _focus(chosen).value == 12 and len(_focus(chosen).options) == 2
    own = metrics.standing(open_dataset(cohort_path), _whole(cohort_path), 12)
    stand = chosen.dataframe[1].value
    assert stand[_col("value")].tolist() == [charts.benchmark_text(m, v, "zh-CN") for m, v in
                                             zip(own["metric"], own["value"], strict=True)]
    # Switching to the other chosen influencer changes its own rows and nothing of the cohorts.
    _focus(chosen).set_value(25).run()
    assert chosen.query_params["focus"] == "25"
    pd.testing.assert_frame_equal(chosen.dataframe[0].value, everyone.dataframe[0].value)
    other = metrics.standing(open_dataset(cohort_path), _whole(cohort_path), 25)
    assert chosen.dataframe[1].value[_col("value")].tolist() == [
        charts.benchmark_text(m, v, "zh-CN") for m, v in zip(other["metric"], other["value"], strict=True)]


def test_names_from_the_data_stay_text(cohort_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _benchmarks(cohort_path, monkeypatch, focus="11")
    assert _focus(at).value == 11 and any(o.startswith("小美<b>粗体</b> · ") for o in _focus(at).options)
    assert not any("<b>" in str(m.value) for m in at.markdown)
    rows = metrics.standing(open_dataset(cohort_path), _whole(cohort_path), 11)
    fig = charts.benchmark_standing(rows, "zh-CN", "小美<b>粗体</b>", "7 天")
    assert "&lt;b&gt;" in fig.layout.title.text and "<b>" not in fig.layout.title.text


# ---- the figure builders ----------------------------------------------------------------------------------

def test_distribution_chart_draws_the_published_quantiles(cohort_path: Path) -> None:
    f = _whole(cohort_path)
    table = metrics.benchmark_table(open_dataset(cohort_path), f, "cvr")
    cells = table[table["published"]]
    fig = charts.benchmark_distribution(cells, "cvr", "en", "7 days", hidden=int((~table["published"]).sum()))
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert sorted(b.name for b in bars) == sorted({label("tier", x, "en") for x in cells["tier"]})
    drawn = pd.concat([pd.DataFrame({"p25": b.base, "width": b.x}) for b in bars], ignore_index=True)
    want = (cells["p75"] - cells["p25"]).astype(float).sort_values().tolist()
    assert sorted(drawn["width"].astype(float)) == pytest.approx(want)
    medians = sorted(v for tr in fig.data if tr.name == t("benchmarks.dist.median", "en") for v in tr.x)
    assert medians == pytest.approx(sorted(cells["p50"].astype(float)))
    assert list(fig.layout.yaxis.ticktext) == list(dict.fromkeys(label("category", c, "en") for c in cells["category"]))
    assert "attribution window 7 days" in fig.layout.title.subtitle.text
    assert t("benchmarks.dist.hidden", "en", n=int((~table["published"]).sum())) in fig.layout.title.subtitle.text


def test_standing_chart_shows_only_my_value_and_the_cohort(cohort_path: Path) -> None:
    rows = metrics.standing(open_dataset(cohort_path), _whole(cohort_path), 14)
    fig = charts.benchmark_standing(rows, "en", "x", "7 days")
    mine = [tr.x[0] for tr in fig.data if tr.name == t("benchmarks.stand.mine", "en")]
    shown = rows[rows["published"] & rows["value"].notna()]
    assert mine == pytest.approx(shown["value"].astype(float).tolist())
    verdicts = [a.text for a in fig.layout.annotations if a.xref == "paper"]
    assert len(verdicts) == len(metrics.BENCHMARK_METRICS)
    aov = rows.set_index("metric").loc["aov"]  # 14 sold nothing: no order value
    assert pd.isna(aov["value"]) and verdicts[2].startswith(t("benchmarks.stand.no_value", "en"))


def test_trend_chart_draws_the_monthly_median(cohort_path: Path) -> None:
    trend = metrics.cohort_trend(open_dataset(cohort_path), _whole(cohort_path), "beauty", "cvr")
    fig = charts.benchmark_trend_chart(trend, "cvr", "zh-CN", "beauty", "waist", "7 天")
    line = next(tr for tr in fig.data if tr.name == label("tier", "waist", "zh-CN"))
    assert list(line.y) == pytest.approx(trend[trend["tier"] == "waist"].sort_values("month")["p50"].tolist())
    assert label("category", "beauty", "zh-CN") in fig.layout.title.text


def test_benchmark_text() -> None:
    assert charts.benchmark_text("ctr", 0.01234, "zh-CN") == "1.23%"
    assert charts.benchmark_text("fan_growth", -0.05, "en") == "−5.0%"
    assert charts.benchmark_text("aov", 128.5, "en") == "¥128.50"
    assert charts.benchmark_text("headline_roas", 2.345, "en") == "2.35"
    assert charts.benchmark_text("cvr", None, "en") == "—"
