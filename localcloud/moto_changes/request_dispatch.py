"""moto's request dispatch without the work it repeats per request.

For every request moto's server lists its own package directory (one `isdir` per service,
about 150) to tell a service name from a host name, matches the host against every service's
URL patterns (hundreds of regular expressions, under one lock all requests share), and its
response classes re-inspect their own methods to find the action's. These answers are fixed
for the life of the process; under load they were a tenth of the local cloud's CPU. Each is
computed once here (hosts up to a bound: S3 names a host per bucket).

moto also builds each service's Flask app in debug mode, where Flask defines a new class per
request (to explain a form missing its enctype); `backend_app` builds it without debug and
keeps the one debug behaviour moto relies on, exceptions propagating to the caller.
"""

from __future__ import annotations

import functools

import moto.backends as backends
import moto.core.responses as responses
from flask import Flask
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

_ORIGINAL_MODULES = backends.list_of_moto_modules
_ORIGINAL_METHOD_NAMES = responses.method_names_from_class
_ORIGINAL_BACKEND_FOR_HOST = DomainDispatcherApplication.get_backend_for_host
HOSTS_KEPT = 1024


@functools.lru_cache(maxsize=1)
def _moto_modules() -> frozenset[str]:
    return frozenset(_ORIGINAL_MODULES())


@functools.lru_cache(maxsize=512)
def _method_names(clazz: type) -> frozenset[str]:
    return frozenset(_ORIGINAL_METHOD_NAMES(clazz))


def _backend_for_host(app: DomainDispatcherApplication, host: str | None):
    known = app.__dict__.setdefault("stepgate_backends_by_host", {})  # read and filled under moto's dispatch lock
    if host in known:
        return known[host]
    backend = _ORIGINAL_BACKEND_FOR_HOST(app, host)
    if len(known) < HOSTS_KEPT:
        known[host] = backend
    return backend


def backend_app(service: str) -> Flask:
    """moto's app for one service, without Flask's per-request debug work."""
    app = create_backend_app(service)
    app.debug = False
    app.config["PROPAGATE_EXCEPTIONS"] = True  # as in debug: a fault in moto surfaces, not a bare 500 page
    return app


def install_request_dispatch_caches() -> None:
    backends.list_of_moto_modules = _moto_modules
    responses.method_names_from_class = _method_names
    DomainDispatcherApplication.get_backend_for_host = _backend_for_host


def uninstall_request_dispatch_caches() -> None:
    backends.list_of_moto_modules = _ORIGINAL_MODULES
    responses.method_names_from_class = _ORIGINAL_METHOD_NAMES
    DomainDispatcherApplication.get_backend_for_host = _ORIGINAL_BACKEND_FOR_HOST
