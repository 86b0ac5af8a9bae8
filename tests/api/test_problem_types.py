"""Every problem type the API can answer is in README's error tables, and one type has one title.

Types are collected from where they are made: the mapping and gateway-response templates of
api/openapi.yaml, the status template's error table, and the proxy Lambdas' problem_response calls.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stepgate_jobs.job_problems import JOB_FAILED, JOB_FAILED_TITLE, JOB_PROBLEM_TYPES
from tests.api.api_spec import api_body

ROOT = Path(__file__).resolve().parents[2]
LITERAL = re.compile(r'"type":"urn:stepgate:problem:([a-z-]+)","title":"([^"$]+)"')
# A template answering several problems sets the slug and the title together, then prints them once.
SLUG_SET = re.compile(r'#set\(\$(?:problemSlug|slug) = "([a-z-]+)"\)\n#set\(\$(?:problemTitle|title) = "([^"]+)"\)')
PROXY_PROBLEM = re.compile(r'problem_response\(\d+, "([a-z-]+)", "([^"]+)"')
# Their title names the part at fault (the body, the parameters, the Idempotency-Key, ...; or the gateway's phrase).
TITLED_PER_CAUSE = {"validation-error", "bad-request", "integration-failure"}


def _texts(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)
    elif isinstance(node, str):
        yield node


def problems_in_code() -> set[tuple[str, str]]:
    """(type slug, title) for every problem the API can answer."""
    found = set()
    for text in _texts(api_body()):
        found |= set(LITERAL.findall(text)) | set(SLUG_SET.findall(text))
    for source in (ROOT / "functions").rglob("*.py"):
        found |= set(PROXY_PROBLEM.findall(source.read_text()))
    found |= {(slug, error) for error, (slug, _) in JOB_PROBLEM_TYPES.items()} | {(JOB_FAILED[0], JOB_FAILED_TITLE)}
    return found


def types_in_readme() -> set[str]:
    errors = (ROOT / "README.md").read_text().split("### Errors", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|") for line in errors.splitlines()
            if line.startswith("| ") and "`" in line and not line.endswith("| when |")]  # not the headers
    return {slug for row in rows for slug in re.findall(r"`([a-z-]+)`", row[2])}


def test_the_collection_finds_the_problems_it_should():
    found = {slug for slug, _ in problems_in_code()}
    assert {"not-found", "gone", "conflict", "job-timed-out", "user-already-exists", "forbidden"} <= found


def test_readme_lists_every_problem_type_and_no_other():
    assert types_in_readme() == {slug for slug, _ in problems_in_code()}


@pytest.mark.parametrize("slug", sorted({slug for slug, _ in problems_in_code()} - TITLED_PER_CAUSE))
def test_one_problem_type_has_one_title_wherever_it_is_served(slug):
    titles = {title for found, title in problems_in_code() if found == slug}
    assert len(titles) == 1, f"{slug}: {sorted(titles)}"
