"""Guard: a moto upgrade must not silently turn the local Lambda runtime into a mock.

moto runs Lambda code through a private method; if an upgrade renames or bypasses it, these
tests fail loudly instead of executions "succeeding" without our handlers running.
"""

import json

from moto.awslambda import models as lambda_models

from localcloud.moto_changes import lambda_hook as moto_lambda_hook


def test_moto_still_has_the_private_method_the_hook_replaces():
    # Given moto as pinned / When we look for its single Docker entry point / Then it is there
    assert callable(getattr(moto_lambda_hook._ORIGINAL_INVOKE, "__call__", None))
    assert moto_lambda_hook._ORIGINAL_INVOKE.__name__ == "_invoke_lambda"


def test_the_hook_is_what_moto_calls_while_installed(jobs):
    # Given the local runtime is installed
    assert lambda_models.LambdaFunction._invoke_lambda is not moto_lambda_hook._ORIGINAL_INVOKE

    # When a function is invoked through moto's Lambda API
    validate = jobs.stack.function("validate_job")
    before = jobs.hook.calls[validate.name]
    response = jobs.client("lambda").invoke(
        FunctionName=validate.name,
        Payload=json.dumps({"jobId": "guard", "kind": "user", "submittedAt": "2030-01-01T00:00:00Z",
                            "submittedEpoch": 1893456000, "request": {"name": " Grace ", "email": "G@Example.com"}}),
    )

    # Then our hook ran the real handler: its output is the real normalisation, not a canned answer
    assert jobs.hook.calls[validate.name] == before + 1
    assert "FunctionError" not in response, response["Payload"].read()
    payload = json.loads(response["Payload"].read())
    assert payload["request"] == {"name": "Grace", "email": "g@example.com"}


def test_the_workflow_runs_every_task_through_the_hook(jobs):
    # Given the hook's call counts
    before = sum(jobs.hook.calls.values())

    # When a user job runs
    result = jobs.run("user", {"name": "Hook Guard", "email": "hook.guard@example.com"})

    # Then both Lambda tasks (validate and create user) went through the hook
    assert result["status"] == "SUCCEEDED", result
    assert sum(jobs.hook.calls.values()) - before == 2
