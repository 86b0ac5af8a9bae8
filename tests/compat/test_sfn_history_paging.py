"""GetExecutionHistory pages as the API reference says: maxResults (default 100, at most 1000,
0 = default), nextToken (pass it back with the other arguments unchanged; HTTP 400 InvalidToken
when it is not valid), reverseOrder (newest first), includeExecutionData."""

import pytest
from botocore.exceptions import ClientError

from tests.compat.sfn_in_process import create, local_step_functions, passes, run


@pytest.fixture(scope="module")
def sfn():
    with local_step_functions() as client:
        yield client


@pytest.fixture(scope="module")
def long_execution(sfn) -> str:
    """122 events: more than one default page."""
    return run(sfn, create(sfn, "SixtyPasses", passes(60)), name="long", input='{"secret": "x"}')["executionArn"]


def all_pages(sfn, execution_arn: str, **kwargs) -> list[list[dict]]:
    pages, token = [], None
    while True:
        response = sfn.get_execution_history(executionArn=execution_arn, **({"nextToken": token} if token else {}),
                                             **kwargs)
        pages.append(response["events"])
        token = response.get("nextToken")
        if not token:
            return pages


def test_the_default_page_is_100_events_then_a_token_for_the_rest(sfn, long_execution):
    first = sfn.get_execution_history(executionArn=long_execution)

    assert [event["id"] for event in first["events"]] == list(range(1, 101))
    rest = sfn.get_execution_history(executionArn=long_execution, nextToken=first["nextToken"])
    assert [event["id"] for event in rest["events"]] == list(range(101, 123))
    assert "nextToken" not in rest


def test_max_results_zero_means_the_default(sfn, long_execution):
    assert len(sfn.get_execution_history(executionArn=long_execution, maxResults=0)["events"]) == 100


def test_pages_of_max_results_add_up_to_the_whole_history(sfn, long_execution):
    pages = all_pages(sfn, long_execution, maxResults=7)

    assert [len(page) for page in pages] == [7] * 17 + [3]
    whole = sfn.get_execution_history(executionArn=long_execution, maxResults=1000)
    assert [event for page in pages for event in page] == whole["events"]
    assert "nextToken" not in whole


def test_reverse_order_pages_from_the_newest_event(sfn, long_execution):
    pages = all_pages(sfn, long_execution, maxResults=50, reverseOrder=True)

    ids = [event["id"] for page in pages for event in page]
    assert ids == list(range(122, 0, -1))
    assert pages[0][0]["type"] == "ExecutionSucceeded"


def test_the_boto3_paginator_walks_every_page(sfn, long_execution):
    paginator = sfn.get_paginator("get_execution_history")

    events = [event for page in paginator.paginate(executionArn=long_execution, PaginationConfig={"PageSize": 30})
              for event in page["events"]]
    assert [event["id"] for event in events] == list(range(1, 123))


def test_without_execution_data_events_carry_no_input_or_output(sfn, long_execution):
    events = sfn.get_execution_history(executionArn=long_execution, includeExecutionData=False, maxResults=3)["events"]

    started = events[0]["executionStartedEventDetails"]
    assert "input" not in started and started["roleArn"].endswith("role/DummyRole")
    assert events[1]["stateEnteredEventDetails"] == {"name": "P0"}


@pytest.mark.parametrize("token", ["not-a-token", "eyJmb28iOiAxfQ=="])
def test_a_token_it_did_not_issue_is_invalid_token(sfn, long_execution, token):
    with pytest.raises(ClientError) as refused:
        sfn.get_execution_history(executionArn=long_execution, nextToken=token)

    assert refused.value.response["Error"]["Code"] == "InvalidToken"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_token_is_refused_with_other_arguments(sfn, long_execution):
    other = run(sfn, create(sfn, "ThreePasses", passes(3)), name="other")["executionArn"]
    token = sfn.get_execution_history(executionArn=long_execution, maxResults=10)["nextToken"]

    for changed in ({"executionArn": other}, {"executionArn": long_execution, "reverseOrder": True}):
        with pytest.raises(ClientError) as refused:
            sfn.get_execution_history(nextToken=token, **changed)
        assert refused.value.response["Error"]["Code"] == "InvalidToken"


def test_more_than_1000_results_is_a_validation_error(sfn, long_execution):
    with pytest.raises(ClientError) as refused:
        sfn.get_execution_history(executionArn=long_execution, maxResults=1001)

    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert "maxResults" in refused.value.response["Error"]["Message"]
