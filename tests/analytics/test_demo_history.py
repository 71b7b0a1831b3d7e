"""Acceptance: the demo's planted trends and new phrases come out of the real pipeline.

The demo history (24 Jalali months of generated ads with planted rising, falling, stable and
brand-new skills) goes through skills inference into a store, and the report must find the
planted trends and new phrases with precision and recall ≥ 0.9 and flag no stable skill.
Inference runs with the gazetteer only (no e5), about a minute for the 7,500 documents.
"""

from __future__ import annotations

import pytest

from analytics.facts import Window
from analytics.model import SkillReport
from demo.history import PLANTED
from karyab.service import Karyab
from karyab.settings import Settings
from nlp.normalize import normalize


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory, skill_inferencer):  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("demo-history"), encoder="hashing", occupation_coder=False
    )
    engine = Karyab.open(settings, skills=skill_inferencer)
    engine.load_demo_if_empty(show_progress=False)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def report(demo_engine: Karyab) -> SkillReport:
    return demo_engine.analytics.report(Window.parse("1402-01", "1403-12"))


def _skill_ids(gazetteer, forms: tuple[str, ...]) -> set[str]:  # type: ignore[no-untyped-def]
    return {m.skill_id for f in forms for m in gazetteer.find(normalize(f), skills_context=True)}


def _squash(text: str) -> str:
    return normalize(text).lower().replace(" ", "").replace("\u200c", "")


def test_the_archive_holds_the_history(demo_engine: Karyab, report: SkillReport) -> None:
    assert demo_engine.store.count_archived("vacancy") == 6000
    assert demo_engine.store.count_archived("jobseeker") == 1500
    assert demo_engine.counts() == {"vacancy": 385, "jobseeker": 200}
    assert report.scope.vacancies == 6385 and report.scope.jobseekers == 1700


def test_planted_trends_are_found_with_precision_and_recall(report: SkillReport, gazetteer) -> None:  # type: ignore[no-untyped-def]
    direction = dict(zip(report.trends["skill_id"], report.trends["direction"], strict=True))
    planted = {
        skill: item.kind
        for item in PLANTED
        if item.kind in ("rising", "falling")
        for skill in _skill_ids(gazetteer, item.forms)
    }
    flagged = {s: d for s, d in direction.items() if d in ("rising", "falling")}
    hits = sum(1 for s, kind in planted.items() if direction.get(s) == kind)
    recall = hits / len(planted)
    precision = sum(1 for s, d in flagged.items() if planted.get(s) == d) / max(len(flagged), 1)
    assert recall >= 0.9, (recall, {s: direction.get(s) for s in planted})
    assert precision >= 0.9, (precision, flagged)


def test_stable_skills_are_not_flagged(report: SkillReport, gazetteer) -> None:  # type: ignore[no-untyped-def]
    direction = dict(zip(report.trends["skill_id"], report.trends["direction"], strict=True))
    for item in PLANTED:
        if item.kind == "stable":
            for skill in _skill_ids(gazetteer, item.forms):
                assert direction.get(skill) == "stable", (item.key, direction.get(skill))


def test_new_phrases_are_found_with_precision_and_recall(report: SkillReport) -> None:
    new = [item for item in PLANTED if item.kind == "new"]
    clusters = [{_squash(p) for p in row.split(" ؛ ")} for row in report.emerging["phrases"]]
    found = [item for item in new if any(_squash(item.forms[0]) in c for c in clusters)]
    planted_forms = {_squash(form) for item in new for form in item.forms}
    true_clusters = [c for c in clusters if c & planted_forms]
    recall = len(found) / len(new)
    precision = len(true_clusters) / max(len(clusters), 1)
    assert recall >= 0.9, (recall, list(report.emerging["phrases"]))
    assert precision >= 0.9, (precision, list(report.emerging["phrases"]))
    # Each cluster is named by one of its phrases and comes with example ads.
    for row in report.emerging.itertuples():
        assert row.name in row.phrases.split(" ؛ ")
        assert row.examples.startswith("h-v") or row.examples.startswith("v")


def test_supply_lacks_the_rising_skills(report: SkillReport, gazetteer) -> None:  # type: ignore[no-untyped-def]
    """Jobseekers' CVs carry no planted skill, so rising skills head the gap table."""
    rising = {
        s for item in PLANTED if item.kind == "rising" for s in _skill_ids(gazetteer, item.forms)
    }
    national = report.gaps[report.gaps["province"] == "همه"]
    shown = national[national["skill_id"].isin(rising)]
    assert shown["skill_id"].nunique() >= 4
    assert (shown["gap"] > 0.05).all()
    assert (shown["supply_share"] < 0.1).all()
    assert shown["courses"].str.len().gt(0).any()  # and a course to close some of them
