"""Pure figure builders, DataFrame -> plotly Figure, sharing one look; no Streamlit here."""

from __future__ import annotations

import math

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
    if any(d is None for d in digits):
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


# ---- the Posts screen (内容转化) ------------------------------------------------------------------


# ---- the Campaigns screen (粉丝头条) --------------------------------------------------------------
