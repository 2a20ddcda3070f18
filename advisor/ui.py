"""Scaffolding every screen shares: the sidebar (dataset, period, influencers, window, language) kept in the URL."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import threading
import urllib.parse
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from advisor import db, export, metrics, signin
from advisor.access import EVERYONE
from advisor.dataset import DEFAULT_TZ, Dataset, DatasetError, find_exports, fingerprint, open_dataset, validate
from advisor.db import NotPermitted, PrepareError, QueryError, TooManyRows
from advisor.i18n import (
    DASH,
    DEFAULT_LANG,
    LANGS,
    fmt_change,
    fmt_compact,
    fmt_money,
    fmt_pct,
    label,
    lang_name,
    md_escape,
    problem_text,
    t,
)
from advisor.metrics import Filters, Period

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "data" / "demo"

# The six screens in navigation order: (slug, script relative to app.py, icon).
PAGES: tuple[tuple[str, str, str], ...] = (
    ("overview", "pages/overview.py", ":material/dashboard:"),
    ("audience", "pages/audience.py", ":material/groups:"),
    ("posts", "pages/posts.py", ":material/article:"),
    ("campaigns", "pages/campaigns.py", ":material/campaign:"),
    ("benchmarks", "pages/benchmarks.py", ":material/leaderboard:"),
    ("merchants", "pages/merchants.py", ":material/storefront:"),
)

WINDOWS: dict[str, dt.timedelta] = {
    "1h": dt.timedelta(hours=1), "6h": dt.timedelta(hours=6), "12h": dt.timedelta(hours=12),
    "1d": dt.timedelta(days=1), "3d": dt.timedelta(days=3), "7d": dt.timedelta(days=7),
    "14d": dt.timedelta(days=14), "30d": dt.timedelta(days=30),
}
DEFAULT_WINDOW = "7d"
PRESETS = ("all", "7d", "30d", "90d", "month", "custom")
DEFAULT_PRESET = "all"
PRESET_DAYS = {"7d": 7, "30d": 30, "90d": 90}

# Query parameters this module owns; any other parameter in the URL is left alone.
URL_KEYS = ("lang", "period", "from", "to", "inf", "win")
URL_LANGS = {"zh": "zh-CN", "zh-cn": "zh-CN", "cn": "zh-CN", "en": "en"}
MAX_URL_INFLUENCERS = 200
_INT_RE = re.compile(r"^-?\d{1,18}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# ---- the view: everything the URL can say, validated ---------------------------------------------

@dataclass(frozen=True)
class View:
    """The reader's choices; `start`/`end` matter only for the custom period."""

    lang: str = DEFAULT_LANG
    preset: str = DEFAULT_PRESET
    start: dt.date | None = None
    end: dt.date | None = None
    influencers: tuple[int, ...] = ()
    window: str = DEFAULT_WINDOW


def _date(text: object) -> dt.date | None:
    if not isinstance(text, str) or not _DATE_RE.match(text.strip()):
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_view(params: Mapping[str, object]) -> View:
    """Read the URL's query parameters; anything unreadable falls back to its default, never an error."""
    def get(key: str) -> str:
        value = params.get(key)
        if isinstance(value, list):  # a repeated parameter: the last one wins, as in st.query_params
            value = value[-1] if value else ""
        return value.strip() if isinstance(value, str) else ""

    lang = URL_LANGS.get(get("lang").lower(), DEFAULT_LANG)
    start, end = _date(get("from")), _date(get("to"))
    preset = get("period").lower()
    if start or end:
        preset = "custom"
    elif preset not in PRESETS or preset == "custom":
        preset = DEFAULT_PRESET
    ids: list[int] = []
    for part in get("inf").split(","):
        part = part.strip()
        if _INT_RE.match(part) and int(part) not in ids and len(ids) < MAX_URL_INFLUENCERS:
            ids.append(int(part))
    window = get("win").lower()
    return View(lang=lang, preset=preset, start=start, end=end, influencers=tuple(ids),
                window=window if window in WINDOWS else DEFAULT_WINDOW)


def resolve_period(view: View, span: Period | None, today: dt.date) -> Period:
    """The period a view means for a dataset whose activity covers `span` (None: no activity)."""
    if span is None:
        # Nothing to show anyway; a one-day period keeps every query well-formed.
        return Period(today, today)
    if view.preset in PRESET_DAYS:
        return Period(span.end - dt.timedelta(days=PRESET_DAYS[view.preset] - 1), span.end)
    if view.preset == "month":
        return Period(span.end.replace(day=1), span.end)
    if view.preset == "custom":
        # A link from an earlier export may reach outside the data: keep its part within the span.
        def clamp(d: dt.date | None, fallback: dt.date) -> dt.date:
            return min(max(d or fallback, span.start), span.end)
        start, end = clamp(view.start, span.start), clamp(view.end, span.end)
        return Period(min(start, end), max(start, end))
    return span


def view_params(view: View, period: Period) -> dict[str, str]:
    """The query parameters of a view: only what differs from the defaults, so links stay short."""
    out: dict[str, str] = {}
    if view.lang != DEFAULT_LANG:
        out["lang"] = "en"
    if view.preset == "custom":
        out["from"], out["to"] = period.start.isoformat(), period.end.isoformat()
    elif view.preset != DEFAULT_PRESET:
        out["period"] = view.preset
    if view.influencers:
        out["inf"] = ",".join(str(i) for i in view.influencers)
    if view.window != DEFAULT_WINDOW:
        out["win"] = view.window
    return out


def _url_now() -> dict[str, str]:
    qp = st.query_params
    return {k: qp.get(k) for k in URL_KEYS if k in qp}


def _view() -> View:
    """This session's view: read from the URL on the first run and whenever the URL was changed from outside
    (back/forward), kept in session state across page switches, which may drop the query string."""
    ss = st.session_state
    url = _url_now()
    if "_view" not in ss or (url and url != ss.get("_url")):
        view = parse_view(url)
        if "_view" in ss:
            _reset_widgets(view)
        ss["_view"] = view
        ss["_url"] = url
    return ss["_view"]


def _reset_widgets(view: View) -> None:
    """Give live widgets the values of a view that came from the URL (Back/Forward in the browser).

    Assigning through session state is what makes the browser redraw them; deleting their state would
    leave the old choice on screen."""
    ss = st.session_state
    values = {"lang": view.lang, "win": view.window, widget_key("period", view.lang): view.preset,
              # ids the dataset lacks are dropped before the picker is drawn
              widget_key("inf", view.lang): list(view.influencers)}
    for key in [k for k in ss if isinstance(k, str)]:
        if key in values:
            ss[key] = values[key]
        elif key == "dates" or key.startswith(("period_", "inf_")):
            # Not drawn in this language, or drawn afresh from the view (dates): a value kept here would
            # outlive the view it came from.
            del ss[key]


def _update(**changes: object) -> None:
    st.session_state["_view"] = replace(st.session_state["_view"], **changes)


def _write_url(params: dict[str, str]) -> None:
    qp = st.query_params
    for key in URL_KEYS:
        value = params.get(key)
        if value is None:
            if key in qp:
                del qp[key]
        elif qp.get(key) != value:
            qp[key] = value
    st.session_state["_url"] = params


def current_lang() -> str:
    """The language of this run, for app.py's page titles before any page draws its sidebar."""
    return _view().lang


# ---- the dataset -----------------------------------------------------------------------------------

def cli_option(name: str, argv: Sequence[str] | None = None) -> str | None:
    """`streamlit run app.py -- --data DIR --access FILE` puts `--data DIR --access FILE` in sys.argv."""
    argv = sys.argv[1:] if argv is None else argv
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def data_location() -> tuple[Path | None, str]:
    """The dataset folder given on the command line or in ADVISOR_DATA (None: the demo) and the time zone."""
    given = cli_option("--data") or os.environ.get("ADVISOR_DATA") or None
    tz = os.environ.get("ADVISOR_TZ") or DEFAULT_TZ
    return (Path(given).expanduser() if given else None), tz


_demo_lock = threading.Lock()


def _ensure_demo(lang: str) -> Path:
    """data/demo/, generated on the first run (demo.generate builds it aside and renames it into place)."""
    if DEMO_DIR.is_dir():
        return DEMO_DIR
    with _demo_lock:  # one session generates; the others wait for it rather than start their own
        if DEMO_DIR.is_dir():
            return DEMO_DIR
        text = t("demo.generating", lang)
        bar = st.progress(0.0, text=text)
        try:
            from advisor import demo

            demo.generate(DEMO_DIR, scale="demo", seed=0,
                          progress=lambda fraction, _message: bar.progress(min(max(float(fraction), 0.0), 1.0),
                                                                           text=text))
        except Exception as exc:  # the reader needs a sentence and a way out, not a traceback
            if not DEMO_DIR.is_dir():  # another process may have won the race: then its folder is used
                st.error(t("error.demo_missing", lang, detail=md_escape(f"{type(exc).__name__}: {exc}")))
                st.stop()
        bar.empty()
    return DEMO_DIR


@st.cache_resource(show_spinner=False, max_entries=16)
def _open_cached(path: str, tz: str, stamp: str) -> Dataset:
    """The whole contract, once per version of the files: exports, schemas and the integrity rules."""
    report = validate(path, tz)
    if not report.ok:
        raise DatasetError(report.problems)
    report.dataset.warnings = report.warnings
    return report.dataset


def _open(path: Path, tz: str, lang: str) -> Dataset:
    """The checked dataset. Checking reads every footer (~35 ms on the demo), a directory listing with stats
    takes ~1 ms: the check is cached under the files' fingerprint, so a rewritten file is noticed at once."""
    try:
        try:
            files, _, _ = find_exports(path)
            stamp = fingerprint(path, files, tz)
        except OSError:  # unreadable folder: let open_dataset say what is wrong
            return open_dataset(path, tz)
        if not db.is_open(stamp):
            _prepare(path, tz, lang)
        return _open_cached(str(path), tz, stamp)
    except DatasetError as exc:
        # Paths, file names and reader messages come from outside: shown literally, never as markdown
        # (part_1_a.parquet would turn italic).
        st.error(t("error.dataset", lang, path=md_escape(str(path))))
        for problem in exc.problems:
            (st.error if problem.severity == "error" else st.warning)(md_escape(problem_text(problem, lang)))
        st.info(t("error.dataset_hint", lang))
        st.stop()


def _prepare(path: Path, tz: str, lang: str) -> None:
    """A dataset's first open in this process: run the integrity rules under a progress bar, unless the cache folder
    holds their findings. Outside _open_cached, whose st.* calls would be replayed on every hit. (The prepared tables
    are made when a query first reads them, under the page's bar: _BuildBar.)"""
    ds = open_dataset(path, tz)
    if db.integrity_file(ds).is_file():
        return  # reading the findings takes a moment: no bar
    bar = st.progress(0.0, text=t("prepare.checking", lang))
    try:
        db.check_integrity(ds)
    except DatasetError:
        raise  # _open reports the dataset's problems
    except Exception as exc:  # out of memory or disk, a file that stopped reading: said once, not tried again
        bar.empty()
        st.error(t("error.prepare", lang, detail=md_escape((str(exc).splitlines() or [type(exc).__name__])[0][:300])))
        st.info(t("error.dataset_hint", lang))
        st.stop()
    finally:
        bar.empty()


class _BuildBar:
    """The progress bar of a page whose figures need prepared tables built first (the first time any reader needs
    them: seconds on the demo, minutes at 100 M clicks), drawn in `slot` at the top of the page while they are."""

    def __init__(self, slot: object, lang: str) -> None:
        self.slot, self.lang, self.drawn = slot, lang, False

    def __call__(self, fraction: float, _step: str) -> None:
        if fraction >= 1.0:
            if self.drawn:
                self.slot.empty()  # type: ignore[attr-defined]
                self.drawn = False
            return
        self.slot.progress(min(max(float(fraction), 0.0), 1.0),  # type: ignore[attr-defined]
                           text=t("prepare.progress", self.lang))
        self.drawn = True


# ---- the page context ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Context:
    """What a page needs: its language, the dataset and the reader's filters."""

    lang: str
    ds: Dataset
    filters: Filters
    span: Period | None
    window: str

    def t(self, key: str, /, **fields: object) -> str:
        return t(key, self.lang, **fields)

    @property
    def previous(self) -> Filters:
        """The same filters over the period of the same length just before."""
        return self.filters.with_period(self.filters.period.previous())

    @property
    def window_label(self) -> str:
        return self.t(f"window.{self.window}")

    def query(self, fn: Callable[..., pd.DataFrame], filters: Filters | None = None) -> pd.DataFrame:
        """Run a metrics function; a failed query becomes a message on the page, never a traceback."""
        return _guard(self.lang, fn, self.ds, filters or self.filters)


def _guard(lang: str, fn: Callable[..., object], *args: object) -> object:
    try:
        return fn(*args)
    except TooManyRows as exc:  # large data over a long period: say what to do, in the reader's language
        st.info(t("error.too_many_rows", lang, rows=fmt_compact(exc.limit, lang, 0)), icon=":material/filter_alt:")
        st.stop()
    except NotPermitted:  # a merchant on the Audience screen: what its role shows instead
        st.info(t("access.no_profiles", lang), icon=":material/lock:")
        st.stop()
    except PrepareError as exc:  # out of memory or disk while building a table the figures need
        st.error(t("error.prepare", lang, detail=md_escape(str(exc))))
        st.info(t("error.dataset_hint", lang))
        st.stop()
    except QueryError as exc:
        st.error(t("error.query", lang, message=md_escape(str(exc))))
        st.stop()


def _leave_pages_folder_mode() -> None:
    """Run the screen under app.py's navigation. Streamlit serves the very first visit of a fresh server that
    opens a screen's own address (a shared link) from the `pages/` folder directly, with a navigation of file
    names and without app.py; app.py's st.navigation switches that mode off for good, so say so and run again."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def sidebar() -> Context:
    """Draw the shared sidebar and return the page's context; stops the page with a message when the data is
    unusable."""
    _leave_pages_folder_mode()
    view = _view()
    lang = view.lang
    # Filters on top, settings below; the language switch is drawn first so it works even when the dataset
    # cannot be opened.
    filters_box, settings_box = st.sidebar.container(), st.sidebar.container()
    with settings_box:
        _language_picker(view)
    # The sign-in screen until someone is signed in (local mode: None); the access file as `--access FILE`.
    user = signin.current_user(lang, cli_option("--access"))
    path, tz = data_location()
    # The tables this page's figures need and no reader has needed yet are built under a bar at the top of the page.
    db.report_progress_to(_BuildBar(st.empty(), lang))
    # Every query through this handle runs under the user's scope from the access file (advisor/db.py, run).
    ds = _open(path if path is not None else _ensure_demo(lang), tz, lang).scoped(
        EVERYONE if user is None else user.viewer)
    span = _guard(lang, metrics.span_period, ds)
    today = dt.datetime.now(zoneinfo.ZoneInfo(ds.tz)).date()
    with filters_box:
        period = _period_picker(view, span, today, lang)
        view = st.session_state["_view"]
        influencers = _influencer_picker(view, ds, Filters(period), lang)
        window = _window_picker(view, lang)
        st.divider()
    ctx = Context(lang=lang, ds=ds, filters=Filters(period, influencers=influencers, window=WINDOWS[window]),
                  span=span, window=window)
    with settings_box:
        _dataset_note(ds, span, lang)
        signin.identity_box(user, lang, cli_option("--access"))
    _check_link_dataset(ctx)
    view = st.session_state["_view"]
    _write_url(view_params(view, period))
    with settings_box:  # after the URL is written: the link starts from it
        _share_box(ctx)
    return ctx


def widget_key(name: str, lang: str) -> str:
    """The key of a picker whose options are translated. Streamlit keeps the drawn option text of a keyed
    selectbox or multiselect across reruns, so after a language switch it must be a new widget."""
    return f"{name}_{lang.replace('-', '_')}"


def _period_picker(view: View, span: Period | None, today: dt.date, lang: str) -> Period:
    period = resolve_period(view, span, today)
    if view.preset == "custom":
        # What the URL asked for, kept within the data: the canonical value from now on.
        _update(start=period.start, end=period.end)
    if span is None:
        st.caption(t("sidebar.no_activity", lang))
        return period

    key = widget_key("period", lang)

    def on_preset() -> None:
        choice = st.session_state[key]
        # Switching to "custom" starts from the dates on screen, so the reader edits rather than retypes.
        _update(preset=choice, start=period.start if choice == "custom" else None,
                end=period.end if choice == "custom" else None)

    st.selectbox(t("sidebar.period", lang), PRESETS, index=PRESETS.index(view.preset), key=key,
                 format_func=lambda p: t(f"preset.{p}", lang), on_change=on_preset)
    if view.preset == "custom":
        def on_dates() -> None:
            chosen = st.session_state["dates"]
            if isinstance(chosen, tuple | list) and len(chosen) == 2:  # one date while the reader is still picking
                _update(start=chosen[0], end=chosen[1])

        st.date_input(t("sidebar.dates", lang), value=(period.start, period.end), min_value=span.start,
                      max_value=span.end, format="YYYY-MM-DD", key="dates", on_change=on_dates)
    return period


def influencer_option(row: Mapping[str, object], lang: str) -> str:
    """One line of the picker: name · category · tier · fans (names are plain text, never markup)."""
    return t("sidebar.influencer_option", lang, name=str(row["name"]),
             category=label("category", row["category"], lang), tier=label("tier", row["tier"], lang),
             fans=fmt_compact(row["fans"], lang))


def _influencer_picker(view: View, ds: Dataset, f: Filters, lang: str) -> tuple[int, ...]:
    rows = _guard(lang, metrics.influencer_list, ds, f)
    options = {int(r["influencer_id"]): influencer_option(r, lang) for r in rows.to_dict("records")}
    chosen = tuple(i for i in view.influencers if i in options)
    if chosen != view.influencers:  # ids the dataset does not have are dropped from the URL as well
        _update(influencers=chosen)

    key = widget_key("inf", lang)
    held = st.session_state.get(key)
    if held is not None and any(i not in options for i in held):  # set from a URL (see _reset_widgets)
        st.session_state[key] = [i for i in held if i in options]

    def on_change() -> None:
        _update(influencers=tuple(int(i) for i in st.session_state[key]))

    picked = st.multiselect(t("sidebar.influencers", lang), list(options), default=list(chosen), key=key,
                            format_func=lambda i: options.get(i, str(i)),
                            placeholder=t("sidebar.influencers_placeholder", lang),
                            help=t("sidebar.influencers_help", lang), on_change=on_change,
                            select_all=False)  # Streamlit's own "Select all" is English only; none chosen is all
    return tuple(int(i) for i in picked if i in options)


def _window_picker(view: View, lang: str) -> str:
    def on_change() -> None:
        _update(window=st.session_state["win"])

    return st.select_slider(t("sidebar.window", lang), list(WINDOWS), value=view.window, key="win",
                            format_func=lambda w: t(f"window.{w}", lang), help=t("sidebar.window_help", lang),
                            on_change=on_change)


def _language_picker(view: View) -> None:
    def on_change() -> None:
        _update(lang=st.session_state["lang"])

    # Both languages in the label: a reader who cannot read the current one still finds the switch.
    st.radio(t("sidebar.language", view.lang), LANGS, index=LANGS.index(view.lang), key="lang", format_func=lang_name,
             horizontal=True, on_change=on_change)


def _dataset_note(ds: Dataset, span: Period | None, lang: str) -> None:
    lines = [t("sidebar.dataset_line", lang, name=ds.name, tz=ds.tz)]
    if span is not None:
        lines.append(t("sidebar.span", lang, start=span.start.isoformat(), end=span.end.isoformat()))
    st.caption(f"**{md_escape(t('sidebar.dataset', lang))}**  \n" + "  \n".join(md_escape(x) for x in lines))


# ---- building blocks of pages ----------------------------------------------------------------------

def scope_line(ctx: Context, *, who: bool = True, compare: bool = False, extra: tuple[str, ...] = ()) -> str:
    """Period, influencers, window (and the period compared with, and a screen's own facts) in one line, so a
    screenshot says what it shows."""
    p, prev = ctx.filters.period, ctx.previous.period
    parts = [ctx.t("scope.period", start=p.start.isoformat(), end=p.end.isoformat(), days=p.days)]
    if who:
        everyone = "scope.all_influencers" if ctx.ds.viewer.influencers is None else "scope.all_yours"
        n = len(ctx.filters.influencers)
        parts.append(ctx.t(everyone) if n == 0 else ctx.t("scope.influencer_one") if n == 1
                     else ctx.t("scope.influencers", n=n))
    parts.append(ctx.t("scope.window", window=ctx.window_label))
    if compare:
        parts.append(ctx.t("scope.compare", start=prev.start.isoformat(), end=prev.end.isoformat()))
    return " · ".join((*parts, *extra))


def header(ctx: Context, slug: str) -> None:
    """The screen's title, then the dataset's warnings folded away (they concern every figure below)."""
    st.title(ctx.t(f"page.{slug}"))
    _report_button(ctx, slug)
    if ctx.ds.warnings and not ctx.ds.viewer.everything:  # their examples name rows of every influencer
        st.caption(ctx.t("access.warnings_hidden", n=len(ctx.ds.warnings)))
    elif ctx.ds.warnings:
        with st.expander(ctx.t("dataset.warnings", n=len(ctx.ds.warnings)), expanded=False,
                         icon=":material/warning:"):
            for problem in ctx.ds.warnings:
                st.warning(md_escape(problem_text(problem, ctx.lang)))


def coming_soon(ctx: Context, slug: str) -> None:
    """The placeholder of a screen not built yet: what it will show."""
    header(ctx, slug)
    st.badge(ctx.t("soon.title"), icon=":material/construction:", color="orange")
    st.info(ctx.t(f"soon.{slug}"))


# How each figure is written: counts compact (万/亿 or K/M), money in CNY, ratios as percentages.
FORMATS: dict[str, str] = {
    "fans_end": "count", "fans_start": "count", "new_fans": "count", "lost_fans": "count", "clicks": "count",
    "clickers": "count", "orders": "count", "buyers": "count", "refunded_orders": "count",
    "gmv": "money", "net_gmv": "money", "aov": "money_exact", "cvr": "pct",
}


TILE_WIDTH = 220  # px: room for "¥734.96万" in the tile's large type


def fmt_metric(name: str, value: object, lang: str) -> str:
    kind = FORMATS.get(name, "count")
    if kind == "money":
        return fmt_money(value, lang)
    if kind == "money_exact":
        return fmt_money(value, lang, compact=False)
    if kind == "pct":
        return fmt_pct(value, lang, 2)
    return fmt_compact(value, lang)


def relative_change(current: object, previous: object) -> float | None:
    """(current − previous) / previous; None without a base (zero or missing), never a division error."""
    try:
        cur, prev = float(current), float(previous)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if pd.isna(cur) or pd.isna(prev) or prev == 0:
        return None
    return (cur - prev) / prev


def no_activity(kpis: pd.DataFrame) -> bool:
    """True when the period has no fans, follows, unfollows, clicks or orders at all."""
    if kpis.empty:
        return True
    row = kpis.iloc[0]
    return all(pd.isna(row.get(c)) or row.get(c) == 0 for c in ("fans_end", "new_fans", "lost_fans", "clicks",
                                                                 "orders"))


def _trend_of(name: str, daily: pd.DataFrame) -> list[float] | None:
    """The day-by-day series behind a tile, drawn as its sparkline (ratios per day where both parts exist)."""
    if daily.empty:
        return None
    if name in daily.columns:
        series = daily[name]
    elif name == "cvr":
        series = daily["orders"] / daily["clicks"].where(daily["clicks"] > 0)
    elif name == "aov":
        series = daily["gmv"] / daily["orders"].where(daily["orders"] > 0)
    else:
        return None
    values = pd.to_numeric(series, errors="coerce").astype("float64")
    return None if values.isna().all() else values.ffill().fillna(0.0).tolist()


def kpi_tiles(ctx: Context, names: Sequence[str], current: pd.DataFrame, previous: pd.DataFrame,
              daily: pd.DataFrame) -> None:
    """Tiles of figures, each with its change against the previous period, its trend and its definition."""
    cur = current.iloc[0] if not current.empty else pd.Series(dtype=object)
    prev = previous.iloc[0] if not previous.empty else pd.Series(dtype=object)
    # Chinese readers expect red for a rise and green for a fall (as on every Chinese trading screen).
    colour = "inverse" if ctx.lang == "zh-CN" else "normal"
    # A wrapping row of fixed-width tiles: four a row on a laptop, fewer on a narrow window, never a clipped
    # figure (st.columns squeezes "41.6万" to "41.…" below ~1100 px).
    with st.container(horizontal=True, gap="small", key="kpi_tiles"):
        for name in names:
            change = relative_change(cur.get(name), prev.get(name))
            st.metric(
                ctx.t(f"metric.{name}"), fmt_metric(name, cur.get(name), ctx.lang),
                # Streamlit reads the direction from an ASCII minus; fmt_change writes U+2212.
                delta=fmt_change(change, ctx.lang).replace("−", "-") if change is not None else "—",
                delta_color=colour if change is not None else "off",
                delta_arrow="auto" if change is not None else "off",
                delta_description=ctx.t("overview.vs_previous"),
                help=ctx.t(f"metric.{name}.help"),
                chart_data=_trend_of(name, daily), chart_type="area", border=True, width=TILE_WIDTH,
                height="stretch",
            )


def table_frame(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A result with translated column headers and days as dates, for the screen's table and its CSV."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.date
    return out.rename(columns={c: t(f"metric.{c}", lang) for c in out.columns})


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV that Excel opens with Chinese intact (UTF-8 with a byte-order mark), formula-like text neutralised."""
    return export.to_csv_bytes(df)


def table_with_download(ctx: Context, df: pd.DataFrame, title_key: str, file_stem: str, key: str) -> None:
    """The Overview's table: a result under its title with the CSV download beside the title."""
    shown = table_frame(df, ctx.lang)
    section(ctx, ctx.t(title_key), shown, file_stem, key)
    kinds = {c: "date" if pd.api.types.is_datetime64_any_dtype(df[c]) else
             {"money_exact": "money"}.get(FORMATS.get(c, ""), FORMATS.get(c, "text")) for c in df.columns}
    config = {t(f"metric.{c}", ctx.lang): _column(t(f"metric.{c}", ctx.lang), None, kinds[c]) for c in df.columns}
    st.dataframe(shown, hide_index=True, column_config=config, key=key, width="stretch", placeholder=DASH)


# Every screen's sections, tables and charts are drawn by these, so they look and export alike.

PLOT_CONFIG = {"displaylogo": False}


def download(ctx: Context, frame: pd.DataFrame | Callable[[], pd.DataFrame], stem: str, key: str,
             quiet: bool = False, title: str | None = None) -> None:
    """The downloads of what a section shows, named after it and the period: CSV beside it (widget `<key>_csv`),
    XLSX and Parquet in a small popover (`<key>_xlsx`, `<key>_parquet`); the table goes into the page report under
    `title`. A callable `frame` is made only when the reader clicks (tens of thousands of rows take seconds), and
    so is every XLSX and Parquet file."""
    p = ctx.filters.period
    name = f"{stem}_{p.start.isoformat()}_{p.end.isoformat()}"
    data = (lambda: csv_bytes(frame())) if callable(frame) else csv_bytes(frame)
    st.download_button(ctx.t("download.csv"), data, key=f"{key}_csv", mime="text/csv",
                       file_name=f"{name}.csv",
                       icon=":material/download:", help=ctx.t("download.csv_help"), on_click="ignore",
                       width="content", type="tertiary" if quiet else "secondary")
    make = frame if callable(frame) else (lambda: frame)
    # In a narrow column (quiet) the popover is an icon, its tooltip naming the formats.
    with st.popover("" if quiet else ctx.t("export.more"), icon=":material/more_horiz:" if quiet else None,
                    type="tertiary", help=ctx.t("export.more_help"), key=f"{key}_more"):
        st.download_button(ctx.t("export.xlsx"), lambda: export.to_xlsx_bytes(make(), stem), key=f"{key}_xlsx",
                           mime=export.MIME["xlsx"], file_name=f"{name}.xlsx", icon=":material/table_view:",
                           help=ctx.t("export.xlsx_help"), on_click="ignore", width="stretch")
        st.download_button(ctx.t("export.parquet"), lambda: export.to_parquet_bytes(make()), key=f"{key}_parquet",
                           mime=export.MIME["parquet"], file_name=f"{name}.parquet", icon=":material/database:",
                           help=ctx.t("export.parquet_help"), on_click="ignore", width="stretch")
    _register(export.Item("table", title or "", stem, frame))


def section(ctx: Context, title: str, frame: pd.DataFrame | Callable[[], pd.DataFrame], stem: str, key: str,
            help: str | None = None, small: bool = False) -> None:  # noqa: A002 - Streamlit's own name for it
    """A section's title (text, never markup: it may hold a name from the data), its definition one hover away,
    and the CSV of what it shows beside it. `small` for a sub-section inside a column."""
    with st.container(horizontal=True, vertical_alignment="bottom", key=f"{key}_head"):
        if small:
            st.markdown(f"**{md_escape(title)}**", help=help)
        else:
            st.subheader(md_escape(title), anchor=False, help=help)
        download(ctx, frame, stem, key, quiet=small, title=title)


def chart(fig: object, key: str, stem: str | None = None) -> None:
    """A Plotly figure as the charts module drew it (its own theme), its files named after `stem`: PNG, SVG and
    interactive HTML in a small popover under it (made only when clicked), and the figure in the page report."""
    st.plotly_chart(fig, key=key, theme=None,
                    config={**PLOT_CONFIG, "toImageButtonOptions": {"filename": stem or key}})
    run = _current_run()
    if run is not None:
        _chart_exports(run.ctx, fig, key, stem or key)
        _register(export.Item("chart", export.figure_title(fig), stem or key, fig))


def _column(name: str, help_text: str | None, kind: str) -> object:
    cc = st.column_config
    if kind in ("count", "money", "ratio", "estimate", "id"):
        fmt = {"count": "%,d", "money": "¥%,.2f", "ratio": "%.2f", "estimate": "%.1f", "id": "%d"}[kind]
        return cc.NumberColumn(name, help=help_text, format=fmt)
    if kind == "pct":
        return cc.NumberColumn(name, help=help_text, format="percent")
    if kind == "time":
        return cc.DatetimeColumn(name, help=help_text, format="YYYY-MM-DD HH:mm")
    if kind in ("date", "month"):  # a text column would show a date as milliseconds since 1970
        return cc.DateColumn(name, help=help_text, format="YYYY-MM-DD" if kind == "date" else "YYYY-MM")
    if kind == "flag":
        return cc.CheckboxColumn(name, help=help_text)
    # A title stays in view while the figures scroll beside it.
    return cc.TextColumn(name, help=help_text, width=240 if kind == "title" else None,
                         pinned=True if kind == "title" else None)


def column_config(ctx: Context, columns: Sequence[str], kinds: Mapping[str, str], prefix: str) -> dict[str, object]:
    """Display formats and the definition (catalogue `<prefix>.<column>.help`, one hover away) of every column of
    a table made by `frame`. Kinds: count, money, pct, ratio, estimate, id, time, date, month, flag, title, text."""
    return {ctx.t(f"{prefix}.{c}"): _column(ctx.t(f"{prefix}.{c}"), ctx.t(f"{prefix}.{c}.help"),
                                           kinds.get(c, "text")) for c in columns}


def frame(ctx: Context, df: pd.DataFrame, columns: Sequence[str], prefix: str,
          codes: Mapping[str, Callable[[object], str]] | None = None) -> pd.DataFrame:
    """The columns of a result as the reader sees and downloads them: headers from the catalogue
    (`<prefix>.<column>`), codes from the data in words (`codes`: column -> wording of one code)."""
    out = {}
    for col in columns:
        values = df[col]
        word = (codes or {}).get(col)
        if word is not None:  # each distinct code once: a period may hold 30,000 posts and five formats
            words = {code: word(code) for code in values.dropna().unique()}
            values = values.map(words).where(values.notna(), word(None))
        out[ctx.t(f"{prefix}.{col}")] = values
    return pd.DataFrame(out).reset_index(drop=True)


def url_choice(ctx: Context, param: str, options: Sequence[object], default: object,
               parse: Callable[[str], object] = str) -> str:
    """Ready a picker whose choice lives under `param` in the URL: the URL's value when it changed (a shared link,
    Back/Forward) and is one of `options`, else the reader's choice (the widget's, or the one kept from before a
    language or screen switch), else `default`. Returns the widget key, whose state holds the choice (a new key per
    language: see widget_key). Draw the widget with that key, then call keep_in_url."""
    ss = st.session_state
    key = widget_key(param, ctx.lang)
    chosen = ss[key] if ss.get(key) in options else ss.get(f"_{param}")
    url = st.query_params.get(param)
    if url and url != ss.get(f"_{param}_url"):
        try:
            parsed = parse(url)
        except ValueError:
            parsed = None
        if parsed in options:
            chosen = parsed
    if chosen not in options:
        chosen = default
    if ss.get(key) != chosen:
        ss[key] = chosen
    return key


def keep_in_url(param: str, key: str, written: str | None) -> None:
    """Remember the choice of widget `key` for the next run and write it into the URL (None: the default, left
    out so links stay short)."""
    ss = st.session_state
    ss[f"_{param}"] = ss[key]
    if written is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != written:
        st.query_params[param] = written
    ss[f"_{param}_url"] = written


# ---- the CPS split, shared by the screens that show influencer earnings (粉丝头条, later 达人对比) --------

CPS_URL_KEY = "cps"


def cps_split_picker(ctx: Context) -> metrics.CpsSplit:
    """The CPS split (platform fee and Weibo's share; the influencer keeps the rest) in an expander that names it,
    with the formula of earnings; drawn where called.

    The split outlives screen switches in session state and is kept in the URL as `cps=10,30,60` when it differs
    from the default; an unreadable value in the URL falls back to the default."""
    ss = st.session_state
    url = st.query_params.get(CPS_URL_KEY)
    if "_cps" not in ss or (url and url != ss.get("_cps_url")):
        split = metrics.CpsSplit.parse(url) or metrics.DEFAULT_CPS_SPLIT
        ss["_cps"], ss["_cps_url"] = split, url
        ss["cps_fee"], ss["cps_weibo"] = split.platform_fee, split.weibo
    # Changes arrive through on_change, before the script runs: the split is final from here on.
    split = ss["_cps"]
    # Widget state is dropped on screens that do not draw these inputs: give them the kept split back.
    ss.setdefault("cps_fee", split.platform_fee)
    ss.setdefault("cps_weibo", split.weibo)

    def on_change() -> None:
        fee = int(ss["cps_fee"])
        weibo = min(int(ss["cps_weibo"]), 100 - fee)  # the two never take more than the whole commission
        ss["cps_weibo"] = weibo
        ss["_cps"] = metrics.CpsSplit(fee, weibo)

    title = ctx.t("cps.title", fee=split.platform_fee, weibo=split.weibo, influencer=split.influencer)
    with st.expander(title, icon=":material/percent:"):
        st.caption(ctx.t("cps.caption"))
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.number_input(ctx.t("cps.platform_fee"), min_value=0, max_value=100, step=1, format="%d",
                            key="cps_fee", help=ctx.t("cps.platform_fee.help"), on_change=on_change, width=200)
            st.number_input(ctx.t("cps.weibo"), min_value=0, max_value=100, step=1, format="%d", key="cps_weibo",
                            help=ctx.t("cps.weibo.help"), on_change=on_change, width=200)
            st.markdown(ctx.t("cps.influencer", pct=split.influencer))
    written = None if split == metrics.DEFAULT_CPS_SPLIT else split.to_param()
    if written is None:
        if CPS_URL_KEY in st.query_params:
            del st.query_params[CPS_URL_KEY]
    elif st.query_params.get(CPS_URL_KEY) != written:
        st.query_params[CPS_URL_KEY] = written
    ss["_cps_url"] = written
    return split


# ---- exports and sharing: the link to the view, the page report, each chart's files ---------------------------

URL_DATA = "data"  # a link's dataset, by NAME only: it must match the server's dataset, it never opens a folder


@dataclass
class _Run:
    """One run of a screen: what it has drawn (for its page report) and the link to it as it stands."""

    ctx: Context
    items: list[export.Item]
    slug: str = "overview"
    link: str = ""
    choices: dict[str, str] | None = None
    link_slot: object = None
    report_slot: object = None


def _current_run() -> _Run | None:
    return st.session_state.get("_export_run")


def share_link(ctx: Context) -> str:
    """The full address of the view: the page, every filter and choice in the URL, and the dataset's name."""
    params = {k: st.query_params.get(k) for k in st.query_params if k != URL_DATA}
    params[URL_DATA] = ctx.ds.name
    base = st.context.url or ""
    return f"{base}?{urllib.parse.urlencode(params, safe=',:')}"


def _refresh_link() -> None:
    """Write the link as it stands into the share box. Screens write their own choices into the URL as they go and
    may stop early (st.stop), so it is refreshed whenever they draw a table or a chart, never only at the end."""
    run = _current_run()
    if run is None or run.link_slot is None:
        return
    link = share_link(run.ctx)
    if link != run.link:
        run.link = link
        run.choices = {k: str(st.query_params.get(k)) for k in st.query_params if k not in (*URL_KEYS, URL_DATA)}
        run.link_slot.code(link, language=None, wrap_lines=True)  # type: ignore[attr-defined]


def _register(item: export.Item) -> None:
    run = _current_run()
    if run is not None:
        run.items.append(item)
        _refresh_link()


def _share_box(ctx: Context) -> None:
    """The sidebar's share box: the link to this view (copy button on hover) and the page report's button (drawn by
    header(), once the screen is known). Starts this run's list of what the screen draws."""
    run = _Run(ctx=ctx, items=[])
    st.session_state["_export_run"] = run
    st.markdown(f"**{md_escape(ctx.t('export.share'))}**", help=ctx.t("export.link_help"))
    with st.container(key="share_link"):
        run.link_slot = st.empty()
    run.report_slot = st.empty()
    _refresh_link()


def _check_link_dataset(ctx: Context) -> None:
    """A link names the dataset it was made on; opened on a server with another, the reader is told."""
    wanted = st.query_params.get(URL_DATA)
    if wanted and wanted != ctx.ds.name:
        st.warning(ctx.t("export.data_mismatch", wanted=md_escape(str(wanted)[:80]), name=md_escape(ctx.ds.name)),
                   icon=":material/link_off:")


def _report_bytes(run: _Run) -> bytes:
    """The page report of a run, made when the reader clicks (no Streamlit call here: it runs outside the script)."""
    ctx = run.ctx
    p = ctx.filters.period
    names: list[str] = []
    if ctx.filters.influencers:
        roster = metrics.influencer_list(ctx.ds, ctx.filters)
        known = {int(i): str(n) for i, n in zip(roster["influencer_id"], roster["name"], strict=True)}
        names = [known.get(int(i), str(i)) for i in ctx.filters.influencers]
    span = (ctx.span.start, ctx.span.end) if ctx.span else None
    facts = export.report_facts(ctx.lang, ctx.ds.name, span, (p.start, p.end), names, ctx.window_label,
                                run.choices or {}, ctx.ds.tz)
    return export.page_report(export.report_title(run.slug, ctx.lang), facts, run.items, ctx.lang, run.link or None)


def _report_button(ctx: Context, slug: str) -> None:
    run = _current_run()
    if run is None or run.report_slot is None:
        return
    run.slug = slug
    p = ctx.filters.period
    run.report_slot.download_button(  # type: ignore[attr-defined]
        ctx.t("export.report"), lambda: _report_bytes(run), key="report_html", mime="text/html",
        file_name=f"{slug}_report_{p.start.isoformat()}_{p.end.isoformat()}.html", icon=":material/summarize:",
        help=ctx.t("export.report_help"), on_click="ignore", width="stretch")


def _chart_exports(ctx: Context, fig: object, key: str, stem: str) -> None:
    """PNG (2×), SVG and interactive HTML of a chart in a popover under it; each made only when clicked. Where
    Chromium (or kaleido) is missing, the popover says how to get it instead of offering PNG and SVG."""
    p = ctx.filters.period
    name = f"{stem}_{p.start.isoformat()}_{p.end.isoformat()}"
    with st.container(horizontal=True, horizontal_alignment="right", key=f"{key}_exports"):
        with st.popover(ctx.t("export.chart"), icon=":material/download:", type="tertiary",
                        help=ctx.t("export.chart_help"), key=f"{key}_export"):
            if export.images_available():
                st.download_button(ctx.t("export.png"), lambda: export.figure_to_png(fig), key=f"{key}_png",
                                   mime=export.MIME["png"], file_name=f"{name}.png", icon=":material/image:",
                                   help=ctx.t("export.png_help"), on_click="ignore", width="stretch")
                st.download_button(ctx.t("export.svg"), lambda: export.figure_to_svg(fig), key=f"{key}_svg",
                                   mime=export.MIME["svg"], file_name=f"{name}.svg", icon=":material/draw:",
                                   help=ctx.t("export.svg_help"), on_click="ignore", width="stretch")
            else:
                st.caption(export.images_hint(ctx.lang))
            st.download_button(ctx.t("export.html"), lambda: export.figure_to_html(fig, lang=ctx.lang),
                               key=f"{key}_html", mime=export.MIME["html"], file_name=f"{name}.html",
                               icon=":material/code:", help=ctx.t("export.html_help"), on_click="ignore",
                               width="stretch")
