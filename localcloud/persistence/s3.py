"""S3 buckets: each object's bytes (one file per distinct content) and its content type and user metadata."""

from __future__ import annotations

import hashlib
from typing import Any

from moto.s3.models import s3_backends

from localcloud.persistence.files import StateDirectory

FOLDER = "s3"
BLOBS = f"{FOLDER}/blobs"
_USER_METADATA = "x-amz-meta-"


class S3State:
    def __init__(self, state: StateDirectory, account_id: str, partition: str = "aws"):
        self._state, self._account_id, self._partition = state, account_id, partition
        self._blob_of: dict[tuple[str, str, str], str] = {}  # (bucket, key, etag) -> blob: bytes read once

    def _backend(self):
        return s3_backends[self._account_id][self._partition]

    def save(self) -> None:
        buckets = dict(self._backend().buckets)
        for name, bucket in buckets.items():
            objects = {}
            for key_name, key in _latest_keys(bucket):
                objects[key_name] = {
                    "blob": self._blob(name, key_name, key),
                    "contentType": key.metadata.get("content-type"),
                    "metadata": {k[len(_USER_METADATA):]: v for k, v in key.metadata.items()
                                 if k.startswith(_USER_METADATA)},
                }
            self._state.write_json(f"{FOLDER}/buckets/{name}.json", {"bucket": name, "objects": objects})
        for relative in self._state.files(f"{FOLDER}/buckets"):
            if relative.rsplit("/", 1)[1][:-len(".json")] not in buckets:
                self._state.delete(relative)

    def _blob(self, bucket: str, key_name: str, key) -> str:
        cached = self._blob_of.get((bucket, key_name, key.etag))
        if cached:
            return cached
        data = key.value
        digest = hashlib.sha256(data).hexdigest()
        if not self._state.path(f"{BLOBS}/{digest}").exists():
            self._state.write_bytes(f"{BLOBS}/{digest}", data)
        self._blob_of[(bucket, key_name, key.etag)] = digest
        return digest

    def restore(self, client: Any) -> int:
        restored = 0
        for relative in self._state.files(f"{FOLDER}/buckets"):
            saved = self._state.read_json(relative)
            if saved["bucket"] not in self._backend().buckets:
                client.create_bucket(Bucket=saved["bucket"])
            for key_name, entry in saved["objects"].items():
                arguments = {"Bucket": saved["bucket"], "Key": key_name,
                             "Body": self._state.path(f"{BLOBS}/{entry['blob']}").read_bytes(),
                             "Metadata": entry["metadata"]}
                if entry["contentType"]:
                    arguments["ContentType"] = entry["contentType"]
                client.put_object(**arguments)
                restored += 1
            self._state.remember(relative)
        return restored


def _latest_keys(bucket) -> list:
    while True:
        try:
            return [(name, key) for name, key in list(bucket.keys.items()) if hasattr(key, "etag")]
        except RuntimeError:  # changed size while copied: copy again
            continue
