"""The report writer and its charts on a small hand-made SkillReport."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analytics import charts, report
from analytics.charts import fa_number, fa_percent, fa_ratio, persian
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
from analytics.periods import month_label, month_label_fa
from analytics.report import ReportFiles, write_report

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SCRIPT = "<script>alert(1)</script>"
MONTHS = [(month_label(m), month_label_fa(m)) for m in range(1402 * 12, 1402 * 12 + 6)]
SKILLS = [
    ("S1", "برنامه‌نویسی پایتون", "Python programming"),
    ("S2", "حسابداری", "accounting"),
    ("S3", "SQL", "SQL"),
]


def make_report() -> SkillReport:
    """Three skills over three months in two provinces; Ilam's cell is suppressed."""
    top = pd.DataFrame(
        [(s, fa, en, 90 - 20 * i, 0.45 - 0.1 * i, 0.4 - 0.1 * i, 0.5 - 0.1 * i)
         for i, (s, fa, en) in enumerate(SKILLS)],
        columns=TOP_SKILLS_COLUMNS,
    )  # fmt: skip
    demand = pd.DataFrame(
        [("1402-Q1", "بهار ۱۴۰۲", "quarter", "تهران", "major", "2", "متخصصان", s, fa,
          40 - 10 * i, 150, (40 - 10 * i) / 150, 0.2, 0.3, False)
         for i, (s, fa, _) in enumerate(SKILLS)]
        + [("1402-Q1", "بهار ۱۴۰۲", "quarter", "ایلام", "major", "2", "متخصصان", "S1",
            SKILLS[0][1], 2, 4, None, None, None, True)],
        columns=DEMAND_COLUMNS,
    )  # fmt: skip
    monthly = pd.DataFrame(
        [(month, month_fa, s, fa, 10 + m * (3 - 2 * i), 100, (10 + m * (3 - 2 * i)) / 100)
         for m, (month, month_fa) in enumerate(MONTHS) for i, (s, fa, _) in enumerate(SKILLS)],
        columns=MONTHLY_COLUMNS,
    )  # fmt: skip
    trends = pd.DataFrame(
        [("S1", SKILLS[0][1], SKILLS[0][2], 90, 2.3, 1.8, 2.9, 0.001, 0.003, "rising", "1402-01"),
         ("S3", "SQL", "SQL", 50, 1.5, 1.1, 2.0, 0.01, 0.02, "rising", "1402-05"),
         ("S2", SKILLS[1][1], SKILLS[1][2], 70, 0.4, 0.3, 0.6, 0.002, 0.003, "falling", "1402-01")],
        columns=TREND_COLUMNS,
    )  # fmt: skip
    emerging = pd.DataFrame(
        [(1, "هوش مصنوعی مولد", "هوش مصنوعی مولد ؛ chatgpt", 12, "1402-02", 3.0, 1.5, 6.0,
          0.0004, f"v7: کارشناس {SCRIPT} ؛ v9: تحلیلگر داده")],
        columns=EMERGING_COLUMNS,
    )  # fmt: skip
    gaps = pd.DataFrame(
        [("S1", SKILLS[0][1], "25", "متخصصان فناوری اطلاعات", "همه", 90, 200, 0.45, 10, 100,
          0.1, 0.35, "پایتون مقدماتی (40 h)")],
        columns=GAP_COLUMNS,
    )  # fmt: skip
    scope = ReportScope(
        "1402-01", "1402-06", None, 200, 100, "2023-09-20T10:00:00", "۲۹ شهریور ۱۴۰۲"
    )
    return SkillReport(scope, top, demand, monthly, trends, emerging, gaps)


def empty_report() -> SkillReport:
    frames = {
        name: pd.DataFrame(columns=list(columns))
        for name, columns in (
            ("top_skills", TOP_SKILLS_COLUMNS),
            ("demand", DEMAND_COLUMNS),
            ("monthly", MONTHLY_COLUMNS),
            ("trends", TREND_COLUMNS),
            ("emerging", EMERGING_COLUMNS),
            ("gaps", GAP_COLUMNS),
        )
    }
    scope = ReportScope("1402-01", "1402-03", "تهران", 0, 0, "2023-06-20T10:00:00", "")
    return SkillReport(scope, **frames)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[SkillReport, ReportFiles]:
    built = make_report()
    return built, write_report(built, tmp_path_factory.mktemp("report"))


# ---------------------------------------------------------------- formatting

NUMBERS = [
    (0, 0, "۰"),
    (12345, 0, "۱۲٬۳۴۵"),
    (2.25, 1, "۲٫۲"),
    (-0.5, 1, "−۰٫۵"),
    (-0.01, 1, "۰٫۰"),
    (None, 0, "–"),
    (float("nan"), 0, "–"),
    (float("inf"), 0, "–"),
]
PERCENTS = [
    (0.234, "۲۳٫۴٪"),
    (0.0, "۰٫۰٪"),
    (1.0, "۱۰۰٫۰٪"),
    (0.0004, "۰٫۰٪"),
    (0.0012, "۰٫۱٪"),
    (None, "–"),
]
RATIOS = [(2.31, "۲٫۳"), (0.456, "۰٫۴۶"), (12.4, "۱۲"), (float("nan"), "–")]


@pytest.mark.parametrize(("value", "decimals", "expected"), NUMBERS)
def test_fa_number(value: float | None, decimals: int, expected: str) -> None:
    assert fa_number(value, decimals) == expected


@pytest.mark.parametrize(("share", "expected"), PERCENTS)
def test_fa_percent(share: float | None, expected: str) -> None:
    assert fa_percent(share) == expected


@pytest.mark.parametrize(("value", "expected"), RATIOS)
def test_fa_ratio(value: float, expected: str) -> None:
    assert fa_ratio(value) == expected


@pytest.mark.parametrize("text", ["مهارت‌های پرتقاضا", "SQL در تهران", "۲۳٪"])
def test_persian_changes_persian_text(text: str) -> None:
    assert persian(text) != text


@pytest.mark.parametrize("text", ["Python", "SQL (2024) $5 <b>", ""])
def test_persian_leaves_latin_text(text: str) -> None:
    assert persian(text) == text


def test_persian_without_a_shaping_engine_joins_letters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "_engine_shapes_text", lambda: False)
    # Presentation forms in visual order: REH, ALEF final, KEHEH initial.
    assert persian("کار") == "\ufead\ufe8e\ufb90"


# ---------------------------------------------------------------- charts


@pytest.mark.parametrize(
    "draw",
    [
        lambda r: charts.top_skills_chart(r.top_skills),
        lambda r: charts.trend_chart(r.monthly, ["S1", "S2"], "روند"),
        lambda r: charts.emerging_chart(r.emerging),
        lambda r: charts.gap_chart(r.gaps),
        lambda r: charts.demand_heatmap(r.demand),
    ],
    ids=["top_skills", "trend", "emerging", "gaps", "heatmap"],
)
@pytest.mark.parametrize("build", [make_report, empty_report], ids=["data", "empty"])
def test_charts_render(
    draw: Callable[[SkillReport], Figure], build: Callable[[], SkillReport]
) -> None:
    png = charts.figure_png(draw(build()))
    assert png.startswith(PNG_MAGIC)
    width = int.from_bytes(png[16:20], "big")
    assert width == 1200


def test_charts_accept_unusable_tables() -> None:
    for fig in (
        charts.top_skills_chart(pd.DataFrame()),
        charts.trend_chart(make_report().monthly, ["no such skill"]),
        charts.demand_heatmap(make_report().demand, grain="week"),
    ):
        texts = [text.get_text() for ax in fig.axes for text in ax.texts]
        assert any("نیست" in text for text in texts)


# ---------------------------------------------------------------- the files


def test_files_exist(written: tuple[SkillReport, ReportFiles]) -> None:
    _, files = written
    assert set(files.tables) == set(report.TABLE_NAMES)
    for path in files.paths:
        assert path.is_file() and path.stat().st_size > 0, path
    assert not _staging_left(files.html.parent)


def test_html_is_rtl_persian_and_escaped(written: tuple[SkillReport, ReportFiles]) -> None:
    _, files = written
    page = files.html.read_text(encoding="utf-8")
    assert '<html dir="rtl" lang="fa">' in page
    assert '<meta charset="utf-8">' in page
    for heading in (
        "خلاصه",
        "مهارت‌های پرتقاضا",
        "روندها",
        "مهارت‌های نوظهور",
        "شکاف عرضه و تقاضا",
        "روش",
    ):
        assert f"<h2>{heading}</h2>" in page
    assert "فروردین ۱۴۰۲ تا شهریور ۱۴۰۲" in page
    assert "همه استان‌ها" in page
    assert "۲٫۳ برابر در سال (۱٫۸ تا ۲٫۹)" in page
    assert "۴۵٫۰٪" in page
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("data:image/png;base64,") == 6
    assert 'href="tables/demand.csv"' in page and 'href="report.xlsx"' in page
    # SQL first appears in the fifth month: listed as a new taxonomy skill.
    emerging = page.split('id="emerging"')[1].split("</section>")[0]
    assert "<td>SQL</td>" in emerging


def test_csv_round_trip(written: tuple[SkillReport, ReportFiles]) -> None:
    built, files = written
    for name, path in files.tables.items():
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        back = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        table = getattr(built, name)
        assert list(back.columns) == list(table.columns)
        assert len(back) == len(table)
        text_column = "label_fa" if "label_fa" in table else "name"
        assert back[text_column].tolist() == table[text_column].astype(str).tolist()
    emerging = pd.read_csv(files.tables["emerging"], encoding="utf-8-sig")
    assert SCRIPT in emerging.loc[0, "examples"]


def test_excel_sheets(written: tuple[SkillReport, ReportFiles]) -> None:
    built, files = written
    book = openpyxl.load_workbook(files.excel)
    assert book.sheetnames == ["scope", *report.TABLE_NAMES]
    for sheet in book.worksheets:
        assert sheet.sheet_view.rightToLeft
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.b
    for name in report.TABLE_NAMES:
        if name != "demand":
            assert book[name].max_row == len(getattr(built, name)) + 1
    # The demand sheet shows the cells that have a share; the CSV has every cell.
    demand = book["demand"]
    assert demand.max_row == int((~built.demand["suppressed"]).sum()) + 1
    header = [cell.value for cell in demand[1]]
    assert header == list(DEMAND_COLUMNS)
    flags = [row[header.index("suppressed")].value for row in demand.iter_rows(min_row=2)]
    assert flags and not any(flags)


def test_excel_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    built = make_report()
    emerging = built.emerging.assign(examples='=HYPERLINK("http://x", "click")')
    files = write_report(dataclasses.replace(built, emerging=emerging), tmp_path)
    cell = openpyxl.load_workbook(files.excel)["emerging"]["J2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_excel_truncates_long_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "EXCEL_MAX_ROWS", 2)
    files = write_report(make_report(), tmp_path)
    book = openpyxl.load_workbook(files.excel)
    assert book["demand"].max_row == 3
    notes = [row[0].value for row in book["scope"].iter_rows(min_row=2)]
    assert "truncated_demand" in notes and "truncated_top_skills" in notes
    assert len(pd.read_csv(files.tables["demand"], encoding="utf-8-sig")) == 4


def test_empty_report(tmp_path: Path) -> None:
    files = write_report(empty_report(), tmp_path / "new" / "out")
    page = files.html.read_text(encoding="utf-8")
    assert charts.NO_DATA in page
    assert "تهران" in page
    for path in files.charts.values():
        assert path.read_bytes().startswith(PNG_MAGIC)
    assert openpyxl.load_workbook(files.excel).sheetnames == ["scope", *report.TABLE_NAMES]


def test_rewrite_keeps_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "report.html").write_text("old", encoding="utf-8")
    files = write_report(make_report(), tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert files.html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "charts",
        "notes.txt",
        "report.html",
        "report.xlsx",
        "tables",
    ]


def test_failed_write_leaves_old_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_report(make_report(), tmp_path)
    before = (tmp_path / "report.html").read_bytes()

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(report, "_write_excel", broken)
    with pytest.raises(OSError, match="disk full"):
        write_report(empty_report(), tmp_path)
    assert (tmp_path / "report.html").read_bytes() == before
    assert not _staging_left(tmp_path)


def _staging_left(out_dir: Path) -> list[Path]:
    return [p for p in out_dir.parent.iterdir() if p.name.startswith(f".{out_dir.name}.")]
