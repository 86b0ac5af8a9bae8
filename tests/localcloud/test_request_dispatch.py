"""moto's dispatch with its per-request answers computed once: the same backend for every host as moto finds."""

from __future__ import annotations

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from localcloud.moto_changes import request_dispatch

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
