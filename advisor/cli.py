"""The command line: python -m advisor demo | validate | query | bench | export | hash-password | check-access."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path

import pandas as pd

from advisor import access, dataset, db, metrics
from advisor.access import AccessError
from advisor.db import QueryError
from advisor.i18n import LANGS, problem_text

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Wrong words on the command line: exit 2 with one line."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m advisor", description="Social Commerce Advisor (社交电商参谋).")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    d = sub.add_parser("demo", help="write the synthetic demo dataset", description=(
        "Write a complete synthetic dataset (all eight tables of the contract). Same seed, same data."))
    d.add_argument("--out", required=True, type=Path, help="folder to create (must not exist)")
    d.add_argument("--scale", choices=("tiny", "demo", "large"), default="demo",
                   help="tiny: tests; demo: the app (~200 influencers, 1M clicks); large: benchmarks")
    d.add_argument("--seed", type=int, default=0)

    v = sub.add_parser("validate", help="check a dataset against the data contract", description=(
        "Check a dataset folder: exports, columns, types and integrity rules. "
        "Exit 0 when valid (warnings may be printed), 1 when not, 2 on usage errors."))
    v.add_argument("data", type=Path, help="dataset folder")
    v.add_argument("--tz", default=dataset.DEFAULT_TZ, help="the dataset's time zone (default Asia/Shanghai)")
    v.add_argument("--lang", choices=LANGS, default="en")

    q = sub.add_parser("query", help="run a named query and write its rows", description=(
        "Run a named query of METRICS.md. Period defaults to the dataset's whole span; "
        f"known queries: {', '.join(metrics.QUERIES)}."))
    q.add_argument("name", metavar="NAME", help="query name")
    _filter_arguments(q, merchant="merchant id, for influencer_compare (its products, its headline spend)",
                      k="smallest cohort published (never below 3)")
    q.add_argument("--dim", help="breakdown dimension, for queries that take one")
    q.add_argument("--post", type=int, metavar="ID", help="post id, for the post drill-down queries")
    q.add_argument("--campaign", type=int, metavar="ID", help="campaign id, for campaign_hourly")
    q.add_argument("--rank-by", choices=metrics.RANK_BY, default="gmv", metavar="METRIC",
                   help=f"post_ranking: the metric, one of {', '.join(metrics.RANK_BY)} (default gmv)")
    q.add_argument("--show", choices=metrics.RANK_SHOWS, default="all",
                   help="post_ranking: all or top (best first), bottom (worst first); top and bottom leave out posts "
                        "without a value (default all)")
    q.add_argument("--search", default="", metavar="TEXT", help="post_ranking: only posts whose title holds TEXT")
    q.add_argument("--limit", type=int, default=metrics.RANK_LIMIT, metavar="N",
                   help=f"post_ranking: at most N posts (default {metrics.RANK_LIMIT:,})")
    q.add_argument("--category", metavar="NAME",
                   help="benchmark_trend: one category's cohorts only (default: every category)")
    q.add_argument("--combine", action="store_true",
                   help="audience_daily, audience_active_hours, audience_breakdown: the chosen influencers as one "
                        "audience (summed)")
    q.add_argument("--segment", action="append", default=[], metavar="DIM=VALUE",
                   help="target segment of influencer_compare and audience_match; DIM one of "
                        f"{', '.join(metrics.SEGMENT_DIMS)} (e.g. gender=f, age_band=25-29, city_tier=1, "
                        "interest=beauty, province=广东); repeat for several: values of one DIM are "
                        "alternatives, different DIMs must all hold")
    q.add_argument("--format", choices=("csv", "json", "parquet"), default="csv")
    q.add_argument("--out", type=Path, help="file to write (default: standard output)")

    b = sub.add_parser("bench", help="time every named query and every screen, warm and cold", description=(
        "Run every named query and every screen's queries cold (first open, preparation included) and warm, "
        "with a floor (a bare scan of the rows read) and a pandas peer of post_conversion; print p50 / p95 "
        "latency and peak memory as a Markdown table. See docs/benchmarks.md."))
    b.add_argument("--data", required=True, type=Path, help="dataset folder")
    b.add_argument("--repeat", type=int, default=5, metavar="N", help="warm runs of each query and screen (default 5)")
    b.add_argument("--cold-repeat", type=int, default=3, metavar="N",
                   help="cold rounds, each opening the dataset afresh once per screen (default 3; 0 skips them)")
    b.add_argument("--no-peer", action="store_true", help="skip the pandas peer (it holds the raw rows in memory)")
    b.add_argument("--query", action="append", default=[], metavar="NAME",
                   help="time only this named query; repeat for several (default: every query and screen)")
    b.add_argument("--screen", action="append", default=[], metavar="NAME",
                   help="time only this screen; repeat for several (default: every query and screen)")
    b.add_argument("--influencer", action="append", default=[], metavar="ID", type=_influencer_choice,
                   help="time the view of this influencer, as picked in the sidebar (`top`: the one with the most "
                        "fans); repeat for several (default: all influencers)")
    b.add_argument("--out", type=Path, help="also write the Markdown table to this file")
    b.add_argument("--tz", default=dataset.DEFAULT_TZ, help="the dataset's time zone (default Asia/Shanghai)")
    _export_parser(sub)

    sub.add_parser("hash-password", help="make the Argon2 hash of a password for the access file", description=(
        "Reads the password from standard input (asked twice on a terminal) and prints its Argon2id hash, to paste "
        "as `password = \"...\"` in the access file. The password itself is never stored."))
    c = sub.add_parser("check-access", help="check an access file and list who sees what", description=(
        "Parses the access file (FILE, else ADVISOR_ACCESS) as the app does and prints each user's role and scope; "
        "exit code 2 with the reason when it is broken."))
    c.add_argument("file", nargs="?", type=Path, help="the access file (default: ADVISOR_ACCESS)")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed its one line
        return int(exc.code or 0)
    try:
        return {"demo": _demo, "validate": _validate, "query": _query, "bench": _bench,
                "export": _export, "hash-password": _hash_password, "check-access": _check_access}[args.command](args)
    except (UsageError, metrics.ParameterError, AccessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (QueryError, dataset.DatasetError, OSError, ValueError) as exc:
        print(f"error: {_first_line(exc)}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - no traceback ever reaches the user
        print(f"error: unexpected {type(exc).__name__}: {_first_line(exc)}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        db.report_progress_to(None)  # main() may be called again in this thread (the tests do)


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, dataset.DatasetError):
        return " ".join(problem_text(p, "en") for p in exc.problems if p.severity == "error")
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def _demo(args: argparse.Namespace) -> int:
    if args.out.exists():
        raise UsageError(f"{args.out} exists; demo writes a new folder")
    from advisor import demo

    out = demo.generate(args.out, scale=args.scale, seed=args.seed)
    print(f"wrote {args.scale} dataset to {out}")
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    if not args.data.is_dir():
        raise UsageError(f"dataset folder {args.data} does not exist")
    report = dataset.validate(args.data, args.tz)
    for p in report.errors + report.warnings:
        print(f"{p.severity.upper()}: {problem_text(p, args.lang)}")
    verdict = "valid" if report.ok else "invalid"
    print(f"{args.data}: {verdict} ({len(report.errors)} errors, {len(report.warnings)} warnings)")
    return EXIT_OK if report.ok else EXIT_INVALID


def _query(args: argparse.Namespace) -> int:
    if args.name not in metrics.QUERIES:
        raise UsageError(f"unknown query {args.name!r}; known: {', '.join(metrics.QUERIES)}")
    window = _checked_filters(args)
    ds = _open_as(args)
    if args.out is not None and args.out.resolve().is_relative_to(ds.path):
        raise UsageError("--out lies inside the dataset folder; the advisor never writes there")
    filters = metrics.Filters(period=_period(args, metrics.span_period(ds)), influencers=tuple(args.influencer),
                              window=window, merchant=args.merchant,
                              dim=args.dim, k=args.k,
                              extra=tuple((key, value) for key, value in (("post", args.post),
                                                                          ("campaign", args.campaign))
                                          if value is not None)
                              + ((("segment", metrics.Segment.from_args(args.segment)),) if args.segment else ())
                              + ((("category", args.category),) if args.category is not None else ())
                              + (("rank_by", args.rank_by), ("show", args.show), ("search", args.search),
                                 ("limit", args.limit), ("combine", args.combine)))
    with db.uncapped():  # whole results: db.MAX_ROWS guards the screens, not a file written here
        frame = metrics.QUERIES[args.name](ds, filters)
    _write(frame, args.format, args.out)
    return EXIT_OK


def _influencer_choice(value: str) -> int | str:
    if value == "top":
        return value
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an influencer id (a whole number) or `top`") from None


def _bench(args: argparse.Namespace) -> int:
    if args.repeat < 1 or args.cold_repeat < 0:
        raise UsageError("--repeat is at least 1 and --cold-repeat at least 0")
    from advisor import bench

    for name in args.query:
        if name not in metrics.QUERIES:
            raise UsageError(f"unknown query {name!r}; known: {', '.join(metrics.QUERIES)}")
    for name in args.screen:
        if name not in bench.SCREENS:
            raise UsageError(f"unknown screen {name!r}; known: {', '.join(bench.SCREENS)}")
    if not args.data.is_dir():
        raise UsageError(f"dataset folder {args.data} does not exist")
    if args.out is not None and args.out.resolve().is_relative_to(args.data.resolve()):
        raise UsageError("--out lies inside the dataset folder; the advisor never writes there")
    ok = bench.run(args.data, args.tz, args.repeat, args.cold_repeat, args.out, peer=not args.no_peer,
                   queries=args.query, screens=args.screen, influencers=args.influencer)
    return EXIT_OK if ok else EXIT_INVALID


def _export_parser(sub: argparse._SubParsersAction) -> None:
    from advisor import export

    e = sub.add_parser("export", help="write a screen's tables and charts to files, without a browser", description=(
        "Write the tables and charts of one screen as the app shows them, from the same queries and figure "
        "builders, for scheduled reports. Tables: csv (UTF-8 with BOM; text that would run as a formula is "
        "prefixed with '), xlsx (formatted), parquet. Charts: png (2x) and svg (both need Chromium), html "
        "(interactive, works offline). report: the page report, one HTML file with all of them and the filters. "
        "Files are named PAGE_NAME_FROM_TO.EXT in --out. What each screen writes: "
        + "; ".join(f"{page}: {what}" for page, what in export.SCREEN_CONTENTS.items()) + "."))
    e.add_argument("page", choices=export.PAGES, metavar="PAGE", help=f"one of {', '.join(export.PAGES)}")
    _filter_arguments(e, merchant="merchants: the merchant (default: the first)",
                      k="benchmarks: smallest cohort published (never below 3)")
    e.add_argument("--segment", action="append", default=[], metavar="DIM=VALUE",
                   help="merchants: target segment, as for query")
    e.add_argument("--metric", default="ctr", help="benchmarks: the metric of the table, bands and trend")
    e.add_argument("--focus", type=int, metavar="ID", help="benchmarks: the influencer of 'where I stand'")
    e.add_argument("--post", type=int, metavar="ID", help="posts: also the post in detail")
    e.add_argument("--campaign", type=int, metavar="ID", help="campaigns: the campaign hour by hour")
    e.add_argument("--shortlist", type=int, action="append", default=[], metavar="ID",
                   help="merchants: shortlisted influencer; repeat (default: the first three of the table)")
    e.add_argument("--format", action="append", choices=(*export.TABLE_FORMATS, *export.CHART_FORMATS, "report"),
                   help="repeat for several (default: csv and html)")
    e.add_argument("--lang", choices=LANGS, default="zh-CN", help="language of headers, labels and titles")
    e.add_argument("--out", required=True, type=Path, help="folder to write into (made if missing)")


def _filter_arguments(p: argparse.ArgumentParser, merchant: str, k: str) -> None:
    """The filters `query` and `export` share: dataset, period, influencers, merchant, window, k, time zone."""
    p.add_argument("--data", required=True, type=Path, help="dataset folder")
    p.add_argument("--from", dest="date_from", type=_date, help="first local day, YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=_date, help="last local day (included), YYYY-MM-DD")
    p.add_argument("--influencer", type=int, action="append", default=[], metavar="ID",
                   help="influencer id; repeat for several (default: all)")
    p.add_argument("--merchant", type=int, metavar="ID", help=merchant)
    p.add_argument("--window-days", type=float, default=7.0,
                   help="attribution window in days, 1/24 (one hour) to 30; default 7")
    p.add_argument("--k", type=int, default=5, help=k)
    p.add_argument("--tz", default=dataset.DEFAULT_TZ, help="the dataset's time zone (default Asia/Shanghai)")
    p.add_argument("--as", dest="as_user", metavar="USER",
                   help="run as this user of the access file: only what the user may see (default: everything)")
    p.add_argument("--access", type=Path, metavar="FILE", help="the access file for --as (default: ADVISOR_ACCESS)")


def _building(fraction: float, step: str) -> None:
    """On a terminal only: a script reading stderr gets its one line of error, as before."""
    if step != "done" and sys.stderr.isatty():
        # the fraction is of the tables the figures' SQL names, not all of which they may read: a lower bound
        print(f"preparing {step} (at least {fraction:.0%} done; kept in the cache folder)", file=sys.stderr, flush=True)


def _open_as(args: argparse.Namespace) -> dataset.Dataset:
    """The dataset, scoped to the --as user of the access file (the same file and rules as the app). The tables its
    queries build first (the first time anyone needs them: minutes at 100 M clicks) are named on stderr when it is
    a terminal."""
    ds = dataset.open_dataset(args.data, args.tz)
    db.report_progress_to(_building)
    if args.as_user is None:
        if args.access is not None:
            raise UsageError("--access names the access file of --as USER; give --as too")
        return ds
    settings = access.load(args.access)
    if settings.path is None:
        raise UsageError("--as needs an access file: --access FILE or ADVISOR_ACCESS")
    user = settings.user(args.as_user)
    if user is None:
        raise UsageError(f"user {args.as_user!r} is not in the access file {settings.path}")
    return ds.scoped(user.viewer)


def _hash_password(args: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise UsageError("the two passwords differ")
    else:
        first = sys.stdin.readline().rstrip("\r\n")
    if not first:
        raise UsageError("empty password")
    print(access.hash_password(first))
    return EXIT_OK


def _check_access(args: argparse.Namespace) -> int:
    settings = access.load(args.file)
    if settings.path is None:
        raise UsageError("no access file: give FILE or set ADVISOR_ACCESS")
    where = f" (header {settings.header})" if settings.mode == "proxy" else (
        f" (claim {settings.claim})" if settings.mode == "oidc" else "")
    print(f"{settings.path}: login mode {settings.mode}{where}, {len(settings.users)} users")
    for user in settings.users.values():
        v = user.viewer
        sees = ("everything" if v.everything else
                "; ".join(part for part in (
                    None if v.influencers is None else f"influencers {', '.join(map(str, v.influencers))}",
                    None if v.merchants is None else f"merchant {', '.join(map(str, v.merchants))}",
                    None if v.profiles else "audiences as match and overlap only") if part))
        print(f"  {user.login}: {user.role}, sees {sees}")
    return EXIT_OK


def _checked_filters(args: argparse.Namespace) -> dt.timedelta:
    """Check the shared filters that need no dataset; the attribution window they give."""
    if args.k < 3:
        raise UsageError("--k is never below 3")
    window = dt.timedelta(days=args.window_days)
    if not metrics.MIN_WINDOW <= window <= metrics.MAX_WINDOW:
        raise UsageError("--window-days lies between 1/24 (one hour) and 30")
    if not args.data.is_dir():
        raise UsageError(f"dataset folder {args.data} does not exist")
    return window


def _period(args: argparse.Namespace, span: metrics.Period | None) -> metrics.Period:
    """--from / --to, each defaulting to the dataset's span."""
    start = args.date_from or (span.start if span else None)
    end = args.date_to or (span.end if span else None)
    if start is None or end is None:
        raise UsageError("the dataset has no activity; give --from and --to")
    if end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    return metrics.Period(start, end)


def _export(args: argparse.Namespace) -> int:
    from advisor import export

    formats = list(dict.fromkeys(args.format or ["csv", "html"]))
    window = _checked_filters(args)
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out} is a file; export writes into a folder")
    if {"png", "svg"} & set(formats) and not export.images_available():
        print(f"error: {export.images_hint('en')}", file=sys.stderr)
        return EXIT_INVALID
    ds = _open_as(args)
    if args.out.resolve().is_relative_to(ds.path.resolve()):
        raise UsageError("--out lies inside the dataset folder; the advisor never writes there")
    span = metrics.span_period(ds)
    period = _period(args, span)
    extra = (("segment", metrics.Segment.from_args(args.segment)),) if args.segment else ()
    filters = metrics.Filters(period=period, influencers=tuple(args.influencer), window=window,
                              merchant=args.merchant, k=args.k, extra=extra)
    options = export.Options(metric=args.metric, focus=args.focus, post=args.post, campaign=args.campaign,
                             shortlist=tuple(args.shortlist))
    window_label = export.window_label(window, args.lang)
    try:
        items = export.screen_items(args.page, ds, filters, args.lang, window_label, options)
        facts = export.cli_facts(ds, filters, span, args.lang, window_label, options)
        written = export.write_items(items, formats, args.out, args.page, f"{period.start}_{period.end}", args.lang,
                                     report=(export.report_title(args.page, args.lang), facts))
    except export.ExportError as exc:
        print(f"error: {_first_line(exc)}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        export.stop_images()
    for w in written:
        print(f"wrote {w.path} ({w.seconds:.2f} s)")
    if not written:
        print(f"nothing to write: {args.page} has no {' or '.join(formats)} output for these filters")
    return EXIT_OK


def _write(frame: pd.DataFrame, fmt: str, out: Path | None) -> None:
    if fmt == "parquet":
        if out is None:
            buffer = io.BytesIO()
            frame.to_parquet(buffer, index=False)
            sys.stdout.buffer.write(buffer.getvalue())
        else:
            frame.to_parquet(out, index=False)
        return
    if fmt == "json":
        text = frame.to_json(orient="records", date_format="iso", force_ascii=False) + "\n"
    else:
        text = frame.to_csv(index=False)
    if out is None:
        sys.stdout.write(text)
    elif fmt == "csv":
        # A CSV file is opened by Excel users: the screens' CSV (UTF-8 with BOM, CRLF, cells that Excel would run
        # as formulas neutralised).
        from advisor import export

        out.write_bytes(export.to_csv_bytes(frame))
    else:
        out.write_text(text, encoding="utf-8")
