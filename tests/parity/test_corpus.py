"""Every ground-truth case renders exactly as AWS answered (tests/parity/cases, each citing its source)."""

import pytest

from tests.parity.corpus import describe, load_cases, mismatches, run

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_renders_as_aws_recorded(case):
    problems = mismatches(case, run(case))
    assert not problems, describe(case) + "\n" + "\n".join(problems)


def test_the_corpus_is_big_enough_and_every_case_cites_a_source():
    assert len(CASES) >= 120
    assert all(case.source.strip() for case in CASES)
