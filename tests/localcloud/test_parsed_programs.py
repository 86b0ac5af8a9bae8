"""Each definition is parsed once: CreateStateMachine's check and the executions share the parse, and with a
directory a later process reads the parsed program instead of parsing."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import moto
import pytest
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

from localcloud.moto_changes.stepfunctions import parsed_programs
from localcloud.moto_changes.stepfunctions.caches import parsed_program
from tests.compat.sfn_in_process import create, local_step_functions, run


def doubling() -> dict:
    """A machine no other test has: the caches are per process, and its Comment makes it new to them."""
    return {"Comment": uuid.uuid4().hex, "StartAt": "Double",
            "States": {"Double": {"Type": "Pass", "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"}, "End": True}}}


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The definitions moto's ANTLR parser really parsed (a spy; the parse still happens)."""
    parsed: list[str] = []
    real = AmazonStateLanguageParser.parse

    def spy(definition: str):
        parsed.append(definition)
        return real(definition)

    monkeypatch.setattr(AmazonStateLanguageParser, "parse", staticmethod(spy))
    return parsed


@pytest.fixture
def on_disk(tmp_path: Path):
    directory = tmp_path / "asl"
    parsed_programs.keep_on_disk(directory)
    yield directory
    parsed_programs.keep_on_disk(None)


def test_create_state_machine_makes_the_parse_its_executions_use(parses):
    definition = doubling()
    with local_step_functions() as sfn:
        arn = create(sfn, "double", definition)
        outputs = [json.loads(run(sfn, arn, input=json.dumps({"n": n}))["output"]) for n in (2, 5)]
    assert outputs == [{"twice": 4}, {"twice": 10}]
    assert parses == [json.dumps(definition)]


def test_a_later_process_reads_the_parsed_program_instead_of_parsing(parses, on_disk):
    definition = json.dumps(doubling())
    first = parsed_program(definition)
    assert [path.suffix for path in on_disk.iterdir()] == [".pickle"]

    parsed_program.cache_clear()  # as a new process would start: nothing in memory, the file on disk
    again = parsed_program(definition)
    assert parses == [definition]
    assert type(again) is type(first) and again is not first
    assert again.start_at.start_at_name == first.start_at.start_at_name == "Double"


def test_the_read_program_runs_executions(on_disk):
    definition = doubling()
    parsed_program(json.dumps(definition))
    parsed_program.cache_clear()
    with local_step_functions() as sfn:
        arn = create(sfn, "double-read", definition)
        assert json.loads(run(sfn, arn, input='{"n": 21}')["output"]) == {"twice": 42}


def test_a_damaged_file_is_parsed_again_and_replaced(parses, on_disk):
    definition = json.dumps(doubling())
    parsed_program(definition)
    (kept,) = on_disk.iterdir()
    kept.write_bytes(b"not a pickle")
    parsed_program.cache_clear()

    assert parsed_program(definition).start_at.start_at_name == "Double"
    assert parses == [definition, definition]
    parsed_program.cache_clear()
    parsed_program(definition)
    assert len(parses) == 2  # the file was written again, whole


@pytest.mark.parametrize("change", ["moto", "layout"])
def test_another_moto_version_or_layout_does_not_read_the_file(parses, on_disk, monkeypatch, change):
    definition = json.dumps(doubling())
    parsed_program(definition)
    parsed_program.cache_clear()
    if change == "moto":
        monkeypatch.setattr(moto, "__version__", moto.__version__ + ".next")
    else:
        monkeypatch.setattr(parsed_programs, "LAYOUT", parsed_programs.LAYOUT + 1)
    parsed_program(definition)
    assert parses == [definition, definition] and len(list(on_disk.iterdir())) == 2


def test_an_unwritable_directory_costs_a_parse_not_a_failure(parses, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the directory should be")
    parsed_programs.keep_on_disk(blocker / "asl")
    try:
        definition = json.dumps(doubling())
        assert parsed_program(definition).start_at.start_at_name == "Double"
        parsed_program.cache_clear()
        parsed_program(definition)
    finally:
        parsed_programs.keep_on_disk(None)
    assert parses == [definition, definition]
