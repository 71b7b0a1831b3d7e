"""Placement-quality evaluation: every system ranks the same generated market in both
directions (vacancies for jobseekers, jobseekers for vacancies) and is scored against the
generator's graded relevance.

Systems: ``random``, ``bm25`` (bm25s), ``tfidf``, ``e5`` (zero-shot cosine over the same
vectors karyab retrieves with) and ``karyab`` (FAISS first stage, learned re-ranker,
capacity-aware for vacancies). Records reach the systems as an office would receive them:
title, text, place, years, education, dates; the ISCO code and skills are inferred
(:mod:`karyab.enrich`) exactly as the service does on write.
"""

from __future__ import annotations

import logging
import pickle
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

import numpy as np
from tqdm.auto import tqdm

from evaluation.baselines import bm25_run, dense_run, random_run, tfidf_run
from evaluation.market.config import MarketConfig, Setting, Size
from evaluation.market.generate import Market, generate_market
from evaluation.placement_metrics import (
    RankingEvaluator,
    bootstrap_ci,
    paired_bootstrap_ratio,
    per_query_ndcg,
)
from evaluation.retrieval import Qrels, Run
from karyab.enrich import with_occupations, with_skills
from karyab.records import Jobseeker, Vacancy
from matching.explain import explain_fit
from matching.features import FEATURES
from matching.profiles import Geography, ProfileTable
from matching.ranker import FirstStage, HybridRanker, Pool, RankedQuery, capacity_adjusted
from models.encoder import PROFILE_TOKENS, Encoder, profile_vectors
from models.occupation_coder import OccupationCoder
from models.ranker import LearnedRanker, RankerModelError
from nlp.normalize import normalize
from skills.inference import SkillInferencer

logger = logging.getLogger(__name__)

Direction = Literal["jobseeker_to_vacancy", "vacancy_to_jobseeker"]
DIRECTIONS: tuple[Direction, ...] = ("jobseeker_to_vacancy", "vacancy_to_jobseeker")
SYSTEMS = ("random", "bm25", "tfidf", "e5", "karyab")
# Targets of the issue: karyab nDCG@10 over BM25 and over zero-shot e5, first-stage recall.
TARGET_OVER_BM25 = 1.3
TARGET_OVER_E5 = 1.15
TARGET_FIRST_STAGE_RECALL = 0.95


@dataclass(frozen=True)
class Engine:
    """The product's parts the harness runs, loaded once by the caller."""

    encoder: Encoder
    coder: OccupationCoder | None
    skills: SkillInferencer | None


@dataclass(frozen=True)
class HarnessConfig:
    size: Size = "small"
    setting: Setting = "standard"
    seed: int = 23
    queries_per_direction: int = 2000
    k: int = 100
    # Model tokens of each profile's head that are embedded (see profile_vectors).
    embed_tokens: int = PROFILE_TOKENS
    first_stage: FirstStage = field(default_factory=FirstStage)
    bootstrap: int = 1000
    # Capacity: a vacancy is expected to take this many strong applicants without penalty.
    capacity: float = 40.0
    capacity_weight: float = 0.15
    strong_score: float = 1.5


@dataclass
class Timer:
    stages: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start


@dataclass(frozen=True)
class PreparedMarket:
    """A market's records enriched, embedded and indexed: what every system ranks over."""

    market: Market
    vacancies: list[Vacancy]
    jobseekers: list[Jobseeker]
    texts: dict[str, list[str]]  # side -> normalised documents
    pools: dict[str, Pool]
    today: float


def _documents(records: Sequence[Vacancy] | Sequence[Jobseeker]) -> list[str]:
    return [normalize(r.document()) for r in records]


def _embed(engine: Engine, texts: list[str], tokens: int, show_progress: bool) -> np.ndarray:
    # Exactly as the service embeds what it stores and what it is asked.
    return profile_vectors(engine.encoder, texts, max_tokens=tokens, show_progress=show_progress)


def prepare_market(
    market: Market,
    engine: Engine,
    config: HarnessConfig,
    timer: Timer,
    *,
    show_progress: bool = False,
) -> PreparedMarket:
    vacancies = [Vacancy.from_dict(v) for v in market.vacancies]
    jobseekers = [Jobseeker.from_dict(j) for j in market.jobseekers]
    with timer.stage("occupations"):
        vacancies = with_occupations(engine.coder, vacancies)
        jobseekers = with_occupations(engine.coder, jobseekers)
    with timer.stage("skills"):
        vacancies = _in_batches(engine.skills, vacancies, "skills: vacancies", show_progress)
        jobseekers = _in_batches(engine.skills, jobseekers, "skills: jobseekers", show_progress)
    texts = {"vacancy": _documents(vacancies), "jobseeker": _documents(jobseekers)}
    with timer.stage("encode"):
        vectors = {
            side: _embed(engine, docs, config.embed_tokens, show_progress)
            for side, docs in texts.items()
        }
    geography = Geography.load()
    with timer.stage("index"):
        pools = {
            "vacancy": Pool.build(
                ProfileTable.from_records(vacancies, geography),
                vectors["vacancy"],
                texts["vacancy"],
                [v.province for v in vacancies],
            ),
            "jobseeker": Pool.build(
                ProfileTable.from_records(jobseekers, geography),
                vectors["jobseeker"],
                texts["jobseeker"],
                [j.province for j in jobseekers],
            ),
        }
    days = pools["vacancy"].table.day
    today = float(np.nanmax(days)) if np.isfinite(days).any() else 0.0
    return PreparedMarket(market, vacancies, jobseekers, texts, pools, today)


def _in_batches(
    skills: SkillInferencer | None,
    records: Sequence[Vacancy] | Sequence[Jobseeker],
    label: str,
    show_progress: bool,
) -> list[Any]:
    out: list[Any] = []
    batch = 500
    with tqdm(total=len(records), desc=label, disable=not show_progress) as bar:
        for start in range(0, len(records), batch):
            out += with_skills(skills, records[start : start + batch])
            bar.update(min(batch, len(records) - start))
    return out


# -- directions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectionData:
    name: Direction
    query_side: str
    target_side: str
    query_ids: list[str]
    qrels: Qrels


def _directions(prepared: PreparedMarket, per_direction: int, seed: int) -> list[DirectionData]:
    rng = np.random.default_rng(seed)
    out: list[DirectionData] = []
    for name, query_side, target_side, qrels in (
        ("jobseeker_to_vacancy", "jobseeker", "vacancy", prepared.market.qrels_for_jobseekers),
        ("vacancy_to_jobseeker", "vacancy", "jobseeker", prepared.market.qrels_for_vacancies),
    ):
        ids = list(prepared.pools[query_side].table.ids)
        if len(ids) > per_direction:
            picked = rng.choice(len(ids), size=per_direction, replace=False)
            ids = [ids[i] for i in sorted(picked)]
        chosen = set(ids)
        out.append(
            DirectionData(
                name,  # type: ignore[arg-type]
                query_side,
                target_side,
                ids,
                {q: dict(d) for q, d in qrels.items() if q in chosen},
            )
        )
    return out


def _rows(pool: Pool, ids: Sequence[str]) -> list[int]:
    return [pool.row_of[i] for i in ids]


def _as_run(
    pool: Pool, query_ids: Sequence[str], ranked: Sequence[RankedQuery], k: int, stage: str
) -> dict[str, list[tuple[str, float]]]:
    out: dict[str, list[tuple[str, float]]] = {}
    for qid, result in zip(query_ids, ranked, strict=True):
        chosen = result.first_stage if stage == "first" else result.final
        out[qid] = [
            (pool.table.ids[row], float(score))
            for row, score in zip(chosen.rows[:k], chosen.scores[:k], strict=True)
        ]
    return out


def _to_run(results: Mapping[str, list[tuple[str, float]]], k: int) -> Run:
    return {qid: dict(pairs[:k]) for qid, pairs in results.items()}


# -- training -----------------------------------------------------------------------------


def training_pairs(
    prepared: PreparedMarket, ranker: HybridRanker, per_direction: int, seed: int
) -> tuple[np.ndarray, np.ndarray, list[tuple[str, int]]]:
    """Features and grades of the first stage's candidates (unjudged pairs grade 0), and a
    (direction query id, pair count) list that groups the rows by query. ``ranker`` has no
    model: its result is the first stage, features aligned with the candidates."""
    features: list[np.ndarray] = []
    grades: list[np.ndarray] = []
    groups: list[tuple[str, int]] = []
    for direction in _directions(prepared, per_direction, seed):
        queries = prepared.pools[direction.query_side]
        target = prepared.pools[direction.target_side]
        rows = _rows(queries, direction.query_ids)
        # One batched first stage for the direction (FAISS searches grouped by tier).
        ranked = ranker.rank(queries, rows, target, today=prepared.today)
        for qid, result in zip(direction.query_ids, ranked, strict=True):
            judged = direction.qrels.get(qid, {})
            candidates = result.first_stage.rows
            y = np.array([judged.get(target.table.ids[r], 0) for r in candidates], dtype=float)
            features.append(result.features)
            grades.append(y)
            groups.append((f"{direction.name}:{qid}", len(y)))
    return np.concatenate(features), np.concatenate(grades), groups


def _grouped_ndcg(scores: np.ndarray, grades: np.ndarray, groups: list[tuple[str, int]]) -> float:
    qrels: dict[str, dict[str, int]] = {}
    run: dict[str, dict[str, float]] = {}
    start = 0
    for qid, count in groups:
        qrels[qid] = {str(i): int(g) for i, g in enumerate(grades[start : start + count]) if g}
        run[qid] = {str(i): float(s) for i, s in enumerate(scores[start : start + count])}
        start += count
    values = per_query_ndcg(qrels, run, 10)
    return float(np.mean(list(values.values()))) if values else 0.0


def train_ranker(
    engine: Engine,
    train_market: Market,
    validation_market: Market,
    config: HarnessConfig,
    *,
    importance: bool = True,
    show_progress: bool = False,
) -> tuple[LearnedRanker, dict[str, Any]]:
    """Fit the re-ranker on one generated market and check it on another (other seed);
    ``importance`` adds the permutation importance of each feature (a predict per feature)."""
    timer = Timer()
    geography = Geography.load()
    retriever = HybridRanker(None, geography, first_stage=config.first_stage)
    train = prepare_market(train_market, engine, config, timer, show_progress=show_progress)
    valid = prepare_market(validation_market, engine, config, timer, show_progress=show_progress)
    x, y, _ = training_pairs(train, retriever, config.queries_per_direction, config.seed)
    vx, vy, vgroups = training_pairs(valid, retriever, config.queries_per_direction, config.seed)
    with timer.stage("fit"):
        model = LearnedRanker().fit(x, y)
    first_stage = _grouped_ndcg(vx[:, FEATURES.index("semantic")], vy, vgroups)
    learned = _grouped_ndcg(model.predict(vx), vy, vgroups)
    importances = _permutation_importance(model, vx, vy, vgroups) if importance else {}
    report = {
        "train": train_market.config.to_dict(),
        "validation": validation_market.config.to_dict(),
        "train_pairs": len(y),
        "validation_pairs": len(vy),
        "validation_ndcg@10": {"semantic_only": first_stage, "learned": learned},
        "feature_importance": importances,
        "timing": timer.stages,
    }
    model.metadata_ = report
    logger.info(
        "ranker trained: validation nDCG@10 %.3f (semantic only %.3f)", learned, first_stage
    )
    return model, report


def _permutation_importance(
    model: LearnedRanker,
    x: np.ndarray,
    y: np.ndarray,
    groups: list[tuple[str, int]],
    max_rows: int = 30_000,
) -> dict[str, float]:
    """Drop in validation nDCG@10 when one feature's column is shuffled (on the first
    queries' pairs up to ``max_rows``: each feature costs a full predict)."""
    kept: list[tuple[str, int]] = []
    rows = 0
    for qid, count in groups:
        if rows + count > max_rows and kept:
            break
        kept.append((qid, count))
        rows += count
    x, y = x[:rows], y[:rows]
    rng = np.random.default_rng(0)
    base = _grouped_ndcg(model.predict(x), y, kept)
    out: dict[str, float] = {}
    for i, name in enumerate(FEATURES):
        shuffled = x.copy()
        shuffled[:, i] = rng.permutation(shuffled[:, i])
        out[name] = round(base - _grouped_ndcg(model.predict(shuffled), y, kept), 4)
    return out


# -- evaluation ---------------------------------------------------------------------------


def evaluate_prepared(
    prepared: PreparedMarket,
    engine: Engine,
    model: LearnedRanker,
    config: HarnessConfig,
    timer: Timer,
    *,
    show_progress: bool = False,
) -> dict[str, Any]:
    """Every system in both directions: metrics, CIs, ratios, targets and examples."""
    geography = Geography.load()
    ranker = HybridRanker(model, geography, first_stage=config.first_stage)
    systems: dict[str, dict[str, Any]] = {name: {"directions": {}, "ci": {}} for name in SYSTEMS}
    per_query: dict[str, dict[str, dict[str, float]]] = {name: {} for name in SYSTEMS}
    examples: list[dict[str, Any]] = []
    k = config.k
    directions = _directions(prepared, config.queries_per_direction, config.seed)
    for direction in tqdm(directions, desc="directions", disable=not show_progress):
        queries = prepared.pools[direction.query_side]
        target = prepared.pools[direction.target_side]
        qids = direction.query_ids
        qrows = _rows(queries, qids)
        qtexts = [prepared.texts[direction.query_side][r] for r in qrows]
        doc_ids = list(target.table.ids)
        doc_texts = prepared.texts[direction.target_side]
        runs: dict[str, Run] = {}
        seconds: dict[str, float] = {}

        baselines = {
            "random": partial(random_run, qids, doc_ids, k, random_state=config.seed),
            "bm25": partial(bm25_run, qids, qtexts, doc_ids, doc_texts, k),
            "tfidf": partial(tfidf_run, qids, qtexts, doc_ids, doc_texts, k),
            "e5": partial(dense_run, qids, queries.vectors[qrows], doc_ids, target.vectors, k),
        }
        for name, make in baselines.items():
            start = time.perf_counter()
            runs[name] = make()
            seconds[name] = time.perf_counter() - start
        start = time.perf_counter()
        ranked = ranker.rank(queries, qrows, target, today=prepared.today)
        final = _as_run(target, qids, ranked, k, "final")
        if direction.target_side == "vacancy":
            scale = len(queries.table) / max(len(qids), 1)
            final = capacity_adjusted(
                final,
                strong_score=config.strong_score,
                capacity=config.capacity,
                weight=config.capacity_weight,
                scale=scale,
            )
        runs["karyab"] = _to_run(final, k)
        first_stage = _to_run(_as_run(target, qids, ranked, k, "first"), k)
        seconds["karyab"] = time.perf_counter() - start
        for name, value in seconds.items():
            timer.stages[f"system:{name}"] = timer.stages.get(f"system:{name}", 0.0) + value

        evaluator = RankingEvaluator(
            qrels=direction.qrels,
            catalogue_size=len(doc_ids),
            recall_at=(10, 100),
            groups=_groups(prepared, direction.target_side),
        )
        for name, run in runs.items():
            metrics = evaluator(run)
            if name == "karyab":
                metrics["first_stage_recall@100"] = evaluator(first_stage)["recall@100"]
                metrics["candidate_recall"] = _candidate_recall(
                    direction.qrels, qids, target, ranked
                )
            metrics["seconds"] = seconds[name]
            systems[name]["directions"][direction.name] = metrics
            values = per_query_ndcg(direction.qrels, run, 10)
            per_query[name][direction.name] = values
            if values:
                low, high = bootstrap_ci(list(values.values()), n_resamples=config.bootstrap)
                systems[name]["ci"].setdefault("ndcg@10", {})[direction.name] = [low, high]
        examples += _examples(prepared, direction, ranked, engine, runs["karyab"])

    for metrics in systems.values():
        _mean_of_directions(metrics)
    ratios = _ratios(per_query, config.bootstrap)
    return {
        "systems": systems,
        "ratios": ratios,
        "targets": _targets(systems, ratios),
        "examples": examples,
    }


def _candidate_recall(
    qrels: Qrels, query_ids: Sequence[str], target: Pool, ranked: Sequence[RankedQuery]
) -> float:
    """Recall of everything the first stage hands the re-ranker (the re-ranker's ceiling),
    over the judged queries."""
    shares: list[float] = []
    for qid, result in zip(query_ids, ranked, strict=True):
        relevant = {doc for doc, grade in qrels.get(qid, {}).items() if grade > 0}
        if relevant:
            found = {target.table.ids[row] for row in result.first_stage.rows}
            shares.append(len(relevant & found) / len(relevant))
    return float(np.mean(shares)) if shares else float("nan")


def _groups(prepared: PreparedMarket, side: str) -> dict[str, dict[str, str]]:
    records: Sequence[Vacancy] | Sequence[Jobseeker] = (
        prepared.vacancies if side == "vacancy" else prepared.jobseekers
    )
    groups: dict[str, dict[str, str]] = {"province": {r.id: r.province or "?" for r in records}}
    if side == "vacancy":
        groups["gender"] = {
            r.id: r.gender or "none"
            for r in prepared.vacancies  # gender-marked titles
        }
    return groups


def _mean_of_directions(metrics: dict[str, Any]) -> None:
    per_direction = list(metrics["directions"].values())
    keys = set.intersection(*(set(m) for m in per_direction)) if per_direction else set()
    for key in sorted(keys):
        values = [m[key] for m in per_direction if isinstance(m[key], int | float)]
        if key == "seconds":
            metrics[key] = float(sum(values))
        elif values:
            metrics[key] = float(np.mean(values))


def _ratios(
    per_query: Mapping[str, Mapping[str, Mapping[str, float]]], n_resamples: int
) -> dict[str, dict[str, dict[str, list[float]]]]:
    out: dict[str, dict[str, dict[str, list[float]]]] = {}
    for baseline in ("bm25", "e5"):
        entry: dict[str, list[float]] = {}
        for direction in DIRECTIONS:
            ours = per_query["karyab"].get(direction, {})
            theirs = per_query[baseline].get(direction, {})
            try:
                ratio = paired_bootstrap_ratio(ours, theirs, n_resamples=n_resamples)
            except ValueError:
                continue
            entry[direction] = [round(v, 4) for v in ratio]
        out[f"karyab/{baseline}"] = {"ndcg@10": entry}
    return out


_ARROWS = {"jobseeker_to_vacancy": "jobseeker→vacancy", "vacancy_to_jobseeker": "vacancy→jobseeker"}


def _targets(
    systems: Mapping[str, Mapping[str, Any]], ratios: Mapping[str, Any]
) -> list[dict[str, Any]]:
    targets: list[dict[str, Any]] = []
    for baseline, goal, label in (
        ("bm25", TARGET_OVER_BM25, "BM25"),
        ("e5", TARGET_OVER_E5, "zero-shot e5"),
    ):
        for direction, values in ratios[f"karyab/{baseline}"]["ndcg@10"].items():
            targets.append(
                {
                    "name": f"karyab nDCG@10 ≥ {goal} × {label} ({_ARROWS[direction]})",
                    "value": values[0],
                    "target": goal,
                    "met": values[0] >= goal,
                }
            )
    for direction, metrics in systems["karyab"]["directions"].items():
        value = metrics.get("first_stage_recall@100", float("nan"))
        targets.append(
            {
                "name": f"first-stage Recall@100 ≥ {TARGET_FIRST_STAGE_RECALL} "
                f"({_ARROWS[direction]})",
                "value": value,
                "target": TARGET_FIRST_STAGE_RECALL,
                "met": value >= TARGET_FIRST_STAGE_RECALL,
            }
        )
    return targets


def _examples(
    prepared: PreparedMarket,
    direction: DirectionData,
    ranked: Sequence[RankedQuery],
    engine: Engine,
    run: Run,
    count: int = 3,
) -> list[dict[str, Any]]:
    """The first few judged queries with their top results, explained as users see them."""
    queries = prepared.pools[direction.query_side]
    target = prepared.pools[direction.target_side]
    records: dict[str, Sequence[Vacancy | Jobseeker]] = {
        "vacancy": prepared.vacancies,
        "jobseeker": prepared.jobseekers,
    }
    label = _labeller(engine)
    out: list[dict[str, Any]] = []
    for qid, result in zip(direction.query_ids, ranked, strict=True):
        if len(out) == count:
            break
        if not direction.qrels.get(qid):
            continue
        query = records[direction.query_side][queries.row_of[qid]]
        top = sorted(run[qid].items(), key=lambda pair: -pair[1])[:3]
        position = {row: i for i, row in enumerate(result.final.rows)}
        items = []
        for doc_id, _ in top:
            row = target.row_of[doc_id]
            found = records[direction.target_side][row]
            items.append(
                {
                    "title": found.title,
                    "grade": direction.qrels[qid].get(doc_id, 0),
                    **explained(result.features[position[row]], query, found, label),
                }
            )
        out.append({"direction": direction.name, "query_title": query.title, "results": items})
    return out


def _labeller(engine: Engine) -> Any:
    taxonomy = engine.skills.taxonomy if engine.skills else None

    def label(skill_id: str) -> str:
        if taxonomy is not None and skill_id in taxonomy:
            return taxonomy.get(skill_id).label_fa
        return skill_id

    return label


def explained(
    features: np.ndarray, a: Vacancy | Jobseeker, b: Vacancy | Jobseeker, label: Any
) -> dict[str, Any]:
    """Matched and missing skills (the vacancy's, against the jobseeker's) and the Persian
    line that explains one result."""
    vacancy, seeker = (a, b) if isinstance(a, Vacancy) else (b, a)
    held = set(seeker.skill_ids)
    matched = [label(s) for s in vacancy.skill_ids if s in held]
    missing = [label(s) for s in vacancy.skill_ids if s not in held]
    value = dict(zip(FEATURES, features.tolist(), strict=True))
    return {
        "explanation": explain_fit(
            matched=len(matched),
            asked=len(vacancy.skill_ids),
            location=value["location"],
            remote=bool(value["remote"]),
            occupation_level=value["occupation_level"],
            experience_gap=value["experience_gap"],
            education_gap=value["education_gap"],
        ),
        "matched_skills": matched,
        "missing_skills": missing,
    }


def run_placement(
    engine: Engine,
    model: LearnedRanker,
    config: HarnessConfig,
    *,
    show_progress: bool = False,
) -> dict[str, Any]:
    """Generate the market of ``config``, prepare it and evaluate every system on it."""
    timer = Timer()
    market_config = MarketConfig(size=config.size, setting=config.setting, seed=config.seed)
    with timer.stage("generate"):
        market = generate_market(market_config, show_progress=show_progress)
    prepared = prepare_market(market, engine, config, timer, show_progress=show_progress)
    results = evaluate_prepared(prepared, engine, model, config, timer, show_progress=show_progress)
    jobseekers, vacancies = market_config.counts
    results["dataset"] = {
        **market_config.to_dict(),
        "jobseekers": len(prepared.jobseekers),
        "vacancies": len(prepared.vacancies),
        "queries_per_direction": min(config.queries_per_direction, jobseekers, vacancies),
        "embed_tokens": config.embed_tokens,
        "generated_s": round(timer.stages.get("generate", 0.0), 1),
    }
    results["timing"] = {
        "total_s": round(sum(timer.stages.values()), 1),
        "stages": {name: round(value, 1) for name, value in timer.stages.items()},
    }
    return results


# -- the trained ranker, cached beside the other models -----------------------------------

TRAIN_SEED = 101
VALIDATION_SEED = 202
# (market size, jobseekers, vacancies) the ranker of each evaluated size is trained on:
# other seeds than the evaluated market, and for medium a slice of a medium market.
TRAINING_MARKETS: dict[str, tuple[Size, int, int]] = {
    "small": ("small", 400, 200),
    "medium": ("medium", 3000, 1500),
}


def subset_market(market: Market, jobseekers: int, vacancies: int) -> Market:
    """The first ``jobseekers`` and ``vacancies`` of a market with their qrels."""
    seekers = market.jobseekers[:jobseekers]
    ads = market.vacancies[:vacancies]
    kept = {r["id"] for r in seekers} | {r["id"] for r in ads}

    def restrict(qrels: Qrels) -> Qrels:
        out = {q: {d: g for d, g in docs.items() if d in kept} for q, docs in qrels.items()}
        return {q: docs for q, docs in out.items() if q in kept and docs}

    return Market(
        config=market.config,
        vacancies=ads,
        jobseekers=seekers,
        truth={key: value for key, value in market.truth.items() if key in kept},
        qrels_for_jobseekers=restrict(market.qrels_for_jobseekers),
        qrels_for_vacancies=restrict(market.qrels_for_vacancies),
    )


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def ensure_ranker(
    engine: Engine,
    models_dir: Path,
    size: Size,
    config: HarnessConfig,
    *,
    importance: bool = True,
    show_progress: bool = False,
) -> LearnedRanker:
    """The re-ranker for evaluations of ``size``, trained on first use and cached."""
    market_size, jobseekers, vacancies = TRAINING_MARKETS.get(size, TRAINING_MARKETS["medium"])
    # The features a ranker learned from depend on the engine's parts: key the file on them.
    parts = ("coder" if engine.coder else "nocoder") + ("-skills" if engine.skills else "")
    path = models_dir / (
        f"ranker-{market_size}-{jobseekers}x{vacancies}-{_safe(engine.encoder.name)}"
        f"-{parts}-{config.embed_tokens}tok-v3.pkl"
    )
    if path.is_file():
        try:
            return LearnedRanker.load(path)
        except (RankerModelError, OSError, EOFError, pickle.UnpicklingError) as error:
            logger.warning("retraining the ranker: %s", error)
    logger.info(
        "training the re-ranker on generated markets (seeds %d and %d)", TRAIN_SEED, VALIDATION_SEED
    )
    markets = []
    for seed in (TRAIN_SEED, VALIDATION_SEED):
        market = generate_market(
            MarketConfig(size=market_size, seed=seed), show_progress=show_progress
        )
        markets.append(subset_market(market, jobseekers, vacancies))
    model, _ = train_ranker(
        engine, markets[0], markets[1], config, importance=importance, show_progress=show_progress
    )
    model.save(path)
    return model
