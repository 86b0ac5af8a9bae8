"""moto's request dispatch without the work it repeats per request.

For every request moto's server lists its own package directory (one `isdir` per service,
about 150) to tell a service name from a host name, and its response classes re-inspect
their own methods to find the action's. Both answers are fixed for the life of the process;
under load they were a tenth of the local cloud's CPU. Each is computed once here.
"""

from __future__ import annotations

import functools

import moto.backends as backends
import moto.core.responses as responses

_ORIGINAL_MODULES = backends.list_of_moto_modules
_ORIGINAL_METHOD_NAMES = responses.method_names_from_class


@functools.lru_cache(maxsize=1)
def _moto_modules() -> frozenset[str]:
    return frozenset(_ORIGINAL_MODULES())


@functools.lru_cache(maxsize=512)
def _method_names(clazz: type) -> frozenset[str]:
    return frozenset(_ORIGINAL_METHOD_NAMES(clazz))


def install_request_dispatch_caches() -> None:
    backends.list_of_moto_modules = _moto_modules
    responses.method_names_from_class = _method_names


def uninstall_request_dispatch_caches() -> None:
    backends.list_of_moto_modules = _ORIGINAL_MODULES
    responses.method_names_from_class = _ORIGINAL_METHOD_NAMES
