"""Ids from `uuid.uuid4` in the local cloud: version-4 UUIDs as before, made without reading os.urandom."""

from __future__ import annotations

import os
import uuid

import pytest

from localcloud.moto_changes import random_ids


@pytest.fixture
def installed():
    before = uuid.uuid4  # another test's local cloud in this process may have installed it already
    random_ids.install_random_ids()
    yield
    uuid.uuid4 = before


def test_ids_are_distinct_version_4_uuids(installed):
    ids = [uuid.uuid4() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert {(made.version, made.variant) for made in ids} == {(4, uuid.RFC_4122)}
    assert all(len(str(made)) == 36 for made in ids)


def test_an_id_makes_no_system_call(installed, monkeypatch):
    def refuse(size: int) -> bytes:
        raise AssertionError("os.urandom releases the GIL")

    monkeypatch.setattr(os, "urandom", refuse)
    assert uuid.uuid4().version == 4


def test_uninstall_gives_uuid4_back():
    before = uuid.uuid4
    try:
        random_ids.install_random_ids()
        assert uuid.uuid4 is random_ids._uuid4
        random_ids.uninstall_random_ids()
        assert uuid.uuid4 is random_ids._ORIGINAL_UUID4 and uuid.uuid4.__module__ == "uuid"
    finally:
        uuid.uuid4 = before
