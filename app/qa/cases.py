"""QA case files: JSONL (one case a line) or CSV (one column per top-level field,
`expect` as a JSON string, `tags` as a JSON list or comma-separated words).

A case: {"id"?, "photo": path relative to the file, "question"?, "language"?,
"detail"?, "tags"?: [...], "expect": {...}}. The expectation kinds are described in
`app/qa/expectations.py` and in the README."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from models.types import QualityIssueKind
from safety.types import DisclaimerCategory, RefusalReason

Detail = Literal["brief", "standard", "detailed"]


class CaseFileError(ValueError):
    """A case file that cannot be used; the message names the line and the problem."""


def _as_list(value: Any) -> Any:
    """Let a single string stand for a one-item list."""
    return [value] if isinstance(value, str) else value


class Expectations(BaseModel):
    """What a good answer to one case must contain; every kind is optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    read: tuple[str, ...] = ()
    say_any: tuple[str, ...] = ()
    say_none: tuple[str, ...] = ()
    quality: tuple[QualityIssueKind, ...] = ()
    quality_any: tuple[QualityIssueKind, ...] = ()
    disclaimer: tuple[DisclaimerCategory, ...] = ()
    refusal: RefusalReason | Literal["none"] | None = None
    people: int | None = Field(default=None, ge=0)
    answers: tuple[str, ...] | None = Field(default=None, min_length=2)
    min_vqa: float | None = Field(default=None, ge=0, le=1)

    _lists = field_validator(
        "read", "say_any", "say_none", "quality", "quality_any", "disclaimer", mode="before"
    )(_as_list)

    @field_validator("read", "say_any", "say_none")
    @classmethod
    def _no_empty_strings(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        if any(not value.strip() for value in values):
            raise ValueError("an empty string would match every answer")
        return values

    @model_validator(mode="after")
    def _min_vqa_needs_answers(self) -> Expectations:
        if self.min_vqa is not None and self.answers is None:
            raise ValueError("min_vqa needs answers")
        return self

    def kinds(self) -> list[str]:
        """The expectation kinds this case uses, in a fixed order."""
        set_kinds = {name for name in self.model_fields_set if name != "min_vqa"}
        return [name for name in EXPECTATION_KINDS if name in set_kinds]


EXPECTATION_KINDS = ("read", "say_any", "say_none", "quality", "quality_any", "disclaimer",
                     "refusal", "people", "answers")


class CaseLine(BaseModel):
    """One line of a case file, as written."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, min_length=1)
    photo: str = Field(min_length=1)
    question: str | None = None
    language: str | None = None
    detail: Detail | None = None
    tags: tuple[str, ...] = ()
    expect: Expectations = Field(default_factory=Expectations)

    _tags = field_validator("tags", mode="before")(_as_list)


@dataclass(frozen=True)
class Case:
    """A case ready to run: its photo resolved against the case file's folder."""

    id: str
    photo: Path
    photo_ref: str  # as written in the case file (relative to it)
    question: str | None
    language: str | None
    detail: Detail
    tags: tuple[str, ...]
    expect: Expectations
    line: int

    def summary(self) -> dict[str, Any]:
        """The case as results.jsonl records it."""
        return {"id": self.id, "photo": self.photo_ref, "question": self.question,
                "language": self.language, "detail": self.detail, "tags": list(self.tags),
                "expect": self.expect.model_dump(exclude_unset=True, mode="json")}


def _jsonl_rows(path: Path) -> Iterator[tuple[int, Any]]:
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        try:
            yield number, json.loads(text)
        except json.JSONDecodeError as error:
            raise CaseFileError(f"{path}:{number}: not JSON ({error.msg})") from error


def _csv_rows(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            number = reader.line_num
            values: dict[str, Any] = {k: v for k, v in row.items() if k and v not in (None, "")}
            for name in ("expect", "tags"):
                text = values.get(name)
                if text is None:
                    continue
                if name == "tags" and not text.lstrip().startswith("["):
                    values[name] = [tag.strip() for tag in text.split(",") if tag.strip()]
                    continue
                try:
                    values[name] = json.loads(text)
                except json.JSONDecodeError as error:
                    raise CaseFileError(
                        f"{path}:{number}: the {name} column is not JSON ({error.msg})"
                    ) from error
            yield number, values


def _describe_errors(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in item['loc']) or 'case'}: {item['msg']}"
        for item in error.errors()
    )


def load_cases(path: Path) -> list[Case]:
    """Read and check a JSONL or CSV case file; raises CaseFileError naming the line."""
    rows = _csv_rows(path) if path.suffix.lower() == ".csv" else _jsonl_rows(path)
    cases: list[Case] = []
    seen: dict[str, int] = {}
    for number, data in rows:
        if not isinstance(data, dict):
            raise CaseFileError(f"{path}:{number}: a case must be a JSON object")
        try:
            line = CaseLine.model_validate(data)
        except ValidationError as error:
            raise CaseFileError(f"{path}:{number}: {_describe_errors(error)}") from error
        photo = (path.parent / line.photo).resolve()
        if not photo.is_file():
            raise CaseFileError(f"{path}:{number}: photo not found: {line.photo}")
        case_id = line.id or Path(line.photo).stem
        if case_id in seen:
            if line.id:
                raise CaseFileError(
                    f"{path}:{number}: id {case_id!r} is already used on line {seen[case_id]}"
                )
            case_id = f"{case_id}@{number}"
        seen[case_id] = number
        cases.append(Case(id=case_id, photo=photo, photo_ref=line.photo, question=line.question,
                          language=line.language, detail=line.detail or "standard",
                          tags=line.tags, expect=line.expect, line=number))
    if not cases:
        raise CaseFileError(f"{path}: no cases")
    return cases
