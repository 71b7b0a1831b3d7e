"""Charts of a skill report, drawn right to left with Persian labels.

Every chart function takes one table of :class:`analytics.model.SkillReport` and returns a
``matplotlib.figure.Figure`` built with the object-oriented API (no pyplot state, safe in
threads, no display needed); :func:`figure_png` renders one to PNG bytes. An empty or unusable
table gives a figure that says so instead of raising.

Persian text: matplotlib 3.11 lays text out with libraqm, which joins the letters and orders
mixed Persian/Latin runs itself, so :func:`persian` only fixes the base direction there. On an
older matplotlib it joins the letters (arabic-reshaper) and puts them in visual order
(python-bidi).
"""

from __future__ import annotations

import functools
import io
import logging
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import ft2font
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analytics.periods import PeriodError, month_label_fa, parse_month, to_persian_digits

logger = logging.getLogger(__name__)

NO_DATA = "داده‌ای برای این بخش نیست"
SOURCE_NOTE = "منبع: کاریاب"
NATIONAL = "همه"  # the province (or group) label of cells that cover everything
FALLBACK_FAMILY = "DejaVu Sans"  # ships with matplotlib and has the Arabic block

WIDTH_IN = 12.0  # at DPI this is 1200 px, the width the report shows charts at
DPI = 100
BAR_COLOR = "#3d5a80"
SUPPLY_COLOR = "#e07a5f"
NOTE_COLOR = "#666666"

_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_RLM = "\u200f"  # a strong right-to-left mark: sets the base direction of a label
_THOUSANDS = "\u066c"  # Arabic thousands separator «٬»
_DECIMAL = "\u066b"  # Arabic decimal separator «٫»
_MINUS = "\u2212"


# ---------------------------------------------------------------- text and numbers


@functools.cache
def _engine_shapes_text() -> bool:
    """Whether matplotlib shapes and reorders complex text itself (libraqm, matplotlib ≥ 3.11)."""
    return hasattr(ft2font, "__libraqm_version__")


def persian(text: str) -> str:
    """``text`` as matplotlib should be given it to show it right to left.

    Text without Arabic-script characters comes back unchanged. Otherwise, with libraqm every
    line gets a leading RLM so a label that starts with a Latin word («SQL در تهران») still
    reads right to left; without it the letters are joined and put in visual order.
    """
    text = str(text)
    if not _ARABIC_SCRIPT.search(text):
        return text
    if _engine_shapes_text():
        return "\n".join(_RLM + line for line in text.split("\n"))
    import arabic_reshaper
    from bidi import get_display

    return "\n".join(
        str(get_display(arabic_reshaper.reshape(line), base_dir="R")) for line in text.split("\n")
    )


@functools.cache
def _font_file() -> Path | None:
    """The Noto Sans Arabic file if matplotlib's FreeType can open it, else None."""
    try:
        import fontpkg_noto_sans_arabic

        path = next(iter(sorted((Path(fontpkg_noto_sans_arabic.ROOT) / "files").glob("*.ttf"))))
        ft2font.FT2Font(str(path))  # a variable font must still load as its default instance
    except Exception as error:  # any failure means the fallback font, never a broken chart
        logger.warning("Noto Sans Arabic unavailable (%s); using %s", error, FALLBACK_FAMILY)
        return None
    return path


def persian_font(size: float | None = None) -> FontProperties:
    """A fresh FontProperties for Noto Sans Arabic (it covers ASCII too), or DejaVu Sans."""
    path = _font_file()
    if path is None:
        return FontProperties(family=FALLBACK_FAMILY, size=size)
    return FontProperties(fname=path, size=size)


def is_missing(value: object) -> bool:
    """None, NaN, NA or NaT."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array is not a missing scalar
        return False


def as_float(value: object) -> float | None:
    """A number as a float; None when missing or not a number."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not is_missing(value):
        return float(value)
    return None


def fa_number(value: object, decimals: int = 0) -> str:
    """``12345`` → «۱۲٬۳۴۵», ``2.25`` with one decimal → «۲٫۲»; missing → «–»."""
    number = as_float(value)
    if number is None or not math.isfinite(number):
        return "–"
    number = round(number, decimals)
    text = f"{abs(number):,.{decimals}f}".replace(",", _THOUSANDS).replace(".", _DECIMAL)
    return (_MINUS if number < 0 else "") + to_persian_digits(text)


def fa_percent(share: object, decimals: int = 1) -> str:
    """A share in [0, 1] as a Persian percentage: ``0.234`` → «۲۳٫۴٪»."""
    number = as_float(share)
    return "–" if number is None else fa_number(number * 100, decimals) + "٪"


def fa_ratio(value: object) -> str:
    """A rate ratio with the precision it deserves: ``2.31`` → «۲٫۳», ``0.456`` → «۰٫۴۶»."""
    number = as_float(value)
    if number is None:
        return "–"
    return fa_number(number, 2 if abs(number) < 1 else 1 if abs(number) < 10 else 0)


def _cell_text(value: object, limit: int = 45) -> str:
    """A table value as a one-line label, cut to ``limit`` characters."""
    text = "" if is_missing(value) else " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- figure scaffolding


def _kw(size: float) -> dict[str, Any]:
    # parse_math off: labels come from job ads and a stray "$" must not start mathtext.
    return {"fontproperties": persian_font(size), "parse_math": False}


def _new_figure(height: float) -> Figure:
    return Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")


def _finish(fig: Figure, title: str, note: str = "") -> Figure:
    """Right-aligned title and the source note (plus ``note``) at the bottom right."""
    fig.suptitle(persian(title), x=0.99, ha="right", **_kw(16))
    footer = f"{note}  —  {SOURCE_NOTE}" if note else SOURCE_NOTE
    fig.supxlabel(persian(footer), x=0.99, ha="right", color=NOTE_COLOR, **_kw(10))
    return fig


def empty_figure(title: str) -> Figure:
    """The figure for a section without data: its title and «داده‌ای برای این بخش نیست»."""
    fig = _new_figure(2.5)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, persian(NO_DATA), ha="center", va="center", color=NOTE_COLOR, **_kw(14))
    return _finish(fig, title)


def _usable(table: pd.DataFrame | None, columns: Sequence[str], title: str) -> bool:
    if table is None or len(table) == 0:
        return False
    missing = [column for column in columns if column not in table.columns]
    if missing:
        logger.warning("chart %r: the table lacks columns %s", title, missing)
        return False
    return True


def _floats(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)


def _percent_axis(axis: Any, decimals: int = 0) -> None:
    axis.set_major_locator(MaxNLocator(nbins=6))
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: fa_percent(value, decimals)))


def _style_ticks(ax: Axes, size: float = 11) -> None:
    # Persian digits need the Persian font too; later ticks copy the first tick's font.
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontproperties(persian_font(size))


def _rtl_bars(ax: Axes, labels: Sequence[str], right_edge: float) -> None:
    """Bars grow leftward from labels on the right, first row on top."""
    ax.set_yticks(np.arange(len(labels)), [persian(label) for label in labels], **_kw(12))
    ax.yaxis.tick_right()
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(right_edge, 0)  # reversed: zero on the right
    ax.spines[["left", "top"]].set_visible(False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)


def _legend(fig: Figure, **kwargs: Any) -> None:
    # Marker after the text, as right-to-left reads; labels may hold a "$" from an ad.
    legend = fig.legend(prop=persian_font(11), markerfirst=False, **kwargs)
    for text in legend.get_texts():
        text.set_parse_math(False)


def _bar_height(rows: int) -> float:
    return max(3.0, 1.4 + 0.42 * rows)


def _skill_label(row: pd.Series) -> str:
    for column in ("label_fa", "label_en", "skill_id"):
        text = _cell_text(row.get(column))
        if text:
            return text
    return "?"


def figure_png(fig: Figure) -> bytes:
    """PNG bytes of ``fig`` (1200 px wide)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


# ---------------------------------------------------------------- charts


def top_skills_chart(top_skills: pd.DataFrame, n: int = 15) -> Figure:
    """Horizontal bars of the ``n`` most asked-for skills' shares of vacancies, with 95% bars."""
    title = "مهارت‌های پرتقاضا"
    if not _usable(top_skills, ("share",), title):
        return empty_figure(title)
    rows = top_skills.head(n)
    share = np.nan_to_num(_floats(rows["share"]))
    low = _floats(rows["share_low"]) if "share_low" in rows else share
    high = _floats(rows["share_high"]) if "share_high" in rows else share
    error = np.vstack([np.nan_to_num(share - low).clip(0), np.nan_to_num(high - share).clip(0)])
    reach = float(np.nanmax(share + error[1])) or 1.0

    fig = _new_figure(_bar_height(len(rows)))
    ax = fig.add_subplot()
    ax.barh(np.arange(len(rows)), share, xerr=error, color=BAR_COLOR, ecolor="#999999", capsize=3)
    for y, (value, top) in enumerate(zip(share, share + error[1], strict=True)):
        ax.text(top + reach * 0.01, y, fa_percent(value), ha="right", va="center", **_kw(10))
    _rtl_bars(ax, [_skill_label(row) for _, row in rows.iterrows()], reach * 1.15)
    _percent_axis(ax.xaxis)
    ax.set_xlabel(persian("سهم از آگهی‌ها (خط خاکستری: بازهٔ ۹۵٪)"), **_kw(12))
    _style_ticks(ax)
    return _finish(fig, title)


def trend_chart(
    monthly: pd.DataFrame,
    skill_ids: Sequence[object],
    title: str = "روند ماهانهٔ سهم مهارت‌ها",
) -> Figure:
    """Monthly share lines of ``skill_ids`` over every month of ``monthly``, oldest on the left."""
    if not _usable(monthly, ("month", "skill_id", "share"), title) or not skill_ids:
        return empty_figure(title)
    months = sorted(monthly["month"].astype(str).unique())
    month_fa = _month_labels(monthly, months)
    ids = monthly["skill_id"].astype(str)
    wanted = [str(skill) for skill in skill_ids]
    if not ids.isin(wanted).any():
        return empty_figure(title)

    fig = _new_figure(6.0)
    ax = fig.add_subplot()
    x = np.arange(len(months))
    for skill in wanted:
        rows = monthly[ids == skill]
        if rows.empty:
            continue
        series = pd.Series(_floats(rows["share"]), index=rows["month"].astype(str).to_numpy())
        series = series.groupby(level=0).mean().reindex(months)
        label = _skill_label(rows.iloc[0])
        ax.plot(x, series.to_numpy(), marker="o", markersize=3, linewidth=2, label=persian(label))
    step = max(1, math.ceil(len(months) / 12))  # at most ~12 month labels
    ax.set_xticks(
        x[::step],
        [persian(month_fa[month]) for month in months[::step]],
        rotation=45,
        ha="right",
        rotation_mode="anchor",
        **_kw(11),
    )
    ax.set_xlim(-0.5, len(months) - 0.5)
    ax.set_ylim(bottom=0)
    ax.yaxis.tick_right()
    ax.yaxis.set_label_position("right")
    _percent_axis(ax.yaxis, 1)
    ax.set_ylabel(persian("سهم از آگهی‌های ماه"), **_kw(12))
    ax.grid(color="#e5e5e5", linewidth=0.8)
    ax.spines[["left", "top"]].set_visible(False)
    _legend(fig, loc="outside left upper")  # the left margin is free in an RTL chart
    _style_ticks(ax)
    return _finish(fig, title)


def _month_labels(monthly: pd.DataFrame, months: Sequence[str]) -> dict[str, str]:
    """Persian label of each month: the table's ``month_fa``, else made from ``month``."""
    given: dict[str, str] = {}
    if "month_fa" in monthly:
        for month, label in zip(monthly["month"].astype(str), monthly["month_fa"], strict=True):
            if month not in given and _cell_text(label):
                given[month] = str(label)
    labels = {}
    for month in months:
        try:
            labels[month] = given.get(month) or month_label_fa(parse_month(month))
        except PeriodError:
            labels[month] = month
    return labels


def emerging_chart(emerging: pd.DataFrame, n: int = 10) -> Figure:
    """Bars of how many vacancies mention each of the ``n`` leading emerging phrase clusters."""
    title = "عبارت‌های نوظهور (خارج از فهرست مهارت‌ها)"
    if not _usable(emerging, ("name", "count"), title):
        return empty_figure(title)
    rows = emerging.head(n)
    count = np.nan_to_num(_floats(rows["count"]))
    reach = float(count.max()) or 1.0

    fig = _new_figure(_bar_height(len(rows)))
    ax = fig.add_subplot()
    ax.barh(np.arange(len(rows)), count, color=BAR_COLOR)
    for y, value in enumerate(count):
        ax.text(value + reach * 0.01, y, fa_number(value), ha="right", va="center", **_kw(10))
    _rtl_bars(ax, [_cell_text(name) or "?" for name in rows["name"]], reach * 1.12)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: fa_number(value)))
    ax.set_xlabel(persian("شمار آگهی‌هایی که یکی از عبارت‌های خوشه را دارند"), **_kw(12))
    _style_ticks(ax)
    return _finish(fig, title)


def gap_chart(gaps: pd.DataFrame, n: int = 15) -> Figure:
    """Paired bars of demand share (vacancies) and supply share (jobseekers) per gap row."""
    title = "شکاف عرضه و تقاضای مهارت"
    if not _usable(gaps, ("demand_share", "supply_share"), title):
        return empty_figure(title)
    rows = gaps.head(n)
    demand = np.nan_to_num(_floats(rows["demand_share"]))
    supply = np.nan_to_num(_floats(rows["supply_share"]))
    reach = float(max(demand.max(), supply.max())) or 1.0

    fig = _new_figure(_bar_height(len(rows)) + 0.6)
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    ax.barh(y - 0.2, demand, height=0.4, color=BAR_COLOR, label=persian("تقاضا: سهم آگهی‌ها"))
    ax.barh(y + 0.2, supply, height=0.4, color=SUPPLY_COLOR, label=persian("عرضه: سهم کارجویان"))
    for offset, values in ((-0.2, demand), (0.2, supply)):
        for row, value in enumerate(values):
            label = fa_percent(value)
            ax.text(value + reach * 0.01, row + offset, label, ha="right", va="center", **_kw(9))
    _rtl_bars(ax, [_gap_label(row) for _, row in rows.iterrows()], reach * 1.15)
    _percent_axis(ax.xaxis)
    ax.set_xlabel(persian("سهم"), **_kw(12))
    _legend(fig, loc="outside lower left", ncols=2, reverse=True)
    _style_ticks(ax)
    return _finish(fig, title)


def _gap_label(row: pd.Series) -> str:
    group = _cell_text(row.get("isco_group_fa"), 30) or _cell_text(row.get("isco_group"))
    label = f"{_skill_label(row)} — {group}" if group else _skill_label(row)
    province = _cell_text(row.get("province"))
    return f"{label} ({province})" if province and province != NATIONAL else label


def demand_heatmap(
    demand: pd.DataFrame,
    *,
    grain: str | None = None,
    isco_level: str | None = None,
    isco_group: str | None = None,
    n_skills: int = 15,
    n_provinces: int = 31,
) -> Figure:
    """Provinces × skills heat map of the skills' shares of one ISCO group's vacancies.

    Defaults: quarters if there are any (else months), major groups if any, the latest period,
    the group with the most vacancies there (or a group labelled «همه» when the table has one),
    its ``n_skills`` most asked-for skills and ``n_provinces`` largest provinces. Suppressed
    cells are hatched; cells with no row are blank.
    """
    title = "سهم مهارت‌ها به تفکیک استان"
    needed = ("period", "grain", "province", "isco_level", "isco_group", "skill_id", "share")
    if not _usable(demand, (*needed, "ads", "count"), title):
        return empty_figure(title)
    rows = demand[demand["province"].astype(str) != NATIONAL]
    rows = _pick(rows, "grain", grain, ("quarter", "month"))
    rows = _pick(rows, "isco_level", isco_level, ("major", "sub_major"))
    if rows.empty:
        return empty_figure(title)
    period = max(rows["period"].astype(str))
    rows = rows[rows["period"].astype(str) == period]
    groups = rows["isco_group"].astype(str)
    if isco_group is None:
        cell_ads = rows.groupby([groups, rows["province"]])["ads"].max()
        by_group = cell_ads.groupby(level=0).sum()
        isco_group = NATIONAL if NATIONAL in by_group.index else str(by_group.idxmax())
    rows = rows[groups == str(isco_group)]
    if rows.empty:
        return empty_figure(title)

    provinces = rows.groupby("province")["ads"].max().sort_values(ascending=False)
    provinces = provinces.index[:n_provinces]
    skills = rows.groupby(rows["skill_id"].astype(str))["count"].sum()
    skills = skills.sort_values(ascending=False).index[:n_skills]
    rows = rows[rows["province"].isin(provinces) & rows["skill_id"].astype(str).isin(skills)]
    cells = rows.assign(skill=rows["skill_id"].astype(str), value=_floats(rows["share"]))
    share = cells.pivot_table(index="province", columns="skill", values="value", aggfunc="mean")
    share = share.reindex(index=provinces, columns=skills)
    suppressed = _suppressed_cells(cells, provinces, skills)
    labels = cells.drop_duplicates("skill").set_index("skill")
    skill_labels = [_skill_label(labels.loc[skill]) for skill in skills]
    group_fa = _first_text(rows, "isco_group_fa") or str(isco_group)
    period_fa = _first_text(rows, "period_fa") or period

    values = np.ma.masked_invalid(share.to_numpy(dtype=float))
    fig = _new_figure(max(4.0, 2.8 + 0.38 * len(provinces)))
    ax = fig.add_subplot()
    cmap = _heat_cmap()
    image = ax.imshow(values, cmap=cmap, aspect="auto", vmin=0)
    top = float(values.max()) if values.count() else 1.0
    for (i, j), value in np.ndenumerate(share.to_numpy(dtype=float)):
        if suppressed[i, j]:
            box = Rectangle(
                (j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", edgecolor="#aaaaaa", lw=0
            )
            ax.add_patch(box)
        elif math.isfinite(value):
            color = "white" if value > 0.6 * top else "#222222"
            ax.text(j, i, fa_percent(value, 0), ha="center", va="center", color=color, **_kw(8))
    ax.set_xticks(
        np.arange(len(skills)),
        [persian(label) for label in skill_labels],
        rotation=50,
        ha="right",
        rotation_mode="anchor",
        **_kw(10),
    )
    ax.set_yticks(np.arange(len(provinces)), [persian(str(p)) for p in provinces], **_kw(10))
    ax.yaxis.tick_right()
    ax.set_xlim(len(skills) - 0.5, -0.5)  # most asked-for skill on the right
    bar = fig.colorbar(image, ax=ax, location="left", shrink=0.8, pad=0.02)
    bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: fa_percent(value, 0)))
    bar.set_label(persian("سهم از آگهی‌های گروه در استان"), **_kw(11))
    _style_ticks(ax, 10)
    _style_ticks(bar.ax, 10)
    full_title = f"{title} — {group_fa}، {period_fa}"
    return _finish(fig, full_title, "خانه‌های هاشورخورده: آگهی‌ها کمتر از حد انتشار")


def _pick(
    rows: pd.DataFrame, column: str, wanted: str | None, order: Sequence[str]
) -> pd.DataFrame:
    """Rows whose ``column`` is ``wanted``; by default the first of ``order`` that has rows."""
    values = rows[column].astype(str)
    if wanted is not None:
        return rows[values == wanted]
    present = set(values)
    for choice in [*order, *sorted(present)]:
        if choice in present:
            return rows[values == choice]
    return rows.iloc[0:0]


def _suppressed_cells(cells: pd.DataFrame, provinces: pd.Index, skills: pd.Index) -> np.ndarray:
    if "suppressed" not in cells:
        return np.zeros((len(provinces), len(skills)), dtype=bool)
    flags = cells.assign(flag=cells["suppressed"].fillna(False).astype(bool))
    table = flags.pivot_table(index="province", columns="skill", values="flag", aggfunc="max")
    table = table.reindex(index=provinces, columns=skills)
    return table.fillna(False).to_numpy(dtype=bool)


def _first_text(rows: pd.DataFrame, column: str) -> str:
    if column not in rows:
        return ""
    for value in rows[column]:
        if _cell_text(value):
            return str(value)
    return ""


def _heat_cmap() -> Any:
    from matplotlib import colormaps

    return colormaps["YlGnBu"].with_extremes(bad="white")  # cells without a share stay blank
