"""Row validation: the cells of one row to a :class:`Vacancy` or :class:`Jobseeker` and the
key the sending system knows it by, or the list of everything wrong with the row.

The constraints are the API's own (``api.schemas.VacancyCreate`` / ``JobseekerCreate``:
text lengths, id pattern, 4-digit ISCO codes, Jalali dates, education levels, experience
0-70), applied after the cells are parsed (Persian digits, Persian names of education
levels, skills split into a list). Nothing here raises for bad data.

The key: a jobseeker's national ID when the row has one (it must be valid), else the
``source_id`` column, else the ``id`` column. The record's own id is the ``id`` column when
given; else ``<system>:<source id>`` when that is a plain id; else a generated one. A
national ID, or anything that looks like a phone number, never becomes a record id.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from api.schemas import MAX_TEXT_CHARS, JobseekerCreate, VacancyCreate
from exchange import values
from exchange.headers import Kind, field_for
from exchange.national_id import is_valid_national_id, mask_national_id, normalize_national_id
from exchange.privacy import has_personal_number, quote
from exchange.readers import RawRow
from exchange.report import RowError
from karyab.records import Jobseeker, Vacancy

MAX_SOURCE_ID_CHARS = 200
RECORD_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")  # as the API's id pattern
SOURCE_SYSTEM = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

IdOrigin = Literal["file", "derived", "generated"]

# Field -> parser of its cell. Title, text and the key fields are handled on their own.
_PARSERS: Mapping[str, Callable[[Any], Any]] = {
    "province": values.short_text,
    "city": values.short_text,
    "employer": values.short_text,
    "isco_code": values.isco_code,
    "isco_guess": values.isco_code,
    "isco_source": values.isco_source,
    "experience_years": values.whole_number,
    "education": values.education,
    "skills": values.string_list,
    "skill_ids": values.string_list,
    "employment_type": values.employment_type,
    "gender": values.gender,
    "posted_at": values.jalali_date,
}
# Field -> the API model's (and the record's) name for it, where the two differ.
_MODEL_FIELD: Mapping[Kind, Mapping[str, str]] = {
    "vacancy": {"experience_years": "min_experience_years"},
    "jobseeker": {"posted_at": "registered_at"},
}
# Clearer words for some of pydantic's messages, by error type.
_FRIENDLY = {
    "string_pattern_mismatch": "may hold only Latin letters, digits and _ . : -",
    "missing": "is required",
}
# Set on the record after the API model is built: not fields of the models (isco_guess,
# isco_source, skill_ids), or checked here already, to the same rule (a real Jalali day,
# years 13xx-14xx) and a tenth of the cost of the model's validator (posted_at).
_RECORD_ONLY = ("isco_guess", "isco_source", "skill_ids", "posted_at")


@dataclass(frozen=True)
class CheckedRow:
    """A valid row: the record to store and the sending system's key for it."""

    number: int
    source_id: str
    key_column: str  # the column the key came from, as the file spells it
    record: Vacancy | Jobseeker
    id_origin: IdOrigin


class RowChecker:
    """Validates the rows of one file for one kind and source system, and notes the
    columns it does not know (reported once each, as warnings)."""

    def __init__(
        self, kind: Kind, source_system: str, *, max_document_chars: int = MAX_TEXT_CHARS
    ) -> None:
        if kind not in ("vacancy", "jobseeker"):
            raise ValueError(f"kind must be vacancy or jobseeker, not {kind!r}")
        if not SOURCE_SYSTEM.fullmatch(source_system):
            raise ValueError(
                "source_system must be 1-64 Latin letters, digits, '.', '_' or '-' "
                f"(got {quote(source_system)!r})"
            )
        self.kind: Kind = kind
        self.source_system = source_system
        self.max_document_chars = max_document_chars
        self._model: type[BaseModel] = VacancyCreate if kind == "vacancy" else JobseekerCreate
        self._fields: dict[str, str | None] = {}
        self._unknown: dict[str, None] = {}  # an ordered set
        self._repeated: dict[tuple[str, str], None] = {}
        self._other_systems: dict[str, None] = {}

    def warnings(self) -> list[str]:
        notes = [f"unknown column {name!r} ignored" for name in self._unknown]
        notes += [f"column {b!r} repeats {a!r} and is ignored" for a, b in self._repeated]
        if self._other_systems:
            names = ", ".join(list(self._other_systems)[:3])
            notes.append(
                f"rows name other source systems ({names}); their ids are read as "
                f"{self.source_system}'s"
            )
        return notes

    def _field(self, name: str) -> str | None:
        if name not in self._fields:
            self._fields[name] = field_for(name, self.kind)
        return self._fields[name]

    def _by_field(self, raw: RawRow) -> tuple[dict[str, Any], dict[str, str]]:
        """The row's non-blank cells by field, and each field's column name as the file
        spells it; unknown and repeated columns are noted for the warnings."""
        cells: dict[str, Any] = {}
        columns: dict[str, str] = {}
        for name, value in raw.cells.items():
            field = self._field(name)
            if field is None:
                if name.strip() and name not in self._unknown:
                    self._unknown[name] = None
            elif field in columns:
                self._repeated.setdefault((columns[field], name), None)
            else:
                columns[field] = name
                if not values.is_blank(value):
                    cells[field] = value
        return cells, columns

    def check(self, raw: RawRow) -> CheckedRow | list[RowError]:
        """The row as a record and its key, or every problem it has."""
        if raw.problem is not None:
            return [RowError(raw.number, "", raw.problem)]
        cells, columns = self._by_field(raw)
        errors: list[RowError] = []

        def fail(field: str, message: str, shown: str | None = None) -> None:
            value = cells.get(field)
            errors.append(
                RowError(
                    raw.number,
                    columns.get(field, field),
                    message,
                    quote(value) if shown is None else shown,
                )
            )

        data: dict[str, Any] = {}
        record_only: dict[str, Any] = {}
        for field in ("title", "text"):
            if field not in cells:
                fail(field, "is required")
                continue
            try:
                data[field] = values.short_text(cells[field])
            except ValueError as error:
                fail(field, str(error))
        for field, parse in _PARSERS.items():
            if field not in cells:
                continue
            try:
                parsed = parse(cells[field])
            except ValueError as error:
                fail(field, str(error))
                continue
            if field in _RECORD_ONLY:
                record_only[field] = parsed
            elif parsed is not None:
                data[_MODEL_FIELD[self.kind].get(field, field)] = parsed
        key = self._source_id(cells, columns, fail)
        if "id" in cells:
            try:
                record_id = values.short_text(cells["id"])
            except ValueError as error:
                fail("id", str(error))
            else:
                if has_personal_number(record_id):
                    fail("id", "looks like a phone number or national ID; leave the id out")
                else:
                    data["id"] = record_id
        system = cells.get("source_system")
        if system is not None and quote(system) != self.source_system:
            # Information only: the import's source system keys every row.
            self._other_systems.setdefault(quote(system), None)

        model = self._validate_model(data, raw.number, columns, cells, errors)
        document_chars = len(f"{data.get('title', '')}\n{data.get('text', '')}".strip())
        if document_chars > self.max_document_chars and not errors:
            fail(
                "text",
                f"title and text together are {document_chars} characters; "
                f"the limit is {self.max_document_chars}",
                shown="",
            )
        if errors or model is None or key is None:
            return errors or [RowError(raw.number, "", "the row is not valid")]
        key_field, source_id = key
        record_id, origin = self._record_id(data.get("id"), source_id, key_field == "national_id")
        assert isinstance(model, VacancyCreate | JobseekerCreate)
        record: Vacancy | Jobseeker = model.to_record(record_id)
        if record_only:
            if "skill_ids" in record_only:
                record_only["skill_ids"] = tuple(record_only["skill_ids"])
            names = _MODEL_FIELD[self.kind]
            record = replace(record, **{names.get(k, k): v for k, v in record_only.items()})
        return CheckedRow(raw.number, source_id, columns[key_field], record, origin)

    def _source_id(
        self, cells: Mapping[str, Any], columns: Mapping[str, str], fail: Callable[..., None]
    ) -> tuple[str, str] | None:
        """(the field the key came from, the key)."""
        if self.kind == "jobseeker" and "national_id" in cells:
            try:
                raw = values.text(cells["national_id"])
            except ValueError as error:
                fail("national_id", str(error), "")
                return None
            digits = normalize_national_id(raw)
            if digits is None:
                fail("national_id", "a national ID has 10 digits", mask_national_id(raw))
                return None
            if not is_valid_national_id(digits):
                fail("national_id", "not a valid national ID (check digit)", mask_national_id(raw))
                return None
            return "national_id", digits
        for field in ("source_id", "id"):
            if field in cells:
                try:
                    source_id = values.short_text(cells[field])
                except ValueError as error:
                    fail(field, str(error))
                    return None
                if len(source_id) > MAX_SOURCE_ID_CHARS:
                    fail(field, f"is over {MAX_SOURCE_ID_CHARS} characters")
                    return None
                return field, source_id
        fields = (
            ("national_id", "source_id", "id") if self.kind == "jobseeker" else ("source_id", "id")
        )
        present = [field for field in fields if field in columns]
        fail(
            present[0] if present else fields[0],
            f"the row needs a key (one of {', '.join(fields)})",
            "",
        )
        return None

    def _validate_model(
        self,
        data: dict[str, Any],
        number: int,
        columns: Mapping[str, str],
        cells: Mapping[str, Any],
        errors: list[RowError],
    ) -> BaseModel | None:
        failed = {error.column for error in errors}
        to_field = {model: field for field, model in _MODEL_FIELD[self.kind].items()}
        try:
            return self._model.model_validate(data)
        except ValidationError as error:
            for problem in error.errors(include_url=False, include_input=False):
                field = to_field.get(str(problem["loc"][0]), str(problem["loc"][0]))
                column = columns.get(field, field)
                if column in failed:
                    continue  # already reported by the parser
                message = _FRIENDLY.get(
                    str(problem["type"]), str(problem["msg"]).removeprefix("Value error, ")
                )
                if len(problem["loc"]) > 1:  # an item of a list: skills[3]
                    message = f"item {int(problem['loc'][1]) + 1}: {message}"
                errors.append(RowError(number, column, message, quote(cells.get(field))))
            return None

    def _record_id(
        self, given: str | None, source_id: str, is_national_id: bool
    ) -> tuple[str, IdOrigin]:
        if given is not None:
            return given, "file"
        derived = f"{self.source_system}:{source_id}"
        if not is_national_id and RECORD_ID.fullmatch(derived) and not has_personal_number(derived):
            return derived, "derived"
        while True:  # a generated id must not look like a phone number either
            generated = f"{self.source_system}:{uuid.uuid4().hex[:20]}"
            if not has_personal_number(generated):
                return generated, "generated"
