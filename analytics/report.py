"""The files analysts open: one RTL Persian HTML page, CSV tables, an Excel book and charts.

:func:`write_report` builds everything in a temporary folder beside ``out_dir`` and then moves
each file into place with ``os.replace``, so no file is ever seen half written; the HTML page
moves last, so an interrupted run leaves the previous page pointing at complete files. Files of
ours are overwritten, anything else in ``out_dir`` is kept.
"""

from __future__ import annotations

import base64
import html
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from matplotlib.figure import Figure

from analytics import charts
from analytics.charts import as_float, fa_number, fa_percent, fa_ratio, is_missing
from analytics.model import (
    DEMAND_COLUMNS,
    EMERGING_COLUMNS,
    GAP_COLUMNS,
    MONTHLY_COLUMNS,
    TOP_SKILLS_COLUMNS,
    TREND_COLUMNS,
    ReportScope,
    SkillReport,
)
from analytics.periods import PeriodError, month_label_fa, parse_month

logger = logging.getLogger(__name__)

# A workbook is for reading, not for millions of cells (and writing those takes minutes):
# sheets keep this many rows, the demand sheet its largest unsuppressed cells; every row is
# in the CSV.
EXCEL_MAX_ROWS = 10_000
HTML_MAX_ROWS = 50  # the page shows the head of each table; the files hold every row
TREND_LINES = 5  # rising (and falling) skills drawn in the trend charts
NEW_AFTER_MONTHS = 3  # a rising skill first seen this long after the start counts as new
TABLE_NAMES = ("top_skills", "demand", "monthly", "trends", "emerging", "gaps")
_TABLE_TITLES = {
    "top_skills": "مهارت‌های پرتقاضا",
    "demand": "تقاضا به تفکیک دوره، استان و گروه شغلی",
    "monthly": "سری‌های ماهانه",
    "trends": "روندها",
    "emerging": "عبارت‌های نوظهور",
    "gaps": "شکاف عرضه و تقاضا",
}
_COLUMNS: Mapping[str, Sequence[str]] = {
    "top_skills": TOP_SKILLS_COLUMNS,
    "demand": DEMAND_COLUMNS,
    "monthly": MONTHLY_COLUMNS,
    "trends": TREND_COLUMNS,
    "emerging": EMERGING_COLUMNS,
    "gaps": GAP_COLUMNS,
}


@dataclass(frozen=True)
class ReportFiles:
    """Where :func:`write_report` put each file."""

    html: Path
    excel: Path
    tables: Mapping[str, Path]  # table name -> tables/<name>.csv
    charts: Mapping[str, Path]  # chart name -> charts/<name>.png

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self.html, self.excel, *self.tables.values(), *self.charts.values())


def write_report(report: SkillReport, out_dir: Path) -> ReportFiles:
    """Write ``report.html``, ``report.xlsx``, ``tables/*.csv`` and ``charts/*.png``."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        tables = {name: _table(report, name) for name in TABLE_NAMES}
        csv_files = _write_csvs(tables, staging)
        _write_excel(tables, report.scope, staging / "report.xlsx")
        pngs = _write_charts(tables, staging)
        page = _html(report, tables, pngs)
        (staging / "report.html").write_text(page, encoding="utf-8")
        written = [*csv_files.values(), *(f"charts/{name}.png" for name in pngs), "report.xlsx"]
        for relative in [*written, "report.html"]:  # the page last: it links to the rest
            target = out_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / relative, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    files = ReportFiles(
        html=out_dir / "report.html",
        excel=out_dir / "report.xlsx",
        tables={name: out_dir / path for name, path in csv_files.items()},
        charts={name: out_dir / "charts" / f"{name}.png" for name in pngs},
    )
    logger.info("report written to %s (%d files)", out_dir, len(files.paths))
    return files


def _table(report: SkillReport, name: str) -> pd.DataFrame:
    table = getattr(report, name)
    return table if isinstance(table, pd.DataFrame) else pd.DataFrame(columns=list(_COLUMNS[name]))


# ---------------------------------------------------------------- CSV and Excel


def _write_csvs(tables: Mapping[str, pd.DataFrame], staging: Path) -> dict[str, str]:
    (staging / "tables").mkdir()
    paths = {}
    for name, table in tables.items():
        paths[name] = f"tables/{name}.csv"
        _write_csv(table, staging / paths[name])
    return paths


def _excel_rows(name: str, table: pd.DataFrame) -> pd.DataFrame:
    """The rows a sheet shows: all of a short table; of the demand table, the largest
    cells that have a share, in the table's own order."""
    if name == "demand" and "suppressed" in table:
        table = table[~table["suppressed"].astype(bool)]
        if len(table) > EXCEL_MAX_ROWS:
            table = table.nlargest(EXCEL_MAX_ROWS, "count").sort_index()
        return table
    return table.head(EXCEL_MAX_ROWS)


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV with a BOM, which makes Excel read it as UTF-8 instead of the system code
    page. Arrow's writer: the demand table of a million vacancies has over a million rows,
    which pandas takes about 15 s to format and Arrow under one."""
    with path.open("wb") as handle:
        handle.write("\ufeff".encode())
        pa_csv.write_csv(pa.Table.from_pandas(table, preserve_index=False), handle)


def _write_excel(tables: Mapping[str, pd.DataFrame], scope: ReportScope, path: Path) -> None:
    notes = []
    shown = {name: _excel_rows(name, table) for name, table in tables.items()}
    for name, table in tables.items():
        if len(shown[name]) < len(table):
            logger.info(
                "table %s: the Excel sheet shows %d of %d rows (all are in the CSV)",
                name,
                len(shown[name]),
                len(table),
            )
            notes.append(
                (
                    f"truncated_{name}",
                    f"جدول «{_TABLE_TITLES[name]}» در اکسل کوتاه شده است",
                    f"{len(shown[name])} of {len(table)} rows; all rows in tables/{name}.csv",
                )
            )
    sheets = {"scope": _scope_table(scope, notes), **shown}
    # Text stays text: an ad title such as "=HYPERLINK(...)" must not become a formula.
    options = {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True}
    with pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        bold = writer.book.add_format({"bold": True})
        for name, table in sheets.items():
            table.to_excel(writer, sheet_name=name[:31], index=False, freeze_panes=(1, 0))
            sheet = writer.sheets[name[:31]]
            sheet.right_to_left()
            for index, column in enumerate(table.columns):
                sample = table[column].head(200).astype(str).str.len().fillna(0)
                width = max(len(str(column)), int(sample.max()) if len(sample) else 0)
                sheet.set_column(index, index, min(60, width + 2))
                sheet.write(0, index, str(column), bold)


def _scope_table(scope: ReportScope, notes: Sequence[tuple[str, str, str]]) -> pd.DataFrame:
    rows = [
        ("first_month", "از ماه", scope.first_month),
        ("last_month", "تا ماه", scope.last_month),
        ("province", "استان", scope.province or "همه استان‌ها"),
        ("vacancies", "آگهی‌ها", scope.vacancies),
        ("jobseekers", "کارجویان", scope.jobseekers),
        ("generated_at", "زمان تهیه", scope.generated_at),
        ("generated_at_fa", "تاریخ تهیه", scope.generated_at_fa),
        *notes,
    ]
    return pd.DataFrame(rows, columns=["key", "label_fa", "value"]).astype({"value": object})


# ---------------------------------------------------------------- charts


def _write_charts(tables: Mapping[str, pd.DataFrame], staging: Path) -> dict[str, bytes]:
    """PNG bytes by chart name, also written to ``charts/<name>.png``."""
    rising = _direction(tables["trends"], "rising")
    falling = _direction(tables["trends"], "falling")
    makers: dict[str, Callable[[], Figure]] = {
        "top_skills": lambda: charts.top_skills_chart(tables["top_skills"]),
        "demand_heatmap": lambda: charts.demand_heatmap(tables["demand"]),
        "trends_rising": lambda: charts.trend_chart(
            tables["monthly"], _ids(rising, TREND_LINES), "روند ماهانهٔ مهارت‌های رو به رشد"
        ),
        "trends_falling": lambda: charts.trend_chart(
            tables["monthly"], _ids(falling, TREND_LINES), "روند ماهانهٔ مهارت‌های رو به کاهش"
        ),
        "emerging": lambda: charts.emerging_chart(tables["emerging"]),
        "gaps": lambda: charts.gap_chart(tables["gaps"]),
    }
    (staging / "charts").mkdir()
    pngs = {}
    for name, make in makers.items():
        fig = make()
        pngs[name] = charts.figure_png(fig)
        fig.clear()  # free the artists now; no pyplot registry holds the figure
        (staging / "charts" / f"{name}.png").write_bytes(pngs[name])
    return pngs


def _direction(trends: pd.DataFrame, direction: str) -> pd.DataFrame:
    if "direction" not in trends:
        return trends.iloc[0:0]
    return trends[trends["direction"].astype(str) == direction]


def _ids(table: pd.DataFrame, n: int) -> list[object]:
    return list(table["skill_id"].head(n)) if "skill_id" in table else []


# ---------------------------------------------------------------- HTML

_CSS = """
body { font-family: Vazirmatn, Tahoma, sans-serif; margin: 0 auto; max-width: 1240px;
  padding: 1.5rem; color: #222; line-height: 1.7; background: #fff; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid #3d5a80; padding-bottom: .2rem;
  margin-top: 2.5rem; }
h3 { font-size: 1.1rem; margin-top: 1.5rem; }
img { max-width: 100%; height: auto; display: block; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; margin: .6rem 0; }
th, td { border: 1px solid #ddd; padding: .3rem .5rem; text-align: right; vertical-align: top; }
th { background: #eef2f7; }
tr:nth-child(even) td { background: #fafafa; }
td.num { white-space: nowrap; }
.note { color: #666; font-size: .9rem; }
dl.scope { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.scope dt { font-weight: bold; }
dl.scope dd { margin: 0; }
"""


def _html(
    report: SkillReport, tables: Mapping[str, pd.DataFrame], pngs: Mapping[str, bytes]
) -> str:
    sections = [
        _summary(report.scope, tables),
        _top_section(tables["top_skills"], pngs),
        _trend_section(tables["trends"], pngs),
        _emerging_section(tables["trends"], tables["emerging"], report.scope, pngs),
        _gap_section(tables["gaps"], pngs),
        _method_section(),
        _files_section(),
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html dir="rtl" lang="fa">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>گزارش مهارت‌های بازار کار — کاریاب</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            "<h1>گزارش مهارت‌های بازار کار</h1>",
            f'<p class="note">{_esc(_period_fa(report.scope))} — منبع: کاریاب</p>',
            *sections,
            "</body>",
            "</html>",
        ]
    )


def _esc(value: object) -> str:
    return html.escape("" if is_missing(value) else str(value))


def _month_fa(month: object) -> str:
    try:
        return month_label_fa(parse_month(str(month)))
    except PeriodError:
        return "" if is_missing(month) else str(month)


def _period_fa(scope: ReportScope) -> str:
    return f"{_month_fa(scope.first_month)} تا {_month_fa(scope.last_month)}"


def _growth_fa(row: pd.Series) -> str:
    """«۲٫۳ برابر در سال (۱٫۸ تا ۲٫۹)»."""
    if is_missing(row.get("growth")):
        return "–"
    interval = f" ({fa_ratio(row.get('growth_low'))} تا {fa_ratio(row.get('growth_high'))})"
    return f"{fa_ratio(row.get('growth'))} برابر در سال{interval}"


def _q_fa(value: object) -> str:
    q = as_float(value)
    if q is None:
        return "–"
    return "< " + fa_number(0.001, 3) if q < 0.001 else fa_number(q, 3)


def _interval_fa(row: pd.Series, low: str, high: str) -> str:
    if is_missing(row.get(low)) or is_missing(row.get(high)):
        return "–"
    return f"{fa_percent(row.get(low))} تا {fa_percent(row.get(high))}"


def _image(pngs: Mapping[str, bytes], name: str, alt: str) -> str:
    data = base64.b64encode(pngs[name]).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


Column = tuple[str, Callable[[pd.Series], str], bool]  # heading, cell text, numeric


def _html_table(table: pd.DataFrame, columns: Sequence[Column], empty: str = "") -> str:
    """The first :data:`HTML_MAX_ROWS` rows; every cell's text is escaped here."""
    if len(table) == 0:
        return f'<p class="note">{_esc(empty or charts.NO_DATA)}</p>'
    head = "".join(f"<th>{_esc(title)}</th>" for title, _, _ in columns)
    body = []
    for _, row in table.head(HTML_MAX_ROWS).iterrows():
        cells = "".join(
            f'<td class="num">{_esc(cell(row))}</td>' if numeric else f"<td>{_esc(cell(row))}</td>"
            for _, cell, numeric in columns
        )
        body.append(f"<tr>{cells}</tr>")
    note = ""
    if len(table) > HTML_MAX_ROWS:
        note = (
            f'<p class="note">{fa_number(HTML_MAX_ROWS)} ردیف نخست از {fa_number(len(table))} ردیف؛'
            " همهٔ ردیف‌ها در فایل‌های CSV و اکسل است.</p>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{note}"


def _text(column: str) -> Callable[[pd.Series], str]:
    return lambda row: "" if is_missing(row.get(column)) else str(row.get(column))


def _count(column: str) -> Callable[[pd.Series], str]:
    return lambda row: fa_number(row.get(column))


def _percent(column: str) -> Callable[[pd.Series], str]:
    return lambda row: fa_percent(row.get(column))


def _view(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """The table with every documented column (missing ones empty), for display only."""
    extra = [column for column in table.columns if column not in _COLUMNS[name]]
    return table.reindex(columns=[*_COLUMNS[name], *extra]).reset_index(drop=True)


def _summary(scope: ReportScope, tables: Mapping[str, pd.DataFrame]) -> str:
    trends = _view(tables["trends"], "trends")
    directions = trends["direction"].astype(str)
    items = [
        ("دوره", _period_fa(scope)),
        ("استان", scope.province or "همه استان‌ها"),
        ("آگهی‌های شغلی", fa_number(scope.vacancies)),
        ("کارجویان", fa_number(scope.jobseekers)),
        ("مهارت‌های رتبه‌بندی‌شده", fa_number(len(tables["top_skills"]))),
        ("مهارت‌های رو به رشد", fa_number(int((directions == "rising").sum()))),
        ("مهارت‌های رو به کاهش", fa_number(int((directions == "falling").sum()))),
        ("خوشه‌های عبارت نوظهور", fa_number(len(tables["emerging"]))),
        ("تاریخ تهیه", scope.generated_at_fa or scope.generated_at),
    ]
    rows = "".join(f"<dt>{_esc(label)}</dt><dd>{_esc(value)}</dd>" for label, value in items)
    return f'<section id="summary"><h2>خلاصه</h2><dl class="scope">{rows}</dl></section>'


def _top_section(top_skills: pd.DataFrame, pngs: Mapping[str, bytes]) -> str:
    view = _view(top_skills, "top_skills")
    table = _html_table(
        view,
        [
            ("رتبه", lambda row: fa_number(int(row.name) + 1), True),
            ("مهارت", _text("label_fa"), False),
            ("نام انگلیسی", _text("label_en"), False),
            ("شمار آگهی", _count("count"), True),
            ("سهم از آگهی‌ها", _percent("share"), True),
            ("بازهٔ ۹۵٪", lambda row: _interval_fa(row, "share_low", "share_high"), True),
        ],
    )
    return (
        '<section id="top-skills"><h2>مهارت‌های پرتقاضا</h2>'
        + _image(pngs, "top_skills", "مهارت‌های پرتقاضا")
        + table
        + "<h3>به تفکیک استان</h3>"
        + _image(pngs, "demand_heatmap", "سهم مهارت‌ها به تفکیک استان")
        + "</section>"
    )


def _trend_columns() -> list[Column]:
    return [
        ("مهارت", _text("label_fa"), False),
        ("شمار آگهی", _count("count"), True),
        ("رشد سالانه (بازهٔ ۹۵٪)", _growth_fa, False),
        ("q", lambda row: _q_fa(row.get("q_value")), True),
        ("نخستین ماه", lambda row: _month_fa(row.get("first_month")), False),
    ]


def _trend_section(trends: pd.DataFrame, pngs: Mapping[str, bytes]) -> str:
    view = _view(trends, "trends")
    return (
        '<section id="trends"><h2>روندها</h2>'
        "<h3>رو به رشد</h3>"
        + _html_table(_direction(view, "rising"), _trend_columns(), "مهارتی رشد معنادار نداشت.")
        + _image(pngs, "trends_rising", "روند مهارت‌های رو به رشد")
        + "<h3>رو به کاهش</h3>"
        + _html_table(_direction(view, "falling"), _trend_columns(), "مهارتی کاهش معنادار نداشت.")
        + _image(pngs, "trends_falling", "روند مهارت‌های رو به کاهش")
        + "</section>"
    )


def _emerging_section(
    trends: pd.DataFrame, emerging: pd.DataFrame, scope: ReportScope, pngs: Mapping[str, bytes]
) -> str:
    rising = _direction(_view(trends, "trends"), "rising")
    try:
        cutoff = parse_month(scope.first_month) + NEW_AFTER_MONTHS
        first = rising["first_month"].map(lambda month: _ordinal(month, cutoff))
        new = rising[first >= cutoff]
    except PeriodError:
        new = rising.iloc[0:0]
    clusters = _html_table(
        _view(emerging, "emerging"),
        [
            ("عبارت شاخص", _text("name"), False),
            ("عبارت‌های خوشه", _text("phrases"), False),
            ("شمار آگهی", _count("count"), True),
            ("نخستین ماه", lambda row: _month_fa(row.get("first_month")), False),
            ("رشد سالانه (بازهٔ ۹۵٪)", _growth_fa, False),
            ("q", lambda row: _q_fa(row.get("q_value")), True),
            ("نمونه آگهی‌ها", _text("examples"), False),
        ],
    )
    return (
        '<section id="emerging"><h2>مهارت‌های نوظهور</h2>'
        "<h3>مهارت‌های تازهٔ رو به رشد در فهرست مهارت‌ها</h3>"
        f'<p class="note">مهارت‌های رو به رشدی که نخستین بار دست‌کم {fa_number(NEW_AFTER_MONTHS)}'
        " ماه پس از آغاز دوره در آگهی‌ها دیده شده‌اند.</p>"
        + _html_table(new, _trend_columns(), "مهارت تازه‌ای دیده نشد.")
        + "<h3>عبارت‌های نوظهور بیرون از فهرست مهارت‌ها</h3>"
        '<p class="note">این خوشه‌های عبارت در فهرست مهارت‌ها نیستند و رو به رشدند؛'
        " برای بررسی به‌عنوان مهارت تازه به ویراستاران فهرست پیشنهاد می‌شوند.</p>"
        + _image(pngs, "emerging", "عبارت‌های نوظهور")
        + clusters
        + "</section>"
    )


def _ordinal(month: object, default: int) -> int:
    try:
        return parse_month(str(month))
    except PeriodError:
        return default - 1  # an undated skill is not counted as new


def _gap_section(gaps: pd.DataFrame, pngs: Mapping[str, bytes]) -> str:
    table = _html_table(
        _view(gaps, "gaps"),
        [
            ("مهارت", _text("label_fa"), False),
            ("گروه شغلی", lambda row: _first_of(row, "isco_group_fa", "isco_group"), False),
            ("استان", _text("province"), False),
            ("سهم تقاضا", _percent("demand_share"), True),
            ("سهم عرضه", _percent("supply_share"), True),
            ("شکاف (واحد درصد)", lambda row: fa_number(_points(row.get("gap")), 1), True),
            ("دوره‌های آموزشی", _text("courses"), False),
        ],
    )
    return (
        '<section id="gaps"><h2>شکاف عرضه و تقاضا</h2>'
        '<p class="note">سهم تقاضا: سهم آگهی‌های گروه شغلی که مهارت را می‌خواهند؛ سهم عرضه: سهم'
        " کارجویان همان گروه که مهارت را دارند. شکاف مثبت یعنی کمبود نیروی دارای مهارت.</p>"
        + _image(pngs, "gaps", "شکاف عرضه و تقاضا")
        + table
        + "</section>"
    )


def _first_of(row: pd.Series, *columns: str) -> str:
    """The first non-empty of ``columns`` (escaped later with the rest of the cell)."""
    for column in columns:
        if not is_missing(row.get(column)) and str(row.get(column)):
            return str(row.get(column))
    return ""


def _points(gap: object) -> float | None:
    number = as_float(gap)
    return None if number is None else number * 100


def _method_section() -> str:
    notes = [
        "سهم هر مهارت، نسبت آگهی‌هایی است که آن مهارت را می‌خواهند به همهٔ آگهی‌های همان"
        " دوره، استان و گروه شغلی؛ بازه‌ها بازهٔ اطمینان ۹۵٪ این نسبت‌اند.",
        "حداقل پشتیبانی: سهم و روند فقط برای مهارت‌ها و خانه‌هایی گزارش می‌شود که شمار آگهی"
        " کافی دارند؛ خانه‌هایی که مخرج کسرشان از حد انتشار کمتر است «پنهان» می‌شوند (ستون"
        " suppressed) و در نقشهٔ حرارتی هاشور خورده‌اند، و مهارت‌های کم‌داده در روندها"
        " «ناکافی» (insufficient) علامت می‌خورند.",
        "روند: شمار ماهانهٔ آگهی‌های خواستار هر مهارت با یک مدل شمارشی لگاریتمی-خطی برازش"
        " می‌شود که شمار کل آگهی‌های ماه در آن نقش مواجهه (offset) دارد؛ «رشد» نسبت نرخ در"
        " دوازده ماه است، یعنی چند برابر شدن سهم مهارت از آگهی‌ها در یک سال، با بازهٔ ۹۵٪.",
        "آزمون‌های چندگانه: مقدار q با روش بنیامینی–هاچبرگ روی همهٔ مهارت‌های آزموده"
        " محاسبه می‌شود؛ فقط روندهای با q کوچک «رو به رشد» یا «رو به کاهش» خوانده می‌شوند.",
        "عبارت‌های نوظهور عبارت‌هایی از آگهی‌ها هستند که به هیچ مهارت فهرست نرسیدند؛ عبارت‌های"
        " هم‌معنا در یک خوشه گرد آمده‌اند.",
    ]
    items = "".join(f"<li>{_esc(note)}</li>" for note in notes)
    return f'<section id="method"><h2>روش</h2><ul>{items}</ul></section>'


def _files_section() -> str:
    links = [("report.xlsx", "همهٔ جدول‌ها در یک فایل اکسل")] + [
        (f"tables/{name}.csv", f"{_TABLE_TITLES[name]} ({name}.csv)") for name in TABLE_NAMES
    ]
    items = "".join(
        f'<li><a href="{html.escape(href)}">{_esc(label)}</a></li>' for href, label in links
    )
    return f'<section id="files"><h2>فایل‌ها</h2><ul>{items}</ul></section>'
