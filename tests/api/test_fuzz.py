"""Fuzz the HTTP API from its own OpenAPI schema (schemathesis): no input, valid or not,
gets a 5xx. Runs on a small hashing-encoder service with the occupation coder and skills
inference on, and API keys on (an admin key, so every route is reached)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import BaseSchema

from api.main import create_app
from karyab.service import Karyab
from karyab.settings import Settings
from models.encoder import HashingEncoder
from models.occupation_coder import OccupationCoder
from skills.inference import SkillInferencer
from tests.api.test_api import ACC_VACANCY, DEV_SEEKER, DEV_VACANCY

_ADMIN_KEY: dict[str, str] = {}


@pytest.fixture(scope="module")
def fuzzed_schema(
    tmp_path_factory: pytest.TempPathFactory,
    small_coder: OccupationCoder,
    skill_inferencer: SkillInferencer,
) -> Iterator[BaseSchema]:
    settings_ = Settings(
        data_dir=tmp_path_factory.mktemp("fuzz"),
        encoder="hashing",
        load_demo=False,
        ranker=False,
        auth=True,
        rate_limit_per_minute=0,
    )
    engine = Karyab.open(
        settings_, HashingEncoder(), occupation_coder=small_coder, skills=skill_inferencer
    )
    from karyab.records import Jobseeker, Vacancy

    engine.add_vacancies([Vacancy.from_dict(v) for v in (DEV_VACANCY, ACC_VACANCY)])
    engine.add_jobseekers([Jobseeker.from_dict(DEV_SEEKER)])
    _, secret = engine.store.create_api_key("fuzzer", "admin")
    _ADMIN_KEY["X-API-Key"] = secret
    app = create_app(settings_, engine=engine)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    engine.close()


schema = schemathesis.pytest.from_fixture("fuzzed_schema")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=dict(_ADMIN_KEY), checks=[not_a_server_error])
