"""Reading ``{"id": str, "text": str}`` JSONL input and writing JSONL output safely."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class JsonlInputError(ValueError):
    """A line of the input is not a valid record; the message names the line."""


@dataclass(frozen=True)
class TextRecord:
    id: str
    text: str


def read_objects(source: str, what: str = "an object") -> list[tuple[int, dict[str, Any]]]:
    """Every non-empty line of ``source`` ('-' for stdin) as a JSON object, with its line
    number; parsed before any work starts, so a bad line stops the run cleanly."""
    if source == "-":
        raw = sys.stdin.buffer.read()
    else:
        path = Path(source)
        if not path.is_file():
            raise JsonlInputError(f"no such file: {source}")
        raw = path.read_bytes()
    objects: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            raise JsonlInputError(f"line {number}: not UTF-8 text") from None
        except json.JSONDecodeError as error:
            raise JsonlInputError(f"line {number}: invalid JSON ({error.msg})") from None
        if not isinstance(item, dict):
            raise JsonlInputError(f"line {number}: expected {what}")
        objects.append((number, item))
    return objects


def read_text_records(source: str, *, max_chars: int = 50_000) -> list[TextRecord]:
    """``{"id": str, "text": str}`` lines, ids unique."""
    records: list[TextRecord] = []
    seen: set[str] = set()
    for number, item in read_objects(source, "an object with id and text"):
        record_id, text = item.get("id"), item.get("text")
        if not isinstance(record_id, str) or not record_id:
            raise JsonlInputError(f"line {number}: 'id' must be a non-empty string")
        if not isinstance(text, str):
            raise JsonlInputError(f"line {number}: 'text' must be a string")
        if len(text) > max_chars:
            raise JsonlInputError(f"line {number}: text is over {max_chars} characters")
        if record_id in seen:
            raise JsonlInputError(f"line {number}: id {record_id!r} appears twice")
        seen.add(record_id)
        records.append(TextRecord(record_id, text))
    return records


def read_decisions(source: str) -> list[tuple[int, str, str]]:
    """``{"title": str, "code": str}`` lines (other fields ignored, so an exported coding
    queue with a ``code`` added reads back) as (line number, title, code)."""
    decisions = []
    for number, item in read_objects(source, "an object with title and code"):
        title, code = item.get("title"), item.get("code")
        if not isinstance(title, str) or not title.strip() or len(title) > 300:
            raise JsonlInputError(f"line {number}: 'title' must be a string of 1-300 characters")
        if not isinstance(code, str) or len(code) != 4 or not code.isascii() or not code.isdigit():
            raise JsonlInputError(f"line {number}: 'code' must be a 4-digit ISCO-08 code")
        decisions.append((number, title, code))
    return decisions


def write_jsonl(target: str, rows: Iterable[dict[str, Any]]) -> None:
    """Write rows to ``target`` ('-' for stdout) via a temporary file and a rename."""
    lines = [json.dumps(row, ensure_ascii=False) + "\n" for row in rows]
    if target == "-":
        sys.stdout.writelines(lines)
        sys.stdout.flush()
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
