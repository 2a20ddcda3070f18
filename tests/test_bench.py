"""python -m advisor bench: a row for every query and screen, a real pandas peer, screen lists in step with pages/."""

from __future__ import annotations

import datetime as dt
import inspect
import os
import re
import signal
from pathlib import Path

import pytest

from advisor import bench, dataset, db, metrics
from advisor.cli import main

ROOT = Path(__file__).resolve().parent.parent
CALL = re.compile(r"\bmetrics\.([a-z_][a-z0-9_]*)")


def query_functions(path: Path) -> set[str]:
    """The metrics functions a file calls that take the dataset first: those that run queries."""
    found = set()
    for name in CALL.findall(path.read_text(encoding="utf-8")):
        fn = getattr(metrics, name, None)
        if inspect.isfunction(fn) and next(iter(inspect.signature(fn).parameters), None) == "ds":
            found.add(name)
    return found


def test_every_page_has_a_screen_list() -> None:
    assert set(bench.SCREENS) == {p.stem for p in (ROOT / "pages").glob("*.py")}


@pytest.mark.parametrize("page", sorted(p.stem for p in (ROOT / "pages").glob("*.py")))
def test_screen_list_holds_every_query_function_its_page_calls(page: str) -> None:
    listed = {call.fn for call in bench.SCREENS[page]}
    missing = query_functions(ROOT / "pages" / f"{page}.py") - listed
    assert not missing, f"advisor/bench.py SCREENS[{page!r}] lacks {sorted(missing)}"


def test_every_screen_list_holds_the_sidebar() -> None:
    sidebar = {call.fn for call in bench.SIDEBAR}
    assert query_functions(ROOT / "advisor" / "ui.py") <= sidebar
    for calls in bench.SCREENS.values():
        assert sidebar <= {call.fn for call in calls}


def test_audience_screen_list_combines_as_the_page_does() -> None:
    """pages/audience.py shows none or more than four chosen influencers as one audience (days, profile buckets and
    hours summed in the database), one to four each on its own: the bench asks the same."""
    span = metrics.Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    for chosen, combine in (((), True), ((1,), False), ((1, 2, 3, 4), False), ((1, 2, 3, 4, 5), True)):
        picks = bench.Picks(metrics.Filters(span, influencers=chosen))
        calls = [c for c in bench.SCREENS["audience"]
                 if c.fn in ("audience_daily", "audience_breakdown", "audience_active_hours")]
        assert len(calls) == 9
        for call in calls:
            assert metrics.combined(call.filters(picks)) is combine, (call.fn, chosen)
        # TGI is drawn for one to four influencers only; combined, the page asks to pick some instead.
        (tgi,) = [c for c in bench.SCREENS["audience"] if c.fn == "audience_tgi"]
        asked = tgi.filters(picks)
        assert (asked is None) is combine, chosen
        assert combine or (asked.dim == "interest" and asked.influencers == chosen)
    assert 'DEFAULT_TGI = "interest"' in (ROOT / "pages" / "audience.py").read_text(encoding="utf-8")


def test_listed_functions_exist() -> None:
    for calls in bench.SCREENS.values():
        for call in calls:
            assert callable(getattr(metrics, call.fn, None)), call.fn


def test_bench_prints_a_row_for_every_query_screen_floor_and_peer(tiny_demo: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.md"
    code = main(["bench", "--data", str(tiny_demo), "--repeat", "1", "--cold-repeat", "0", "--out", str(out)])
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert out.read_text(encoding="utf-8") == printed
    rows = {line.split("|")[1].strip(): line for line in printed.splitlines() if line.startswith("| ")}
    for name in [*metrics.QUERIES, *bench.SCREENS]:
        assert name in rows, name
        cells = [c.strip() for c in rows[name].split("|")[2:-1]]
        assert re.fullmatch(r"[\d.,]+", cells[2]), f"{name}: no warm p50 in {rows[name]!r}"  # no error, not skipped
    assert any(k.startswith("floor: bare scan of the raw rows") for k in rows)
    assert any(k.startswith("floor: bare scan of the prepared rows") for k in rows)
    assert any(k.startswith("peer: pandas") for k in rows)
    assert "equal to post_conversion's, post by post" in printed
    assert re.search(r"peak RSS of this process after the queries, screens and floors: [\d,]+ MiB", printed)


def test_named_queries_and_screens_alone_cold_and_warm(tiny_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["bench", "--data", str(tiny_demo), "--repeat", "1", "--cold-repeat", "1", "--no-peer",
                 "--query", "post_conversion", "--screen", "overview"])
    printed, err = capsys.readouterr()
    assert code == 0, err
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in printed.splitlines() if line.startswith("| ")}
    assert "overview_kpis" not in rows and "posts" not in rows
    for name in ("post_conversion", "overview"):
        warm, cold = rows[name][1], rows[name][4]
        assert re.fullmatch(r"[\d.,]+", warm) and re.fullmatch(r"[\d.,]+", cold), rows[name]
    assert "not run (--no-peer)" in printed
    # the first open ever, timed with an empty cache folder, and the cache folder of the run named
    first = printed.split("## First open ever (empty cache folder)", 1)[1].split("##", 1)[0]
    for label in ("open the connection", "integrity rules", "Overview screen"):
        [line] = [x for x in first.splitlines() if label in x]
        assert re.fullmatch(r"1 \| [\d.,]+ \| [\d.,]+ \|", line.split("| ", 2)[2].strip()), line
    assert f"- prepared cache: on (`{db.cache_dir()}`)" in printed


def test_named_queries_and_the_peer_get_every_row_as_on_the_command_line(
        tiny_demo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The row cap guards the screens; post_conversion has more rows than it at the large scale (1.6 M posts), and
    the bench times it, and compares it with the peer, whole, as `python -m advisor query` writes it."""
    ds = dataset.open_dataset(tiny_demo)
    posts = len(metrics.post_conversion(ds, metrics.Filters(metrics.span_period(ds))))
    monkeypatch.setattr(db, "MAX_ROWS", posts // 2)
    code = main(["bench", "--data", str(tiny_demo), "--repeat", "1", "--cold-repeat", "0",
                 "--query", "post_conversion"])
    printed, err = capsys.readouterr()
    assert code == 0, err
    [row] = [line for line in printed.splitlines() if line.startswith("| post_conversion |")]
    assert row.split("|")[2].strip() == f"{posts:,}", row
    assert "TooManyRows" not in printed
    assert "equal to post_conversion's, post by post" in printed


def _killed(path: str, tz: str, f: metrics.Filters, runs: int) -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer ends a peer that outgrows the machine


def test_a_peer_killed_for_memory_is_reported_and_the_bench_goes_on(tiny_demo: Path) -> None:
    ds = dataset.open_dataset(tiny_demo)
    f = metrics.Filters(metrics.span_period(ds))
    times, frame, rss = bench.run_peer(tiny_demo, ds.tz, f, 1)  # in its own process, the same frame as here
    assert len(times) == 1 and rss > 0
    assert bench.peer_differences(frame, metrics.post_conversion(ds, f)) == []
    with pytest.raises(bench.PeerFailed, match=r"its process was killed after \d+ s \(out of memory"):
        bench.run_peer(tiny_demo, ds.tz, f, 1, target=_killed)


def test_the_view_of_one_influencer(tiny_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ds = dataset.open_dataset(tiny_demo)
    listed = metrics.influencer_list(ds, metrics.Filters(metrics.span_period(ds)))
    most = int(listed.loc[listed["fans"] == listed["fans"].max(), "influencer_id"].min())
    other = int(listed.loc[listed["influencer_id"] != most, "influencer_id"].iloc[0])
    assert bench.find_picks(ds, needs=set(), influencers=["top"]).filters.influencers == (most,)
    assert bench.find_picks(ds, needs=set(), influencers=[other, most, other]).filters.influencers == (other, most)
    # the screens' calls and the peer get the narrowed view; the peer still agrees with post_conversion
    code = main(["bench", "--data", str(tiny_demo), "--repeat", "1", "--cold-repeat", "0",
                 "--influencer", "top", "--query", "post_conversion", "--screen", "posts"])
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert f"), influencer {most} (`--influencer top`: the most fans), attribution window" in printed
    assert "equal to post_conversion's, post by post" in printed
    code = main(["bench", "--data", str(tiny_demo), "--repeat", "1", "--cold-repeat", "0", "--no-peer",
                 "--influencer", "999999999999", "--query", "overview_kpis"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.strip().splitlines() == ["error: no influencer 999999999999 in the dataset"]


def test_peer_equals_post_conversion_on_tiny_data(tiny_demo: Path) -> None:
    ds = dataset.open_dataset(tiny_demo)
    f = metrics.Filters(metrics.span_period(ds))
    query = metrics.post_conversion(ds, f)
    peer = bench.pandas_post_conversion(ds, f)
    assert len(peer) == len(query) > 100
    assert int(peer["orders"].sum()) > 50 and int(peer["fan_clicks"].sum()) > 0  # a real computation, not a stub
    assert bench.peer_differences(peer, query) == []
    # also over a shorter period and a short window, where clicks before the period and lapsed windows matter
    short = metrics.Filters(metrics.Period(f.period.start.replace(month=f.period.start.month + 1), f.period.end),
                            window=metrics.MIN_WINDOW)
    query = metrics.post_conversion(ds, short)
    assert bench.peer_differences(bench.pandas_post_conversion(ds, short), query) == []
    # and the check would notice a wrong figure
    broken = peer.assign(orders=peer["orders"] + (peer.index == 0))
    assert bench.peer_differences(broken, metrics.post_conversion(ds, f)) != []


@pytest.mark.parametrize(("argv", "message"), [
    (["--repeat", "0"], "error: --repeat is at least 1 and --cold-repeat at least 0"),
    (["--cold-repeat", "-1"], "error: --repeat is at least 1 and --cold-repeat at least 0"),
    (["--query", "nope"], "error: unknown query 'nope'; known: " + ", ".join(metrics.QUERIES)),
    (["--screen", "nope"], "error: unknown screen 'nope'; known: " + ", ".join(bench.SCREENS)),
])
def test_usage_errors_exit_2_with_one_line(tiny_demo: Path, argv: list[str], message: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["bench", "--data", str(tiny_demo), *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [message]


def test_argparse_errors_exit_2(tiny_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--data", str(tiny_demo), "--repeat", "x"]) == 2
    assert "invalid int value: 'x'" in capsys.readouterr().err.strip().splitlines()[-1]
    assert main(["bench"]) == 2
    assert "--data" in capsys.readouterr().err.strip().splitlines()[-1]
    assert main(["bench", "--data", str(tiny_demo), "--influencer", "head"]) == 2
    assert "'head' is not an influencer id (a whole number) or `top`" in capsys.readouterr().err


def test_missing_folder_and_out_inside_the_dataset(tiny_demo: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--data", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [f"error: dataset folder {tmp_path / 'nope'} does not exist"]
    assert main(["bench", "--data", str(tiny_demo), "--out", str(tiny_demo / "b.md")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: --out lies inside the dataset folder; the advisor never writes there"]
    assert not (tiny_demo / "b.md").exists()


def test_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--data", "--repeat", "--cold-repeat", "--out", "--no-peer", "--query", "--screen",
                   "--influencer"):
        assert option in text


def test_the_floors_read_every_row(tiny_demo: Path) -> None:
    """The floors scan every row post_conversion reads: counts from the Parquet files themselves (pyarrow); the
    prepared floor reads _prepare's tables, one row per click (click_facts) and per order (order_last_click)."""
    import pyarrow.dataset as pads

    ds = dataset.open_dataset(tiny_demo)
    files = {name: pads.dataset([str(p) for p in ds.files[name]], format="parquet").count_rows()
             for name in ("posts", "influencers", "clicks", "orders", "fans")}
    raw = {source: rows for source, rows, _ in db.floor_scan(ds, "_bench_floor_raw")}
    assert raw == files
    prepared = {source: rows for source, rows, _ in db.floor_scan(ds, "_bench_floor_prepared")}
    assert prepared == {"posts": files["posts"], "influencers": files["influencers"],
                        "click_facts": files["clicks"], "order_last_click": files["orders"]}
    assert all(files.values())
    with pytest.raises(db.QueryError):
        db.floor_scan(ds, "overview_kpis")  # only the floors run through floor_scan
