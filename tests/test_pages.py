"""AppTest smoke of every screen in both languages, bad datasets, bad URLs and the URL-kept filters."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from advisor import db, metrics, ui
from advisor.dataset import open_dataset
from advisor.i18n import DASH

from .app_kit import app as _app
from .app_kit import texts
from .conftest import write_empty_dataset, write_minimal_dataset

ROOT = Path(__file__).resolve().parent.parent
TITLES = {
    "zh-CN": {"overview": "概览", "audience": "粉丝画像", "posts": "内容转化", "campaigns": "粉丝头条",
              "benchmarks": "类目对标", "merchants": "达人对比"},
    "en": {"overview": "Overview", "audience": "Audience", "posts": "Posts", "campaigns": "Campaigns",
           "benchmarks": "Benchmarks", "merchants": "Merchants"},
}
KPI_LABELS = {"zh-CN": ["粉丝数", "新增粉丝", "点击", "订单", "成交金额 GMV", "净成交额", "转化率", "客单价"],
              "en": ["Fans", "New fans", "Clicks", "Orders", "GMV", "Net GMV", "Conversion rate",
                     "Average order value"]}


def _texts(at: AppTest) -> str:
    return texts(at, tiles=True, unescape=False)


def _period(at: AppTest, lang: str = "zh-CN"):
    return at.selectbox(key=ui.widget_key("period", lang))


def _influencers(at: AppTest, lang: str = "zh-CN"):
    return at.multiselect(key=ui.widget_key("inf", lang))


def _plain(markdown: str) -> str:
    """Text as the reader sees it: backslash escapes (ui.md_escape) removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _errors(at: AppTest) -> str:
    return _plain(" ".join(e.value for e in at.error))


def _kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


COMING_SOON: set[str] = set()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize("slug", [slug for slug, _, _ in ui.PAGES])
def test_every_page_in_both_languages(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, slug: str, lang: str) -> None:
    at = _app(tiny_demo, monkeypatch, **({"lang": "en"} if lang == "en" else {}))
    at.run()
    if slug != "overview":
        at.switch_page(f"pages/{slug}.py").run()
    assert not at.exception, at.exception
    assert [e.value for e in at.title] == [TITLES[lang][slug]]
    assert not at.error
    # The sidebar is on every screen, with its widgets in the chosen language.
    assert _period(at, lang).label == ("统计周期" if lang == "zh-CN" else "Period")
    assert at.radio(key="lang").value == lang
    if slug == "overview":
        kpis = _kpis(at)
        assert list(kpis) == KPI_LABELS[lang]
        assert all(v and v != "—" for k, v in kpis.items()), kpis
        assert len(at.get("plotly_chart")) == 1
        assert len(at.dataframe) == 1
    elif slug in COMING_SOON:
        assert at.info, "a screen not built yet says what it will show"
    else:  # each built screen has its own test file; here: it draws charts and tables
        assert at.get("plotly_chart") and at.dataframe
    assert_dates_shown_as_dates(at)
    # A missing value (a post id of an account recommendation, a ratio without a denominator) reads as a dash in
    # every table, never as "None".
    assert {(f.key, f.proto.placeholder) for f in at.dataframe} == {(f.key, DASH) for f in at.dataframe}


def assert_dates_shown_as_dates(at: object) -> None:
    """Every column of dates or times in a table has a date or datetime column type: the browser draws a date in a
    text column as milliseconds since 1970 (1777593600000), which no test reading the data would notice."""
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        table = frame.value
        for column in table.columns:
            values = table[column].dropna()
            datelike = pd.api.types.is_datetime64_any_dtype(table[column]) or (
                len(values) > 0 and all(isinstance(v, dt.date | pd.Timestamp) for v in values.head(20)))
            if datelike:
                kind = config.get(str(column), {}).get("type_config", {}).get("type")
                assert kind in ("date", "datetime", "time"), (frame.key, column, kind)


def test_overview_figures_match_the_query(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(tiny_demo, monkeypatch)
    at.run()
    ds = open_dataset(tiny_demo)
    row = metrics.overview_kpis(ds, metrics.Filters(metrics.span_period(ds))).iloc[0]
    kpis = _kpis(at)
    assert kpis["订单"] == ui.fmt_metric("orders", row["orders"], "zh-CN")
    assert kpis["成交金额 GMV"] == ui.fmt_metric("gmv", row["gmv"], "zh-CN")
    assert "归因窗口 7 天" in _texts(at)  # the window in use is printed with the figures that depend on it


def _never_opened(tiny_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the tiny demo (a new fingerprint) and an empty cache folder: a dataset this process never opened."""
    data = tmp_path / "ds"
    shutil.copytree(tiny_demo, data)
    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path / "cache"))
    return data


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_overview_first_open_prepares_under_a_progress_bar(tiny_demo: Path, tmp_path: Path, lang: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A dataset never opened: the tables the Overview needs are built once under the page's bar, then read from
    the cache folder."""
    data = _never_opened(tiny_demo, tmp_path, monkeypatch)
    calls: list[float] = []
    draw = ui._BuildBar.__call__

    def spy(bar: ui._BuildBar, fraction: float, step: str) -> None:
        calls.append(fraction)
        draw(bar, fraction, step)

    monkeypatch.setattr(ui._BuildBar, "__call__", spy)
    at = _app(data, monkeypatch, **({"lang": "en"} if lang == "en" else {}))
    at.run()
    assert not at.exception and at.title[0].value == TITLES[lang]["overview"]
    assert calls and calls[0] == 0 and calls[-1] == 1.0, "the build reported no progress to the page"
    assert not at.get("progress"), "the bar is gone once the tables are made"
    ds = open_dataset(data)
    assert db.integrity_file(ds).is_file()
    assert not db.is_prepared(ds), "only what the Overview needs is built"
    calls.clear()
    db.forget(ds)
    at = _app(data, monkeypatch)
    at.run()
    assert not at.exception and calls == [], "a second open read the cache folder"
    db.forget(ds)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_failed_preparation_is_said_once(tiny_demo: Path, tmp_path: Path, lang: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Out of memory while building a table (say): one sentence in the reader's language, no traceback, no second
    try in the same run."""
    data = _never_opened(tiny_demo, tmp_path, monkeypatch)
    tries: list[str] = []

    def failing(_con: object, _state: object, name: str) -> None:
        tries.append(name)
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block of size 256.0 KiB")

    monkeypatch.setattr(db, "_make", failing)
    at = _app(data, monkeypatch, **({"lang": "en"} if lang == "en" else {}))
    at.run()
    assert not at.exception and len(tries) == 1
    [error] = [e.value for e in at.error]
    assert ("could not be prepared" if lang == "en" else "无法完成准备") in error and "Out of Memory" in error
    assert not at.get("progress"), "the bar is gone"
    db.forget(open_dataset(data))


def test_switching_language_in_the_sidebar(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(tiny_demo, monkeypatch)
    at.run()
    _period(at).set_value("month").run()
    ds = open_dataset(tiny_demo)
    first = [int(metrics.influencer_list(ds, metrics.Filters(metrics.span_period(ds)))["influencer_id"].iloc[1])]
    _influencers(at).set_value(first).run()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert at.query_params.get("lang") == "en" and at.query_params.get("period") == "month"
    # The pickers come back in English with the same choices (new widgets: see ui.widget_key).
    assert _period(at, "en").value == "month" and "This month" in _period(at, "en").options
    assert _influencers(at, "en").value == first
    assert all("fans" in o for o in _influencers(at, "en").options)


def test_empty_dataset_says_there_is_no_data(empty_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for lang, sentence in (("zh-CN", "还没有任何粉丝、点击或订单数据"), ("en", "no fans, clicks or orders yet")):
        at = _app(empty_dataset, monkeypatch, **({"lang": "en"} if lang == "en" else {}))
        at.run()
        assert not at.exception
        assert sentence in _texts(at)
        assert not at.get("plotly_chart") and not at.metric
        for slug, _, _ in ui.PAGES[1:]:
            at.switch_page(f"pages/{slug}.py").run()
            assert not at.exception


def _broken(tmp_path: Path, name: str) -> Path:
    return write_empty_dataset(tmp_path / name)


def test_missing_table_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _broken(tmp_path, "no_fans")
    (data / "fans.parquet").unlink()
    for lang in ("zh-CN", "en"):
        at = _app(data, monkeypatch, **({"lang": "en"} if lang == "en" else {}))
        at.run()
        assert not at.exception
        errors = _errors(at)
        assert "fans" in errors and "fans.parquet" in errors
        assert not at.metric
        assert at.radio(key="lang").value == lang  # the language switch works on the error screen too


def test_garbage_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _broken(tmp_path, "garbage")
    (data / "clicks.parquet").write_bytes(b"this is not parquet at all \x00\x01\x02" * 50)
    at = _app(data, monkeypatch, lang="en")
    at.run()
    assert not at.exception
    errors = _errors(at)
    assert "clicks.parquet" in errors and "cannot be read as Parquet" in errors
    at.switch_page("pages/posts.py").run()
    assert not at.exception and "clicks.parquet" in _errors(at)


def test_values_out_of_range_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The integrity rules run for the app too: a negative count stops the screens with table, column, file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = write_minimal_dataset(tmp_path / "negative")
    posts = pq.read_table(data / "posts.parquet")
    pq.write_table(posts.set_column(posts.column_names.index("reads"), "reads", pa.array([-5, 0])),
                   data / "posts.parquet")
    at = _app(data, monkeypatch, lang="en")
    at.run()
    assert not at.exception and not at.metric
    assert "Table posts, column reads: 1 rows are negative, e.g. post_id=100 (file posts.parquet)." in _errors(at)


def test_dataset_warnings_are_folded_under_the_title(tmp_path: Path, tiny_demo: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "with_notes"
    shutil.copytree(tiny_demo, data)
    (data / "clicks" / "README.txt").write_text("not data")  # a stray file: a warning, not an error
    at = _app(data, monkeypatch, lang="en")
    at.run()
    assert not at.exception
    assert at.expander[0].label.startswith("Dataset notes")
    assert "README.txt" in _plain(" ".join(w.value for w in at.warning))
    assert len(at.metric) == 8


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_too_many_rows_asks_for_narrower_filters(tmp_path: Path, tiny_demo: Path, monkeypatch: pytest.MonkeyPatch,
                                                 lang: str) -> None:
    """Large data over a long period: a result over db.MAX_ROWS (lowered here) is a sentence in the reader's
    language saying what to do, never an error or a traceback."""
    data = tmp_path / "many"  # a folder of its own: no result of another test is cached for it
    shutil.copytree(tiny_demo, data)
    monkeypatch.setattr(db, "MAX_ROWS", 3)
    at = _app(data, monkeypatch, lang=lang)
    at.run()
    at.switch_page("pages/posts.py").run()
    assert not at.exception and not at.error
    shown = [i.value for i in at.info]
    expected = {"zh-CN": "超过 3 行,无法在页面上展示。请在左侧选择达人或缩短统计周期",
                "en": "more than 3 rows, too many to show. Choose influencers or a shorter period"}[lang]
    assert any(expected in text for text in shown), shown


def test_dataset_folder_that_does_not_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(tmp_path / "nowhere", monkeypatch)
    at.run()
    assert not at.exception
    assert "nowhere" in _errors(at)


def test_unknown_time_zone(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(tiny_demo, monkeypatch)
    monkeypatch.setenv("ADVISOR_TZ", "Mars/Olympus")
    at.run()
    assert not at.exception
    assert "Mars/Olympus" in _errors(at)


def test_garbage_in_the_url_falls_back(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(tiny_demo, monkeypatch, lang="fr", period="forever", inf="x,;DROP TABLE", win="999d", to="2026-13-45")
    at.query_params["from"] = "banana"
    at.run()
    assert not at.exception
    assert at.title[0].value == "概览"
    assert _period(at).value == "all"
    assert at.select_slider(key="win").value == "7d"
    assert _influencers(at).value == []
    assert all(v != "—" for v in _kpis(at).values())
    # The URL now says what is shown: the garbage is gone.
    assert not set(at.query_params) & set(ui.URL_KEYS)


def test_url_reopens_the_view(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = open_dataset(tiny_demo)
    ids = metrics.influencer_list(ds, metrics.Filters(metrics.span_period(ds)))["influencer_id"].tolist()
    chosen = f"{ids[0]},{ids[2]},999999999"  # an id the dataset does not have is dropped
    at = _app(tiny_demo, monkeypatch, lang="en", period="30d", inf=chosen, win="1d")
    at.run()
    assert not at.exception
    assert _period(at, "en").value == "30d"
    assert _influencers(at, "en").value == [ids[0], ids[2]]
    assert at.select_slider(key="win").value == "1d"
    assert "30 days" in _texts(at) and "attribution window 1 day" in _texts(at)
    assert at.query_params == {"lang": "en", "period": "30d", "inf": f"{ids[0]},{ids[2]}", "win": "1d"}
    # The filters survive a page switch and come back.
    at.switch_page("pages/campaigns.py").run()
    assert at.title[0].value == "Campaigns" and _period(at, "en").value == "30d"
    at.switch_page("pages/overview.py").run()
    assert _influencers(at, "en").value == [ids[0], ids[2]]
    assert at.query_params["win"] == "1d"


def test_custom_dates_from_the_url_are_kept_within_the_data(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    span = metrics.span_period(open_dataset(tiny_demo))
    inside = span.start + dt.timedelta(days=10)
    at = _app(tiny_demo, monkeypatch, to=inside.isoformat())
    at.query_params["from"] = "2001-01-01"
    at.run()
    assert not at.exception
    assert _period(at).value == "custom"
    assert at.date_input(key="dates").value == (span.start, inside)
    assert at.query_params["from"] == span.start.isoformat() and at.query_params["to"] == inside.isoformat()


def test_period_preset_changes_url_and_figures(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(tiny_demo, monkeypatch)
    at.run()
    whole = _kpis(at)
    _period(at).set_value("7d").run()
    assert not at.exception
    assert at.query_params.get("period") == "7d"
    assert _kpis(at)["点击"] != whole["点击"]
    assert "7 天" in at.caption[0].value
    # Custom starts from the dates on screen.
    _period(at).set_value("custom").run()
    span = metrics.span_period(open_dataset(tiny_demo))
    assert at.date_input(key="dates").value == (span.end - dt.timedelta(days=6), span.end)
    assert at.query_params["from"] == (span.end - dt.timedelta(days=6)).isoformat()


def test_influencer_filter_changes_the_figures(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(tiny_demo, monkeypatch)
    at.run()
    everyone = _kpis(at)
    options = _influencers(at).options
    assert len(options) >= 2 and all(" · " in o for o in options)  # name · category · tier · fans
    first = metrics.influencer_list(open_dataset(tiny_demo), metrics.Filters(
        metrics.span_period(open_dataset(tiny_demo))))["influencer_id"].iloc[0]
    _influencers(at).select(int(first)).run()
    assert not at.exception
    one = _kpis(at)
    assert one["粉丝数"] != everyone["粉丝数"] and one["点击"] != everyone["点击"]
    assert at.query_params.get("inf") == str(first)
    assert "1 位达人" in at.caption[0].value


def test_window_changes_attributed_figures(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(tiny_demo, monkeypatch)
    at.run()
    week = _kpis(at)
    at.select_slider(key="win").set_value("1h").run()
    assert not at.exception
    assert at.query_params.get("win") == "1h"
    hour = _kpis(at)
    assert hour["点击"] == week["点击"]  # clicks do not depend on attribution
    assert hour["订单"] != week["订单"]


def test_pickers_show_labels_not_codes(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(tiny_demo, monkeypatch)
    at.run()
    codes = re.compile(r"\b(fashion|beauty|head|waist|tail)\b")
    assert not any(codes.search(o) for o in _influencers(at).options)
    assert "全部时间" in _period(at).options
    # No "Select all": Streamlit's own words, in English only (none chosen is every influencer already).
    assert _influencers(at).proto.select_all == 0


def test_no_html_from_data() -> None:
    """Names from data are text: no page or helper renders raw HTML."""
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), ROOT / "advisor" / "ui.py"]:
        source = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in source and "st.html(" not in source, path


def test_csv_is_utf8_with_bom() -> None:
    import pandas as pd

    frame = ui.table_frame(pd.DataFrame({"day": pd.to_datetime(["2026-09-01"]), "gmv": [12.5]}), "zh-CN")
    data = ui.csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["日期,成交金额 GMV", "2026-09-01,12.5"]


def test_parse_view_never_raises() -> None:
    for junk in ({}, {"lang": ["en", "zh"]}, {"from": "2026-02-30"}, {"inf": "1,1,2,-3"}, {"win": None},
                 {"period": "custom"}, {"to": "９９９９-01-01"}):
        view = ui.parse_view(junk)
        assert view.window in ui.WINDOWS and view.preset in ui.PRESETS
    assert ui.parse_view({"inf": "1,1,2,-3"}).influencers == (1, 2, -3)
    assert ui.parse_view({"lang": ["en", "zh"]}).lang == "zh-CN"
    assert ui.parse_view({"period": "custom"}).preset == "all"


def test_demo_is_generated_when_no_dataset_is_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    tiny_demo: Path) -> None:
    """Without ADVISOR_DATA the app opens data/demo/, generating it first (here: a stand-in generator)."""
    from advisor import demo

    target = tmp_path / "data" / "demo"
    calls: list[str] = []

    def fake_generate(out, scale="demo", seed=0, progress=None):  # the real one takes ~10 s at demo scale
        calls.append(scale)
        if progress:
            progress(0.5, "half")
        shutil.copytree(tiny_demo, out)
        return Path(out)

    monkeypatch.setattr(ui, "DEMO_DIR", target)
    monkeypatch.setattr(demo, "generate", fake_generate)
    monkeypatch.delenv("ADVISOR_DATA", raising=False)
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.run()
    assert not at.exception
    assert calls == ["demo"] and (target / "fans.parquet").exists()
    assert len(at.metric) == 8
    at.run()
    assert calls == ["demo"]  # generated once


def test_period_without_activity_says_so(minimal_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An influencer with no fans, posts or orders: a sentence instead of zero tiles and an empty chart."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(minimal_dataset / "influencers.parquet")
    extra = pa.table({"influencer_id": [3], "name": ["新人"], "category": ["pets"], "tier": [None],
                      "account_type": ["media"], "mcn_id": pa.array([None], pa.int64()),
                      "created_at": [dt.datetime(2026, 1, 1)]}, schema=table.schema)
    pq.write_table(pa.concat_tables([table, extra]), minimal_dataset / "influencers.parquet")
    at = _app(minimal_dataset, monkeypatch, inf="3")
    at.run()
    assert not at.exception
    assert "所选周期内没有粉丝、点击或订单数据" in _texts(at)
    assert not at.metric and not at.get("plotly_chart")
    # The same dataset with everyone has figures; names with markup are shown as text.
    at = _app(minimal_dataset, monkeypatch)
    at.run()
    assert len(at.metric) == 8
    assert any("小美<b>粗体</b>" in o for o in _influencers(at).options)


def test_no_activity_and_changes() -> None:
    import pandas as pd

    zero = pd.DataFrame([{"fans_end": 0, "new_fans": 0, "lost_fans": 0, "clicks": 0, "orders": pd.NA}])
    assert ui.no_activity(zero) and ui.no_activity(zero.iloc[0:0])
    assert not ui.no_activity(zero.assign(clicks=1))
    assert ui.relative_change(110, 100) == pytest.approx(0.1)
    assert ui.relative_change(5, 0) is None and ui.relative_change(None, 3) is None
    assert ui.relative_change(5, pd.NA) is None


def test_a_rewritten_file_is_noticed(tmp_path: Path, tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The opened dataset is cached under its files' fingerprint, so a broken rewrite shows up on the next run."""
    data = tmp_path / "changing"
    shutil.copytree(tiny_demo, data)
    at = _app(data, monkeypatch)
    at.run()
    assert len(at.metric) == 8
    (data / "orders.parquet").write_bytes(b"garbage")
    at.run()
    assert not at.exception
    assert "orders.parquet" in _errors(at)


def test_dataset_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("sys.argv", ["app.py"])
    monkeypatch.delenv("ADVISOR_DATA", raising=False)
    monkeypatch.delenv("ADVISOR_TZ", raising=False)
    assert ui.data_location() == (None, "Asia/Shanghai")  # None: the demo under data/demo/
    monkeypatch.setenv("ADVISOR_DATA", str(tmp_path / "env"))
    monkeypatch.setenv("ADVISOR_TZ", "Asia/Urumqi")
    assert ui.data_location() == (tmp_path / "env", "Asia/Urumqi")
    # `streamlit run app.py -- --data DIR` wins over the environment.
    monkeypatch.setattr("sys.argv", ["app.py", "--data", str(tmp_path / "cli")])
    assert ui.data_location()[0] == tmp_path / "cli"
    monkeypatch.setattr("sys.argv", ["app.py", f"--data={tmp_path / 'eq'}"])
    assert ui.data_location()[0] == tmp_path / "eq"


def test_period_presets_end_on_the_last_day() -> None:
    span = metrics.Period(dt.date(2026, 5, 1), dt.date(2026, 10, 31))
    today = dt.date(2026, 11, 22)

    def resolve(**kw: object) -> metrics.Period:
        return ui.resolve_period(ui.View(**kw), span, today)

    assert resolve() == span
    assert resolve(preset="7d") == metrics.Period(dt.date(2026, 10, 25), dt.date(2026, 10, 31))
    assert resolve(preset="30d").days == 30 and resolve(preset="90d").days == 90
    assert resolve(preset="month") == metrics.Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert resolve(preset="custom", start=dt.date(2026, 9, 30), end=dt.date(2026, 9, 1)) == metrics.Period(
        dt.date(2026, 9, 1), dt.date(2026, 9, 30))  # reversed dates are put in order
    assert ui.resolve_period(ui.View(preset="7d"), None, today) == metrics.Period(today, today)
    view = ui.View(lang="en", preset="custom", influencers=(3, 7), window="1d")
    period = metrics.Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    params = ui.view_params(view, period)
    assert params == {"lang": "en", "from": "2026-09-01", "to": "2026-09-30", "inf": "3,7", "win": "1d"}
    assert ui.parse_view(params) == ui.View(lang="en", preset="custom", start=period.start, end=period.end,
                                            influencers=(3, 7), window="1d")


def test_url_changed_within_the_session(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Back/forward give a running session another URL: the view and the widgets follow it."""
    at = _app(tiny_demo, monkeypatch)
    at.run()
    _period(at).set_value("7d").run()
    at.select_slider(key="win").set_value("1d").run()
    assert at.query_params == {"period": "7d", "win": "1d"}
    at.query_params.clear()
    at.query_params.update({"period": "30d", "lang": "en"})
    at.run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert _period(at, "en").value == "30d"
    assert at.select_slider(key="win").value == "7d"
    assert at.query_params == {"period": "30d", "lang": "en"}
    # Back to a Chinese link with an influencer and a custom range.
    ds = open_dataset(tiny_demo)
    one = int(metrics.influencer_list(ds, metrics.Filters(metrics.span_period(ds)))["influencer_id"].iloc[0])
    span = metrics.span_period(ds)
    at.query_params.clear()
    at.query_params.update({"inf": f"{one},12345", "from": span.start.isoformat(), "to": span.start.isoformat()})
    at.run()
    assert not at.exception
    assert at.title[0].value == "概览"
    assert _influencers(at).value == [one] and _period(at).value == "custom"
    assert at.date_input(key="dates").value == (span.start, span.start)
    # Then the reader carries on as usual: the view follows the widgets again.
    _period(at).set_value("90d").run()
    assert at.query_params == {"inf": str(one), "period": "90d"}


def test_outside_text_is_not_markdown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder named like markdown is named literally in the error (every punctuation mark escaped)."""
    data = tmp_path / "my_*shop*_[data](x)"
    at = _app(data, monkeypatch, lang="en")
    at.run()
    assert not at.exception
    shown = at.error[0].value
    assert r"my\_\*shop\*\_\[data\]\(x\)" in shown
    assert ui.md_escape("a_b*c `d` <i>") == r"a\_b\*c \`d\` \<i\>"
