"""moto's dispatch with its per-request answers computed once: the same backend for every host as moto finds."""

from __future__ import annotations

import uuid

import flask.debughelpers
import pytest
from moto.dynamodb.responses import DynamoHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from localcloud import aws_in_process
from localcloud.moto_changes import request_dispatch
from tests.local_cloud_process import free_port
from tests.localcloud.test_aws_in_process import _client

HOSTS = [None, "moto_api", "dynamodb", "states.us-east-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com",
         "lambda.us-east-1.amazonaws.com", "s3.amazonaws.com", "my-bucket.s3.amazonaws.com",
         "execute-api.us-east-1.amazonaws.com", "nothing.example.com"]


def test_each_host_is_dispatched_to_the_backend_moto_finds_and_then_from_the_kept_answer(monkeypatch):
    app = DomainDispatcherApplication(create_backend_app)
    expected = {host: request_dispatch._ORIGINAL_BACKEND_FOR_HOST(app, host) for host in HOSTS}
    assert expected["states.us-east-1.amazonaws.com"] == "stepfunctions"
    assert expected["nothing.example.com"] is None
    request_dispatch.install_request_dispatch_caches()
    try:
        assert {host: app.get_backend_for_host(host) for host in HOSTS} == expected
        # The second time nothing is matched again: moto's search is not called
        monkeypatch.setattr(request_dispatch, "_ORIGINAL_BACKEND_FOR_HOST", lambda *_: "searched again")
        assert {host: app.get_backend_for_host(host) for host in HOSTS} == expected
    finally:
        monkeypatch.undo()  # first: uninstalling puts back whatever _ORIGINAL_BACKEND_FOR_HOST names then
        request_dispatch.uninstall_request_dispatch_caches()


def test_hosts_past_the_bound_are_searched_every_time(monkeypatch):
    app = DomainDispatcherApplication(create_backend_app)
    monkeypatch.setattr(request_dispatch, "HOSTS_KEPT", 2)
    request_dispatch.install_request_dispatch_caches()
    try:
        for bucket in ("a", "b", "c"):
            assert app.get_backend_for_host(f"{bucket}.s3.amazonaws.com") == "s3"
        assert list(app.stepgate_backends_by_host) == ["a.s3.amazonaws.com", "b.s3.amazonaws.com"]
    finally:
        request_dispatch.uninstall_request_dispatch_caches()


@pytest.fixture
def dynamodb():
    """A DynamoDB client whose calls reach moto's apps built by `backend_app`, in this process."""
    port = free_port()
    stop = aws_in_process.serve_in_process("127.0.0.1", port, DomainDispatcherApplication(request_dispatch.backend_app))
    yield _client("dynamodb", f"http://127.0.0.1:{port}")
    stop()


def test_backend_apps_answer_without_flasks_per_request_debug_class(dynamodb, monkeypatch):
    def debug_helper(_request):
        raise AssertionError("Flask's debug helper ran for a request")

    monkeypatch.setattr(flask.debughelpers, "attach_enctype_error_multidict", debug_helper)
    table = f"dispatch-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(TableName=table, KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    dynamodb.put_item(TableName=table, Item={"k": {"S": "a"}, "v": {"N": "1"}})
    assert dynamodb.get_item(TableName=table, Key={"k": {"S": "a"}})["Item"] == {"k": {"S": "a"}, "v": {"N": "1"}}


def test_a_fault_inside_moto_still_reaches_the_caller_as_its_exception(dynamodb, monkeypatch):
    def broken(_self):
        raise RuntimeError("moto fault")

    monkeypatch.setattr(DynamoHandler, "list_tables", broken)
    with pytest.raises(RuntimeError, match="moto fault"):
        dynamodb.list_tables()
