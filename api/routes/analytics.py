"""The analyst page's figures: the same tables and charts as ``karyab analytics report``,
as JSON and PNG."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response
from matplotlib.figure import Figure
from pydantic import BaseModel, Field

from analytics import charts
from analytics.engine import UnknownProvinceError
from analytics.facts import Window
from analytics.model import SkillReport
from analytics.periods import PeriodError
from analytics.report import TREND_LINES
from api.auth import allow
from api.deps import EngineDep
from api.errors import error_response
from api.routing import Utf8Route
from karyab.service import Karyab

router = APIRouter(
    prefix="/v1/analytics",
    tags=["analytics"],
    route_class=Utf8Route,
    dependencies=[Depends(allow("analyst", "office", "admin"))],
)

FromMonth = Annotated[
    str, Query(alias="from", min_length=6, max_length=10, description="first Jalali month")
]
ToMonth = Annotated[
    str, Query(alias="to", min_length=6, max_length=10, description="last Jalali month")
]
# The period the analyst page opens on: the demo market's two years.
DEFAULT_FIRST, DEFAULT_LAST = "1402-01", "1403-12"
Table = Literal["top_skills", "demand", "monthly", "trends", "emerging", "gaps"]
Chart = Literal[
    "top_skills", "demand_heatmap", "trends_rising", "trends_falling", "emerging", "gaps"
]


class ScopePublic(BaseModel):
    first_month: str
    last_month: str
    province: str | None
    vacancies: int
    jobseekers: int
    generated_at: str


class TablePage(BaseModel):
    scope: ScopePublic
    table: str
    total: int = Field(description="rows of the whole table (after filters)")
    rows: list[dict[str, Any]] = Field(description="the requested page, ranked")


class Summary(BaseModel):
    scope: ScopePublic
    top_skills: list[dict[str, Any]]
    rising: list[dict[str, Any]]
    falling: list[dict[str, Any]]
    emerging: list[dict[str, Any]]
    gaps: list[dict[str, Any]]


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-safe rows: NaN and infinities become null, numpy scalars plain numbers."""
    rows = frame.to_dict(orient="records")
    for row in rows:
        for key, value in row.items():
            if hasattr(value, "item"):
                value = value.item()
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            row[key] = value
    return rows


def _report(
    engine: Karyab, first: str, last: str, province: str | None
) -> SkillReport | JSONResponse:
    """The report of a period, or the 4xx response saying why there is none."""
    try:
        return engine.analytics.report(Window.parse(first, last, province))
    except UnknownProvinceError as error:
        return error_response(404, "unknown_province", str(error))
    except (PeriodError, ValueError) as error:
        return error_response(422, "invalid_period", str(error))


@router.get("/summary", response_model=Summary)
def summary(
    engine: EngineDep,
    first: FromMonth = DEFAULT_FIRST,
    last: ToMonth = DEFAULT_LAST,
    province: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Any:
    """The headline figures of a period: top skills, strongest trends, emerging phrases,
    largest gaps."""
    report = _report(engine, first, last, province)
    if isinstance(report, JSONResponse):
        return report
    trends = report.trends
    return Summary(
        scope=ScopePublic(**{k: getattr(report.scope, k) for k in ScopePublic.model_fields}),
        top_skills=_rows(report.top_skills.head(limit)),
        rising=_rows(trends[trends["direction"] == "rising"].head(limit)),
        falling=_rows(trends[trends["direction"] == "falling"].head(limit)),
        emerging=_rows(report.emerging.head(limit)),
        gaps=_rows(report.gaps.head(limit)),
    )


@router.get("/tables/{table}", response_model=TablePage)
def table(
    table: Table,
    engine: EngineDep,
    first: FromMonth = DEFAULT_FIRST,
    last: ToMonth = DEFAULT_LAST,
    province: Annotated[str | None, Query(max_length=100)] = None,
    grain: Literal["month", "quarter"] | None = None,
    isco_level: Literal["major", "sub_major"] | None = None,
    isco_group: Annotated[str | None, Query(pattern=r"^\d{1,2}$")] = None,
    include_suppressed: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Any:
    """One full table, paged. ``demand`` takes ``grain``, ``isco_level`` and ``isco_group``
    and leaves suppressed (small) cells out unless ``include_suppressed``."""
    report = _report(engine, first, last, province)
    if isinstance(report, JSONResponse):
        return report
    frame: pd.DataFrame = getattr(report, table)
    if table == "demand":
        if grain:
            frame = frame[frame["grain"] == grain]
        if isco_level:
            frame = frame[frame["isco_level"] == isco_level]
        if isco_group:
            frame = frame[frame["isco_group"] == isco_group]
        if not include_suppressed:
            frame = frame[~frame["suppressed"].astype(bool)]
    return TablePage(
        scope=ScopePublic(**{k: getattr(report.scope, k) for k in ScopePublic.model_fields}),
        table=table,
        total=len(frame),
        rows=_rows(frame.iloc[offset : offset + limit]),
    )


def _trend_ids(trends: pd.DataFrame, direction: str) -> list[object]:
    rows = trends[trends["direction"].astype(str) == direction] if "direction" in trends else trends
    return list(rows["skill_id"].head(TREND_LINES)) if "skill_id" in rows else []


def _chart_makers(report: SkillReport) -> dict[str, Callable[[], Figure]]:
    """The report's charts by name, as the written report draws them."""
    return {
        "top_skills": lambda: charts.top_skills_chart(report.top_skills),
        "demand_heatmap": lambda: charts.demand_heatmap(report.demand),
        "trends_rising": lambda: charts.trend_chart(
            report.monthly,
            _trend_ids(report.trends, "rising"),
            "روند ماهانهٔ مهارت‌های رو به رشد",
        ),
        "trends_falling": lambda: charts.trend_chart(
            report.monthly,
            _trend_ids(report.trends, "falling"),
            "روند ماهانهٔ مهارت‌های رو به کاهش",
        ),
        "emerging": lambda: charts.emerging_chart(report.emerging),
        "gaps": lambda: charts.gap_chart(report.gaps),
    }


@router.get(
    "/charts/{name}",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "the chart, 1200 px wide"}},
)
def chart(
    name: Chart,
    engine: EngineDep,
    first: FromMonth = DEFAULT_FIRST,
    last: ToMonth = DEFAULT_LAST,
    province: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """One chart of a period's report as PNG, Persian labels drawn right to left. A section
    without data gives a chart that says so."""
    report = _report(engine, first, last, province)
    if isinstance(report, JSONResponse):
        return report
    # The chart functions draw on a bare Figure (no pyplot), which savefig renders with Agg.
    figure = _chart_makers(report)[name]()
    try:
        png = charts.figure_png(figure)
    finally:
        figure.clear()  # nothing else holds the figure: this frees its artists now
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, no-cache"})
