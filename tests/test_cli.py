"""python -m advisor: the same figures as the query layer, clear one-line errors, exit codes."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from advisor import dataset, db, metrics
from advisor.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_query_csv_on_stdout_equals_the_query_layer(minimal_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "query", "overview_kpis", "--data", str(minimal_dataset),
                          "--from", "2026-03-01", "--to", "2026-03-03", "--window-days", "1")
    assert code == 0, err
    got = pd.read_csv(io.StringIO(out))
    f = metrics.Filters(metrics.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 3)), window=dt.timedelta(days=1))
    want = metrics.overview_kpis(dataset.open_dataset(minimal_dataset), f)
    assert list(got.columns) == list(want.columns)
    assert got.iloc[0].to_dict() == pytest.approx({k: float(v) for k, v in want.iloc[0].items()})
    assert got.loc[0, "orders"] == 2  # the second order comes 12 h after its click: inside one day


def test_query_names_the_tables_it_builds_first_on_stderr(tiny_demo: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "ds"
    shutil.copytree(tiny_demo, data)  # a dataset never opened
    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # a terminal: a script's stderr stays one error line
    code, out, err = _run(capsys, "query", "overview_kpis", "--data", str(data))
    assert code == 0 and "preparing daily_clicks (" in err and "preparing profile_days" not in err, err
    assert "preparing click_facts" not in err, "every influencer's figures over whole days are sums by day"
    db.forget()
    code, again, err = _run(capsys, "query", "overview_kpis", "--data", str(data))
    assert code == 0 and again == out and "preparing" not in err, "read from the cache folder: nothing to say"
    db.forget()


def test_query_writes_every_row_whatever_the_screens_row_cap(tiny_demo: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """db.MAX_ROWS keeps a screen from holding what it cannot show; `query post_conversion` writes the whole table
    (the Posts screen's caption sends readers here for it), and post_ranking its first --limit rows."""
    monkeypatch.setattr(db, "MAX_ROWS", 5)
    metrics.clear_cache()
    code, out, err = _run(capsys, "query", "post_conversion", "--data", str(tiny_demo))
    assert code == 0, err
    got = pd.read_csv(io.StringIO(out))
    assert len(got) > 5 and got["post_id"].is_unique
    code, out, err = _run(capsys, "query", "post_ranking", "--data", str(tiny_demo), "--rank-by", "cvr", "--show",
                          "bottom", "--limit", "7")
    assert code == 0, err
    ranked = pd.read_csv(io.StringIO(out))
    assert list(ranked["rank"]) == list(range(1, 8))
    worst = got[got["cvr"].notna()].sort_values(["cvr", "post_id"], kind="stable").head(7)
    assert list(ranked["post_id"]) == list(worst["post_id"])
    assert set(ranked["ranked_posts"]) == {int(got["cvr"].notna().sum())}
    with pytest.raises(db.TooManyRows):  # outside the command line the cap stands
        metrics.post_conversion(dataset.open_dataset(tiny_demo), metrics.Filters(
            metrics.span_period(dataset.open_dataset(tiny_demo))))


@pytest.mark.parametrize("chosen", [(), (0, 2, 3, 5, 7)], ids=["all", "five"])
def test_query_combine_sums_the_breakdown_in_the_database(tiny_demo: Path, capsys: pytest.CaptureFixture[str],
                                                          chosen: tuple[int, ...]) -> None:
    """--combine: audience_breakdown of the chosen influencers as one audience, as the Audience screen shows them:
    fans summed per bucket (follow relations: a user who follows two of them counts twice), share of the summed
    audience (for interest: of fans, not of tags)."""
    ds = dataset.open_dataset(tiny_demo)
    ids = [int(i) for i in metrics.influencer_list(ds, metrics.Filters(metrics.span_period(ds)))["influencer_id"]]
    picked = [a for n in chosen for a in ("--influencer", str(ids[n]))]

    def rows(*argv: str) -> pd.DataFrame:
        code, out, err = _run(capsys, "query", "audience_breakdown", "--data", str(tiny_demo), "--format", "json",
                              *picked, *argv)
        assert code == 0, err
        return pd.DataFrame(json.loads(out))

    each = rows("--dim", "interest")
    audience = int(rows("--dim", "gender")["fans"].sum())
    got = rows("--dim", "interest", "--combine")
    assert list(got.columns) == ["influencer_id", "dim", "bucket", "fans", "share"]
    assert got["influencer_id"].isna().all() and len(got) == each["bucket"].nunique() < len(each)
    want = each.groupby("bucket")["fans"].sum()
    assert got.set_index("bucket")["fans"].to_dict() == want.to_dict()
    assert got.set_index("bucket")["share"].to_dict() == pytest.approx((want / audience).to_dict())
    assert got["fans"].is_monotonic_decreasing


def test_window_changes_the_answer(minimal_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, hour, _ = _run(capsys, "query", "overview_kpis", "--data", str(minimal_dataset), "--window-days", str(2 / 24))
    _, week, _ = _run(capsys, "query", "overview_kpis", "--data", str(minimal_dataset))
    assert pd.read_csv(io.StringIO(hour)).loc[0, "orders"] == 1
    assert pd.read_csv(io.StringIO(week)).loc[0, "orders"] == 2


def test_influencer_filter_repeats(minimal_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, one, _ = _run(capsys, "query", "influencer_list", "--data", str(minimal_dataset), "--format", "json")
    rows = json.loads(one)
    assert [r["influencer_id"] for r in rows] == [1, 2] and rows[0]["name"] == "小美<b>粗体</b>"
    _, both, _ = _run(capsys, "query", "order_attribution", "--data", str(minimal_dataset), "--format", "json",
                      "--influencer", "1", "--influencer", "2")
    _, first, _ = _run(capsys, "query", "order_attribution", "--data", str(minimal_dataset), "--format", "json",
                       "--influencer", "1")
    assert len(json.loads(both)) == 2 and json.loads(first) == []


def test_parquet_and_csv_files(minimal_dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "daily.parquet"
    assert _run(capsys, "query", "overview_daily", "--data", str(minimal_dataset), "--format", "parquet",
                "--out", str(out))[0] == 0
    daily = pd.read_parquet(out)
    assert list(daily["day"].dt.date) == [dt.date(2026, 3, 1), dt.date(2026, 3, 2)]
    csv = tmp_path / "daily.csv"
    assert _run(capsys, "query", "overview_daily", "--data", str(minimal_dataset), "--out", str(csv))[0] == 0
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese right


def test_drill_down_ids_reach_the_query(tiny_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ds = dataset.open_dataset(tiny_demo)
    whole = metrics.span_period(ds)
    campaigns = metrics.campaign_roi(ds, metrics.Filters(whole))
    ids = {"post": int(campaigns["post_id"].dropna().iloc[0]), "campaign": int(campaigns["campaign_id"].iloc[0])}
    for name, key in (("post_hourly", "post"), ("campaign_hourly", "campaign")):
        code, out, err = _run(capsys, "query", name, "--data", str(tiny_demo), f"--{key}", str(ids[key]),
                              "--format", "json")
        assert code == 0, err
        want = metrics.QUERIES[name](ds, metrics.Filters(whole, extra=((key, ids[key]),)))
        assert len(json.loads(out)) == len(want) > 0


@pytest.mark.parametrize(("argv", "code", "message"), [
    (["query", "no_such_query", "--data", "{ds}"], 2, "error: unknown query 'no_such_query'"),
    (["query", "overview_kpis", "--data", "{ds}", "--window-days", "31"], 2, "error: --window-days lies between"),
    (["query", "overview_kpis", "--data", "{ds}", "--from", "2026-03-05", "--to", "2026-03-01"], 2,
     "error: --to 2026-03-01 is before --from 2026-03-05"),
    (["query", "overview_kpis", "--data", "{ds}", "--out", "{ds}/x.csv"], 2, "error: --out lies inside the dataset"),
    (["query", "overview_kpis", "--data", "/nonexistent"], 2, "error: dataset folder /nonexistent does not exist"),
    (["query", "overview_kpis", "--data", "{ds}", "--k", "2"], 2, "error: --k is never below 3"),
    (["query", "post_hourly", "--data", "{ds}"], 2, "error: post_hourly needs --post ID"),
    (["query", "campaign_hourly", "--data", "{ds}"], 2, "error: campaign_hourly needs --campaign ID"),
    (["validate", "/nonexistent"], 2, "error: dataset folder /nonexistent does not exist"),
    (["demo", "--out", "{ds}"], 2, "exists; demo writes a new folder"),
])
def test_usage_errors_are_one_line(minimal_dataset: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                   code: int, message: str) -> None:
    got, out, err = _run(capsys, *[a.replace("{ds}", str(minimal_dataset)) for a in argv])
    assert got == code
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (minimal_dataset / "x.csv").exists()


def test_validate_exit_codes(minimal_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "validate", str(minimal_dataset))
    assert code == 0 and out.strip().endswith("valid (0 errors, 0 warnings)")
    (minimal_dataset / "posts.parquet").unlink()
    code, out, _ = _run(capsys, "validate", str(minimal_dataset), "--lang", "zh-CN")
    assert code == 1
    assert out.splitlines()[0] == "ERROR: 缺少必需的表 posts:应有 posts.parquet 或文件夹 posts/。"


def test_query_on_broken_dataset_names_the_problem(minimal_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (minimal_dataset / "orders.parquet").write_bytes(b"garbage")
    code, _, err = _run(capsys, "query", "overview_kpis", "--data", str(minimal_dataset))
    assert code == 1 and "Table orders: file orders.parquet cannot be read as Parquet" in err
    assert "Traceback" not in err


def test_help_for_every_command() -> None:
    for command in ([], ["demo"], ["validate"], ["query"]):
        done = subprocess.run([sys.executable, "-m", "advisor", *command, "--help"], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0 and "usage: python -m advisor" in done.stdout


def test_module_entry_point_writes_csv(minimal_dataset: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "advisor", "query", "dataset_span", "--data", str(minimal_dataset)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["first_day,last_day", "2026-03-01,2026-03-02"]


def test_query_csv_files_are_safe_for_excel(tmp_path: Path) -> None:
    """A CSV file from `query --out` is the screens' CSV: BOM, CRLF, and a name that Excel would run as a formula
    written as text; standard output stays the plain rows, for scripts."""
    from advisor import cli

    frame = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\")", "普通", "-1+1"], "gmv": [1.5, -2.0, 3.0]})
    out = tmp_path / "rows.csv"
    cli._write(frame, "csv", out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = data.decode("utf-8-sig").splitlines()
    assert rows[1].startswith("\"'=HYPERLINK") and rows[3].startswith("'-1+1") and rows[2] == "普通,-2.0"
