"""Invocation logs are named from job ids only: what a client types in a URL never becomes a file name."""

import pytest

from localcloud.lambda_runtime import FunctionSpec, Invocation, InvocationLog
from localcloud.lambda_runtime.invocation_log import JOB_ID, job_id_of
from tests.api.api_spec import api_body

SPEC = FunctionSpec(name="cancel-job", code_dir=".", handler="cancel_job.app.handler")
ODD_IDS = ["x\x00y", "x" * 300, 'say "hi"', "it's", "<script>alert(1)</script>", "two\nlines", "../../etc/passwd",
           "has:colon", "", "x" * 81]


def invocation(logs: str = "handler output\n") -> Invocation:
    return Invocation(payload="{}", errored=False, logs=logs, duration_ms=1.0, request_id="r-1")


@pytest.mark.parametrize("job_id", ODD_IDS, ids=repr)
def test_an_odd_id_from_a_url_goes_to_the_no_job_log(tmp_path, job_id):
    # Given a proxy event whose jobId path parameter is not a job id
    event = {"pathParameters": {"jobId": job_id}}

    # When its invocation is logged
    InvocationLog(tmp_path)(SPEC, invocation(), event)

    # Then the only file is no-job.log, holding the output
    assert [path.name for path in tmp_path.iterdir()] == ["no-job.log"]
    assert "handler output" in (tmp_path / "no-job.log").read_text()


@pytest.mark.parametrize("event", [{"jobId": "k-0123abc"}, {"pathParameters": {"jobId": "k-0123abc"}}],
                         ids=["workflow task", "proxy event"])
def test_a_job_id_names_its_log_file(tmp_path, event):
    InvocationLog(tmp_path)(SPEC, invocation(), event)
    InvocationLog(tmp_path)(SPEC, invocation("second\n"), event)
    text = (tmp_path / "k-0123abc.log").read_text()
    assert text.count("--- cancel-job request=r-1") == 2 and "second" in text


@pytest.mark.parametrize("event", [None, "raw", [], {"jobId": 7}, {"pathParameters": None}])
def test_events_without_a_job_belong_to_no_job(event):
    assert job_id_of(event) is None


def test_the_job_id_pattern_is_the_apis():
    # Given every jobId path parameter the API declares
    patterns = {parameter["schema"]["pattern"] for item in api_body()["paths"].values() for spec in item.values()
                if isinstance(spec, dict) for parameter in spec.get("parameters") or []
                if parameter["name"] == "jobId" and parameter["in"] == "path"}

    # Then the log names ids by that same pattern
    assert patterns == {f"^{JOB_ID.pattern}$"}


def test_a_log_that_cannot_be_written_does_not_fail_the_invocation(tmp_path, caplog):
    # Given a logs "directory" that is a file
    blocked = tmp_path / "logs"
    blocked.write_text("not a directory")

    # When an invocation is logged there, it is reported, not raised
    InvocationLog(blocked)(SPEC, invocation(), {"jobId": "k-1"})
    assert "could not keep the logs of cancel-job" in caplog.text
