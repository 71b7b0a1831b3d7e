"""Charts of the placement-quality evaluation, and the lookups its report shares with them.

Every chart takes the ``systems`` part of the results (system name → flat metrics, with an
optional ``directions`` mapping and ``ci`` intervals; see :mod:`evaluation.placement_report`) and
returns a ``matplotlib.figure.Figure`` built with the object-oriented API (no pyplot state; PNG
output goes through Agg), or ``None`` when there is nothing to draw. Persian labels go through
:func:`analytics.charts.persian` in the Noto Sans Arabic font of
:func:`analytics.charts.persian_font` (which has no arrows: labels say «to» instead).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analytics.charts import as_float, persian, persian_font

logger = logging.getLogger(__name__)

MEAN = "mean"  # the view of a system's top-level metrics: the mean of the two directions
DIRECTION_LABELS = {
    "jobseeker_to_vacancy": "از کارجو به آگهی (jobseeker to vacancy)",
    "vacancy_to_jobseeker": "از آگهی به کارجو (vacancy to jobseeker)",
    MEAN: "میانگین دو جهت (mean)",
}
_RECALL = re.compile(r"^recall@(\d+)$")
_COLORS = ("#3d5a80", "#e07a5f", "#81b29a", "#f2cc8f", "#98c1d9", "#6d597a", "#b56576")
_VIEW_MARKERS = {MEAN: "o", "jobseeker_to_vacancy": "^", "vacancy_to_jobseeker": "s"}
_GRID = "#e5e5e5"


# ---------------------------------------------------------------- lookups


def finite(value: object) -> float | None:
    """``value`` as a finite float; None for None, NaN, ±inf, booleans and non-numbers."""
    if isinstance(value, bool):
        return None
    number = as_float(value)
    return number if number is not None and math.isfinite(number) else None


def direction_label(view: str) -> str:
    """The Persian label of a direction (or of the mean); unknown names come back as they are."""
    return DIRECTION_LABELS.get(view, view)


def direction_names(systems: Mapping[str, Any]) -> list[str]:
    """Directions that any system reports, the two known ones first."""
    found: list[str] = []
    for system in systems.values():
        directions = system.get("directions") if isinstance(system, Mapping) else None
        if isinstance(directions, Mapping):
            found.extend(name for name in directions if name not in found)
    known = [name for name in DIRECTION_LABELS if name in found]
    return known + [name for name in found if name not in known]


def view_of(system: object, view: str) -> Mapping[str, Any]:
    """The flat metrics of ``system`` in ``view`` (a direction or :data:`MEAN`); {} if absent."""
    if not isinstance(system, Mapping):
        return {}
    if view == MEAN:
        return system
    directions = system.get("directions")
    found = directions.get(view) if isinstance(directions, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def interval(metrics: Mapping[str, Any], metric: str) -> tuple[float, float] | None:
    """The ``ci`` interval of ``metric`` in one view, when it holds two finite numbers."""
    intervals = metrics.get("ci")
    pair = intervals.get(metric) if isinstance(intervals, Mapping) else None
    if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
        return None
    low, high = finite(pair[0]), finite(pair[1])
    return None if low is None or high is None else (low, high)


# ---------------------------------------------------------------- scaffolding


def _kw(size: float) -> dict[str, Any]:
    # parse_math off: system and feature names are data, and a stray "$" must not start mathtext.
    return {"fontproperties": persian_font(size), "parse_math": False}


def _figure(height: float, width: float = 10.0) -> Figure:
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _style(ax: Any) -> None:
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontproperties(persian_font(10))
    ax.grid(axis="y", color=_GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)


def _legend(owner: Any, **kwargs: Any) -> None:
    legend = owner.legend(prop=persian_font(10), **kwargs)
    for text in legend.get_texts():
        text.set_parse_math(False)


# ---------------------------------------------------------------- charts


def metric_bar_chart(
    systems: Mapping[str, Any], metric: str = "ndcg@10", title: str = ""
) -> Figure | None:
    """Bars of ``metric`` per system, one bar per direction and one for the mean, CI whiskers.

    A view's whisker comes from its own ``ci`` entry, so the mean's from the system's ``ci``.
    """
    names = [str(name) for name in systems]
    views = [*direction_names(systems), MEAN]
    values = np.full((len(views), len(names)), np.nan)
    errors = np.zeros((len(views), 2, len(names)))
    for i, view in enumerate(views):
        for j, system in enumerate(systems.values()):
            metrics = view_of(system, view)
            value = finite(metrics.get(metric))
            if value is None:
                continue
            values[i, j] = value
            bounds = interval(metrics, metric)
            if bounds is not None:
                errors[i, :, j] = (max(value - bounds[0], 0.0), max(bounds[1] - value, 0.0))
    keep = ~np.isnan(values).all(axis=1)
    if not keep.any():
        logger.debug("no %s values to chart", metric)
        return None
    views = [view for view, kept in zip(views, keep, strict=True) if kept]
    values, errors = values[keep], errors[keep]

    fig = _figure(4.8)
    ax = fig.add_subplot()
    x = np.arange(len(names))
    width = 0.8 / len(views)
    for i, view in enumerate(views):
        offset = (i - (len(views) - 1) / 2) * width
        color = _COLORS[i % len(_COLORS)]
        yerr = errors[i] if errors[i].any() else None
        ax.bar(x + offset, values[i], width, yerr=yerr, capsize=3, color=color,
               ecolor="#555555", label=persian(direction_label(view)))  # fmt: skip
        for j, value in enumerate(values[i]):
            if math.isfinite(value):
                top = value + errors[i, 1, j]
                ax.text(x[j] + offset, top, f"{value:.3f}", ha="center", va="bottom", **_kw(8))
    ax.set_xticks(x, names)
    ax.set_ylabel(metric)
    ax.set_ylim(0, max(float(np.nanmax(values + errors[:, 1])) * 1.15, 1e-3))
    ax.set_title(persian(title or f"{metric} هر سامانه در هر جهت"), **_kw(13))
    _style(ax)
    _legend(fig, loc="outside lower center", ncols=len(views))
    return fig


def recall_chart(systems: Mapping[str, Any]) -> Figure | None:
    """Recall@k against k per system: one panel per direction (the mean when none is given)."""
    views = direction_names(systems) or [MEAN]
    ks = sorted(
        {
            int(match.group(1))
            for view in views
            for system in systems.values()
            for key in view_of(system, view)
            if (match := _RECALL.match(str(key)))
        }
    )
    if not ks:
        return None
    fig = _figure(4.5)
    axes = fig.subplots(1, len(views), sharey=True, squeeze=False)[0]
    drawn = False
    for ax, view in zip(axes, views, strict=True):
        for j, (name, system) in enumerate(systems.items()):
            metrics = view_of(system, view)
            series = [finite(metrics.get(f"recall@{k}")) for k in ks]
            if all(value is None for value in series):
                continue
            points = [np.nan if value is None else value for value in series]
            ax.plot(range(len(ks)), points, marker="o", color=_COLORS[j % len(_COLORS)],
                    label=str(name))  # fmt: skip
            drawn = True
        ax.set_xticks(range(len(ks)), [f"@{k}" for k in ks])
        ax.set_xlabel("k")
        ax.set_title(persian(direction_label(view)), **_kw(11))
        _style(ax)
    if not drawn:
        return None
    axes[0].set_ylabel("Recall@k")
    axes[0].set_ylim(0, 1.02)
    fig.suptitle(persian("Recall@k هر سامانه"), **_kw(13))
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes[1:]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    _legend(fig, handles=handles, labels=labels, loc="outside lower center", ncols=len(labels))
    return fig


def coverage_chart(
    systems: Mapping[str, Any],
    coverage: str = "coverage@10",
    concentration: str = "concentration@10",
) -> Figure | None:
    """Coverage against concentration: a point per system and view, labelled with the system."""
    views = [MEAN, *direction_names(systems)]
    fig = _figure(5.0, 8.0)
    ax = fig.add_subplot()
    used_views: list[str] = []
    for j, (name, system) in enumerate(systems.items()):
        labelled = False  # the name goes on the system's first point: the mean when it has one
        for view in views:
            metrics = view_of(system, view)
            x, y = finite(metrics.get(coverage)), finite(metrics.get(concentration))
            if x is None or y is None:
                continue
            mean = view == MEAN
            marker = _VIEW_MARKERS.get(view, "D")
            color = _COLORS[j % len(_COLORS)]
            ax.scatter(x, y, s=80 if mean else 40, marker=marker, color=color,
                       alpha=1.0 if mean else 0.6, zorder=3)  # fmt: skip
            if not labelled:
                ax.annotate(str(name), (x, y), xytext=(5, 5), textcoords="offset points", **_kw(9))
                labelled = True
            if view not in used_views:
                used_views.append(view)
    if not used_views:
        return None
    ax.set_xlabel(coverage)
    ax.set_ylabel(concentration)
    ax.set_title(persian("پوشش در برابر تمرکز (coverage vs concentration)"), **_kw(13))
    _style(ax)
    ax.grid(axis="x", color=_GRID, linewidth=0.8)
    handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker=_VIEW_MARKERS.get(view, "D"),
            color="#777777",
            label=persian(direction_label(view)),
        )
        for view in used_views
    ]
    _legend(ax, handles=handles, loc="best")
    return fig


def importance_chart(importance: Mapping[str, Any]) -> Figure | None:
    """Horizontal bars of the ranker's feature importances, the largest on top."""
    rows = [
        (str(name), value) for name, raw in importance.items() if (value := finite(raw)) is not None
    ]
    if not rows:
        return None
    rows.sort(key=lambda row: -row[1])
    fig = _figure(max(2.5, 1.2 + 0.38 * len(rows)))
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    values = [value for _, value in rows]
    ax.barh(y, values, color=_COLORS[0])
    reach = max(max(abs(value) for value in values), 1e-9)
    for row, value in enumerate(values):
        ax.text(value + reach * 0.01, row, f"{value:.3f}", ha="left", va="center", **_kw(9))
    ax.set_yticks(y, [name for name, _ in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(min(0.0, min(values) * 1.1), reach * 1.15)
    ax.set_title(persian("اهمیت ویژگی‌های رتبه‌بند (feature importance)"), **_kw(13))
    _style(ax)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color=_GRID, linewidth=0.8)
    return fig
