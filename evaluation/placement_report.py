"""The placement-quality evaluation as ``metrics.json`` and one self-contained ``report.html``.

The input is the results mapping that ``karyab evaluate`` builds::

    {"dataset": {...}, "systems": {name: {metric: value, ..., "seconds": s,
                                          "directions": {direction: {metric: value}},
                                          "ci": {metric: [low, high]}}},
     "ratios": {"a/b": {metric: {direction: [ratio, low, high]}}},
     "targets": [{"name": ..., "value": ..., "target": ..., "met": bool}],
     "untuned": {same shape as the top level}, "feature_importance": {feature: weight},
     "examples": [{"direction": ..., "query_title": ..., "results": [{...}]}],
     "timing": {"total_s": s, "stages": {stage: s}}}

Only ``systems`` is expected; every other part is optional and metric keys are not fixed (known
ones come first, the rest follow by name). The page is Persian and right to left, has no
external resources, and embeds its charts as base64 PNG data URIs. Missing or non-finite numbers
show as «—». Both files are written atomically (a temporary file, then ``os.replace``).
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import logging
import math
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from analytics.charts import figure_png
from evaluation.placement_charts import (
    MEAN,
    coverage_chart,
    direction_label,
    direction_names,
    finite,
    importance_chart,
    interval,
    metric_bar_chart,
    recall_chart,
    view_of,
)

logger = logging.getLogger(__name__)

METRICS_FILE = "metrics.json"
REPORT_FILE = "report.html"
DASH = "—"
KNOWN_METRICS = (
    "ndcg@10",
    "recall@10",
    "recall@100",
    "first_stage_recall@100",
    "mrr@10",
    "map@100",
    "coverage@10",
    "concentration@10",
)
_LAST_PREFIX = "exposure_parity_"  # after the known metrics, before unknown ones
_NOT_METRICS = frozenset({"directions", "ci", "seconds"})
_LOWER_IS_BETTER = ("concentration",)  # metric-name prefixes where the smallest value is best
_DATASET_LABELS = {
    "size": "اندازه",
    "setting": "حالت",
    "seed": "بذر تصادفی (seed)",
    "jobseekers": "کارجویان",
    "vacancies": "آگهی‌ها",
    "queries_per_direction": "پرسش در هر جهت",
    "generated_s": "زمان ساخت داده (ثانیه)",
}


# ---------------------------------------------------------------- files


def write_metrics_json(results: Mapping[str, Any], path: Path) -> None:
    """Write ``results`` as UTF-8 JSON (Persian unescaped, indent 2) atomically to ``path``.

    Non-finite floats become ``null`` so the file is strict JSON; NumPy scalars and arrays become
    plain numbers and lists.
    """
    text = json.dumps(_jsonable(results), ensure_ascii=False, indent=2, allow_nan=False)
    _write_atomic(Path(path), text + "\n")


def write_report(results: Mapping[str, Any], folder: Path) -> Path:
    """Write ``folder/metrics.json`` and ``folder/report.html``; return the HTML file's path."""
    page = render_report(results)  # render first: a failure leaves the folder as it was
    folder = Path(folder)
    write_metrics_json(results, folder / METRICS_FILE)
    target = folder / REPORT_FILE
    _write_atomic(target, page)
    logger.info("wrote the placement report to %s", target)
    return target


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes 0600; a report is meant to be read
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(item) for item in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int)):
        return value
    return str(value)  # a Path, a date, an enum: its text rather than a lost report


# ---------------------------------------------------------------- the page


def render_report(results: Mapping[str, Any]) -> str:
    """The report as one HTML page (Persian, right to left, charts inlined as PNG data URIs)."""
    if not isinstance(results, Mapping):
        raise TypeError(f"results must be a mapping, not {type(results).__name__}")
    sections = [
        _summary(results),
        *_setting(results, "نتایج"),
    ]
    untuned = results.get("untuned")
    if isinstance(untuned, Mapping):
        sections.append('<h2 id="untuned">حالت تنظیم‌نشده (untuned)</h2>')
        sections.append(_dataset(untuned.get("dataset")))
        sections.append(_targets(untuned.get("targets")))
        sections.extend(_setting(untuned, "نتایج حالت تنظیم‌نشده", level=3))
    sections.append(_importance(results.get("feature_importance")))
    sections.append(_examples(results.get("examples")))
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="fa" dir="rtl">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>گزارش کیفیت جای‌گذاری — کاریاب</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            "<h1>گزارش کیفیت جای‌گذاری (placement quality)</h1>",
            *[section for section in sections if section],
            "</body>",
            "</html>",
            "",
        ]
    )


_CSS = """
body { font-family: "Noto Sans Arabic", Vazirmatn, Tahoma, sans-serif; margin: 0 auto;
  max-width: 1240px; padding: 1.5rem; color: #222; line-height: 1.7; background: #fff; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid #3d5a80; padding-bottom: .2rem;
  margin-top: 2.5rem; }
h3 { font-size: 1.1rem; margin-top: 1.5rem; }
img { max-width: 100%; height: auto; display: block; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; margin: .6rem 0; }
th, td { border: 1px solid #ddd; padding: .3rem .5rem; text-align: right; vertical-align: top; }
th { background: #eef2f7; }
tr:nth-child(even) td { background: #fafafa; }
td.num { white-space: nowrap; direction: ltr; text-align: left;
  font-variant-numeric: tabular-nums; }
td.num b { color: #1d3557; }
.met { color: #2a7d4f; font-weight: bold; }
.unmet { color: #b3261e; font-weight: bold; }
.note { color: #666; font-size: .9rem; }
.ltr { direction: ltr; unicode-bidi: isolate; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
.example { border: 1px solid #ddd; border-radius: 6px; padding: .3rem 1rem; margin: 1rem 0; }
"""


# ---------------------------------------------------------------- formatting


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _fmt(value: object, decimals: int = 3) -> str:
    """A number with ``decimals`` decimals; text as it is; missing or non-finite as «—»."""
    if value is None or isinstance(value, bool):
        return DASH if value is None else str(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = finite(value)
        return DASH if number is None else f"{number:.{decimals}f}"
    return str(value)


def _count(value: object) -> str:
    """An integer with thousands separators, other numbers with three decimals."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return f"{int(value):,}"
    return _fmt(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> str:
    """An HTML table of already-escaped cells; ``numeric`` marks the columns of numbers."""
    head = "".join(f"<th>{cell}</th>" for cell in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{cell}</td>' if is_number else f"<td>{cell}</td>"
            for cell, is_number in zip(row, numeric, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image(build: Callable[[], Figure | None], alt: str) -> str:
    """The chart ``build`` makes as an inline PNG; "" when it has nothing to draw or fails."""
    try:
        fig = build()
    except Exception:  # a broken chart must not cost the report of a long evaluation
        logger.warning("chart %r failed; the report goes on without it", alt, exc_info=True)
        return ""
    if fig is None:
        return ""
    data = base64.b64encode(figure_png(fig)).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def metric_keys(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The metric columns of ``rows``: known metrics in order, ``exposure_parity_*``, the rest."""
    found = {
        str(key)
        for row in rows
        for key, value in row.items()
        if key not in _NOT_METRICS and not isinstance(value, (Mapping, list, tuple))
    }

    def rank(key: str) -> tuple[int, int, str]:
        if key in KNOWN_METRICS:
            return (0, KNOWN_METRICS.index(key), "")
        return (1 if key.startswith(_LAST_PREFIX) else 2, 0, key)

    return sorted(found, key=rank)


def _systems(results: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    systems = results.get("systems")
    if not isinstance(systems, Mapping):
        return {}
    return {str(name): metrics for name, metrics in systems.items() if isinstance(metrics, Mapping)}


# ---------------------------------------------------------------- sections


def _summary(results: Mapping[str, Any]) -> str:
    parts = ['<h2 id="summary">خلاصه</h2>', _dataset(results.get("dataset"))]
    parts.append(_timing(results.get("timing")))
    parts.append(_targets(results.get("targets")))
    return "\n".join(part for part in parts if part)


def _dataset(dataset: object) -> str:
    if not isinstance(dataset, Mapping) or not dataset:
        return ""
    items = "".join(
        f"<dt>{_esc(_DATASET_LABELS.get(str(key), key))}</dt><dd>{_esc(_count(value))}</dd>"
        for key, value in dataset.items()
    )
    return f'<h3>داده‌های ارزیابی (dataset)</h3><dl class="facts">{items}</dl>'


def _timing(timing: object) -> str:
    if not isinstance(timing, Mapping) or not timing:
        return ""
    total = finite(timing.get("total_s"))
    parts = ["<h3>زمان اجرا (timing)</h3>"]
    if total is not None:
        parts.append(f'<p>کل زمان: <span class="ltr">{total:.1f} s</span></p>')
    stages = timing.get("stages")
    if isinstance(stages, Mapping) and stages:
        rows = []
        for stage, seconds in stages.items():
            value = finite(seconds)
            share = DASH if value is None or not total else f"{100 * value / total:.1f}%"
            rows.append([_esc(stage), _esc(_fmt(seconds, 1)), _esc(share)])
        parts.append(_table(["مرحله (stage)", "ثانیه", "سهم از کل"], rows, [False, True, True]))
    return "\n".join(parts)


def _met_mark(met: object) -> str:
    if met is True:
        return '<span class="met">✔ برآورده شد</span>'
    if met is False:
        return '<span class="unmet">✘ برآورده نشد</span>'
    return DASH


def _targets(targets: object) -> str:
    if not isinstance(targets, Sequence) or isinstance(targets, str) or not targets:
        return ""
    rows = [
        [
            _esc(target.get("name", "")),
            _esc(_fmt(target.get("value"))),
            _esc(_fmt(target.get("target"))),
            _met_mark(target.get("met")),
        ]
        for target in targets
        if isinstance(target, Mapping)
    ]
    met = sum(1 for target in targets if isinstance(target, Mapping) and target.get("met") is True)
    return f"<h3>اهداف (targets): {met} از {len(rows)} برآورده</h3>" + _table(
        ["هدف", "مقدار", "آستانه", "وضعیت"], rows, [False, True, True, False]
    )


def _setting(results: Mapping[str, Any], title: str, level: int = 2) -> list[str]:
    """Tables, charts, intervals and ratios of one setting (the main one or the untuned one)."""
    systems = _systems(results)
    h, sub = f"h{level}", f"h{level + 1}"
    if not systems:
        return [f"<{h}>{_esc(title)}</{h}>", '<p class="note">نتیجه‌ای برای سامانه‌ها نیست.</p>']
    parts = [f"<{h}>{_esc(title)}</{h}>"]
    for view in [MEAN, *direction_names(systems)]:
        table = _metrics_table(systems, view)
        if table:
            parts.append(f"<{sub}>{_esc(direction_label(view))}</{sub}>{table}")
    parts.append(_image(lambda: metric_bar_chart(systems), f"{title}: nDCG@10"))
    if level == 2:
        parts.append(_image(lambda: recall_chart(systems), "Recall@k"))
        parts.append(_image(lambda: coverage_chart(systems), "coverage@10 / concentration@10"))
    parts.append(_intervals(systems, sub))
    parts.append(_ratios(results.get("ratios"), sub))
    return [part for part in parts if part]


def _metrics_table(systems: Mapping[str, Mapping[str, Any]], view: str) -> str:
    """Systems × metrics of one view, the best value of each column in bold."""
    rows = {name: view_of(system, view) for name, system in systems.items()}
    rows = {name: metrics for name, metrics in rows.items() if metrics}
    keys = metric_keys(list(rows.values()))
    if not rows or not keys:
        return ""
    best = {key: _best(key, [metrics.get(key) for metrics in rows.values()]) for key in keys}
    timed = view == MEAN and any(
        finite(metrics.get("seconds")) is not None for metrics in rows.values()
    )
    body = []
    for name, metrics in rows.items():
        cells = [f'<span class="ltr">{_esc(name)}</span>']
        for key in keys:
            value = metrics.get(key)
            text = _esc(_fmt(value))
            number, top = finite(value), best[key]
            is_best = number is not None and top is not None and round(number, 3) == top
            cells.append(f"<b>{text}</b>" if is_best else text)
        if timed:
            cells.append(_esc(_fmt(metrics.get("seconds"), 1)))
        body.append(cells)
    header = ["سامانه", *(_esc(key) for key in keys), *(["seconds"] if timed else [])]
    return _table(header, body, [False, *([True] * (len(header) - 1))])


def _best(key: str, values: Sequence[object]) -> float | None:
    """The best of ``values`` as shown (3 decimals); None when fewer than two differ."""
    numbers = {round(number, 3) for value in values if (number := finite(value)) is not None}
    if len(numbers) < 2:
        return None
    return min(numbers) if key.startswith(_LOWER_IS_BETTER) else max(numbers)


def _intervals(systems: Mapping[str, Mapping[str, Any]], heading: str) -> str:
    rows = []
    for name, system in systems.items():
        for view in [MEAN, *direction_names(systems)]:
            metrics = view_of(system, view)
            intervals = metrics.get("ci")
            if not isinstance(intervals, Mapping):
                continue
            for metric in intervals:
                bounds = interval(metrics, str(metric))
                low, high = (DASH, DASH) if bounds is None else (_fmt(bounds[0]), _fmt(bounds[1]))
                rows.append(
                    [
                        f'<span class="ltr">{_esc(name)}</span>',
                        _esc(direction_label(view)),
                        _esc(metric),
                        _esc(_fmt(metrics.get(metric))),
                        _esc(f"[{low}, {high}]"),
                    ]
                )
    if not rows:
        return ""
    header = ["سامانه", "جهت", "معیار", "مقدار", "بازهٔ اطمینان ۹۵٪"]
    return f"<{heading}>بازه‌های اطمینان (bootstrap CI)</{heading}>" + _table(
        header, rows, [False, False, False, True, True]
    )


def _ratios(ratios: object, heading: str) -> str:
    if not isinstance(ratios, Mapping) or not ratios:
        return ""
    rows = []
    for pair, metrics in ratios.items():
        if not isinstance(metrics, Mapping):
            continue
        for metric, by_direction in metrics.items():
            cells = by_direction if isinstance(by_direction, Mapping) else {MEAN: by_direction}
            for direction, triple in cells.items():
                rows.append(_ratio_row(str(pair), str(metric), str(direction), triple))
    if not rows:
        return ""
    header = ["مقایسه", "معیار", "جهت", "نسبت", "بازهٔ اطمینان ۹۵٪"]
    return (
        f"<{heading}>نسبت‌ها (ratios)</{heading}>"
        '<p class="note">نسبت بالای ۱ یعنی سامانهٔ اول بهتر است؛ سبز: کل بازه بالای ۱، '
        "قرمز: کل بازه زیر ۱.</p>" + _table(header, rows, [False, False, False, True, True])
    )


def _ratio_row(pair: str, metric: str, direction: str, triple: object) -> list[str]:
    values: list[object] = (
        list(triple) if isinstance(triple, Sequence) and not isinstance(triple, str) else [triple]
    )
    ratio, low, high = [*values, None, None, None][:3]
    text = _esc(_fmt(ratio))
    low_n, high_n = finite(low), finite(high)
    if low_n is not None and low_n > 1:
        text = f'<span class="met">{text}</span>'
    elif high_n is not None and high_n < 1:
        text = f'<span class="unmet">{text}</span>'
    bounds = DASH if low_n is None and high_n is None else f"[{_fmt(low)}, {_fmt(high)}]"
    return [
        f'<span class="ltr">{_esc(pair)}</span>',
        _esc(metric),
        _esc(direction_label(direction)),
        text,
        _esc(bounds),
    ]


def _importance(importance: object) -> str:
    if not isinstance(importance, Mapping) or not importance:
        return ""
    chart = _image(lambda: importance_chart(importance), "feature importance")
    ordered = sorted(importance.items(), key=lambda item: _descending(finite(item[1])))
    rows = [
        [f'<span class="ltr">{_esc(name)}</span>', _esc(_fmt(value))] for name, value in ordered
    ]
    return (
        '<h2 id="importance">اهمیت ویژگی‌ها (feature importance)</h2>'
        + chart
        + _table(["ویژگی", "اهمیت"], rows, [False, True])
    )


def _descending(value: float | None) -> tuple[bool, float]:
    """A sort key: larger numbers first, missing ones last."""
    return (value is None, 0.0 if value is None else -value)


def _examples(examples: object) -> str:
    if not isinstance(examples, Sequence) or isinstance(examples, str) or not examples:
        return ""
    parts = [
        '<h2 id="examples">نمونه‌هایی از نتایج با توضیح</h2>',
        '<p class="note">grade: درجهٔ ارتباط (۰ نامرتبط؛ هرچه بیشتر، مرتبط‌تر).</p>',
    ]
    for example in examples:
        if not isinstance(example, Mapping):
            continue
        direction = direction_label(str(example.get("direction", "")))
        parts.append(
            '<div class="example">'
            f"<h3>{_esc(example.get('query_title', ''))}</h3>"
            f'<p class="note">{_esc(direction)}</p>'
            + _example_results(example.get("results"))
            + "</div>"
        )
    return "\n".join(parts)


def _example_results(results: object) -> str:
    if not isinstance(results, Sequence) or isinstance(results, str) or not results:
        return '<p class="note">نتیجه‌ای نیست.</p>'
    rows = []
    for rank, result in enumerate(results, start=1):
        if not isinstance(result, Mapping):
            continue
        rows.append(
            [
                str(rank),
                _esc(result.get("title", "")),
                _esc(_fmt(result.get("grade"), 0)),
                _esc(result.get("explanation", "")),
                _esc(_skills(result.get("matched_skills"))),
                _esc(_skills(result.get("missing_skills"))),
            ]
        )
    header = ["رتبه", "عنوان", "grade", "توضیح", "مهارت‌های منطبق", "مهارت‌های کم"]
    return _table(header, rows, [True, False, True, False, False, False])


def _skills(skills: object) -> str:
    if isinstance(skills, Sequence) and not isinstance(skills, str):
        return "، ".join(str(skill) for skill in skills) or DASH
    return DASH if skills is None else str(skills)
