"""The command line: python -m advisor demo | validate | query."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path

import pandas as pd

from advisor import dataset, metrics
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
    q.add_argument("--data", required=True, type=Path, help="dataset folder")
    q.add_argument("--from", dest="date_from", type=_date, help="first local day, YYYY-MM-DD")
    q.add_argument("--to", dest="date_to", type=_date, help="last local day (included), YYYY-MM-DD")
    q.add_argument("--influencer", type=int, action="append", default=[], metavar="ID",
                   help="influencer id; repeat for several (default: all)")
    q.add_argument("--merchant", type=int, metavar="ID",
                   help="merchant id, for influencer_compare (its products, its headline spend)")
    q.add_argument("--window-days", type=float, default=7.0,
                   help="attribution window in days, 1/24 (one hour) to 30; default 7")
    q.add_argument("--dim", help="breakdown dimension, for queries that take one")
    q.add_argument("--post", type=int, metavar="ID", help="post id, for the post drill-down queries")
    q.add_argument("--campaign", type=int, metavar="ID", help="campaign id, for campaign_hourly")
    q.add_argument("--segment", action="append", default=[], metavar="DIM=VALUE",
                   help="target segment of influencer_compare and audience_match; DIM one of "
                        f"{', '.join(metrics.SEGMENT_DIMS)} (e.g. gender=f, age_band=25-29, city_tier=1, "
                        "interest=beauty, province=广东); repeat for several: values of one DIM are "
                        "alternatives, different DIMs must all hold")
    q.add_argument("--k", type=int, default=5, help="smallest cohort published (never below 3)")
    q.add_argument("--format", choices=("csv", "json", "parquet"), default="csv")
    q.add_argument("--out", type=Path, help="file to write (default: standard output)")
    q.add_argument("--tz", default=dataset.DEFAULT_TZ, help="the dataset's time zone (default Asia/Shanghai)")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed its one line
        return int(exc.code or 0)
    try:
        return {"demo": _demo, "validate": _validate, "query": _query}[args.command](args)
    except (UsageError, metrics.ParameterError) as exc:
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
    if args.k < 3:
        raise UsageError("--k is never below 3")
    window = dt.timedelta(days=args.window_days)
    if not metrics.MIN_WINDOW <= window <= metrics.MAX_WINDOW:
        raise UsageError("--window-days lies between 1/24 (one hour) and 30")
    if not args.data.is_dir():
        raise UsageError(f"dataset folder {args.data} does not exist")
    ds = dataset.open_dataset(args.data, args.tz)
    if args.out is not None and args.out.resolve().is_relative_to(ds.path):
        raise UsageError("--out lies inside the dataset folder; the advisor never writes there")
    span = metrics.span_period(ds)
    start = args.date_from or (span.start if span else None)
    end = args.date_to or (span.end if span else None)
    if start is None or end is None:
        raise UsageError("the dataset has no activity; give --from and --to")
    if end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    filters = metrics.Filters(period=metrics.Period(start, end), influencers=tuple(args.influencer),
                              window=window, merchant=args.merchant,
                              dim=args.dim, k=args.k,
                              extra=tuple((key, value) for key, value in (("post", args.post),
                                                                          ("campaign", args.campaign))
                                          if value is not None)
                              + ((("segment", metrics.Segment.from_args(args.segment)),) if args.segment else ()))
    frame = metrics.QUERIES[args.name](ds, filters)
    _write(frame, args.format, args.out)
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
    else:
        # A CSV file is opened by Excel users: UTF-8 with BOM keeps Chinese readable there.
        out.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
