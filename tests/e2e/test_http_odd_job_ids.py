"""Odd job ids in URLs are 404 problems, and none of them becomes a file name under .localcloud/logs."""

import re

import pytest

from localcloud.server import LOGS_DIR

# Percent-encoded as a client would send them: NUL, 300 characters, quotes, markup, a line break, a dot-dot.
ODD_IDS = ["x%00y", "x" * 300, "say%20%22hi%22", "it%27s", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "two%0Alines",
           "..%2F..%2Fetc%2Fpasswd"]
ROUTES = [("DELETE", "/jobs/{}"), ("GET", "/jobs/{}"), ("GET", "/searches/{}/offers"),
          ("GET", "/recognitions/{}/labels")]
LOG_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}\.log|no-job\.log")


@pytest.fixture
def new_log_files():
    before = set(LOGS_DIR.iterdir()) if LOGS_DIR.exists() else set()
    return lambda: {path.name for path in LOGS_DIR.iterdir()} - {path.name for path in before}


@pytest.mark.parametrize("job_id", ODD_IDS, ids=lambda job_id: job_id[:24])
@pytest.mark.parametrize("method, route", ROUTES, ids=[f"{m} {r}" for m, r in ROUTES])
def test_an_odd_job_id_is_a_404_problem(cloud, method, route, job_id):
    # When a client addresses a job by an id that cannot be one
    response = cloud.request(method, route.format(job_id))

    # Then it gets the not-found problem, not a 502 from a crashed log writer
    assert response.status_code == 404, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["type"] == "urn:stepgate:problem:not-found"


@pytest.mark.local_only("reads the local cloud's invocation log directory")
def test_odd_job_ids_name_no_file(cloud, new_log_files):
    # When every route is addressed with every odd id
    for method, route in ROUTES:
        for job_id in ODD_IDS:
            assert cloud.request(method, route.format(job_id)).status_code == 404

    # Then every log file written meanwhile is named from a job id (or is no-job.log)
    assert all(LOG_NAME.fullmatch(name) for name in new_log_files()), new_log_files()
