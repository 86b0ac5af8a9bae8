"""Answers that are not the contract's success: 5xx after the retries, and a URL that is not a Stepgate API."""

import pytest

from stepgate_client import RetryPolicy, ServerError, Stepgate, UnexpectedResponse
from tests.client.scripted_server import Answer, ScriptedServer


@pytest.fixture
def server(request):
    scripted = ScriptedServer(request.param)
    yield scripted
    scripted.close()


@pytest.mark.parametrize("server", [{("GET", "/v1/jobs/job-1"): [Answer.problem(502, "integration-failure")]}],
                         indirect=True)
def test_a_5xx_is_retried_then_raised_as_server_error(server):
    with Stepgate(server.base_url, "key", retry=RetryPolicy(max_attempts=3, backoff_base=0.01)) as client:
        with pytest.raises(ServerError) as raised:
            client.job("job-1").status()
    assert raised.value.problem.status == 502 and len(server.requests("GET", "/v1/jobs/job-1")) == 3


@pytest.mark.parametrize("server", [{("GET", "/v1/jobs/job-1"): [Answer(404, None, {"Content-Type": "text/html"})]}],
                         indirect=True)
def test_an_answer_without_a_problem_body_says_the_url_may_not_be_stepgate(server):
    with Stepgate(server.base_url, "key") as client, pytest.raises(UnexpectedResponse, match="Stepgate API URL"):
        client.job("job-1").status()
