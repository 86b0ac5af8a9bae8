"""The real jobs.asl.json, executed by moto's interpreter with the real handler code."""

import pytest

from localcloud.provisioning.in_process import LocalJobs, local_jobs


@pytest.fixture(scope="module")
def jobs(assembly) -> LocalJobs:
    with local_jobs(assembly, wait_time_scale=0.0) as local:
        yield local


@pytest.fixture(autouse=True)
def no_leftover_faults(request):
    yield
    if "jobs" in request.fixturenames:
        request.getfixturevalue("jobs").hook.faults.clear()
