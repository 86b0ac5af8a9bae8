"""botocore's data files (endpoints, partitions, service models), parsed once in the workers' fork server.

Every boto3 Session has a loader of its own that parses those JSON files again: 8-13 MiB of
dicts per service a worker calls. Parsed in the server (`worker_preload.py`) and kept by path,
they are shared by every fork. botocore reads them without changing them, except for merging its
`.sdk-extras` files into a service model, which gives the same model each time.
"""

from __future__ import annotations

import os
from typing import Any, Iterable

import boto3
import botocore
from botocore.loaders import JSONFileLoader

_DATA_FOLDERS = tuple(os.path.join(os.path.dirname(package.__file__), "data") for package in (botocore, boto3))
_parse = JSONFileLoader.load_file
_parsed: dict[str, Any] = {}


def _load_file(self: JSONFileLoader, file_path: str) -> Any:
    if not file_path.startswith(_DATA_FOLDERS):  # AWS_DATA_PATH folders: the user's, read as botocore reads them
        return _parse(self, file_path)
    if file_path not in _parsed:
        _parsed[file_path] = _parse(self, file_path)
    return _parsed[file_path]


def share_parsed_data(services: Iterable[str]) -> None:
    """From now on each data file is parsed once; those a client of each of `services` reads are parsed now."""
    JSONFileLoader.load_file = _load_file
    for service in services:  # no call is made: building a client reads what its calls will need
        boto3.session.Session().client(service, region_name="us-east-1", endpoint_url="http://127.0.0.1:1",
                                       aws_access_key_id="preload", aws_secret_access_key="preload")
