"""advisor/export.py and `python -m advisor export`: every format read back and compared with its query, formula
injection neutralised, images with their Chinese labels, self-contained HTML, the page report, the command line."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
from html import escape
from pathlib import Path

import pandas as pd
import pytest

from advisor import charts, dataset, db, export, metrics
from advisor.cli import main
from advisor.i18n import t

# ---- helpers --------------------------------------------------------------------------------------------------


def _whole(ds: dataset.Dataset, **changes: object) -> metrics.Filters:
    return metrics.Filters(metrics.span_period(ds), **changes)


def _xlsx(data: bytes):  # noqa: ANN202 - an openpyxl worksheet
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(data)).active


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def _skip_without_images() -> None:
    if not export.images_available():
        pytest.skip(f"PNG/SVG need kaleido and Chromium: {export.images_hint('en')}")


def _no_network(html: str) -> None:
    """Self-contained: no script, stylesheet or image fetched from anywhere."""
    assert not re.search(r"<script[^>]*\ssrc=", html), "a script is loaded from outside"
    assert not re.search(r"<link[^>]*href=[\"']https?:", html)
    assert not re.search(r"<img[^>]*src=[\"']https?:", html)


@pytest.fixture(scope="module")
def demo(tiny_demo: Path) -> dataset.Dataset:
    return dataset.open_dataset(tiny_demo)


@pytest.fixture(scope="module")
def posts_table(demo: dataset.Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """post_conversion and the posts table as the screen shows it (headers translated, formats in words)."""
    raw = metrics.post_conversion(demo, _whole(demo))
    return raw, export.present(raw, "posts.col", "zh-CN")


# ---- tables: CSV, XLSX, Parquet read back ---------------------------------------------------------------------

def test_csv_round_trip_equals_the_query(posts_table: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    raw, shown = posts_table
    data = export.to_csv_bytes(shown)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese headers right
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.columns) == list(shown.columns)
    assert back[t("posts.col.post_id", "zh-CN")].tolist() == raw["post_id"].tolist()
    for col in ("impressions", "clicks", "orders"):
        assert back[t(f"posts.col.{col}", "zh-CN")].tolist() == raw[col].astype(int).tolist()
    for col in ("gmv", "cvr", "aov"):
        pd.testing.assert_series_equal(back[t(f"posts.col.{col}", "zh-CN")], raw[col].astype("float64"),
                                       check_names=False)
    assert set(back[t("posts.col.content_type", "zh-CN")]) <= {t(f"content_type.{c}", "zh-CN") for c in
                                                               ("text", "image", "long_article", "video", "live")}


def test_xlsx_round_trip_with_formats(posts_table: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    raw, shown = posts_table
    ws = _xlsx(export.to_xlsx_bytes(shown, "posts"))
    header = [c.value for c in ws[1]]
    assert header == list(shown.columns)
    assert all(c.font.b for c in ws[1])  # bold header ...
    assert ws.freeze_panes == "A2"  # ... frozen above the rows ...
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(header)).column_letter}{len(raw) + 1}"  # ... with a filter
    assert ws.max_row == len(raw) + 1
    col = {name: i + 1 for i, name in enumerate(header)}

    def column(name: str) -> list[object]:
        return [ws.cell(r, col[t(f"posts.col.{name}", "zh-CN")]).value for r in range(2, ws.max_row + 1)]

    # Ids run to 16 digits (Excel keeps 15 of a number): text, exactly.
    assert column("post_id") == [str(i) for i in raw["post_id"]]
    assert column("clicks") == raw["clicks"].astype(int).tolist()
    assert column("gmv") == pytest.approx(raw["gmv"].astype(float).tolist())
    cvr = [None if pd.isna(v) else float(v) for v in raw["cvr"]]
    assert column("cvr") == [pytest.approx(v) if v is not None else None for v in cvr]
    assert column("posted_at") == [v.to_pydatetime() for v in raw["posted_at"]]
    # Number formats where the column is known: money, percent, counts, times.
    row = 2
    assert ws.cell(row, col[t("posts.col.gmv", "zh-CN")]).number_format == '"¥"#,##0.00'
    assert ws.cell(row, col[t("posts.col.ctr", "zh-CN")]).number_format == "0.00%"
    assert ws.cell(row, col[t("posts.col.clicks", "zh-CN")]).number_format == "#,##0"
    assert ws.cell(row, col[t("posts.col.posted_at", "zh-CN")]).number_format == "yyyy-mm-dd hh:mm"
    # Widths fitted to the content: the titles' column is wider than the clicks'.
    title_width = ws.column_dimensions[ws.cell(1, col[t("posts.col.title", "zh-CN")]).column_letter].width
    clicks_width = ws.column_dimensions[ws.cell(1, col[t("posts.col.clicks", "zh-CN")]).column_letter].width
    assert title_width > clicks_width >= 6


def test_parquet_round_trip_equals_the_query(posts_table: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    raw, _ = posts_table
    back = pd.read_parquet(io.BytesIO(export.to_parquet_bytes(raw)))
    pd.testing.assert_frame_equal(back, raw, check_dtype=False)


def test_masked_counts_in_every_format() -> None:
    """A count column holding "<5" beside numbers (small cells): text where masked, numbers elsewhere."""
    masked = metrics.mask_small_cells(pd.DataFrame({"bucket": ["广东", "西藏"], "fans": [120, 3],
                                                    "share": [0.9, 0.1]}), {"fans": ["share"]})
    csv = pd.read_csv(io.BytesIO(export.to_csv_bytes(masked)), encoding="utf-8-sig", dtype=str)
    assert csv["fans"].tolist() == ["120", "<5"] and pd.isna(csv["share"][1])
    ws = _xlsx(export.to_xlsx_bytes(masked))
    assert [ws.cell(r, 2).value for r in (2, 3)] == [120, "<5"]
    assert ws.cell(3, 3).value is None
    back = pd.read_parquet(io.BytesIO(export.to_parquet_bytes(masked)))
    assert back["fans"].tolist() == ["120", "<5"]


def test_empty_table_in_every_format() -> None:
    empty = pd.DataFrame({"日期": pd.Series([], dtype="datetime64[us]"), "点击": pd.Series([], dtype="Int64")})
    assert export.to_csv_bytes(empty).decode("utf-8-sig").strip() == "日期,点击"
    ws = _xlsx(export.to_xlsx_bytes(empty))
    assert [c.value for c in ws[1]] == ["日期", "点击"] and ws.max_row == 1
    assert list(pd.read_parquet(io.BytesIO(export.to_parquet_bytes(empty))).columns) == ["日期", "点击"]


# ---- formula injection ------------------------------------------------------------------------------------

DANGEROUS = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "=1+1"]


def test_csv_neutralises_formula_text_but_keeps_numbers() -> None:
    frame = pd.DataFrame({"标题": DANGEROUS, "净额": [-5, -1.5, 0, 3, -7, 2, -100],
                          "文本数字": ["-12.5", "+3", "-1e3", "12", "-0", ".5", "-"],
                          "名字": ["普通", "a=b", " =x", "小美", "—", "<5", None]})
    back = pd.read_csv(io.BytesIO(export.to_csv_bytes(frame)), encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)
    assert back["标题"].tolist() == ["'" + v for v in DANGEROUS]
    assert back["净额"].tolist() == ["-5.0", "-1.5", "0.0", "3.0", "-7.0", "2.0", "-100.0"]  # numbers untouched
    assert back["文本数字"].tolist() == ["-12.5", "+3", "-1e3", "12", "-0", ".5", "'-"]  # numbers written as text too
    assert back["名字"].tolist() == ["普通", "a=b", " =x", "小美", "—", "<5", ""]
    # A header is a cell too.
    assert pd.read_csv(io.BytesIO(export.to_csv_bytes(pd.DataFrame({"=cmd": [1]}))), encoding="utf-8-sig"
                       ).columns.tolist() == ["'=cmd"]


def test_xlsx_never_writes_a_formula() -> None:
    frame = pd.DataFrame({"标题": DANGEROUS, "净额": [-5, -1.5, 0, 3, -7, 2, -100]})
    data = export.to_xlsx_bytes(frame)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    ws = _xlsx(data)
    cells = [ws.cell(r, 1) for r in range(2, len(DANGEROUS) + 2)]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells][0] == DANGEROUS[0] and cells[-1].value == "=1+1"
    assert [ws.cell(r, 2).value for r in range(2, 9)] == [-5, -1.5, 0, 3, -7, 2, -100]


def test_screen_csv_buttons_neutralise_too() -> None:
    """The screens' CSV (ui.csv_bytes) is export.to_csv_bytes: one place."""
    from advisor import ui

    frame = pd.DataFrame({"标题": ["=1+1"], "gmv": [-3.5]})
    assert ui.csv_bytes(frame) == export.to_csv_bytes(frame)
    assert ui.csv_bytes(frame).decode("utf-8-sig").splitlines()[1] == "'=1+1,-3.5"


# ---- charts: PNG, SVG, HTML ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trend(demo: dataset.Dataset) -> object:
    return charts.daily_trend(metrics.overview_daily(demo, _whole(demo)), "zh-CN", t("window.7d", "zh-CN"))


def test_png_is_twice_the_figure_size(trend: object) -> None:
    _skip_without_images()
    width, height = export.figure_size(trend)
    assert (width, height) == (export.DEFAULT_WIDTH, 560)  # the trend sets its height, the page its width
    assert _png_size(export.figure_to_png(trend)) == (2 * width, 2 * height)


def test_svg_has_the_size_and_the_chinese_labels(trend: object, demo: dataset.Dataset) -> None:
    _skip_without_images()
    svg = export.figure_to_svg(trend).decode("utf-8")
    width, height = export.figure_size(trend)
    assert re.search(rf'<svg[^>]*width="{width}"[^>]*height="{height}"', svg)
    for text in ("每日趋势", "粉丝数", "点击", "订单", "成交金额 GMV", "净成交额", "归因窗口"):
        assert text in svg, text
    # Bucket labels of an audience chart, in Chinese.
    gender = metrics.mask_small_cells(metrics.audience_breakdown(demo, _whole(demo, dim="gender")),
                                      {"fans": ["share"]})
    bars = export.figure_to_svg(charts.profile_bars(gender, "gender", "zh-CN")).decode("utf-8")
    assert "女" in bars and "男" in bars


def test_chart_html_is_self_contained(trend: object) -> None:
    html = export.figure_to_html(trend, lang="zh-CN").decode("utf-8")
    _no_network(html)
    assert '<meta charset="utf-8">' in html and "<title>每日趋势</title>" in html
    assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js itself is inside
    assert "每日趋势" in html


def test_images_say_how_to_get_chromium(monkeypatch: pytest.MonkeyPatch, trend: object) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert not export.images_available()
    with pytest.raises(export.ChromiumMissing, match="apt-get install chromium"):
        export.figure_to_png(trend)
    assert "apt-get install chromium" in export.images_hint("zh-CN")
    export.figure_to_html(trend)  # needs no browser


# ---- the page report ------------------------------------------------------------------------------------------

def test_page_report_holds_every_chart_and_table(demo: dataset.Dataset) -> None:
    f = _whole(demo)
    items = export.screen_items("overview", demo, f, "en", t("window.7d", "en"))
    assert [(i.kind, i.stem) for i in items] == [("table", "kpis"), ("chart", "daily_trend"), ("table", "daily")]
    facts = export.report_facts("en", demo.name, (f.period.start, f.period.end), (f.period.start, f.period.end),
                                ["小美"], "7 days", {"metric": "cvr"}, demo.tz)
    html = export.page_report(export.report_title("overview", "en"), facts, items, "en",
                              link="http://x/overview?data=ds").decode("utf-8")
    _no_network(html)
    assert "<title>Overview · Social Commerce Advisor</title>" in html
    assert html.count("Plotly.newPlot") == 1 and html.count("<h2>") == 2
    for text in ("Key figures", "Daily figures", "Daily trend", "7 days", "小美", "metric=cvr", demo.name,
                 f"{f.period.start.isoformat()} to {f.period.end.isoformat()}", "http://x/overview?data=ds"):
        assert text in html, text
    daily = metrics.overview_daily(demo, f)
    assert html.count("<tr>") >= len(daily) + 1  # every day is a row


def test_report_tables_are_escaped_and_cut(demo: dataset.Dataset) -> None:
    frame = pd.DataFrame({"name": ["<script>alert(1)</script>", "小美"] * 3, "gmv": [1234.5] * 6})
    html = export.table_html(frame, "zh-CN", max_rows=4)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<tr>") == 5 and "仅显示前 4 行(共 6 行)" in html
    assert "¥1,234.50" in html


# ---- the command line -----------------------------------------------------------------------------------------

def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_export_writes_every_table_format_and_the_report(tiny_demo: Path, demo: dataset.Dataset, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reports"
    code, stdout, err = _run(capsys, "export", "overview", "--data", str(tiny_demo), "--from", "2026-09-01",
                             "--to", "2026-09-30", "--lang", "en", "--out", str(out), "--format", "csv",
                             "--format", "xlsx", "--format", "parquet", "--format", "html", "--format", "report")
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    suffix = "2026-09-01_2026-09-30"
    assert names == sorted([f"overview_{stem}_{suffix}.{ext}" for stem in ("kpis", "daily")
                            for ext in ("csv", "xlsx", "parquet")]
                           + [f"overview_daily_trend_{suffix}.html", f"overview_report_{suffix}.html"])
    assert all(f"wrote {out / n}" in stdout for n in names)
    # The files hold the query's figures.
    f = metrics.Filters(metrics.Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30)))
    daily = metrics.overview_daily(demo, f)
    csv = pd.read_csv(out / f"overview_daily_{suffix}.csv", encoding="utf-8-sig")
    assert list(csv.columns) == [t(f"metric.{c}", "en") for c in daily.columns]
    assert csv[t("metric.clicks", "en")].tolist() == daily["clicks"].astype(int).tolist()
    assert csv[t("metric.gmv", "en")].tolist() == pytest.approx(daily["gmv"].astype(float).tolist())
    ws = _xlsx((out / f"overview_daily_{suffix}.xlsx").read_bytes())
    assert ws.max_row == len(daily) + 1 and ws.freeze_panes == "A2"
    parquet = pd.read_parquet(out / f"overview_daily_{suffix}.parquet")
    assert parquet[t("metric.orders", "en")].tolist() == daily["orders"].astype(int).tolist()
    report = (out / f"overview_report_{suffix}.html").read_text(encoding="utf-8")
    _no_network(report)
    assert "Daily trend" in report and "2026-09-01 to 2026-09-30 (30 days)" in report
    _no_network((out / f"overview_daily_trend_{suffix}.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", export.PAGES)
def test_cli_export_every_screen(page: str, tiny_demo: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = _run(capsys, "export", page, "--data", str(tiny_demo), "--out", str(tmp_path),
                             "--format", "csv", "--format", "report")
    assert code == 0, err
    written = sorted(p.name for p in tmp_path.iterdir())
    assert len([n for n in written if n.endswith(".csv")]) >= 2, written
    assert all(n.startswith(f"{page}_") for n in written)
    report = next(tmp_path.glob(f"{page}_report_*.html")).read_text(encoding="utf-8")
    assert f"<title>{t(f'page.{page}', 'zh-CN')} · 社交电商参谋</title>" in report
    assert report.count('class="chart"') >= 1


def test_cli_export_posts_at_any_scale(tiny_demo: Path, demo: dataset.Dataset, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """More posts than a result may hold (the large scale's 1.6 M): the export's table is the screen's default one,
    the best by GMV ranked and cut in SQL, and says so in its title."""
    monkeypatch.setattr(db, "MAX_ROWS", 800)  # under the tiny demo's 976 posts
    monkeypatch.setattr(metrics, "RANK_LIMIT", 100)
    metrics.clear_cache()
    code, _, err = _run(capsys, "export", "posts", "--data", str(tiny_demo), "--out", str(tmp_path), "--lang", "en",
                        "--format", "csv", "--format", "report")
    assert code == 0, err
    csv = pd.read_csv(next(tmp_path.glob("posts_posts_*.csv")), encoding="utf-8-sig")
    best = metrics.post_ranking(demo, metrics.Filters(metrics.span_period(demo)))
    assert csv[t("posts.col.post_id", "en")].tolist() == best["post_id"].tolist() and len(csv) == 100
    report = next(tmp_path.glob("posts_report_*.html")).read_text(encoding="utf-8")
    assert t("posts.table.title_top", "en", n="100", metric=t("posts.col.gmv", "en")) in report


def test_cli_export_audience_at_any_scale(tiny_demo: Path, demo: dataset.Dataset, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """All influencers as one audience, more influencer-days, -hours and -buckets than a result may hold (the large
    scale's 10,000 influencers): the export sums them in the database, as the screen does."""
    whole = metrics.as_one_audience(metrics.Filters(metrics.span_period(demo), dim="province"))
    provinces = metrics.mask_small_cells(metrics.audience_breakdown(demo, whole), {"fans": ["share"]})
    monkeypatch.setattr(db, "MAX_ROWS", 200)  # under the tiny demo's 1,058 influencer-buckets, over its 184 days
    metrics.clear_cache()
    code, _, err = _run(capsys, "export", "audience", "--data", str(tiny_demo), "--out", str(tmp_path), "--lang",
                        "en", "--format", "csv")
    assert code == 0, err
    csv = pd.read_csv(next(tmp_path.glob("audience_provinces_*.csv")), encoding="utf-8-sig", dtype=str,
                      keep_default_na=False)
    assert csv[t("audience.col.fans", "en")].tolist() == [str(v) for v in provinces["fans"]] and len(csv) > 12


def test_cli_export_images(tiny_demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _skip_without_images()
    code, stdout, err = _run(capsys, "export", "overview", "--data", str(tiny_demo), "--out", str(tmp_path),
                             "--format", "png", "--format", "svg")
    assert code == 0, err
    png = next(tmp_path.glob("overview_daily_trend_*.png")).read_bytes()
    assert _png_size(png) == (2 * export.DEFAULT_WIDTH, 2 * 560)
    assert "每日趋势" in next(tmp_path.glob("overview_daily_trend_*.svg")).read_text(encoding="utf-8")
    assert not list(tmp_path.glob("*.csv"))  # only what was asked for


@pytest.mark.parametrize(("argv", "code", "message"), [
    (["export", "nowhere", "--data", "{ds}", "--out", "{tmp}"], 2, "invalid choice: 'nowhere'"),
    (["export", "overview", "--data", "{ds}"], 2, "the following arguments are required: --out"),
    (["export", "overview", "--data", "{ds}", "--out", "{ds}/out"], 2, "error: --out lies inside the dataset"),
    (["export", "overview", "--data", "/nonexistent", "--out", "{tmp}"], 2,
     "error: dataset folder /nonexistent does not exist"),
    (["export", "overview", "--data", "{ds}", "--out", "{tmp}", "--format", "gif"], 2, "invalid choice: 'gif'"),
    (["export", "benchmarks", "--data", "{ds}", "--out", "{tmp}", "--k", "2"], 2, "error: --k is never below 3"),
    (["export", "benchmarks", "--data", "{ds}", "--out", "{tmp}", "--metric", "likes"], 2, "error: --metric is one of"),
    (["export", "overview", "--data", "{ds}", "--out", "{tmp}", "--window-days", "31"], 2,
     "error: --window-days lies between"),
    (["export", "overview", "--data", "{ds}", "--out", "{tmp}", "--from", "2026-03-05", "--to", "2026-03-01"], 2,
     "error: --to 2026-03-01 is before --from 2026-03-05"),
    (["export", "campaigns", "--data", "{ds}", "--out", "{tmp}"], 1,
     "error: the dataset has no campaigns export"),
    (["export", "merchants", "--data", "{ds}", "--out", "{tmp}"], 1, "error: the dataset has no products export"),
])
def test_cli_export_errors_are_one_line(minimal_dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        argv: list[str], code: int, message: str) -> None:
    before = sorted(p.name for p in minimal_dataset.iterdir())
    got, _, err = _run(capsys, *[a.replace("{ds}", str(minimal_dataset)).replace("{tmp}", str(tmp_path / "o"))
                                 for a in argv])
    assert got == code, err
    assert message in err and "Traceback" not in err
    if message.startswith("error:"):  # ours; argparse's own come with its usage line
        assert len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in minimal_dataset.iterdir()) == before  # never a file in the dataset


def test_cli_export_without_chromium_says_how_to_get_it(minimal_dataset: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    code, _, err = _run(capsys, "export", "overview", "--data", str(minimal_dataset), "--out", str(tmp_path / "o"),
                        "--format", "png")
    assert code == 1 and "apt-get install chromium" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_cli_export_help_says_what_it_writes() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "advisor", "export", "--help"], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    for words in ("png (2x) and svg", "xlsx", "parquet", "report", "Chromium", "PAGE_NAME_FROM_TO.EXT"):
        assert words in text, words
    for page in export.PAGES:
        assert f"{page}:" in text


# ---- the screens: every table and chart offers its files, the share box, the report -----------------------

def test_screen_offers_every_format_the_link_and_the_report(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from advisor import ui

    monkeypatch.setenv("ADVISOR_DATA", str(tiny_demo))
    monkeypatch.delenv("ADVISOR_TZ", raising=False)
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.query_params.update({"lang": "en", "period": "30d", "data": tiny_demo.name})
    at.run()
    at.switch_page("pages/campaigns.py").run()
    assert not at.exception
    assert not [w for w in at.warning if "This link was made" in w.value]  # the link's dataset is the server's
    keys = {e.proto.id.rsplit("-", 1)[-1] for e in at.get("download_button")}
    # Each table: CSV beside it, XLSX and Parquet in its popover; each chart: PNG, SVG (Chromium here) and HTML.
    for table in ("campaigns_table", "campaigns_lift", "campaigns_hourly", "campaigns_products"):
        assert {f"{table}_csv", f"{table}_xlsx", f"{table}_parquet"} <= keys, table
    for chart in ("campaigns_lift_chart", "campaigns_hourly_chart", "campaigns_spend_gmv", "campaigns_products_chart"):
        assert {f"{chart}_html"} <= keys, chart
        assert not export.images_available() or {f"{chart}_png", f"{chart}_svg"} <= keys, chart
    assert "report_html" in keys
    # The link: this view's filters and choices and the dataset's name (never its path).
    link = at.code[0].value
    query = dict(p.split("=", 1) for p in link.split("?", 1)[1].split("&"))
    assert query["lang"] == "en" and query["period"] == "30d" and query["data"] == tiny_demo.name
    assert query["campaign"] == at.query_params["campaign"]
    assert str(tiny_demo.parent) not in link
    # The report of this run: every chart drawn, the filters, the link.
    run = at.session_state["_export_run"]
    assert run.slug == "campaigns" and sum(i.kind == "chart" for i in run.items) == len(at.get("plotly_chart"))
    html = ui._report_bytes(run).decode("utf-8")
    _no_network(html)
    assert html.count('class="chart"') == len(at.get("plotly_chart"))
    for text in ("Campaigns · Social Commerce Advisor", "(30 days)", "7 days", t("campaigns.table.title", "en"),
                 f"campaign={query['campaign']}", escape(link)):
        assert text in html, text


def test_a_link_for_another_dataset_is_said_so(tiny_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ADVISOR_DATA", str(tiny_demo))
    monkeypatch.delenv("ADVISOR_TZ", raising=False)
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.query_params.update({"data": "../../etc", "lang": "en"})
    at.run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "made for dataset ../../etc" in warning and f"opens dataset {tiny_demo.name}" in warning
    assert at.code[0].value.endswith(f"data={tiny_demo.name}")  # a copied link names the dataset shown
    assert at.get("plotly_chart")  # the view is drawn from the server's own dataset, nothing else is opened
